"""A list typed by another office (header 'TT | Tên thuê bao | Đối tượng | Đơn vị | … | Thời
hạn CTS | Mạng sử dụng | Nhu cầu sử dụng'): a district Party committee on the Party's network,
an expired certificate, one expiring soon in a merged province, a 'Trưởng phòng', and an officer
of 'Thừa Thiên Huế' who no longer needs hers."""

from __future__ import annotations

from openpyxl import Workbook

from . import inputs as i
from .conftest import plan_of

ROWS = (
    (1, "Huyện ủy Đồng Phú", "Tổ chức", "Huyện ủy Đồng Phú", "Tỉnh ủy Bình Phước", "Bình Phước",
     "", "5E01", "TKE01", "31/12/2027", "Mạng mật của cơ quan Đảng", "Còn"),
    (2, "Bùi Văn Tâm", "Cá nhân", i.SYT_DN, i.UB_DN, "Đồng Nai", "Chuyên viên", "5E02", "TKE02",
     "01/03/2025", "", "Còn"),
    (3, "Lý Thị Mai", "Cá nhân", i.SYT_BP, i.UB_BP, "Bình Phước", "Chuyên viên", "5E03", "TKE03",
     "15/08/2025", "", "Còn"),
    (4, "Trịnh Văn Long", "Cá nhân", i.SYT_DN, i.UB_DN, "Đồng Nai", "Trưởng phòng", "5E04",
     "TKE04", "31/12/2027", "", "Còn"),
    (5, "Đinh Thị Hoa", "Cá nhân", "Sở Y tế tỉnh Thừa Thiên Huế", "UBND tỉnh Thừa Thiên Huế",
     "Thừa Thiên Huế", "Chuyên viên", "5E05", "TKE05", "31/12/2027", "", "Không còn nhu cầu"),
)


def test_party_network_expiry_and_aliases(settings, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH THUÊ BAO"])
    ws.append([])
    ws.append(["TT", "Tên thuê bao", "Đối tượng", "Đơn vị", "Cơ quan chủ quản", "Tỉnh/TP",
               "Chức danh", "Serial CTS", "Số hiệu thiết bị", "Thời hạn CTS", "Mạng sử dụng",
               "Nhu cầu sử dụng"])
    for r in ROWS:
        ws.append(list(r))
    wb.save(tmp_path / "ds.xlsx")
    plan = plan_of(settings, [tmp_path / "ds.xlsx"])
    certs = {a.serial: a for a in plan.actions if a.kind == "certificate"}
    recall = {a.serial: a for a in plan.actions if a.kind == "token" and a.action == "recall"}
    # rule 14 + 393 §5: a Party-network token is recalled when its certificate is revoked
    assert (certs["5E01"].action, certs["5E01"].rule) == (
        "revoke", "393/BCY-CTSBMTT; NĐ 68/2024 Điều 17(3)(b)")
    assert recall["5E01"].token_serial == "TKE01"
    # rule 19: expired — never a renewal row, flagged by name
    assert "5E02" not in certs
    assert any(w.code == "expired" and "Bùi Văn Tâm" in w.message for w in plan.warnings)
    # rule 15 + renewal before expiry: one row says everything (issue 13 item 6)
    assert [c[0] for c in certs["5E03"].changes] == ["OU", "O", "ST", "renew"]
    assert ("ST", "Bình Phước", "Đồng Nai") in certs["5E03"].changes
    assert "5E04" not in certs                                 # nothing happens to him
    assert not any("Trịnh Văn Long" in w.message for w in plan.warnings if w.code == "leader_lag")
    # Thừa Thiên Huế is Huế: the token goes to Huế's bodies, never to a province that is gone
    assert certs["5E05"].action == "revoke"
    hand = [a for a in plan.actions if a.kind == "token" and a.action == "hand_over"]
    assert [a.hand_over_to for a in hand] == ["Sở Y tế thành phố Huế"]
    assert recall["5E05"].hand_over_to == "Sở Khoa học và Công nghệ thành phố Huế"


def test_a_row_whose_serial_was_blank_or_invalid_is_named(settings, tmp_path):
    """'00 5G 11' is no hexadecimal serial: the reader blanks it (a reading warning); the row of a
    retired officer with no serial at all: neither may vanish from the plan without a word."""
    wb = Workbook()
    ws = wb.active
    ws.append(["STT", "Họ và tên", "Loại thuê bao", "Cơ quan", "Tỉnh/Thành phố", "Số serial",
               "Ngày hết hạn", "Ghi chú"])
    ws.append([1, "Võ Văn Bảy", "Cá nhân", i.SYT_BP, "Bình Phước", "00 5G 11", "31/12/2027",
               "Nghỉ hưu"])
    ws.append([2, "Mai Thị Tám", "Cá nhân", i.SYT_BP, "Bình Phước", "5F12", "30/06/2027", ""])
    ws.append([3, "Hà Văn Chín", "Cá nhân", i.SYT_BP, "Bình Phước", "", "30/06/2027", "Nghỉ hưu"])
    wb.save(tmp_path / "ds.xlsx")
    plan = plan_of(settings, [tmp_path / "ds.xlsx"])
    assert {a.serial for a in plan.actions if a.kind == "certificate"} == {"5F12"}
    (w,) = [w for w in plan.warnings if w.code == "no_serial"]
    assert "Võ Văn Bảy" in w.message and "Hà Văn Chín" in w.message
    assert "Mai Thị Tám" not in w.message and "5G" not in " ".join(
        str(a.changes) + a.serial for a in plan.actions)
