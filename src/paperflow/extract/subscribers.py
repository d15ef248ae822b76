"""Table rows → Subscriber records (subscriber lists §1 and personnel changes §5 of INPUTS.md)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from ..models import Subscriber
from ..text import key, nfc, normalise_serial

# Words of a "need"/"note"/"change" cell that mean the certificate is no longer needed.
_NOT_NEEDED = (
    "het nhu cau", "khong con nhu cau", "khong co nhu cau", "khong su dung",
    "nghi huu", "chuyen cong tac", "thoi giu chuc vu", "thoi chuc vu", "ket thuc",
    "nghi viec", "thoi viec", "qua doi", "tu tran", "mien nhiem", "cham dut", "giai the",
    "thu hoi",
)
_ORG_HEADS = (
    "so ", "uy ban", "van phong", "ban ", "trung tam", "chi cuc", "cuc ", "bo ", "phong ",
    "hoi dong", "tinh uy", "thanh uy", "huyen uy", "dang uy", "dang bo", "cong an", "toa an",
    "vien kiem sat", "kho bac", "truong ", "benh vien", "bao ", "dai phat thanh", "cong ty",
    "tong cuc", "thanh tra", "mat tran", "lien doan", "doan ", "hoi ", "ngan hang", "thue ",
    "bo chi huy", "ban quan ly", "trung uong",
)
_DATE = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")
_PLACEHOLDER = re.compile(r"^\(?\s*\d+\s*\)?$")


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return nfc(value)


def parse_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and 20_000 < value < 80_000:   # Excel serial date
        return date(1899, 12, 30) + timedelta(days=int(value))
    m = _DATE.search(str(value))
    if m:
        d, mo, y = (int(g) for g in m.groups())
        try:
            return date(y, mo, d)
        except ValueError:
            return None
    return None


def id_text(value: Any) -> str:
    """Personal id as text: a number cell lost its leading 0 (CCCD has 12 digits, CMND 9)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        digits = str(value)
        if len(digits) in (8, 11):
            digits = "0" + digits
        return digits
    return re.sub(r"\s+", "", nfc(value))


def serial_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalise_serial(value)


def subscriber_type(type_cell: str, name: str, id_number: str) -> str:
    k = key(type_cell)
    if k in ("ca nhan", "cn", "person", "nguoi"):
        return "person"
    if k in ("to chuc", "tc", "co quan", "organization", "don vi"):
        return "organization"
    n = key(name) + " "
    if not id_number and n.startswith(_ORG_HEADS):
        return "organization"
    return "person"


def not_needed(text: str, *, need_column: bool = False) -> bool:
    k = " " + key(text) + " "
    if k.strip() in ("con", "co", "con nhu cau", "co nhu cau", "con su dung", "x", ""):
        return False
    if need_column and k.strip().startswith(("het", "khong")):
        return True
    return any(f" {w} " in k or k.strip().startswith(w) for w in _NOT_NEEDED)


def rows_to_subscribers(
    rows: Sequence[Sequence[Any]], cols: dict[str, int], *, source: str
) -> tuple[list[Subscriber], list[str]]:
    """Every data row under the header (given as the rows AFTER the header row)."""
    out: list[Subscriber] = []
    warnings: list[str] = []

    def get(row: Sequence[Any], meaning: str) -> Any:
        i = cols.get(meaning)
        return row[i] if i is not None and i < len(row) else None

    for n, row in enumerate(rows, start=1):
        name = cell_text(get(row, "name"))
        if not name or _PLACEHOLDER.match(name) or key(name).startswith(("tong cong", "cong ")):
            continue                    # empty, "(2)" column-number rows, totals
        if key(name) in ("nguoi lap bieu", "nguoi lap", "thu truong don vi"):
            break                       # the signature block under the table
        id_number = id_text(get(row, "id_number"))
        need_cell = cell_text(get(row, "need"))
        note = cell_text(get(row, "note"))
        change = cell_text(get(row, "change"))
        needed = not (not_needed(need_cell, need_column=True) or not_needed(note)
                      or not_needed(change))
        need_note = "; ".join(t for t in (change, need_cell, note) if t and (
            not needed or t is change))
        raw_until = get(row, "valid_until")
        valid_until = parse_date(raw_until)
        if raw_until not in (None, "") and valid_until is None:
            warnings.append(f"{source}: dòng {n}: ngày hết hạn không đọc được: {raw_until!r}")
        cert = serial_text(get(row, "cert_serial"))
        if cert and not re.fullmatch(r"[0-9A-F]+", cert):
            warnings.append(f"{source}: dòng {n}: số serial chứng thư không phải hệ 16: {cert}")
        out.append(Subscriber(
            type=subscriber_type(cell_text(get(row, "type")), name, id_number),
            name=name,
            agency=cell_text(get(row, "agency")),
            managing_agency=cell_text(get(row, "managing")),
            province=cell_text(get(row, "province")),
            title=cell_text(get(row, "title")),
            id_number=id_number,
            email=cell_text(get(row, "email")).lower(),
            phone=cell_text(get(row, "phone")),
            birth_date=parse_date(get(row, "birth_date")),
            cert_serial=cert,
            token_serial=serial_text(get(row, "token_serial")),
            valid_until=valid_until,
            needed=needed,
            need_note=need_note,
            network=cell_text(get(row, "network")),
            new_agency=cell_text(get(row, "new_agency")),
            new_title=cell_text(get(row, "new_title")),
            source=source,
        ))
    return out, warnings
