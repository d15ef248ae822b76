"""Spreadsheets (.xlsx via openpyxl, .csv) → bounded rows of cell values.

openpyxl runs in read-only mode (streaming: memory does not grow with the sheet) and only up to
MAX_ROWS × MAX_COLS cells are ever read; a sheet with more data rows is refused with a reason
rather than read for minutes. The zip was already checked by `sniff` before openpyxl opens it.
"""

from __future__ import annotations

import csv
import io
import warnings
from pathlib import Path
from typing import Any

from ..text import nfc
from .sniff import reject

MAX_ROWS = 20_000
MAX_COLS = 60
MAX_SHEETS = 50

Row = tuple[Any, ...]


def _too_big(what: str) -> Exception:
    return reject(
        f"Bảng tính quá lớn ({what}; tối đa {MAX_ROWS} dòng, {MAX_COLS} cột mỗi trang). Xóa "
        "các dòng/cột trống thừa hoặc tách thành nhiều tệp.",
        f"The sheet is too large ({what}; at most {MAX_ROWS} rows and {MAX_COLS} columns a "
        "sheet). Delete stray empty rows/columns or split the file.", "too_large")


def _trim(row: Row) -> Row:
    values = list(row)
    while values and (values[-1] is None or (isinstance(values[-1], str) and not
                                             values[-1].strip())):
        values.pop()
    return tuple(values)


def read_xlsx(path: Path) -> list[tuple[str, list[Row]]]:
    """(sheet title, rows) for every visible sheet; rows trimmed of trailing empty cells."""
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")     # openpyxl warns about unknown extensions
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (KeyError, ValueError, zip errors)
        raise reject(
            "Không mở được tệp Excel (hỏng hoặc không đúng định dạng .xlsx). Mở bằng Excel, "
            "'Lưu thành' Excel Workbook (.xlsx) rồi gửi lại.",
            f"Cannot open the Excel file ({exc.__class__.__name__}). Open it in Excel, 'Save "
            "As' Excel Workbook (.xlsx) and send it again.", "bad_xlsx") from exc
    sheets: list[tuple[str, list[Row]]] = []
    try:
        for ws in wb.worksheets[:MAX_SHEETS]:
            if getattr(ws, "sheet_state", "visible") != "visible":
                continue
            rows: list[Row] = []
            for i, row in enumerate(ws.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLS + 1,
                                                 values_only=True)):
                row = _trim(row)
                if len(row) > MAX_COLS:
                    raise _too_big(f"trang '{ws.title}': hơn {MAX_COLS} cột")
                if i >= MAX_ROWS and row:
                    raise _too_big(f"trang '{ws.title}': hơn {MAX_ROWS} dòng")
                rows.append(row)
            while rows and not rows[-1]:
                rows.pop()
            sheets.append((nfc(ws.title), rows))
    finally:
        wb.close()
    return sheets


def read_text(path: Path) -> str:
    """A text file's content, whatever the encoding clerks' tools saved it in."""
    data = path.read_bytes()
    if len(data) > 20 * 1024 * 1024:
        raise _too_big(f"{len(data) // (1024 * 1024)} MB")
    for enc in ("utf-8-sig", "utf-16", "cp1258"):
        if enc == "utf-16" and data[:2] not in (b"\xff\xfe", b"\xfe\xff"):
            continue
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1258 decodes almost anything
        raise reject("Không đọc được bảng mã của tệp CSV. Lưu lại dạng 'CSV UTF-8'.",
                     "Cannot decode the CSV file. Save it as 'CSV UTF-8'.", "bad_csv")
    return text


def read_csv(path: Path) -> list[tuple[str, list[Row]]]:
    text = read_text(path)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows: list[Row] = []
    for i, row in enumerate(csv.reader(io.StringIO(text), dialect)):
        if i >= MAX_ROWS:
            raise _too_big(f"hơn {MAX_ROWS} dòng")
        row = _trim(tuple(row))
        if len(row) > MAX_COLS:
            raise _too_big(f"hơn {MAX_COLS} cột")
        rows.append(row)
    return [(path.stem, rows)]
