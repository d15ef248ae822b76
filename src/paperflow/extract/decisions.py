"""Merger decisions (docx / text pdf / scanned pdf / xlsx tables) → MergeEvent records."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..models import MergeEvent, MergeKind
from ..text import key, nfc
from .columns import find_header
from .statements import dedupe, parse_clause, parse_text, split_names

OCR_CONFIDENCE = 0.8        # names read by OCR must be confirmed by the plan's fuzzy match
_FOOTER = ("nguoi lap", "thu truong", "tong cong", "noi nhan", "ghi chu")


def _names(cell: Any) -> list[str]:
    out: list[str] = []
    for line in re.split(r"\n|;", str(cell or "")):
        line = re.sub(r"^\s*(?:[-–•+*]|\d+[.)])\s*", "", nfc(line))
        out.extend(split_names(line) if line else [])
    return out


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
        after_cell = nfc(row[a] if a < len(row) else "")
        note = nfc(row[note_col]) if note_col is not None and note_col < len(row) else ""
        ends = "giai the" in key(note) or "cham dut" in key(note)
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
        if not target or "giai the" in nk or "cham dut" in nk:
            kind = MergeKind.DISSOLVE
            target = ""
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
        events.append(MergeEvent(kind=kind, sources=tuple(srcs),
                                 target=srcs[0] if superior else target, superior=superior,
                                 decision=decision, source=source, confidence=confidence))
    return events


def events_from_document(text: str, tables: Sequence[Sequence[Sequence[Any]]], *,
                         source: str, decision: str, ocr: bool) -> list[MergeEvent]:
    conf = OCR_CONFIDENCE if ocr else 1.0
    events = parse_text(text, source=source, decision=decision, confidence=conf)
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
