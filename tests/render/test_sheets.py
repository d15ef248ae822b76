"""The .xlsx outputs, opened with openpyxl as the CA's system and a printer would see them."""

from __future__ import annotations

from openpyxl import load_workbook

from paperflow.render.sheets import IMPORT_COLUMNS


def _by_type(rendered, type_):
    return next(d for d in rendered if d.type == type_)


def test_import_sheet_has_the_19_columns_and_keeps_cccd_as_text(rendered):
    sheet = _by_type(rendered, "import_sheet").path
    ws = load_workbook(sheet)["Template_import VGCA"]
    header = [c.value for c in ws[4]]
    assert header == [n for n, _ in IMPORT_COLUMNS] and len(header) == 19
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=5)]
    by_name = {r[1]: r for r in rows}
    minh = by_name["Trần Văn Minh"]
    assert minh[3] == "034085001234" and isinstance(minh[3], str)
    assert ws.cell(5, 4).number_format == "@"
    assert minh[7] == "ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN"
    assert minh[8] == "SỞ KẾ HOẠCH VÀ ĐẦU TƯ TỈNH HƯNG YÊN"
    assert minh[14] == "5402B1" and minh[17] == "TOKEN"
    assert by_name["Lê Thị Hoa"][3] == "001190000777"
    assert "Phạm Quốc <Bảo> & Cộng" in by_name
    assert "Sở Tài chính tỉnh Hưng Yên" not in by_name        # 'keep' needs no request


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
    assert nnmt[3] == "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG TỈNH HƯNG YÊN"
    assert "Tên cũ" in nnmt[7]
