"""Spreadsheets (.xlsx via openpyxl, .csv) → bounded rows of cell values.

openpyxl runs in read-only mode (streaming) and reads every row of a sheet, however far down
(Excel's own limit is the only one: a run of blank rows never hides the rows below it); at most
MAX_COLS columns. Merged cells are filled with their value (read-only mode does not know them,
so the sheet's <mergeCell> list is read from its XML): an agency merged over the rows of its
people, or a group header over its sub-headers, reaches every cell it covers. The zip was
already checked by `sniff` before openpyxl opens it; the per-file time budget bounds the rest.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from pathlib import Path
from typing import Any

from ..errors import InputRejected
from ..errortexts import Phrase
from ..text import nfc

MAX_ROWS = 1_048_576        # Excel's own row limit: every row of a real sheet is read
MAX_COLS = 60
MAX_MERGED_CELLS = 2_000_000    # cells filled from merges, a sheet (a hostile merge is cut)
MAX_SHEETS = 50

Row = tuple[Any, ...]


def _too_big(what: str, **params: object) -> Exception:
    """The sheet refused as too large; `what` is the sheet_over_… phrase saying how."""
    return InputRejected("sheet_too_large", what=Phrase(what, {k: str(v) for k, v in params.items()}),
                         max_rows=MAX_ROWS, max_cols=MAX_COLS)


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
        raise InputRejected("bad_xlsx", error_type=exc.__class__.__name__) from exc
    sheets: list[tuple[str, list[Row]]] = []
    try:
        for ws in wb.worksheets[:MAX_SHEETS]:
            if getattr(ws, "sheet_state", "visible") != "visible":
                continue
            rows: list[Row] = []
            for row in ws.iter_rows(max_col=MAX_COLS + 1, values_only=True):
                row = _trim(row)
                if len(row) > MAX_COLS:
                    raise _too_big("sheet_over_cols", sheet=ws.title, most=MAX_COLS)
                if len(rows) >= MAX_ROWS:
                    raise _too_big("sheet_over_rows", sheet=ws.title, most=MAX_ROWS)
                rows.append(row)
            while rows and not rows[-1]:
                rows.pop()
            _fill_merged(rows, _merged_ranges(wb, ws))
            sheets.append((nfc(ws.title), rows))
    finally:
        wb.close()
    return sheets


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+):([A-Z]+[0-9]+)"')


def _merged_ranges(wb: Any, ws: Any) -> list[tuple[int, int, int, int]]:
    """(min_col, min_row, max_col, max_row) of every merged range of a read-only sheet, from the
    sheet's XML (the list follows the cell data: the part is streamed, not loaded whole)."""
    from openpyxl.utils.cell import range_boundaries

    archive, part = getattr(wb, "_archive", None), getattr(ws, "_worksheet_path", None)
    if archive is None or part is None:
        return []
    out: list[tuple[int, int, int, int]] = []
    tail = b""
    with archive.open(part) as f:
        while chunk := f.read(1 << 20):
            data = tail + chunk
            end = 0
            for m in _MERGE.finditer(data):
                a, b = m.group(1).decode(), m.group(2).decode()
                out.append(tuple(range_boundaries(f"{a}:{b}")))  # type: ignore[arg-type]
                end = m.end()
            tail = data[max(end, len(data) - 200):]
    return out


def _fill_merged(rows: list[Row], ranges: list[tuple[int, int, int, int]]) -> None:
    """Give every cell of a merged range the value of its top-left cell."""
    budget = MAX_MERGED_CELLS
    for c1, r1, c2, r2 in ranges:
        if r1 > len(rows) or c1 > MAX_COLS:
            continue
        top = rows[r1 - 1]
        value = top[c1 - 1] if c1 - 1 < len(top) else None
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        c2, r2 = min(c2, MAX_COLS), min(r2, len(rows))
        budget -= (r2 - r1 + 1) * (c2 - c1 + 1)
        if budget < 0:
            break
        for r in range(r1 - 1, r2):
            cells = list(rows[r]) + [None] * max(0, c2 - len(rows[r]))
            for c in range(c1 - 1, c2):
                cells[c] = value
            rows[r] = tuple(cells)


def read_text(path: Path) -> str:
    """A text file's content, whatever the encoding clerks' tools saved it in."""
    data = path.read_bytes()
    if len(data) > 20 * 1024 * 1024:
        raise _too_big("sheet_over_mb", mb=len(data) // (1024 * 1024))
    for enc in ("utf-8-sig", "utf-16", "cp1258"):
        if enc == "utf-16" and data[:2] not in (b"\xff\xfe", b"\xfe\xff"):
            continue
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1258 decodes almost anything
        raise InputRejected("bad_csv")
    return text


def _delimiter(text: str) -> str:
    """The delimiter that splits most of the first lines into the same number of fields
    (csv.Sniffer gives up on a title block above the table, and then splits at commas)."""
    head = text[:65536].splitlines()[:60]
    best, score = ",", (0, 0)
    for d in (",", ";", "\t", "|"):
        counts: dict[int, int] = {}
        for row in csv.reader(head, delimiter=d):
            if len(row) > 1:
                counts[len(row)] = counts.get(len(row), 0) + 1
        if counts:
            width, lines = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
            if (lines, width) > score:
                best, score = d, (lines, width)
    return best


def read_csv(path: Path) -> list[tuple[str, list[Row]]]:
    text = read_text(path)
    rows: list[Row] = []
    for i, row in enumerate(csv.reader(io.StringIO(text), delimiter=_delimiter(text))):
        if i >= MAX_ROWS:
            raise _too_big("over_rows", most=MAX_ROWS)
        row = _trim(tuple(row))
        if len(row) > MAX_COLS:
            raise _too_big("over_cols", most=MAX_COLS)
        rows.append(row)
    return [(path.stem, rows)]
