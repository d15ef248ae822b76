"""The blocks every default template shares: the state header, "Kính gửi", "Nơi nhận" with the
signature block, for scripts/build_templates.py. Built with template_layout.py; the variables they
use are listed in templates/README.md."""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.enum.text import WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.shared import Mm, Pt
from docx.table import Table

import template_layout as L


def _cols(doc: DocxDocument) -> tuple[float, float]:
    width = L.text_width(doc) / Mm(1)
    left = 70.0 if width < 200 else 95.0
    return left, width - left


def header(doc: DocxDocument, *, subject: bool = True, number: bool = True) -> None:
    """Two columns without borders: managing agency / issuing agency / rule / "Số:" / "V/v" at
    left; national title / motto / rule / place and date (italic) at right."""
    left_mm, right_mm = _cols(doc)
    table = L.plain_table(doc, [left_mm, right_mm], rows=2)
    top_l, top_r = table.rows[0].cells
    L.para(top_l, [("{{ managing_agency|upper }}", "13")], align=L.CENTER)
    L.para(top_l, [("{{ agency|upper }}", "b13")], align=L.CENTER)
    L.rule(top_l, 25, left_mm)
    L.para(top_r, [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "b12")], align=L.CENTER)
    L.para(top_r, [("Độc lập - Tự do - Hạnh phúc", "b13")], align=L.CENTER)
    L.rule(top_r, 55, right_mm)
    low_l, low_r = table.rows[1].cells
    if number:
        L.para(low_l, [("Số: ", "13"), ("{{ number_symbol }}", "13")], align=L.CENTER,
               before=6)
    if subject:
        L.para(low_l, [("V/v ", "12"), ("{{ subject }}", "12")], align=L.CENTER, before=2)
    L.para(low_r, [("{{ place_date }}", "i14")], align=L.CENTER, before=6)
    L.para(doc, [])


def title(doc: DocxDocument, heading: str, subtitle: str) -> None:
    """A document type heading (BIÊN BẢN, BÁO CÁO …) and its summary line, both bold, centred."""
    L.para(doc, [(heading, "b14")], align=L.CENTER, before=6)
    L.para(doc, [(subtitle, "b14")], align=L.CENTER, after=12)


def kinh_gui(doc: DocxDocument) -> None:
    """One addressee on the line: "Kính gửi: <recipient>."."""
    L.para(doc, [("Kính gửi: ", ""), ("{{ recipient }}", ""), (".", "")], align=L.CENTER,
           after=12)


def kinh_gui_many(doc: DocxDocument) -> None:
    """Several addressees, one "- …;" line each, the last ending with a full stop."""
    L.para(doc, [("Kính gửi:", "")], align=L.CENTER)
    L.tag_paragraph(doc, "{%p for r in recipients %}")
    L.para(doc, [("- ", ""), ("{{ r }}", ""), ("{{ '.' if loop.last else ';' }}", "")],
           align=L.LEFT).paragraph_format.left_indent = Mm(45)
    L.tag_paragraph(doc, "{%p endfor %}")
    L.para(doc, [], after=6)


def _keep_with_closing(doc: DocxDocument, table: Table) -> None:
    """The signature block never splits and never stands alone on a page: its row does not
    break, and the paragraph before it (the closing sentence) moves with it."""
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    body = table._tbl.getprevious()
    while body is not None and body.tag.endswith("}p") and not "".join(body.itertext()).strip():
        body = body.getprevious()          # skip empty spacing paragraphs
    if body is not None and body.tag.endswith("}p"):
        body.get_or_add_pPr().keepNext_val = True


def _end_after(doc: DocxDocument) -> None:
    """A document ending in a table gets an empty paragraph from LibreOffice at full height;
    when the table ends at the foot of a page that paragraph alone made a blank last page.
    An explicit 1 pt paragraph takes its place."""
    p = L.para(doc, [])
    fmt = p.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(1)


def signature(doc: DocxDocument, *, noi_nhan: bool = True) -> None:
    """"Nơi nhận:" at left (bold italic 12, list 11: "- Như trên;" … "- Lưu: VT, <unit>.")
    and at right, on the same level, the authority, title, the PFSIGN marker and room for the
    signature, then the signer's name."""
    left_mm, right_mm = _cols(doc)
    table = L.plain_table(doc, [left_mm + 10, right_mm - 10])
    _keep_with_closing(doc, table)
    left, right = table.rows[0].cells
    if noi_nhan:
        L.para(left, [("Nơi nhận:", "bi12")], before=6)
        L.para(left, [("- Như trên;", "11")])
        L.tag_paragraph(left, "{%p for c in cc %}")
        L.para(left, [("- ", "11"), ("{{ c }}", "11"), (";", "11")])
        L.tag_paragraph(left, "{%p endfor %}")
        L.para(left, [("- Lưu: VT, ", "11"), ("{{ drafting_unit }}", "11"), (".", "11")])
    L.para(right, [("{{ signer_authority|upper }}", "b14")], align=L.CENTER, before=6)
    L.para(right, [("{{ signer_title|upper }}", "b14")], align=L.CENTER)
    # The sign stage centres a 72 pt high signature on the marker: two blank lines above and
    # below it give that room between the title and the name.
    for i in range(4):
        if i == 2:
            L.marker(right)
        L.para(right, [])
    L.para(right, [("{{ signer_name }}", "b14")], align=L.CENTER)
    _end_after(doc)


def two_party_signature(doc: DocxDocument, giver: str = "ĐẠI DIỆN BÊN GIAO") -> None:
    """Minutes: the giver's and the receiver's representatives side by side. The PFSIGN marker
    sits under the receiver, who keeps and registers the minutes."""
    width = L.text_width(doc) / Mm(1)
    table = L.plain_table(doc, [width / 2, width / 2])
    _keep_with_closing(doc, table)
    left, right = table.rows[0].cells
    for cell, who, name in ((left, giver, "{{ giver_signer }}"),
                            (right, "ĐẠI DIỆN BÊN NHẬN", "{{ receiver_signer }}")):
        L.para(cell, [(who, "b14")], align=L.CENTER, before=12)
        L.para(cell, [("(Ký, ghi rõ họ tên)", "i13")], align=L.CENTER)
        for i in range(4):
            if i == 2 and cell is right:
                L.marker(cell)
            L.para(cell, [])
        L.para(cell, [(name, "b14")], align=L.CENTER)
    _end_after(doc)
