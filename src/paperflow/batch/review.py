"""Review before numbering (docs/DESIGN.md, `paperflow approve`): each batch gets its review
sheet XEM-XET.xlsx/.pdf; nothing is numbered or signed until the clerk approves (`approve`,
or `sign`), unless `[plan] auto_approve = true`. The clerk's decision column — another
action, or 'bỏ' to exclude a row — read back from an edited sheet (dropped into the inbox or
given to `approve --edits`) changes the batch's plan, and the changed action cites it."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from openpyxl import load_workbook

from ..config import Settings
from ..errors import InputRejected
from ..models import Action, Plan
from ..register.batches import action_key
from ..render.review import (
    ACTION_VI,
    DECISION_COL,
    HEADER_ROW,
    KEYWORD,
    NOTE_COL,
    REVIEW_STEM,
    ReviewRow,
    build_review_docx,
    write_review_xlsx,
)
from ..text import key

EXCLUDE = {"bo", "loai", "loai bo", "khong", "khong lam", "exclude", "x"}
# what a clerk may write in the decision column → the action (codes or Vietnamese words)
DECISIONS = {key(v): k for k, v in ACTION_VI.items()} | {key(k): k for k in ACTION_VI} | {
    "giu": "keep", "thay doi": "change_info", "doi thong tin": "change_info",
    "thu hoi cts": "revoke", "thu hoi chung thu": "revoke"}


@dataclass(frozen=True)
class Edit:
    """One row of an edited review sheet whose decision column the clerk filled."""

    key: str
    row: int
    decision: str           # an action, or "" to exclude the row
    note: str


@dataclass(frozen=True)
class Edits:
    batch: str
    source: str             # the sheet's file name, as the clerk gave it
    edits: tuple[Edit, ...]


def is_review_sheet(path: Path) -> bool:
    """A review sheet coming back: named XEM-XET… (the clerk may add to the name)."""
    return path.suffix.lower() == ".xlsx" and key(path.stem).startswith(key(REVIEW_STEM))


def _rows(settings: Settings, plan: Plan) -> list[ReviewRow]:
    out = []
    for a in plan.actions:
        s = a.subscriber
        cert = a.serial or a.token_serial or (f"{a.from_} → {a.to}" if a.from_ else "")
        said = [w.message for w in plan.warnings
                if (a.serial and a.serial in w.message) or (s and s.name and s.name in w.message)]
        out.append(ReviewRow(
            key=action_key(a), subscriber=s.name if s else (a.hand_over_to or a.to or ""),
            agency=s.agency if s else a.sender, certificate=cert, action=a.action,
            changes="; ".join(f"{attr}: {old} → {new}" for attr, old, new in a.changes),
            reason=a.reason, rule=a.rule, source=s.source if s else "",
            source_row=str(s.source_row) if s and s.source_row else "",
            warnings="; ".join(said)))
    return out


def write_review(settings: Settings, plan: Plan, folder: Path, *,
                 printable: bool = True) -> tuple[Path, Path | None]:
    """XEM-XET.xlsx (to edit) and, when `printable`, XEM-XET.docx (to convert to the PDF)."""
    rows = _rows(settings, plan)
    return (write_review_xlsx(settings, plan.batch, rows, folder),
            build_review_docx(settings, plan.batch, rows, folder) if printable else None)


def read_edits(path: Path, *, name: str = "") -> Edits:
    """The filled decision column of an edited review sheet; a decision that is no known
    action is the clerk's error, named with its row (nothing is applied then)."""
    name = name or path.name
    try:
        wb = load_workbook(path, read_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the file's fault
        raise InputRejected("review_unreadable", name=name, error_type=exc.__class__.__name__,
                            exc=exc) from exc
    try:
        words = wb.properties.keywords or ""
        if not words.startswith(KEYWORD):
            raise InputRejected("review_not_ours", name=name)
        batch = words[len(KEYWORD):]
        edits: list[Edit] = []
        for n, row in enumerate(wb.worksheets[0].iter_rows(min_row=HEADER_ROW + 1,
                                                            values_only=True), HEADER_ROW + 1):
            if not row or not row[0]:
                continue
            said = str(row[DECISION_COL - 1] or "").strip()
            if not said:
                continue
            note = str(row[NOTE_COL - 1] or "").strip() if len(row) >= NOTE_COL else ""
            k = re.sub(r"[.!]+$", "", key(said))
            if k in EXCLUDE:
                edits.append(Edit(str(row[0]), n, "", note))
            elif k in DECISIONS:
                edits.append(Edit(str(row[0]), n, DECISIONS[k], note))
            else:
                raise InputRejected("review_bad_decision", name=name, n=n, said=said)
    finally:
        wb.close()
    return Edits(batch, name, tuple(edits))


def revisions(plan: Plan, edits: Edits) -> list[tuple[str, Action | None]]:
    """(key of the planned action, its replacement or None) for each decision that changes
    something; the replacement's reason cites the clerk's decision and the sheet's row."""
    by_key = {action_key(a): a for a in plan.actions}
    out: list[tuple[str, Action | None]] = []
    for e in edits.edits:
        a = by_key.get(e.key)
        if a is None or e.decision == a.action:
            continue
        if not e.decision:
            out.append((e.key, None))
            continue
        why = (f"Văn thư quyết định '{ACTION_VI.get(e.decision, e.decision)}' thay cho "
               f"'{ACTION_VI.get(a.action, a.action)}' ({edits.source}, dòng {e.row})"
               + (f": {e.note}" if e.note else "") + ".")
        out.append((e.key, replace(a, action=e.decision, reason=f"{why} {a.reason}",
                                   rule=f"{a.rule}; quyết định của văn thư")))
    return out


__all__ = ["Edit", "Edits", "is_review_sheet", "read_edits", "revisions", "write_review",
           "REVIEW_STEM"]
