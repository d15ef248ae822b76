"""What a list's note says about a person (rule 17), as pure functions: leaving service, moving
to another agency, no longer needing the certificate, a position that no longer fits — and the
agency a move goes to ("Điều động về Sở Nội vụ tỉnh Hưng Yên từ 01/7/2025").

Notes come typed, without diacritics or from OCR: patterns run on `text.fold` (one character
for one), and the agency is sliced from the note as written.
"""

from __future__ import annotations

import re
from dataclasses import replace
from enum import StrEnum
from functools import lru_cache

from ..models import PlanWarning, Subscriber
from ..text import fold, key, nfc, similarity


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


@lru_cache(maxsize=20_000)
def classify(note: str) -> Need:
    """What a note says about the certificate's holder; leaving service outranks a move.
    Memoised: a province's lists repeat the same few notes thousands of times."""
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


def join_personnel(subscribers: tuple[Subscriber, ...]
                   ) -> tuple[tuple[Subscriber, ...], list[PlanWarning]]:
    """A personnel row (a decision's or a personnel list's: no certificate serial) tells what
    happens to a certificate holder stored under another spelling of the agency: its new
    agency, title and note go onto the holder's row — same name, agency alike (≥ 0.85) or not
    given. Two holders that fit equally are warned about, never guessed."""
    moves = [s for s in subscribers if s.type == "person" and not s.cert_serial
             and (s.new_agency or s.need_note or s.new_title or not s.needed)]
    if not moves:
        return subscribers, []
    holders: dict[str, list[int]] = {}
    for i, s in enumerate(subscribers):
        if s.type == "person" and s.cert_serial:
            holders.setdefault(key(s.name), []).append(i)
    out = list(subscribers)
    warnings: list[PlanWarning] = []
    for m in moves:
        cands = [i for i in holders.get(key(m.name), ())
                 if (m.id_number and out[i].id_number == m.id_number)
                 or not m.agency or similarity(m.agency, out[i].agency) >= 0.85]
        if len(cands) > 1:
            warnings.append(PlanWarning(
                "personnel_ambiguous",
                f"{m.name} ({m.agency or 'không rõ cơ quan'}) trong {m.source or 'danh sách'} "
                f"khớp {len(cands)} người có chứng thư: bổ sung số định danh để đối chiếu."))
            continue
        for i in cands:
            h = out[i]
            if h.new_agency or classify(h.need_note) != Need.NONE:
                continue        # the holder's own row already says it
            out[i] = replace(h, new_agency=h.new_agency or m.new_agency,
                             new_title=h.new_title or m.new_title,
                             need_note=m.need_note or h.need_note,
                             needed=h.needed and m.needed)
    return tuple(out), warnings
