"""Header vocabulary of clerks' tables (docs/INPUTS.md §1, §3, §5) and finding the header row.

Headers are compared on `text.key` (no diacritics, lower case, punctuation and line breaks
folded), so "HỌ VÀ TÊN", "Ho va ten" and "Họ và\\ntên" are one header. Rules are tried in order
and the first that fits a cell wins: specific ones ("Tên cơ quan/tổ chức" is the NAME, "Chức vụ
mới" the NEW title) come before the general ones ("cơ quan", "chức vụ").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..text import key, nfc

HEADER_WINDOW = 15
_PLACEHOLDER = re.compile(r"^\(?\s*\d+\s*\)?$")


def _has(*words: str) -> Callable[[str], bool]:
    return lambda k: all(w in k for w in words)


def _any(*preds: Callable[[str], bool]) -> Callable[[str], bool]:
    return lambda k: any(p(k) for p in preds)


def _eq(*values: str) -> Callable[[str], bool]:
    return lambda k: k in values


def _starts(*values: str) -> Callable[[str], bool]:
    return lambda k: k.startswith(values)


_ID_WORDS = _any(_has("dinh danh"), _has("cccd"), _has("cmnd"), _has("can cuoc"))
_MOI = _any(_has(" moi"), _has("chuyen den"), _has("sau thay doi"), _has("sau dieu chinh"))

RULES: list[tuple[str, Callable[[str], bool]]] = [
    ("stt", _eq("stt", "tt", "so tt", "so thu tu")),
    ("before", _any(_has("truoc sap xep"), _has("truoc khi sap xep"), _has("truoc hop nhat"),
                    _has("truoc sap nhap"))),
    ("after", _any(_has("sau sap xep"), _has("sau khi sap xep"), _has("sau hop nhat"),
                   _has("sau sap nhap"))),
    ("cert_serial", _any(_has("chung thu", "serial"), _has("chung thu", "so hieu"),
                         _has("chung thu", "seri"), _has("serial cts"), _has("seri cts"),
                         _has("so hieu cts"), _has("cts", "serial"), _has("cts", "seri"))),
    ("token_serial", _any(_has("thiet bi"), _has("token"), _has("usb"))),
    # a bare "Số serial"/"Serial": the certificate's, unless a group cell above says device
    ("serial", _eq("so serial", "serial", "seri", "so seri", "so hieu", "serial number",
                   "so serial number")),
    ("need", _has("nhu cau")),
    ("change", _any(_has("noi dung thay doi"), _has("hinh thuc"), _has("bien dong"),
                    _has("loai thay doi"), _has("noi dung bien dong"))),
    ("new_title", lambda k: ("chuc vu" in k or "chuc danh" in k) and _MOI(k)),
    ("new_agency", lambda k: ("co quan" in k or "don vi" in k or "noi cong tac" in k)
     and (_MOI(k) or "sau sap xep" in k) and "ten" not in k.split()[:1]),
    ("note", _any(_starts("ghi chu"), _starts("ly do"))),
    ("name", _any(_starts("ho va ten", "ho ten", "ten thue bao", "ten co quan", "ten to chuc",
                          "ten don vi", "ten chu the", "ten can bo"), _eq("ten"))),
    ("type", _any(_starts("loai thue bao", "doi tuong", "loai chu the"), _eq("loai"))),
    # the CCCD's date and place of issue, before the CCCD itself ("Ngày cấp CCCD" names both)
    # (a bare "Ngày cấp" may be the certificate's: only under a CCCD group cell, see _meaning)
    ("id_issued", lambda k: "ngay cap" in k and _ID_WORDS(k)),
    ("id_place", lambda k: "noi cap" in k),
    ("tax_code", _any(_has("ma so thue"), _has("mst"), _has("qhns"), _has("quan he ngan sach"),
                      _has("ma dvqhns"))),
    ("id_number", _ID_WORDS),
    ("email", _any(_has("email"), _has("e mail"), _has("thu dien tu"))),
    ("phone", _any(_has("dien thoai"), _eq("sdt", "so dt"))),
    ("birth_date", _has("ngay sinh")),
    ("valid_until", _any(_has("het han"), _has("hieu luc"), _has("han su dung"),
                         _has("thoi han"))),
    ("network", _starts("mang")),
    ("province", _any(_starts("tinh thanh pho", "tinh thanh"), _eq("tinh"))),
    ("managing", _any(_has("cap tren"), _has("chu quan"), _has("co quan quan ly"))),
    ("title", _any(_has("chuc vu"), _has("chuc danh"))),
    ("agency", _any(_has("co quan"), _has("don vi"), _has("noi cong tac"))),
]


def classify(cell: Any) -> str | None:
    k = key(cell) if isinstance(cell, str) else ""
    if not k or len(k) > 80:
        return None
    return _classify_key(k)


@lru_cache(maxsize=8192)
def _classify_key(k: str) -> str | None:
    # memoised: every list of an office repeats the same few dozen header texts
    for meaning, pred in RULES:
        if pred(k):
            return meaning
    return None


_PERSON_COLUMNS = frozenset({"id_number", "cert_serial", "serial", "token_serial", "title",
                             "email", "valid_until", "type", "birth_date", "phone",
                             "id_issued", "id_place"})
# what a key column is called in messages to the clerk
LABELS = {"name": "Họ và tên / Tên thuê bao", "cert_serial": "Số serial chứng thư số",
          "valid_until": "Ngày hết hạn", "agency": "Cơ quan/đơn vị", "id_number": "Số CCCD",
          "token_serial": "Số serial thiết bị", "new_agency": "Cơ quan mới",
          "id_issued": "Ngày cấp CCCD", "id_place": "Nơi cấp CCCD",
          "tax_code": "Mã số thuế / Mã QHNS",
          "before": "Đơn vị trước sắp xếp", "after": "Đơn vị sau sắp xếp"}


# meanings matched anywhere in a header; a header STARTING with the word is the better one
_STARTS = {"agency": ("co quan", "don vi", "noi cong tac"), "title": ("chuc vu", "chuc danh"),
           "email": ("email", "e mail", "thu dien tu")}


@dataclass(frozen=True)
class Header:
    """Where a table's header is and what each column means."""

    rows: tuple[int, ...]               # 0-based rows of the header (one, or two when split)
    cols: dict[str, int]                # meaning → column index (the first of each meaning)
    labels: tuple[tuple[str, str], ...]  # (meaning, header text as written), in column order

    @property
    def last(self) -> int:
        return self.rows[-1]


def _text(cell: Any) -> str:
    return nfc(cell) if isinstance(cell, str) else ""


def _merged_header(top: Sequence[Any], bottom: Sequence[Any]) -> list[tuple[str, str]]:
    """(group text, own text) per column of a header over two rows. A group cell ("Thông tin
    chứng thư số") is merged over the columns of its sub-headers: its text is only in its first
    cell, so it is carried right while the columns under it have sub-headers. A header merged
    down over both rows ("Họ và tên") has its text on top and nothing below."""
    out: list[tuple[str, str]] = []
    group = ""
    for i in range(max(len(top), len(bottom))):
        t = _text(top[i]) if i < len(top) else ""
        b = _text(bottom[i]) if i < len(bottom) else ""
        if t:
            group = t if b else ""
        if b:
            # a header merged down over both rows has been filled into both: no group then
            out.append(("" if (t or group) == b else (t or group), b))
        else:
            out.append(("", t))
    return out


def _meaning(group: str, own: str) -> str | None:
    """A column's meaning from its own text, else from the group and its text together."""
    meaning = classify(own)
    if meaning is None and group:
        meaning = classify(f"{group} {own}")
    if meaning == "serial":             # "Số serial" under "Thiết bị"/"USB token": the device's
        g = key(group)
        meaning = "token_serial" if any(w in g for w in ("thiet bi", "token", "usb")) \
            else "cert_serial"
    elif group and meaning in ("agency", "title") and _MOI(key(group)):
        meaning = "new_" + meaning      # "Cơ quan" under "Thông tin mới"/"Sau điều chỉnh"
    return meaning


def _map(cells: Sequence[tuple[str, str]]) -> tuple[dict[str, int], list[tuple[str, str]]]:
    out: dict[str, int] = {}
    labels: list[tuple[str, str]] = []
    for i, (group, own) in enumerate(cells):
        meaning = _meaning(group, own)
        if meaning == "cert_serial" and meaning in out and "token_serial" not in out \
                and classify(own) == "serial":
            meaning = "token_serial"     # a second bare "Số serial": the device's
        label = f"{group} / {own}" if group else own
        if meaning and meaning not in out:
            out[meaning] = i
            labels.append((meaning, label))
        elif meaning in _STARTS and key(own).startswith(_STARTS[meaning]) and not key(
                dict(labels)[meaning].split(" / ")[-1]).startswith(_STARTS[meaning]):
            # "Cơ quan công tác" beats an earlier "Cột riêng của đơn vị" that only mentions it
            out[meaning] = i
            labels = [(m, label if m == meaning else t) for m, t in labels]
    if "name" in out and out.keys() & _PERSON_COLUMNS:
        # a list of people with "Đơn vị trước/sau sắp xếp": the agency and the new agency
        # (only a table without people is a reorganisation table)
        for old, new in (("after", "new_agency"), ("before", "agency")):
            if old in out:
                i = out.pop(old)
                if new not in out:
                    out[new] = i
                labels = [(new if m == old else m, t) for m, t in labels]
    return out, labels


def map_header(row: Sequence[Any]) -> dict[str, int]:
    """meaning → column index (the first column of each meaning)."""
    return _map([("", _text(c)) for c in row])[0]


def _usable(cols: dict[str, int]) -> bool:
    return ("name" in cols and len(cols) >= 2) or {"before", "after"} <= cols.keys()


def _sub_header(row: Sequence[Any]) -> bool:
    """A row that can be the lower half of a split header: words only, no data (numbers,
    dates) — and not the "(1) (2) (3)" column-number row under many headers."""
    cells = [c for c in row if c is not None and not (isinstance(c, str) and not c.strip())]
    return bool(cells) and all(isinstance(c, str) and not _PLACEHOLDER.match(c.strip())
                               for c in cells)


def locate_header(rows: Sequence[Sequence[Any]]) -> Header | None:
    """The header among the first HEADER_WINDOW rows: the row — or pair of rows, for a header
    split under merged group cells — naming most known columns.

    A header must name the subscriber (or give before/after columns of a reorganisation table)
    and at least one more column; title blocks above it never do.
    """
    best: Header | None = None
    window = rows[:HEADER_WINDOW + 1]
    for i, row in enumerate(window[:HEADER_WINDOW]):
        single, labels = _map([("", _text(c)) for c in row])
        found = Header((i,), single, tuple(labels)) if _usable(single) else None
        if i + 1 < len(window) and _sub_header(window[i + 1]):
            pair, plabels = _map(_merged_header(row, window[i + 1]))
            lower = map_header(window[i + 1])
            # two rows when the upper one holds several headers or group cells and together
            # they name more than the upper alone and no less than the lower alone (a title
            # line above a header, or a first data row of words below one, adds nothing)
            groups = {_text(c) for c in row} - {""}
            if (_usable(pair) and len(groups) >= 2 and len(pair) > len(single)
                    and len(pair) >= len(lower)):
                found = Header((i, i + 1), pair, tuple(plabels))
        if found and (best is None or len(found.cols) > len(best.cols)):
            best = found
    return best


def find_header(rows: Sequence[Sequence[Any]]) -> tuple[int, dict[str, int]] | None:
    """(the header's last row, meaning → column), or None: see `locate_header`."""
    found = locate_header(rows)
    return (found.last, found.cols) if found else None
