"""The receiving agency's receipt of handed-over dossiers (rule 7; 275/BCY-CTSBMTT §3.2: "cơ
quan, tổ chức mới tiếp nhận, quản lý hồ sơ").

Each dossier hand-over minutes the batches produced (documents of type "handover_dossiers")
waits for its receipt: `paperflow desk receipt <minutes number | batch> --by NAME --date
dd/mm/yyyy` records who of the receiving agency received the dossiers and on which day.
`awaiting_receipts` is what `status` and the web page list until then.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Date, DateTime, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..errors import PaperflowError
from ..text import key, nfc
from .base import Base, migration
from .schema import DocumentRow

HANDOVER = "handover_dossiers"


class DossierReceiptRow(Base):
    __tablename__ = "dossier_receipts"
    document: Mapped[str] = mapped_column(String(500), primary_key=True)  # documents.path
    batch: Mapped[str] = mapped_column(String(120), index=True)
    number: Mapped[str] = mapped_column(String(80), default="")      # the minutes' number
    giver: Mapped[str] = mapped_column(Text, default="")
    receiver: Mapped[str] = mapped_column(Text, default="")
    received_by: Mapped[str] = mapped_column(Text, default="")       # who of the receiver
    received_on: Mapped[date] = mapped_column(Date)                  # the day written on it
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(Text, default="")       # the clerk's login


@migration("0009-dossier-receipts")
def _receipts(conn: Connection) -> None:
    DossierReceiptRow.__table__.create(conn, checkfirst=True)


def _handovers(session: Session) -> list[DocumentRow]:
    return list(session.scalars(select(DocumentRow).where(DocumentRow.type == HANDOVER)
                                .order_by(DocumentRow.batch, DocumentRow.path)))


def awaiting_receipts(session: Session) -> list[dict[str, str]]:
    """The dossier hand-overs whose receipt is not recorded yet (oldest batch first)."""
    done = set(session.scalars(select(DossierReceiptRow.document)))
    return [{"batch": d.batch, "number": d.number, "giver": d.sender, "receiver": d.recipient,
             "document": d.path, "state": d.state}
            for d in _handovers(session) if d.path not in done]


def receipts(session: Session) -> list[dict[str, Any]]:
    return [{"batch": r.batch, "number": r.number, "giver": r.giver, "receiver": r.receiver,
             "received_by": r.received_by, "received_on": r.received_on, "document": r.document}
            for r in session.scalars(select(DossierReceiptRow).order_by(
                DossierReceiptRow.received_on, DossierReceiptRow.document))]


def parse_day(text: str) -> date:
    """dd/mm/yyyy (or yyyy-mm-dd) as the clerk types it."""
    t = text.strip()
    try:
        if "-" in t:
            return date.fromisoformat(t)
        d, m, y = (int(x) for x in t.split("/"))
        return date(y, m, d)
    except ValueError:
        raise PaperflowError("desk_bad_date", text=text) from None


def _which(session: Session, ref: str) -> list[DocumentRow]:
    """The hand-over minutes named by its number ("05/BB-SKHCN"), its batch, or its file."""
    ref = nfc(ref).strip()
    docs = _handovers(session)
    by_number = [d for d in docs if d.number and key(d.number) == key(ref)]
    if by_number:
        return by_number
    by_batch = [d for d in docs if d.batch == ref]
    return by_batch or [d for d in docs if ref and (d.path == ref or d.path.endswith("/" + ref))]


def record_receipt(reg: Any, ref: str, by: str, on: date, clerk: str) -> dict[str, Any]:
    """`paperflow desk receipt`: the receiving agency received the dossiers of one hand-over
    minutes (named by number, batch or file; a batch with several must be named by number)."""
    by = nfc(by).strip()
    if not by:
        raise PaperflowError("desk_no_receiver")
    with reg.session() as s:
        found = _which(s, ref)
        if len(found) != 1:
            listed = "; ".join(f"{d.number or '(chưa số)'} {d.batch} → {d.recipient}"
                               for d in _handovers(s)) or "không có / none"
            raise PaperflowError("desk_handover_ambiguous" if found else "desk_no_handover",
                                 ref=ref, n_found=len(found), listed=listed)
        d = found[0]
        row = s.get(DossierReceiptRow, d.path)
        if row is None:
            row = DossierReceiptRow(document=d.path, batch=d.batch, number=d.number,
                                    giver=d.sender, receiver=d.recipient, received_by=by,
                                    received_on=on, recorded_at=datetime.now().astimezone(),
                                    recorded_by=clerk)
            s.add(row)
        else:               # corrected: the last word of the clerk stands
            row.received_by, row.received_on, row.number = by, on, d.number
            row.recorded_at, row.recorded_by = datetime.now().astimezone(), clerk
        reg.audit(s, "dossier_receipt", f"{d.path} by={by} on={on.isoformat()}")
        return {"number": d.number, "batch": d.batch, "giver": d.sender,
                "receiver": d.recipient, "by": by, "on": on}


def receipt_lines(awaiting: list[dict[str, str]]) -> list[str]:
    """`status`'s lines for the hand-overs still waiting for their receipt."""
    if not awaiting:
        return []
    return ["", f"Bàn giao hồ sơ chờ cơ quan nhận xác nhận: {len(awaiting)} (dossier "
            "hand-overs awaiting the receiver's receipt — paperflow desk receipt …)"] + [
        f"  - {a['number'] or '(chưa số / not numbered)'} lô {a['batch']}: {a['giver']} → "
        f"{a['receiver']}" for a in awaiting]
