"""A workbook written from a grid of cell values (None = an empty cell) and merged ranges: the
shape the list fixtures of tests/extract build their .xlsx from."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import openpyxl


def write_workbook(path: Path, rows: Sequence[Sequence[object]], merges: Sequence[str] = (),
                   *, title: str | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.title = title
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row, start=1):
            if v is not None:
                ws.cell(r, c, v)
    for m in merges:
        ws.merge_cells(m)
    wb.save(path)
    return path
