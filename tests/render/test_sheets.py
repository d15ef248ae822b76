"""The .xlsx outputs, opened with openpyxl as the CA's system and a printer would see them."""

from __future__ import annotations

import zipfile

from openpyxl import load_workbook

from paperflow.render.sheets import IMPORT_COLUMNS


def _by_type(rendered, type_):
    return next(d for d in rendered if d.type == type_)


def test_import_sheet_has_the_19_columns_and_keeps_cccd_as_text(rendered):
    sheet = _by_type(rendered, "import_sheet").path
    ws = load_workbook(sheet)["Template_import VGCA"]
    header = [c.value for c in ws[1]]          # the system imports from row 1: no title above
    assert header == [n for n, _ in IMPORT_COLUMNS] and len(header) == 19
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    by_name = {r[1]: r for r in rows}
    minh = by_name["Trần Văn Minh"]
    assert minh[3] == "034085001234" and isinstance(minh[3], str)
    # every cell text, the row number too
    assert all(c.data_type == "s" for r in ws.iter_rows(min_row=2) for c in r if c.value)
    assert minh[0] == "2" and rows[0][0] == "1" and ws.cell(2, 4).number_format == "@"
    # the hierarchy AFTER the change: the new agency (Sở Tài chính) and the new unit
    assert minh[7:11] == ["ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN", "SỞ TÀI CHÍNH",
                          "PHÒNG KẾ HOẠCH & TÀI CHÍNH <KH&TC>", None]
    assert minh[14] == "5402B1" and minh[17] == "TOKEN" and minh[18] == "Thay đổi thông tin"
    # a province merge: every level that named Thái Bình names Hưng Yên, the province too
    nam = by_name["Đỗ Văn Nam"]
    assert nam[7:9] == ["ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN", "SỞ Y TẾ"] and nam[11] == "Hưng Yên"
    assert by_name["Phạm Quốc <Bảo> & Cộng"][18] == "Gia hạn"
    assert by_name["Vũ Thị Lan"][18] == "Khôi phục thiết bị lưu khóa bí mật"
    assert "Lê Thị Hoa" not in by_name                         # a revocation is not imported
    assert "Sở Tài chính tỉnh Hưng Yên" not in by_name        # 'keep' needs no request
    # the organisation renamed (rule 1) carries its new name
    assert by_name["Sở Nông nghiệp và Môi trường tỉnh Hưng Yên"][7:9] == [
        "ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"]


def test_no_cell_becomes_a_formula(tmp_path):
    """Issue 17 item 6: '=HYPERLINK(…)', '+84…', '-1', '@x' stay the text they are."""
    from paperflow.render.sheets import write_list, write_org_list
    bad = ["=HYPERLINK(\"http://x\",\"y\")", "+84912345678", "-1+1", "@SUM(A1)", "007"]
    person = {k: bad[i % len(bad)] for i, k in enumerate(
        ["stt", "name", "birth_date", "id_number", "email", "agency", "province", "title",
         "phone", "serial", "detail"])}
    lst = write_list(tmp_path / "l.xlsx", "=T", "+S", [person], [], "=D")
    org = write_org_list(tmp_path / "o.xlsx", [{"stt": "=1", "name": "=N", "managing": "-M",
                                                "province": "@P", "note": "+N"}], "=x")
    for path in (lst, org):
        raw = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
        assert b"<f>" not in raw and b"<f " not in raw
        for row in load_workbook(path).active.iter_rows():
            for c in row:
                assert c.value is None or (isinstance(c.value, str) and c.data_type == "s")
    ws = load_workbook(lst).active
    assert [c.value for c in ws[5]][:5] == bad


def test_attached_list_prints_on_a4_landscape_fitted_with_repeated_header(rendered):
    d = next(d for d in rendered if d.type == "dispatch" and d.request == "revoke")
    xlsx = next(a for a in d.attachments if a.suffix == ".xlsx")
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["Cá nhân", "Tổ chức"]
    ws = wb["Cá nhân"]
    assert ws["A1"].value.startswith("DANH SÁCH THUÊ BAO ĐỀ NGHỊ THU HỒI")
    assert ws.cell(4, 1).value == "STT" and ws.cell(4, 11).value == "Lý do thu hồi"
    assert ws.print_title_rows == "$4:$4"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.cell(5, 2).border.left.style == "thin"
    assert ws.column_dimensions["B"].width >= 20
    assert ws.cell(5, 4).value == "001190000777"
    assert wb["Tổ chức"].max_row == 4 + 2                      # KH&ĐT and TN&MT revoked


def test_org_list_sheet_has_the_hierarchy(rendered):
    org = _by_type(rendered, "org_list")
    ws = load_workbook(org.attachments[0]).active
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=5)]
    names = [r[1] for r in rows]
    assert "Sở Nông nghiệp và Môi trường tỉnh Hưng Yên" in names
    nnmt = rows[names.index("Sở Nông nghiệp và Môi trường tỉnh Hưng Yên")]
    assert nnmt[2] == "ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN"
    assert nnmt[3] == "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"
    assert "Tên cũ" in nnmt[7]


def test_the_review_sheet_is_text_too(tmp_path):
    """Issue 17 item 6 for XEM-XET.xlsx: a subscriber named '=HYPERLINK(…)' stays text."""
    from paperflow.config import Settings
    from paperflow.render.review import ReviewRow, write_review_xlsx
    row = ReviewRow("k1", "=HYPERLINK(\"http://x\",\"y\")", "+84 Sở", "0054",
                    "change_info", "-1", "@r", "rule", "src", "2", "w")
    out = write_review_xlsx(Settings(workspace=tmp_path), "b", [row], tmp_path)
    raw = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in raw
    ws = load_workbook(out).active
    values = [c.value for r in ws.iter_rows() for c in r if c.value is not None]
    assert "=HYPERLINK(\"http://x\",\"y\")" in values and "0054" in values
    assert all(isinstance(v, str) for v in values)
