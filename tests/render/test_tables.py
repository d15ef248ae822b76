"""Long tables are cut into pieces LibreOffice lays out in linear time (render/tables.py)."""

from __future__ import annotations

from docx import Document

from paperflow.render.engine import render_docx, template_path
from paperflow.render.tables import ROWS_PER_TABLE


def _person(i: int) -> dict[str, str]:
    return {"stt": str(i), "name": f"Nguyễn Văn {i}", "birth_date": "01/01/1980",
            "id_number": f"0340800{i:05d}", "email": "an.nv@hungyen.gov.vn",
            "agency": "Ủy ban nhân dân xã Hòa Bình", "province": "Hưng Yên",
            "title": "Chuyên viên", "serial": f"5402A1B2{i:08X}", "detail": "Đổi tên cơ quan"}


def _render(tmp_path, n: int):
    ctx = {k: "Sở Khoa học và Công nghệ" for k in (
        "managing_agency", "agency", "place_date", "request_title", "number_symbol",
        "date_short", "agency_name", "detail_heading")}
    ctx.update(persons=[_person(i) for i in range(1, n + 1)], organizations=[], part_label="")
    out = render_docx(template_path(None, "danh_sach_kem_theo.docx"), ctx, tmp_path / "l.docx")
    return Document(str(out))


def test_a_long_list_keeps_every_row_in_order_with_the_header_on_each_piece(tmp_path):
    n = 2 * ROWS_PER_TABLE + 37
    doc = _render(tmp_path, n)
    lists = [t for t in doc.tables if t.rows[0].cells[0].text.strip() == "STT"]
    assert [len(t.rows) - 1 for t in lists] == [ROWS_PER_TABLE, ROWS_PER_TABLE, 37]
    numbers = [r.cells[0].text for t in lists for r in t.rows[1:]]
    assert numbers == [str(i) for i in range(1, n + 1)]
    assert all(t.rows[0].cells[1].text == lists[0].rows[0].cells[1].text for t in lists)


def test_a_short_list_stays_one_table(tmp_path):
    doc = _render(tmp_path, ROWS_PER_TABLE)
    lists = [t for t in doc.tables if t.rows[0].cells[0].text.strip() == "STT"]
    assert [len(t.rows) - 1 for t in lists] == [ROWS_PER_TABLE]
