from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from paperflow import extract
from paperflow.models import InputKind


def _workbook(path: Path, header: list[str], rows: list[list[object]], *,
              title_rows: int = 4) -> Path:
    """A list as agencies send it: title block with merged cells, header lower down."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "UBND TỈNH THÁI BÌNH"
    ws["A2"] = "SỞ TÀI CHÍNH"
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws["A3"] = "DANH SÁCH THUÊ BAO ĐỀ NGHỊ THAY ĐỔI THÔNG TIN CHỨNG THƯ SỐ"
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=len(header))
    ws["A4"] = "(Kèm theo Công văn số 12/STC-VP ngày 20/6/2025)"
    r0 = title_rows + 1
    for c, h in enumerate(header, start=1):
        ws.cell(r0, c, h)
    for c in range(1, len(header) + 1):
        ws.cell(r0 + 1, c, f"({c})")          # column-number row under the header
    for i, row in enumerate(rows):
        for c, v in enumerate(row, start=1):
            ws.cell(r0 + 2 + i, c, v)
    ws.cell(r0 + 3 + len(rows), 2, "Người lập biểu")
    wb.save(path)
    return path


HEADER = ["STT", "Số serial\nchứng thư số", "HỌ VÀ TÊN", "Ngay het han", "So CCCD",
          "Chức vụ", "Cơ quan/đơn vị\ncông tác", "Tỉnh/TP", "Thư điện tử", "Ghi chú",
          "Nhu cầu sử dụng", "Cột thêm của đơn vị", "Loại thuê bao",
          "Số serial thiết bị", "Cơ quan quản lý cấp trên"]
ROWS = [
    [1, "54 01 01 01 ab 12", "Nguyễn Văn An", datetime(2026, 3, 31), 34185001234,
     "Giám đốc", "Sở Tài chính tỉnh Thái Bình", "Thái Bình", "AN@thaibinh.gov.vn", "",
     "Còn", "x", "Cá nhân", "0x5402ff", "UBND tỉnh Thái Bình"],
    [2, "0x5401010199CD", "Trần Thị Bình", "15/08/2025", "034190009876", "Kế toán",
     "Sở Tài chính tỉnh Thái Bình", "Thái Bình", "", "Nghỉ hưu từ 01/7/2025", "", "", "",
     "", ""],
    [3, "540101010001", "Sở Tài chính tỉnh Thái Bình", "01/01/2027", None, "", "",
     "Thái Bình", "", "", "Hết nhu cầu", "", "", "", ""],
    [4, "540101010002", "Văn phòng Sở Tài chính", None, None, "", "", "Thái Bình", "", "",
     "Không còn nhu cầu", "", "", "", ""],
]


@pytest.fixture
def subscriber_list(tmp_path: Path) -> Path:
    return _workbook(tmp_path / "ds.xlsx", HEADER, ROWS)


def test_subscriber_list_with_title_block_and_shuffled_headers(subscriber_list, as_incoming):
    result = extract.read(as_incoming(subscriber_list))
    assert result.kind is InputKind.SUBSCRIBER_LIST
    a, b, org, vp = result.subscribers
    assert (a.name, a.cert_serial, a.id_number, a.valid_until) == (
        "Nguyễn Văn An", "54010101AB12", "034185001234", date(2026, 3, 31))
    assert (a.title, a.agency, a.province, a.email) == (
        "Giám đốc", "Sở Tài chính tỉnh Thái Bình", "Thái Bình", "an@thaibinh.gov.vn")
    assert (a.type, a.needed, a.token_serial, a.managing_agency) == (
        "person", True, "5402FF", "UBND tỉnh Thái Bình")
    assert (b.cert_serial, b.valid_until, b.id_number) == (
        "5401010199CD", date(2025, 8, 15), "034190009876")
    assert not b.needed and "Nghỉ hưu" in b.need_note
    assert org.type == "organization" and not org.needed and org.need_note == "Hết nhu cầu"
    assert vp.type == "organization" and not vp.needed
    assert all(s.source == "ds.xlsx" for s in result.subscribers)


def test_csv_list_semicolon_utf8_bom(tmp_path, as_incoming):
    p = tmp_path / "export.txt"
    p.write_text("Ho va ten;Serial CTS;So dinh danh ca nhan;Hieu luc den\n"
                 "Lê Văn Cường;0x54 01 AA;001085000111;31/12/2025\n", encoding="utf-8-sig")
    result = extract.read(as_incoming(p))
    (s,) = result.subscribers
    assert (s.name, s.cert_serial, s.id_number, s.valid_until) == (
        "Lê Văn Cường", "5401AA", "001085000111", date(2025, 12, 31))


def test_personnel_changes(tmp_path, as_incoming):
    p = _workbook(tmp_path / "nhansu.xlsx",
                  ["TT", "Họ tên", "Chức vụ", "Đơn vị", "Nội dung thay đổi", "Chức vụ mới",
                   "Đơn vị mới", "Số hiệu chứng thư"],
                  [[1, "Phạm Văn Dũng", "Phó Giám đốc", "Sở Nội vụ", "Nghỉ hưu", "", "",
                    "5401AB"],
                   [2, "Hoàng Thị Én", "Trưởng phòng", "Sở Nội vụ", "Bổ nhiệm", "Phó Giám đốc",
                    "Sở Nội vụ tỉnh Hưng Yên", "5401AC"]])
    result = extract.read(as_incoming(p))
    assert result.kind is InputKind.PERSONNEL
    d, e = result.subscribers
    assert not d.needed and d.need_note.startswith("Nghỉ hưu")
    assert e.needed and (e.new_title, e.new_agency) == ("Phó Giám đốc", "Sở Nội vụ tỉnh Hưng Yên")


def test_decision_table_in_xlsx(tmp_path, as_incoming):
    p = _workbook(tmp_path / "sapxep.xlsx",
                  ["STT", "Đơn vị trước sắp xếp", "Đơn vị sau sắp xếp", "Ghi chú"],
                  [[1, "Sở Kế hoạch và Đầu tư", "Sở Tài chính", ""],
                   [2, "Sở Tài chính", "Sở Tài chính", ""],
                   [3, "Sở Lao động - Thương binh và Xã hội", "Sở Nội vụ", ""],
                   [4, "Sở Nội vụ", "Sở Nội vụ", ""],
                   [5, "Sở Giao thông vận tải\nSở Xây dựng", "Sở Xây dựng và Giao thông", ""],
                   [6, "Ban Dân tộc", "", "Giải thể"]])
    result = extract.read(as_incoming(p))
    assert result.kind is InputKind.DECISION
    got = {(e.kind.value, e.sources, e.target) for e in result.merge_events}
    assert got == {
        ("merge_keep", ("Sở Kế hoạch và Đầu tư",), "Sở Tài chính"),
        ("merge_keep", ("Sở Lao động - Thương binh và Xã hội",), "Sở Nội vụ"),
        ("merge_new", ("Sở Giao thông vận tải", "Sở Xây dựng"), "Sở Xây dựng và Giao thông"),
        ("dissolve", ("Ban Dân tộc",), ""),
    }


def test_sheet_without_a_header_is_rejected_with_reason(tmp_path, as_incoming):
    wb = openpyxl.Workbook()
    wb.active.append(["Ghi chép", "linh tinh"])
    wb.save(tmp_path / "x.xlsx")
    with pytest.raises(extract.InputRejected) as exc:
        extract.read(as_incoming(tmp_path / "x.xlsx"))
    assert exc.value.code == "no_header" and "Họ và tên" in exc.value.vi
