"""The .xlsx outputs (openpyxl): attached lists, the CA's 19-column import sheet, the org list.

Every sheet prints as clerks expect: a title, bordered cells, set column widths, the header row
repeated on each page, A4 (landscape where wide) fitted to the page width. Every cell paperflow
writes is text: a value beginning with = + - @ stays the words it is (never a formula a
spreadsheet would run), a CCCD keeps its leading 0, a date stays as printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import copy
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .context import hierarchy

FONT = "Times New Roman"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

# The CA registration system's import columns (docs/DOMAIN.md); keep their order and spelling.
IMPORT_COLUMNS = [
    ("STT", 6), ("Họ tên", 26), ("Ngày sinh", 12), ("CCCD", 15), ("Nơi cấp", 20),
    ("Ngày cấp", 12), ("Email công vụ", 30), ("Tổ chức cấp 1", 30), ("Tổ chức cấp 2", 30),
    ("Tổ chức cấp 3", 24), ("Tổ chức cấp 4", 20), ("Tỉnh/Thành phố", 16), ("Chức vụ", 18),
    ("Điện thoại", 14), ("Serial CTS cũ", 36), ("Nhà mạng", 10), ("Là chuyển số", 10),
    ("Loại thiết bị", 12), ("Ghi chú", 36),
]

PERSON_COLUMNS = [
    ("STT", 6), ("Họ và tên", 24), ("Ngày sinh", 12), ("Số định danh cá nhân", 16),
    ("Thư điện tử công vụ", 28), ("Cơ quan, tổ chức công tác", 30), ("Tỉnh/Thành phố", 14),
    ("Chức vụ", 16), ("Số điện thoại", 14), ("Số hiệu chứng thư", 34), ("{detail}", 36),
]
PERSON_KEYS = ["stt", "name", "birth_date", "id_number", "email", "agency", "province", "title",
               "phone", "serial", "detail"]
ORG_COLUMNS = [
    ("STT", 6), ("Tên cơ quan, tổ chức", 36), ("Cơ quan quản lý cấp trên", 32),
    ("Tỉnh/Thành phố", 14), ("Thư điện tử công vụ", 28), ("Số hiệu chứng thư", 34),
    ("{detail}", 36),
]
ORG_KEYS = ["stt", "name", "managing", "province", "email", "serial", "detail"]


def put_text(ws: Worksheet, row: int, column: int, value: object) -> Cell:
    """A cell holding `value` as text: openpyxl would store a string beginning with '=' as a
    formula, and a number as a number; the type is set after the value for that reason."""
    c = ws.cell(row, column)
    if value is None or value == "":
        return c
    c.value = value if isinstance(value, str) else str(value)
    c.data_type = "s"
    c.number_format = "@"
    return c


def write_table(ws: Worksheet, title: str, subtitle: str,
                columns: Sequence[tuple[str, float]], rows: Sequence[Sequence[object]], *,
                landscape: bool = True) -> None:
    """A bordered table of text cells under a title and subtitle (none for a sheet another
    system imports: its header is then row 1)."""
    ncols = len(columns)
    header_row = 1
    if title or subtitle:
        put_text(ws, 1, 1, title)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
        ws.cell(1, 1).font = Font(name=FONT, size=14, bold=True)
        ws.cell(1, 1).alignment = Alignment(horizontal="center")
        put_text(ws, 2, 1, subtitle)
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncols)
        ws.cell(2, 1).font = Font(name=FONT, size=12, italic=True)
        ws.cell(2, 1).alignment = Alignment(horizontal="center")
        header_row = 4
    for i, (name, width) in enumerate(columns, start=1):
        c = put_text(ws, header_row, i, name)
        c.font = Font(name=FONT, size=12, bold=True)
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.border = BORDER
        ws.column_dimensions[get_column_letter(i)].width = width
    # Styling a cell through openpyxl's descriptors hashes each Font/Alignment/Border into the
    # workbook's style lists (≈ 0.1 ms a cell, seconds for a province's list): style one body
    # cell of each kind, then give the others a copy of its style ids (openpyxl's own idiom in
    # WorksheetCopy) — the same styles in the file.
    styled: StyleArray | None = None
    for r, values in enumerate(rows, start=header_row + 1):
        for i, value in enumerate(values, start=1):
            c = put_text(ws, r, i, value)
            if styled is not None:
                c._style = copy(styled)
                continue
            c.font = Font(name=FONT, size=12)
            c.alignment = Alignment(vertical="top", wrap_text=True)
            c.border = BORDER
            c.number_format = "@"
            styled = copy(c._style)
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6


def write_list(path: Path, title: str, subtitle: str, persons: Sequence[dict],
               organizations: Sequence[dict], detail_heading: str) -> Path:
    """The attached list of a dispatch: one sheet for persons, one for organisations."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet, cols, keys, rows in (("Cá nhân", PERSON_COLUMNS, PERSON_KEYS, persons),
                                    ("Tổ chức", ORG_COLUMNS, ORG_KEYS, organizations)):
        if not rows:
            continue
        ws = wb.create_sheet(sheet)
        columns = [(n.format(detail=detail_heading), w) for n, w in cols]
        write_table(ws, title, subtitle, columns, [[r[k] for k in keys] for r in rows])
    wb.save(path)
    return path


def write_import_sheet(path: Path, rows: Sequence[dict]) -> Path:
    """The CA registration system's "Template_import VGCA" sheet: its header in row 1, one row
    per subscriber to import (render/context.import_row), every cell text."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Template_import VGCA"
    data = [[str(n), r["name"], r["birth_date"], r["id_number"], r["id_place"], r["id_issued"],
             r["email"], *r["levels"], r["province"], r["title"], r["phone"], r["serial"], "",
             "", r["device"], r["note"]] for n, r in enumerate(rows, start=1)]
    write_table(ws, "", "", IMPORT_COLUMNS, data)
    wb.save(path)
    return path


def write_org_list(path: Path, rows: Sequence[dict], subtitle: str) -> Path:
    """Rule 8: the agencies under the focal point with their hierarchy."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách cơ quan"
    cols = [("STT", 6), ("Tên cơ quan, tổ chức", 40), ("Tổ chức cấp 1", 34),
            ("Tổ chức cấp 2", 34), ("Tổ chức cấp 3", 24), ("Tổ chức cấp 4", 20),
            ("Tỉnh/Thành phố", 16), ("Ghi chú", 36)]
    data = [[r["stt"], r["name"], *hierarchy([r["managing"], r["name"]]), r["province"],
             r["note"]] for r in rows]
    write_table(ws, "DANH SÁCH CƠ QUAN, TỔ CHỨC", subtitle, cols, data)
    wb.save(path)
    return path


def write_register(path: Path, columns: Sequence[tuple[str, float]],
                   rows: Sequence[Sequence[object]], subtitle: str) -> Path:
    """The focal point's processing register (sổ theo dõi), one row per subscriber row of each
    received request."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sổ theo dõi"
    write_table(ws, "SỔ THEO DÕI XỬ LÝ ĐỀ NGHỊ VỀ CHỨNG THƯ CHỮ KÝ SỐ", subtitle, columns, rows)
    wb.save(path)
    return path
