"""`paperflow status`: per agency and per focal point, what is planned, waiting, sent, overdue."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from .. import clock
from ..config import Settings
from ..deliver.journal import MailRecord
from . import quarantine as qt
from .receipts import awaiting_receipts, receipt_lines
from .schema import BatchRow, RequestRow

COLUMNS = ("planned", "waiting_signature", "signed", "sent", "failed", "overdue")
HEADINGS = {
    "planned": "Đã lập KH",
    "waiting_signature": "Chờ ký",
    "signed": "Đã ký",
    "sent": "Đã gửi",
    "failed": "Gửi lỗi",
    "overdue": "Quá hạn",
}
HEADINGS_EN = {"planned": "planned", "waiting_signature": "waiting for signature",
               "signed": "signed", "sent": "sent", "failed": "failed to send",
               "overdue": "overdue"}


@dataclass(frozen=True)
class StatusReport:
    effective_date: date
    today: date
    by_agency: dict[str, dict[str, int]] = field(default_factory=dict)
    by_focal_point: dict[str, dict[str, int]] = field(default_factory=dict)
    batches: dict[str, dict[str, int]] = field(default_factory=dict)
    # batch → its plan's warnings as (code, message): what still needs the clerk
    warnings: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # dossier hand-overs (rule 7) whose receipt the receiving agency has not given yet
    awaiting_receipt: list[dict[str, str]] = field(default_factory=list)
    # files and requests a later stage failed on, set aside with why (batch/quarantine.py)
    quarantined: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"effective_date": self.effective_date.isoformat(),
                "today": self.today.isoformat(), "by_agency": self.by_agency,
                "by_focal_point": self.by_focal_point, "batches": self.batches,
                "warnings": {b: [{"code": c, "message": m} for c, m in ws]
                             for b, ws in self.warnings.items()},
                "awaiting_receipt": self.awaiting_receipt, "quarantined": self.quarantined}

    def to_table(self) -> str:
        lines = [f"Ngày hiệu lực sắp xếp: {self.effective_date:%d/%m/%Y} — "
                 f"hôm nay: {self.today:%d/%m/%Y} (effective date — today)",
                 "(" + ", ".join(f"{HEADINGS[c]} = {HEADINGS_EN[c]}" for c in COLUMNS) + ")"]
        for title, rows in (("Theo cơ quan gửi (by agency)", self.by_agency),
                            ("Theo đầu mối tiếp nhận (by focal point)", self.by_focal_point),
                            ("Theo đợt (by batch)", self.batches)):
            lines += ["", _table(title, rows)]
        if not self.by_agency:
            lines += ["", "Chưa có đề nghị nào trong sổ. (No request in the register yet.)"]
        lines += _warnings(self.warnings) + receipt_lines(self.awaiting_receipt)
        lines += _quarantined(self.quarantined)
        return "\n".join(lines)


WARNINGS_LISTED = 5


def _warnings(by_batch: dict[str, list[tuple[str, str]]]) -> list[str]:
    """Each batch's plan warnings: how many of each kind, and the first sentences (all of them
    are in the batch's TOM-TAT-LO.pdf, XEM-XET and `status --json`)."""
    out: list[str] = []
    for batch in sorted(by_batch):
        ws = by_batch[batch]
        if not ws:
            continue
        kinds: dict[str, int] = defaultdict(int)
        for code, _ in ws:
            kinds[code] += 1
        out += ["", f"Cảnh báo của lô {batch}: {len(ws)} (warnings of batch {batch}) — "
                + ", ".join(f"{c} {n}" for c, n in sorted(kinds.items(), key=lambda i: -i[1]))]
        out += [f"  ! {m}" for _, m in ws[:WARNINGS_LISTED]]
        if len(ws) > WARNINGS_LISTED:
            out.append(f"  … {len(ws) - WARNINGS_LISTED} cảnh báo khác trong TOM-TAT-LO.pdf "
                       f"(and {len(ws) - WARNINGS_LISTED} more in TOM-TAT-LO.pdf)")
    return out


def _quarantined(rows: list[dict[str, str]]) -> list[str]:
    """What is set aside now, each with the first line of its reason."""
    if not rows:
        return []
    kinds = {"file": "tệp / file", "request": "đề nghị / request", "batch": "lô / batch"}
    out = ["", f"Để riêng: {len(rows)} — lý do đầy đủ trong inbox/rejected/*.error.txt và "
               f"TOM-TAT-LO.pdf (set aside: {len(rows)}; the full reasons are there)"]
    for r in rows:
        where = f" (lô {r['batch']})" if r["batch"] and r["kind"] != "batch" else ""
        out.append(f"  ⊘ {kinds.get(r['kind'], r['kind'])} {r['name']}{where}: "
                   f"{r['reason'].splitlines()[0] if r['reason'] else ''}")
    return out


def _table(title: str, rows: dict[str, dict[str, int]]) -> str:
    width = max([len(title), *(len(k) for k in rows)]) if rows else len(title)
    head = title.ljust(width) + " | " + " | ".join(HEADINGS[c] for c in COLUMNS)
    out = [head, "-" * len(head)]
    for name in sorted(rows):
        cells = [str(rows[name].get(c, 0)).rjust(len(HEADINGS[c])) for c in COLUMNS]
        out.append(name.ljust(width) + " | " + " | ".join(cells))
    return "\n".join(out)


def status_report(settings: Settings, reg: Any) -> StatusReport:
    today = settings.plan.today or clock.today()
    late = today > settings.plan.effective_date
    by_agency: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COLUMNS, 0))
    by_focal: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COLUMNS, 0))
    by_batch: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COLUMNS, 0))
    with reg.session() as s:
        mails: dict[str, list[MailRecord]] = defaultdict(list)
        # superseded rows stand for an earlier render of a batch: never counted
        for m in s.scalars(select(MailRecord).where(MailRecord.state != "superseded")):
            mails[m.batch].append(m)
        for r in s.scalars(select(RequestRow).order_by(RequestRow.batch, RequestRow.position)):
            batch_mail = mails.get(r.batch, [])
            state = r.state
            if state in ("superseded", "excluded", "quarantined"):
                # replaced by a later batch's request for the same certificate, taken out of
                # its batch by the clerk's review (batch/review.py), or set aside (listed below)
                continue
            if state in ("generated", "signed") and batch_mail and all(
                    m.state == "sent" for m in batch_mail):
                state = "sent"
            column = {"planned": "planned", "generated": "waiting_signature",
                      "signed": "signed", "sent": "sent", "done": "sent"}[state]
            for group, name in ((by_agency, r.sender), (by_focal, r.route_to),
                                (by_batch, r.batch)):
                row = group[name or "—"]
                row[column] += 1
                if late and column != "sent":
                    row["overdue"] += 1
        warnings = {b.batch: [(str(c), str(m)) for c, m in (b.warnings or [])]
                    for b in s.scalars(select(BatchRow))}
        awaiting = awaiting_receipts(s)
        quarantined = [{"kind": q.kind, "name": q.name, "batch": q.batch, "stage": q.stage,
                        "reason": q.reason} for q in qt.records(s)]
        for batch, ms in mails.items():
            for m in ms:
                if m.state == "failed":
                    by_agency[m.sender_agency or "—"]["failed"] += 1
                    by_focal[m.recipient_name or m.recipient]["failed"] += 1
                    by_batch[batch]["failed"] += 1
    return StatusReport(effective_date=settings.plan.effective_date, today=today,
                        by_agency=dict(by_agency), by_focal_point=dict(by_focal),
                        batches=dict(by_batch), warnings=warnings, awaiting_receipt=awaiting,
                        quarantined=quarantined)
