from __future__ import annotations

from pathlib import Path

import pytest

from paperflow.extract.statements import decision_number, parse_clause, parse_text
from paperflow.models import MergeKind

M_NEW, M_KEEP, SUP, REN, DIS = (MergeKind.MERGE_NEW, MergeKind.MERGE_KEEP,
                                MergeKind.SUPERIOR_CHANGE, MergeKind.RENAME, MergeKind.DISSOLVE)


@pytest.mark.parametrize(("clause", "kind", "sources", "target", "superior"), [
    ("Sáp nhập Sở A, Sở B và Sở C thành Sở D", M_NEW, ("Sở A", "Sở B", "Sở C"), "Sở D", ""),
    ("Hợp nhất Sở Giao thông vận tải và Sở Xây dựng thành Sở Xây dựng và Giao thông",
     M_NEW, ("Sở Giao thông vận tải", "Sở Xây dựng"), "Sở Xây dựng và Giao thông", ""),
    ("Thành lập Sở Nội vụ trên cơ sở hợp nhất Sở Nội vụ cũ và Sở Lao động - Thương binh và "
     "Xã hội", M_NEW, ("Sở Nội vụ cũ", "Sở Lao động - Thương binh và Xã hội"), "Sở Nội vụ", ""),
    ("Sáp nhập Trung tâm Tin học vào Sở Khoa học và Công nghệ", M_KEEP, ("Trung tâm Tin học",),
     "Sở Khoa học và Công nghệ", ""),
    ("Sở Khoa học và Công nghệ tiếp nhận Trung tâm Tin học", M_KEEP, ("Trung tâm Tin học",),
     "Sở Khoa học và Công nghệ", ""),
    ("Hợp nhất Sở A và Sở B, giữ nguyên tên Sở B", M_KEEP, ("Sở A",), "Sở B", ""),
    ("Chuyển Chi cục Thủy lợi về trực thuộc Sở Nông nghiệp và Môi trường", SUP,
     ("Chi cục Thủy lợi",), "Chi cục Thủy lợi", "Sở Nông nghiệp và Môi trường"),
    ("Trung tâm Kiểm định trực thuộc Sở Khoa học và Công nghệ", SUP, ("Trung tâm Kiểm định",),
     "Trung tâm Kiểm định", "Sở Khoa học và Công nghệ"),
    ("Đổi tên Phòng Văn hóa và Thông tin thành Phòng Văn hóa - Xã hội", REN,
     ("Phòng Văn hóa và Thông tin",), "Phòng Văn hóa - Xã hội", ""),
    ("Giải thể Trung tâm Xúc tiến đầu tư", DIS, ("Trung tâm Xúc tiến đầu tư",), "", ""),
    ("Chấm dứt hoạt động của Ban Quản lý dự án", DIS, ("Ban Quản lý dự án",), "", ""),
    # diacritics lost or damaged by OCR; names stay as written
    ("Sap nhap Trung tam Tin hoc vao S6 KHCN tinh Hung Yén", M_KEEP, ("Trung tam Tin hoc",),
     "S6 KHCN tinh Hung Yén", ""),
    ("Tinh Hung Yén, Thai Binh dwoc sdp nhdp thanh tinh Hung Yén thi ca nhan", M_KEEP,
     ("Thai Binh",), "tinh Hung Yén", ""),
    ("Sát nhập Phòng Nội vụ và Phòng Lao động thành Phòng Nội vụ", M_KEEP,
     ("Phòng Lao động",), "Phòng Nội vụ", ""),
])
def test_statement(clause, kind, sources, target, superior):
    e = parse_clause(clause)
    assert e is not None
    assert (e.kind, e.sources, e.target, e.superior) == (kind, sources, target, superior)


@pytest.mark.parametrize("clause", [
    "Sở Y tế là cơ quan chuyên môn trực thuộc Ủy ban nhân dân tỉnh",
    "UBND tỉnh, thành phố trực thuộc Trung ương",
    "Trường hợp sáp nhập nhiều cơ quan, tổ chức thành một cơ quan, tổ chức",
    "Đề nghị quý Cơ quan phối hợp thực hiện",
])
def test_not_a_statement(clause):
    assert parse_clause(clause) is None


def test_ocr_damaged_seed_dispatch_keeps_original_names():
    seed = Path("/work/shared/seeds/004_de92b38497a68245.txt")
    if not seed.exists():
        pytest.skip("seed not available")
    events = parse_text(seed.read_text(encoding="utf-8"), confidence=0.8)
    assert [(e.kind, e.sources, e.target) for e in events] == [
        (M_KEEP, ("Thai Binh",), "tinh Hung Yén")]
    assert events[0].confidence == 0.8


def test_lines_broken_by_a_scanner_are_joined():
    text = "Điều 1. Sáp nhập Trung tâm\n\nTin học vào Sở Khoa\nhọc và Công nghệ.\nĐiều 2. Hiệu lực."
    (e,) = parse_text(text)
    assert (e.sources, e.target) == (("Trung tâm Tin học",), "Sở Khoa học và Công nghệ")


@pytest.mark.parametrize(("text", "expected"), [
    ("ỦY BAN NHÂN DÂN\nSố: 1520/QĐ-UBND\nHưng Yên, ngày 27 tháng 6 năm 2025\nQUYẾT ĐỊNH\n",
     "Quyết định số 1520/QĐ-UBND ngày 27/06/2025"),
    ("Căn cứ Nghị quyết số 60-NQ/TW ngày 12/4/2025 của Ban Chấp hành",
     "Nghị quyết số 60-NQ/TW ngày 12/4/2025"),
    ("Không có số hiệu nào", ""),
])
def test_decision_number(text, expected):
    assert decision_number(text) == expected
