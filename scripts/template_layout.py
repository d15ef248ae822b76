"""python-docx primitives for the state format of Nghị định 30/2020/NĐ-CP, Phụ lục I.

Used only by build_templates.py to BUILD the default templates; paperflow never imports it.
Every Jinja tag is written into a run of its own, so Word can edit the text around it without
splitting the tag (the most common way clerks break docxtpl templates).
"""

from __future__ import annotations

from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
BODY_PT = 14
CENTER = WD_ALIGN_PARAGRAPH.CENTER
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY
LEFT = WD_ALIGN_PARAGRAPH.LEFT

# A run spec: (text, style letters) — "b" bold, "i" italic, "u" underline, digits = size in pt.
Run = tuple[str, str]


def new_document(*, landscape: bool = False) -> DocxDocument:
    """A4, margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman 14; page numbers
    centred at the top from page 2 (a different first-page header keeps page 1 clean)."""
    doc = Document()
    sec = doc.sections[0]
    if landscape:
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = Mm(297), Mm(210)
    else:
        sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin = sec.bottom_margin = Mm(20)
    sec.left_margin, sec.right_margin = Mm(30), Mm(15)
    sec.header_distance = Mm(10)
    for name in ("Normal", "Table Grid"):
        style = doc.styles[name]
        style.font.name = FONT
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), FONT)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    normal.font.color.rgb = RGBColor(0, 0, 0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    sec.different_first_page_header_footer = True
    _page_number(sec.header.paragraphs[0])
    return doc


def text_width(doc: DocxDocument) -> int:
    sec = doc.sections[-1]
    return sec.page_width - sec.left_margin - sec.right_margin


def _page_number(p: Paragraph) -> None:
    p.alignment = CENTER
    run = p.add_run()
    run.font.size = Pt(13)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"),
                       ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText" if text == " PAGE " else "w:t")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def runs(p: Paragraph, parts: Sequence[Run], size: float | None = None) -> Paragraph:
    """Add runs; each part (a literal text or ONE Jinja tag) becomes one run."""
    for text, fmt in parts:
        run = p.add_run(text)
        run.bold = "b" in fmt or None
        run.italic = "i" in fmt or None
        if "u" in fmt:
            run.underline = True
        digits = "".join(ch for ch in fmt if ch.isdigit())
        if digits or size:
            run.font.size = Pt(int(digits) if digits else size)
    return p


def para(container, parts: Sequence[Run] | str = (), *, align=None, size: float | None = None,
         indent: bool = False, after: float = 0, before: float = 0, keep: bool = False) -> Paragraph:
    """A paragraph in a document or a table cell (cells start with one empty paragraph)."""
    # A fresh cell holds one empty paragraph without runs; every paragraph made here has a run.
    if isinstance(container, _Cell) and len(container.paragraphs) == 1 \
            and not container.paragraphs[0].runs:
        p = container.paragraphs[0]
    else:
        p = container.add_paragraph()
    if isinstance(parts, str):
        parts = [(parts, "")]
    if not parts:
        parts = [("", "")]
    runs(p, parts, size)
    fmt = p.paragraph_format
    if align is not None:
        p.alignment = align
    if indent:
        fmt.first_line_indent = Cm(1.27)
    fmt.space_after = Pt(after)
    fmt.space_before = Pt(before)
    if keep:
        fmt.keep_with_next = True
    return p


def body(doc, parts: Sequence[Run] | str, *, indent: bool = True) -> Paragraph:
    """A body paragraph: 14 pt, justified, first-line indent 1.27 cm, 6 pt after."""
    return para(doc, parts, align=JUSTIFY, indent=indent, after=6, size=BODY_PT)


def tag_paragraph(container, tag: str) -> Paragraph:
    """A paragraph holding only a `{%p … %}` control tag (docxtpl removes it on rendering)."""
    return para(container, [(tag, "")])


def rule(container, width_mm: float, cell_mm: float) -> Paragraph:
    """A short centred horizontal rule: an empty paragraph with a bottom border, indented so the
    border is `width_mm` long in a cell `cell_mm` wide (Word keeps it when the text is edited)."""
    p = para(container, [("", "")], size=2)
    side = Mm(max(0.0, (cell_mm - width_mm) / 2))
    p.paragraph_format.left_indent = side
    p.paragraph_format.right_indent = side
    ppr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    bdr.append(bottom)
    ppr.append(bdr)
    return p


def plain_table(container, cols_mm: Sequence[float], rows: int = 1) -> Table:
    """A table without borders (the header and signature blocks)."""
    table = container.add_table(rows=rows, cols=len(cols_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _widths(table, cols_mm)
    return table


def grid_table(container, cols_mm: Sequence[float], header: Sequence[str], *,
               size: float = 11) -> Table:
    """A bordered data table with one header row that repeats on every page."""
    table = container.add_table(rows=1, cols=len(cols_mm))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _widths(table, cols_mm)
    row = table.rows[0]
    trpr = row._tr.get_or_add_trPr()
    head = OxmlElement("w:tblHeader")
    head.set(qn("w:val"), "true")
    trpr.append(head)
    for cell, title in zip(row.cells, header, strict=True):
        para(cell, [(title, "b")], align=CENTER, size=size)
    return table


def add_row(table: Table, cells: Sequence[str], *, size: float = 11,
            align: Sequence | None = None, bold: bool = False) -> None:
    """A row whose cells each hold one text (a Jinja tag or a literal); a row never splits
    across pages."""
    row = table.add_row()
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for i, (cell, text) in enumerate(zip(row.cells, cells, strict=True)):
        para(cell, [(text, "b" if bold else "")], size=size, align=(align[i] if align else LEFT))


def loop_rows(table: Table, var: str, seq: str, cells: Sequence[str], *, size: float = 11,
              align: Sequence | None = None) -> None:
    """`{%tr for var in seq %}` / data row / `{%tr endfor %}`: a table that grows with the data."""
    add_row(table, [f"{{%tr for {var} in {seq} %}}"] + [""] * (len(cells) - 1), size=size)
    add_row(table, cells, size=size, align=align)
    add_row(table, ["{%tr endfor %}"] + [""] * (len(cells) - 1), size=size)


def _widths(table: Table, cols_mm: Sequence[float]) -> None:
    tblpr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)
    for col, w in zip(table.columns, cols_mm, strict=True):
        col.width = Mm(w)
        for cell in col.cells:
            cell.width = Mm(w)


def marker(container) -> Paragraph:
    """The signature marker: `PFSIGN` in white 6 pt; the signer finds it in the PDF and puts
    the visible signature there (contract with the sign stage)."""
    p = para(container, [("PFSIGN", "6")], align=CENTER)
    p.runs[0].font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    return p
