"""Merger decisions (docx / text pdf / scanned pdf / xlsx tables) → MergeEvent records, and
personnel decisions (điều động, luân chuyển, chuyển công tác, bố trí sau sắp xếp, nghỉ hưu)
→ person Subscriber records carrying the new agency (docs/DOMAIN.md rule 17)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..models import MergeEvent, MergeKind, Subscriber
from ..text import key, nfc
from .columns import find_header
from .names import HEAD, LEAVE, MOVE, PERSON, clean_name, name_confidence
from .statements import clauses, dedupe, fold, parse_clause, parse_text, split_names

OCR_CONFIDENCE = 0.8        # names read by OCR must be confirmed by the plan's fuzzy match
_FOOTER = ("nguoi lap", "thu truong", "tong cong", "noi nhan", "ghi chu")


def _names(cell: Any) -> list[str]:
    out: list[str] = []
    for line in re.split(r"\n|;", str(cell or "")):
        line = re.sub(r"^\s*(?:[-–•+*]|\d+[.)])\s*", "", nfc(line))
        out.extend(split_names(line) if line else [])
    return out


def _ends(text: str) -> bool:
    k = key(text)
    return "giai the" in k or "cham dut" in k or "ket thuc hoat dong" in k


def events_from_table(rows: Sequence[Sequence[Any]], *, source: str, decision: str,
                      confidence: float = 1.0) -> list[MergeEvent]:
    """A 'Đơn vị trước sắp xếp' → 'Đơn vị sau sắp xếp' table; rows of one target are grouped."""
    found = find_header(rows)
    if not found or not {"before", "after"} <= found[1].keys():
        return []
    start, cols = found
    b, a = cols["before"], cols["after"]
    note_col = cols.get("note", cols.get("change"))
    groups: dict[str, tuple[str, list[str], str]] = {}
    last_after = ""
    for row in rows[start + 1:]:
        before = _names(row[b] if b < len(row) else "")
        after_cell = clean_name(str(row[a] or "")) if a < len(row) else ""
        note = nfc(row[note_col]) if note_col is not None and note_col < len(row) else ""
        ends = _ends(note) or _ends(after_cell)
        if _ends(after_cell):           # "Giải thể" written in the "after" column
            note, after_cell = note or after_cell, ""
        # a merged "after" cell spanning several rows is empty below its first row
        after = after_cell or ("" if ends else last_after)
        if not before or re.fullmatch(r"\(?\d+\)?", before[0]):
            continue
        if key(before[0]).startswith(_FOOTER):
            break
        last_after = after
        k = key(after) if after else "|dissolve|" + key(before[0])
        if k not in groups:
            groups[k] = (after, [], note)
        groups[k][1].extend(before)
    events = []
    for target, sources, note in groups.values():
        nk = key(note)
        if not target or _ends(note):
            kind = MergeKind.DISSOLVE
            target = ""
        elif "truc thuoc" in nk and len(sources) == 1:
            kind = MergeKind.SUPERIOR_CHANGE    # the unit keeps its name, changes superior
        elif any(key(s) == key(target) for s in sources) or "giu nguyen" in nk:
            kind = MergeKind.MERGE_KEEP
        elif len(sources) == 1:
            kind = (MergeKind.SUPERIOR_CHANGE if "truc thuoc" in nk
                    else MergeKind.RENAME if "doi ten" in nk or "ten" in nk
                    else MergeKind.MERGE_NEW)
        else:
            kind = MergeKind.MERGE_NEW
        srcs = [s for s in sources if kind is not MergeKind.MERGE_KEEP or key(s) != key(target)]
        if kind is MergeKind.MERGE_KEEP and not srcs:
            continue                    # "unchanged" rows: A → A
        superior = target if kind is MergeKind.SUPERIOR_CHANGE else ""
        in_note = re.search(r"tr[a-z]{1,2}c\s+thu[a-z]{1,2}c\s+", fold(note))
        if superior and in_note and clean_name(note[in_note.end():]):
            superior = clean_name(note[in_note.end():])     # "Chuyển về trực thuộc Sở Xây dựng"
        conf = min([confidence, *(name_confidence(n) for n in (*srcs, target) if n)])
        events.append(MergeEvent(kind=kind, sources=tuple(srcs),
                                 target=srcs[0] if superior else target, superior=superior,
                                 decision=decision, source=source, confidence=conf))
    return events


def events_from_document(text: str, tables: Sequence[Sequence[Sequence[Any]]], *,
                         source: str, decision: str, ocr: bool,
                         unread: list[str] | None = None) -> list[MergeEvent]:
    conf = OCR_CONFIDENCE if ocr else 1.0
    events = parse_text(text, source=source, decision=decision, confidence=conf, unread=unread)
    for table in tables:
        events.extend(events_from_table(table, source=source, decision=decision,
                                        confidence=conf))
        # statements written inside table cells (numbered articles laid out in a grid)
        for row in table:
            for cell in row:
                if cell and len(str(cell)) > 15:
                    e = parse_clause(nfc(cell), source=source, decision=decision,
                                     confidence=conf)
                    if e:
                        events.append(e)
    return dedupe(events)


# Personnel decisions: a verb of moving or leaving, a person ("ông/bà/đồng chí" + a name in
# capitals), their title and agency, and where they go ("đến công tác tại Sở Y").
_DEST = re.compile(
    r"(?<![a-z])(?:(?:den|ve|sang|toi)(?:\s+nhan)?(?:\s+cong\s+tac)?(?:\s+tai)?|"
    rf"(?:cong\s+tac|lam\s+viec)\s+tai|tai)\s+(?={HEAD})")
_NEW_TITLE = re.compile(r"(?<![a-z])(?:giu\s+chuc\s+vu|giu\s+chuc|lam)\s+(?=\S)")
_TITLE_WORDS = ("truong", "pho", "chanh", "giam doc", "chu tich", "chuyen vien", "ke toan",
                "can bo", "nhan vien", "thanh tra", "van thu", "bi thu", "uy vien")
# A head word right after these is part of the title ("Trưởng phòng", "Chánh Văn phòng",
# "Chuyên viên") or of another word ("xã hội"), not the start of the agency.
_IN_TITLE = ("truong", "pho", "chanh", "chuyen", "chanh van", "xa", "nhan", "uy")
_AGENCY = re.compile(rf"(?<![a-z])(?={HEAD})")


def _person_name(clause: str, at: int) -> tuple[str, int]:
    """The capitalised words from `at` ('Nguyễn Văn An, Phó …' → 'Nguyễn Văn An')."""
    words: list[str] = []
    end = at
    for m in re.finditer(r"\S+", clause[at:at + 80]):
        w = m.group().rstrip(",;:.")
        if not w[:1].isupper() or len(words) == 5:
            break
        words.append(w)
        end = at + m.start() + len(w)
        if m.group() != w:
            break                   # "An," ends the name
    return (" ".join(words), end) if len(words) >= 2 else ("", at)


def _title_agency(text: str) -> tuple[str, str]:
    """'Phó Giám đốc Sở Tài chính tỉnh Thái Bình' → ('Phó Giám đốc', 'Sở Tài chính tỉnh Thái
    Bình'); 'Trưởng phòng Kế hoạch, Sở Y tế' keeps 'phòng' in the title."""
    text = nfc(text).strip(" ,;")
    f = fold(text)
    for m in _AGENCY.finditer(f):
        before = f[:m.start()].rstrip(" ,")
        if m.start() == 0 or before.split()[-1:] in ([w] for w in _IN_TITLE) or before.endswith(
                "chanh van"):
            continue
        return clean_name(text[:m.start()]), clean_name(text[m.start():])
    if f.startswith(_TITLE_WORDS):
        return clean_name(text), ""
    return "", clean_name(text)


def person_from_clause(clause: str, *, source: str = "") -> Subscriber | None:
    """One person a personnel clause moves or retires, or None."""
    clause = nfc(clause)
    f = fold(clause)
    move, leave = MOVE.search(f), LEAVE.search(f)
    if not move and not leave:
        return None
    for pm in PERSON.finditer(f):
        name, end = _person_name(clause, pm.end())
        if not name or re.match(HEAD, fold(name)):
            continue
        # title and agency: what follows the name up to the verb or the destination
        stop = len(clause)
        for m in (move, leave, _DEST.search(f, end)):
            if m is not None and m.start() > end:
                stop = min(stop, m.start())
        seg = clause[end:stop]
        seg = re.split(r",\s*(?:(?:được|duoc|đã|da)\s+)?(?:đến|den|về|ve|sang|kể từ|ke tu)\b",
                       seg)[0]
        seg = re.sub(r"(?:\s+(?:được|đã|sẽ|duoc|da|se))+\s*$", "", seg.rstrip(" ,"))
        title, agency = _title_agency(re.sub(r"^[\s,:]+|[\s,]+$", "", seg))
        new_agency = new_title = ""
        dest = _DEST.search(f, end)
        if move and dest:
            new_agency = clean_name(clause[dest.end():])
        nt = _NEW_TITLE.search(f, end)
        if move and nt:
            new_title, placed = _title_agency(clause[nt.end():])
            new_agency = new_agency or placed
        leaving = leave is not None and (move is None or leave.start() < move.start())
        return Subscriber(type="person", name=name, agency=agency, title=title,
                          new_agency="" if leaving else new_agency,
                          new_title="" if leaving else new_title, needed=not leaving,
                          need_note=clause, source=source)
    return None


def persons_from_text(text: str, *, source: str = "") -> list[Subscriber]:
    """Every person a decision moves or retires; items under a lead-in ("Điều động các công
    chức sau đến công tác tại Sở Nội vụ:" / "1. Ông …, Chuyên viên Sở …;") take its verb."""
    out: list[Subscriber] = []
    seen: set[tuple[str, str]] = set()
    lead = ""
    for c in clauses(text):
        f = fold(c)
        verb = MOVE.search(f) or LEAVE.search(f)
        if c.endswith(":"):
            lead = c.rstrip(" :") if verb else ""
            continue
        if re.match(r"^\s*(?:Điều|Dieu|ĐIỀU)\s+\d", c):
            lead = ""
        p = person_from_clause(c if verb or not lead else f"{c.rstrip(' .;,')}, {lead}",
                               source=source)
        if p is not None and (key(p.name), key(p.agency)) not in seen:
            seen.add((key(p.name), key(p.agency)))
            out.append(p)
    return out
