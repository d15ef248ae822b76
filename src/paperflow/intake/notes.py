"""The note left beside a quarantined file (NAME.error.txt): what is wrong and what to do."""

from __future__ import annotations

from .. import clock
from ..errors import PaperflowError


def error_note(name: str, error: PaperflowError) -> str:
    """The text of NAME.error.txt: what is wrong and what to do, Vietnamese then English."""
    when = clock.now().strftime("%d/%m/%Y %H:%M")
    return (
        f"Tệp / File: {name}\n"
        f"Thời điểm / Time: {when}\n\n"
        f"LÝ DO KHÔNG XỬ LÝ ĐƯỢC:\n{error.vi}\n\n"
        "CÁCH XỬ LÝ: sửa tệp theo hướng dẫn trên, lưu lại, rồi chép tệp đã sửa vào thư mục "
        "inbox/. Tệp giữ nguyên nội dung sẽ bị coi là trùng và không được xử lý lại.\n\n"
        f"WHY IT WAS NOT PROCESSED:\n{error.en}\n\n"
        "WHAT TO DO: fix the file as described above, save it, and copy the corrected file "
        "into inbox/. The same unchanged content counts as a duplicate and is not reprocessed.\n"
    )
