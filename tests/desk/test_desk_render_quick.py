"""The focal point's desk documents rendered without LibreOffice: a numbered reply to each
requesting agency with one row per subscriber and its result, and the processing register
listing every request with its check. The slow test_focal_desk.py drives the whole desk."""

from __future__ import annotations

from pathlib import Path

from desk_sample import FOCAL, STC, XA, agency_settings, desk_documents
from docx import Document


def _text(path: Path) -> str:
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_a_reply_per_requesting_agency_and_one_processing_register(tmp_path: Path) -> None:
    settings = agency_settings(tmp_path / "ws", FOCAL, "SKHCN", "Nguyễn Văn Khoa", "GIÁM ĐỐC")
    docs = desk_documents(settings, tmp_path / "out")
    replies = {d.recipient: d for d in docs if d.type == "dispatch"}
    (register,) = [d for d in docs if d.type == "register"]
    assert set(replies) == {STC, XA} and all(d.path.is_file() for d in docs)
    stc = _text(replies[STC].path)
    assert "11/STC-VP" in stc and "Trần Văn Minh" in stc and "Phạm Quốc Bảo" in stc
    assert "Đã gia hạn trên Hệ thống đăng ký" in stc
    xa = _text(replies[XA].path)
    assert "13/UBND-VP" in xa and "Bùi Thị Xuân" in xa and "Trần Văn Minh" not in xa
    book = _text(register.path)
    assert "11/STC-VP" in book and "13/UBND-VP" in book
    assert "{{" not in stc + xa + book                    # every variable filled in
