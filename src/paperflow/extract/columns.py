"""Header vocabulary of clerks' tables (INPUTS.md §1, §3, §5) and finding the header row.

Headers are compared on `text.key` (no diacritics, lower case, punctuation and line breaks
folded), so "HỌ VÀ TÊN", "Ho va ten" and "Họ và\\ntên" are one header. Rules are tried in order
and the first that fits a cell wins: specific ones ("Tên cơ quan/tổ chức" is the NAME, "Chức vụ
mới" the NEW title) come before the general ones ("cơ quan", "chức vụ").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..text import key

HEADER_WINDOW = 15


def _has(*words: str) -> Callable[[str], bool]:
    return lambda k: all(w in k for w in words)


def _any(*preds: Callable[[str], bool]) -> Callable[[str], bool]:
    return lambda k: any(p(k) for p in preds)


def _eq(*values: str) -> Callable[[str], bool]:
    return lambda k: k in values


def _starts(*values: str) -> Callable[[str], bool]:
    return lambda k: k.startswith(values)


_MOI = _any(_has(" moi"), _has("chuyen den"), _has("sau thay doi"), _has("sau dieu chinh"))

RULES: list[tuple[str, Callable[[str], bool]]] = [
    ("stt", _eq("stt", "tt", "so tt", "so thu tu")),
    ("before", _any(_has("truoc sap xep"), _has("truoc khi sap xep"), _has("truoc hop nhat"),
                    _has("truoc sap nhap"))),
    ("after", _any(_has("sau sap xep"), _has("sau khi sap xep"), _has("sau hop nhat"),
                   _has("sau sap nhap"))),
    ("cert_serial", _any(_has("chung thu", "serial"), _has("chung thu", "so hieu"),
                         _has("chung thu", "seri"), _has("serial cts"), _has("seri cts"),
                         _has("so hieu cts"))),
    ("token_serial", _any(_has("thiet bi"), _has("token"), _has("usb"))),
    ("need", _has("nhu cau")),
    ("change", _any(_has("noi dung thay doi"), _has("hinh thuc"), _has("bien dong"),
                    _has("loai thay doi"), _has("noi dung bien dong"))),
    ("new_title", lambda k: ("chuc vu" in k or "chuc danh" in k) and _MOI(k)),
    ("new_agency", lambda k: ("co quan" in k or "don vi" in k or "noi cong tac" in k)
     and _MOI(k) and "ten" not in k.split()[:1]),
    ("note", _any(_starts("ghi chu"), _starts("ly do"))),
    ("name", _any(_starts("ho va ten", "ho ten", "ten thue bao", "ten co quan", "ten to chuc",
                          "ten don vi", "ten chu the", "ten can bo"), _eq("ten"))),
    ("type", _any(_starts("loai thue bao", "doi tuong", "loai chu the"), _eq("loai"))),
    ("id_number", _any(_has("dinh danh"), _has("cccd"), _has("cmnd"), _has("can cuoc"))),
    ("email", _any(_has("email"), _has("e mail"), _has("thu dien tu"))),
    ("phone", _any(_has("dien thoai"), _eq("sdt", "so dt"))),
    ("birth_date", _has("ngay sinh")),
    ("valid_until", _any(_has("het han"), _has("hieu luc"))),
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
    for meaning, pred in RULES:
        if pred(k):
            return meaning
    return None


def map_header(row: Sequence[Any]) -> dict[str, int]:
    """meaning → column index (the first column of each meaning)."""
    out: dict[str, int] = {}
    for i, cell in enumerate(row):
        meaning = classify(cell)
        if meaning and meaning not in out:
            out[meaning] = i
    return out


def find_header(rows: Sequence[Sequence[Any]]) -> tuple[int, dict[str, int]] | None:
    """The header row among the first 15 rows: the one naming most known columns.

    A header must name the subscriber (or give before/after columns of a reorganisation table)
    and at least one more column; title blocks above it never do.
    """
    best: tuple[int, dict[str, int]] | None = None
    for i, row in enumerate(rows[:HEADER_WINDOW]):
        cols = map_header(row)
        if not (("name" in cols and len(cols) >= 2) or {"before", "after"} <= cols.keys()):
            continue
        if best is None or len(cols) > len(best[1]):
            best = (i, cols)
    return best
