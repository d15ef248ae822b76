"""What a clerk reads in the terminal after a batch."""

from __future__ import annotations

from .config import Settings
from .pipeline import BatchResult


def print_batch(result: BatchResult, settings: Settings) -> None:
    print(f"Đã nhận {len(result.taken)} tệp; trùng lặp {len(result.duplicates)}; "
          f"bị từ chối {len(result.rejected)}.")
    print(f"(Taken {len(result.taken)}, duplicates {len(result.duplicates)}, "
          f"rejected {len(result.rejected)}.)")
    for name, reason in result.rejected:
        print(f"  ✗ {name}: {reason}  → inbox/rejected/")
    if not result.folder:
        print("Không có việc mới cần lập văn bản. (Nothing new to prepare.)")
        return
    rel = result.folder.relative_to(settings.workspace)
    print(f"Lô {result.batch}: {len(result.documents)} văn bản trong {rel}/ "
          f"({len(result.documents)} documents)")
    if result.signed:
        print(f"  Đã ký số {result.signed} tệp PDF. (Signed {result.signed} PDFs.)")
    if result.unsigned_reason:
        print(f"  {result.unsigned_reason}")
    if result.mails:
        print(f"  {len(result.mails)} thư điện tử (.eml) trong {rel}/mail/ "
              f"({len(result.mails)} e-mails ready)")
    for err in result.errors:
        print(f"  LỖI / ERROR: {err}")
