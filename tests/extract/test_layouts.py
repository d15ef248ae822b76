"""Thirty-six list layouts as offices really type them, each read row by row and column by column.

Every layout is generated (an .xlsx or a .csv) from the same three officers: title blocks of
0–10 rows, headers over one row or two (a merged group cell such as "Thông tin chứng thư số"
above "Số serial | Ngày hết hạn"), headers with line breaks, without diacritics, in capitals,
shuffled, extra columns, serials with leading zeros, spaces, colons, 0x or lower case, dates as
Excel dates, Excel serial numbers or text, runs of blank rows, an agency merged down over the
rows of its people. Each test asserts every value of every row, and the reading report.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from grid_workbook import write_workbook

from paperflow import extract

AGENCY = "Sở Tài chính tỉnh Hưng Yên"
PEOPLE = [
    {"name": "Nguyễn Văn An", "cert": "54A3", "id": "034185001234", "until": date(2026, 3, 31),
     "agency": AGENCY, "title": "Giám đốc", "email": "an.nv@hungyen.gov.vn",
     "token": "TK0012", "new_agency": "Sở Nội vụ tỉnh Hưng Yên", "province": "Hưng Yên"},
    {"name": "Trần Thị Bình", "cert": "5401010199CD", "id": "034190009876",
     "until": date(2027, 12, 1), "agency": AGENCY, "title": "Kế toán trưởng",
     "email": "binh.tt@hungyen.gov.vn", "token": "TK0099", "new_agency": "",
     "province": "Hưng Yên"},
    {"name": "Lê Văn Cường", "cert": "0ABC", "id": "001085000111", "until": date(2025, 9, 30),
     "agency": AGENCY, "title": "Chuyên viên", "email": "cuong.lv@hungyen.gov.vn",
     "token": "TK1000", "new_agency": "", "province": "Hưng Yên"},
]

HEADERS = {
    "name": ["Họ và tên", "HỌ TÊN", "Ho va ten", "Tên thuê bao", "Họ và\ntên"],
    "cert": ["Số serial chứng thư số", "Serial CTS", "Số hiệu chứng thư", "Số serial", "Serial",
             "SO SERIAL CHUNG THU SO"],
    "id": ["Số CCCD", "Số định danh cá nhân", "CCCD/CMND", "so dinh danh ca nhan"],
    "until": ["Ngày hết hạn", "Hiệu lực đến", "Hạn sử dụng", "Thời hạn CTS", "NGAY HET HAN"],
    "agency": ["Cơ quan/đơn vị\ncông tác", "Đơn vị", "Cơ quan", "co quan don vi"],
    "title": ["Chức vụ", "Chức danh", "CHUC VU"],
    "email": ["Email", "Thư điện tử", "E-mail"],
    "token": ["Số serial thiết bị", "Số hiệu thiết bị", "USB token"],
    "new_agency": ["Cơ quan mới", "Đơn vị mới", "Nơi công tác mới", "Đơn vị sau sắp xếp",
                   "Cơ quan công tác sau sắp xếp"],
    "province": ["Tỉnh/TP", "Tỉnh/Thành phố"],
}
FIELDS = {"name": "name", "cert": "cert_serial", "id": "id_number", "until": "valid_until",
          "agency": "agency", "title": "title", "email": "email", "token": "token_serial",
          "new_agency": "new_agency", "province": "province"}


def serial_as(cert: str, style: int) -> str:
    """The serial as clerks type it: leading zeros, spaces, colons, 0x, lower case."""
    padded = cert.rjust(8, "0")
    pairs = [padded[i:i + 2] for i in range(0, len(padded), 2)]
    return [padded, " ".join(pairs), ":".join(pairs).lower(), "0x" + cert.lower(),
            cert.lower()][style % 5]


def date_as(d: date, style: int, *, text_only: bool) -> Any:
    forms = [d.strftime("%d/%m/%Y"), f"{d.day}-{d.month}-{d.year}", d.strftime("%d.%m.%Y"),
             datetime(d.year, d.month, d.day), (d - date(1899, 12, 30)).days]
    form = forms[style % 5]
    if text_only and not isinstance(form, str):
        return d.strftime("%d/%m/%Y")
    return form


@dataclass
class Layout:
    n: int
    fmt: str                                # xlsx | csv
    columns: list[str]                      # meanings, in sheet order ("extra" = not ours)
    headers: dict[str, str]
    title_rows: int
    two_row: bool                           # group cells over cert/until (and token)
    merged_agency: bool                     # agency merged down over its people (xlsx)
    blank_run: int                          # blank rows between the 2nd and 3rd officer
    serial_style: int
    date_style: int
    delimiter: str = ","
    upper_email: bool = False
    expected_skipped: list[int] = field(default_factory=list)


def layouts() -> list[Layout]:
    out = []
    for n in range(36):
        rng = random.Random(n)
        cols = ["name", "cert", "id", "until", "agency", "title", "email"]
        if n % 2 == 0:
            cols.append("new_agency")
        if n % 3 != 1:
            cols.append("token")
        if n % 4 == 0:
            cols.append("province")
        rng.shuffle(cols)
        if n % 3 == 0:                      # extra columns of the office's own
            cols.insert(rng.randrange(len(cols)), "extra")
            cols.append("extra2")
        cols.insert(0, "stt")
        fmt = "csv" if n % 4 == 3 else "xlsx"
        two_row = fmt == "xlsx" and n % 3 == 2
        if two_row:                         # grouped columns sit side by side under the group
            cols = [c for c in cols if c not in ("cert", "until", "token")]
            cols[2:2] = ["cert", "until"] + (["token"] if n % 2 == 0 else [])
        headers = {m: HEADERS[m][(n + i) % len(HEADERS[m])] for i, m in enumerate(HEADERS)}
        if two_row:
            # under a group cell the plain words are the usual ones
            headers["cert"] = ["Số serial", "Serial", "Số serial chứng thư"][n % 3]
            headers["until"] = ["Ngày hết hạn", "Hạn sử dụng", "Thời hạn CTS"][n % 3]
            headers["token"] = "Số serial"
        out.append(Layout(
            n=n, fmt=fmt, columns=cols, headers=headers,
            title_rows=[0, 1, 3, 6, 10][n % 5], two_row=two_row,
            merged_agency=fmt == "xlsx" and n % 5 == 4,
            blank_run=[0, 3, 40][n % 3], serial_style=n, date_style=n,
            delimiter=[",", ";", "\t"][n % 3], upper_email=n % 7 == 0))
    return out


def _cell(layout: Layout, meaning: str, p: dict[str, Any], i: int) -> Any:
    if meaning == "stt":
        return i + 1
    if meaning.startswith("extra"):
        return f"ghi chú riêng {i}"
    if meaning == "cert":
        return serial_as(p["cert"], layout.serial_style + i)
    if meaning == "until":
        return date_as(p["until"], layout.date_style + i, text_only=layout.fmt == "csv")
    if meaning == "email":
        return p["email"].upper() if layout.upper_email else p["email"]
    if meaning == "agency" and layout.merged_agency and i == 1:
        return None                         # merged down from the first officer's cell
    return p[meaning] or None


def _header_text(layout: Layout, meaning: str) -> str:
    return {"stt": "STT", "extra": "Cột riêng của đơn vị", "extra2": "Ghi chép thêm"}.get(
        meaning) or layout.headers[meaning]


def write(layout: Layout, folder: Path) -> Path:
    """The layout as a file, and the sheet rows its officers are on (1-based)."""
    grid: list[list[Any]] = []
    for t in range(layout.title_rows):
        grid.append([["ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN", "SỞ TÀI CHÍNH",
                      "DANH SÁCH THUÊ BAO CHỨNG THƯ SỐ", "(Kèm theo Công văn số 12/STC-VP)",
                      ""][t % 5]])
    top = [_header_text(layout, m) for m in layout.columns]
    merges: list[str] = []
    if layout.two_row:
        groups = {"cert": "Thông tin chứng thư số", "until": "Thông tin chứng thư số",
                  "token": "Thiết bị (USB token)"}
        upper = []
        for m in layout.columns:
            upper.append(groups.get(m, _header_text(layout, m)))
        lower = [_header_text(layout, m) if m in groups else None for m in layout.columns]
        grid += [upper, lower]
        first = len(grid) - 1           # 1-based row of the upper header row
        for c, m in enumerate(layout.columns, start=1):
            if m not in groups:         # a plain header merged down over both rows
                merges.append(f"{_col(c)}{first}:{_col(c)}{first + 1}")
        ci = layout.columns.index("cert") + 1
        merges.append(f"{_col(ci)}{first}:{_col(ci + 1)}{first}")
    else:
        grid.append(top)
    data_rows = []
    for i, p in enumerate(PEOPLE):
        if i == 2:
            grid += [[] for _ in range(layout.blank_run)]
        grid.append([_cell(layout, m, p, i) for m in layout.columns])
        data_rows.append(len(grid))
    if layout.merged_agency:
        ca = layout.columns.index("agency") + 1
        merges.append(f"{_col(ca)}{data_rows[0]}:{_col(ca)}{data_rows[1]}")
    path = folder / f"layout-{layout.n:02d}.{layout.fmt}"
    if layout.fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f, delimiter=layout.delimiter)
            for row in grid:
                w.writerow(["" if v is None else v for v in row])
    else:
        write_workbook(path, grid, merges, title="Danh sách")
    return path


def _col(c: int) -> str:
    return openpyxl.utils.get_column_letter(c)


@pytest.mark.parametrize("layout", layouts(), ids=lambda lay: f"{lay.n:02d}-{lay.fmt}"
                         f"{'-2row' if lay.two_row else ''}{'-merged' if lay.merged_agency else ''}")
def test_every_row_and_every_column_is_read(tmp_path, as_incoming, layout: Layout):
    path = write(layout, tmp_path)
    got = extract.read(as_incoming(path))
    assert [s.name for s in got.subscribers] == [p["name"] for p in PEOPLE]
    for s, p in zip(got.subscribers, PEOPLE, strict=True):
        for meaning in layout.columns:
            if meaning in FIELDS:
                want = p[meaning]
                assert getattr(s, FIELDS[meaning]) == want, (meaning, s)
        for meaning in set(FIELDS) - set(layout.columns):
            assert not getattr(s, FIELDS[meaning]), (meaning, "read from nowhere", s)
    report = got.report
    assert report is not None and report.rows_stored == 3
    (sheet,) = report.sheets
    assert sheet.rows_read == 3 and not sheet.skipped, sheet
    assert len(sheet.header_rows) == (2 if layout.two_row else 1)
    assert not report.all_warnings(), report.all_warnings()


def test_there_are_at_least_thirty_layouts():
    lays = layouts()
    assert len(lays) >= 30
    assert sum(lay.two_row for lay in lays) >= 8 and sum(lay.fmt == "csv" for lay in lays) >= 8
    assert sum(lay.merged_agency for lay in lays) >= 4


def test_a_header_merged_down_is_labelled_once(tmp_path, as_incoming):
    lay = next(lay for lay in layouts() if lay.two_row)
    got = extract.read(as_incoming(write(lay, tmp_path)))
    labels = dict(got.report.sheets[0].columns)
    assert " / " not in labels["name"] and labels["cert_serial"].startswith("Thông tin")
