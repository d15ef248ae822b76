"""Table rows → Subscriber records (subscriber lists §1 and personnel changes §5 of docs/INPUTS.md)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from ..models import Subscriber
from ..text import key, nfc, normalise_serial, normalise_token_serial

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
_PLACE_HEADS = ("ubnd", "hdnd", "xa ", "phuong ", "thi tran ", "dac khu ", "tinh ", "thanh pho ",
                "huyen ", "co quan ", "don vi ", "vien ", "hoc vien ", "tap doan ", "tong cong ty ")
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


def tax_text(value: Any) -> str:
    """Mã số thuế (10 digits, or 13 as 0101234567-001) or mã QHNS (7 digits) as text: a number
    cell lost the tax code's leading 0."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        digits = str(value)
        return "0" + digits if len(digits) in (9, 12) else digits
    return re.sub(r"\s+", "", nfc(value)) if value is not None else ""


def serial_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalise_serial(value)


def token_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalise_token_serial(value)


def valid_serial(serial: str) -> bool:
    """A certificate serial is hex (RFC 5280: at most 20 bytes)."""
    return bool(re.fullmatch(r"[0-9A-F]{1,40}", serial))


# "Điều động về Sở Nội vụ tỉnh Hưng Yên từ 01/7/2025", "Chuyển công tác đến …", "Bố trí tại …":
# matched on the text folded letter by letter (no diacritics, lower case, same length), so the
# agency is cut from the clerk's own words.
_MOVE = re.compile(
    r"(?:dieu dong|chuyen cong tac|luan chuyen|biet phai|bo tri(?: cong tac)?)"
    r"\s*(?:ve|den|sang|toi|tai|o)\s+(?:lam viec\s+|cong tac\s+)?(?:tai\s+)?"
    r"(?P<agency>.+?)\s*(?:[,;(]|\s(?:ke\s+)?tu\s+(?:ngay\s+)?\d|\stheo\s|\s-\s|\.\s|\.?$)")


def _fold(text: str) -> str:
    out = []
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0]
        out.append("d" if base in "đĐ" else base.lower() if len(base.lower()) == 1 else ch)
    return "".join(out)


def agency_from_note(note: str) -> str:
    """The agency a note says the person moves to ('' when it names none)."""
    if not note:
        return ""
    m = _MOVE.search(_fold(note))
    if not m:
        return ""
    agency = note[m.start("agency"):m.end("agency")].strip(" .:-–")
    # an agency, not "làm việc theo hợp đồng" or "vị trí khác"
    return agency if (key(agency) + " ").startswith(_ORG_HEADS + _PLACE_HEADS) else ""


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


@dataclass
class RowsRead:
    """Records read from the rows under a header, and the account of every other row."""

    subscribers: list[Subscriber] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)   # (sheet row, why)
    rows_read: int = 0


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def rows_to_subscribers(
    rows: Sequence[Sequence[Any]], cols: dict[str, int], *, source: str, first_row: int = 1,
    where: str = "",
) -> RowsRead:
    """Every data row under the header (given as the rows AFTER the header row; `first_row` is
    the sheet row number of rows[0], as the clerk sees it in Excel). A value that fails its
    check (a serial that is not hex, a date that does not exist) is never stored: the field is
    left empty and the reading report says so."""
    out = RowsRead()
    at = f"{source}: {where + ': ' if where else ''}dòng"

    def get(row: Sequence[Any], meaning: str) -> Any:
        i = cols.get(meaning)
        return row[i] if i is not None and i < len(row) else None

    for n, row in enumerate(rows, start=first_row):
        if all(_blank(c) for c in row):
            continue
        out.rows_read += 1
        name = cell_text(get(row, "name"))
        if not name:
            out.skipped.append((n, "không có họ tên/tên thuê bao: "
                                + "; ".join(cell_text(c) for c in row if not _blank(c))[:200]))
            continue
        if _PLACEHOLDER.match(name):
            out.skipped.append((n, "dòng số thứ tự cột"))
            continue
        if key(name).startswith(("tong cong", "cong ")):
            out.skipped.append((n, "dòng tổng cộng"))
            continue
        if key(name) in ("nguoi lap bieu", "nguoi lap", "thu truong don vi"):
            # the signature block under the table: what follows is the signers' names
            rest = [m for m, r in enumerate(rows[n - first_row:], start=n)
                    if not all(_blank(c) for c in r)]
            out.rows_read += len(rest) - 1
            out.skipped.extend((m, "khối chữ ký dưới bảng") for m in rest)
            break
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
        if not _blank(raw_until) and valid_until is None:
            out.warnings.append(f"{at} {n}: ngày hết hạn không hợp lệ {cell_text(raw_until)!r} "
                                "— để trống, không dùng")
        raw_cert = get(row, "cert_serial")
        cert = serial_text(raw_cert)
        if cert and not valid_serial(cert):
            out.warnings.append(f"{at} {n}: số serial chứng thư không hợp lệ (không phải hệ "
                                f"16): {cell_text(raw_cert)!r} — để trống, không dùng")
            cert = ""
        new_agency = cell_text(get(row, "new_agency"))
        if not new_agency:
            new_agency = agency_from_note(note) or agency_from_note(change)
        out.subscribers.append(Subscriber(
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
            token_serial=token_text(get(row, "token_serial")),
            valid_until=valid_until,
            needed=needed,
            need_note=need_note or (note if new_agency and note else ""),
            network=cell_text(get(row, "network")),
            new_agency=new_agency,
            new_title=cell_text(get(row, "new_title")),
            source=source,
            source_row=n,
            id_issued=parse_date(get(row, "id_issued")),
            id_place=cell_text(get(row, "id_place")),
            tax_code=tax_text(get(row, "tax_code")),
        ))
    return out
