"""What a list's note says about a person (rule 17), as pure functions: leaving service, moving
to another agency, no longer needing the certificate, a position that no longer fits — and the
agency a move goes to ("Điều động về Sở Nội vụ tỉnh Hưng Yên từ 01/7/2025").

Notes come typed, without diacritics or from OCR: patterns run on `text.fold` (one character
for one), and the agency is sliced from the note as written.
"""

from __future__ import annotations

import re
from enum import StrEnum

from ..text import fold, nfc


class Need(StrEnum):
    LEAVE = "leave"             # nghỉ hưu, thôi việc, từ trần: Điều 17(2)(c)
    MOVE = "move"               # chuyển công tác, điều động, luân chuyển, bố trí: Điều 15(1)(a)
    NO_LONGER = "no_longer"     # hết / không còn nhu cầu: Điều 17(2)
    POSITION = "position"       # a new position the certificate no longer fits: Điều 17(2)(b)
    NONE = ""                   # nothing said


_LEAVE = re.compile(r"nghi huu|huu tri|thoi viec|nghi viec|tu tran|qua doi|da mat\b|"
                    r"nghi che do|tinh gian bien che|nghi theo nghi dinh|ket thuc hop dong")
_MOVE = re.compile(r"chuyen cong tac|dieu dong|luan chuyen|bo tri|biet phai|chuyen den|"
                   r"chuyen ve|chuyen sang|sau sap xep")
_POSITION = re.compile(r"(?:thay doi|doi) (?:vi tri|chuc vu|chuc danh)|khong con dam nhiem|"
                       r"thoi giu chuc vu|khong con phu hop")
_NO_LONGER = re.compile(r"het nhu cau|khong (?:con )?(?:co )?nhu cau|khong su dung|khong dung")
# the agency after the verb: "về", "đến", "tới", "sang", "tại", "làm việc tại"
_TO = re.compile(r"(?:chuyen cong tac|dieu dong|luan chuyen|bo tri(?: cong tac)?|biet phai|"
                 r"chuyen)\s*(?:lam viec\s+)?(?:ve|den|toi|sang|tai|vao)\s+(?:lam viec tai\s+)?")
_END = re.compile(r"\s+(?:tu|ke tu|theo)\s+(?:ngay\s+)?\d|\s+theo\s+(?:quyet dinh|qd)|[;(]|"
                  r"\.(?:\s|$)|\s+-\s+|,\s*(?:tu|ke tu)\b")


def classify(note: str) -> Need:
    """What a note says about the certificate's holder; leaving service outranks a move."""
    f = fold(nfc(note))
    if not f:
        return Need.NONE
    if _LEAVE.search(f):
        return Need.LEAVE
    if _MOVE.search(f):
        return Need.MOVE
    if _POSITION.search(f):
        return Need.POSITION
    if _NO_LONGER.search(f):
        return Need.NO_LONGER
    return Need.NONE


def new_agency_in(note: str) -> str:
    """The agency a move goes to, as written in the note ('' when it names none)."""
    text = nfc(note)
    f = fold(text)
    m = _TO.search(f)
    if not m:
        return ""
    rest = f[m.end():]
    end = _END.search(rest)
    stop = m.end() + (end.start() if end else len(rest))
    agency = text[m.end():stop].strip(" ,.;:-")
    # "Điều động về công tác tại X": the agency follows "tại"
    inner = re.search(r"\b(?:cong tac|lam viec) tai\s+", fold(agency))
    if inner:
        agency = agency[inner.end():]
    return agency if len(agency) >= 4 else ""
