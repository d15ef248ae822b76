"""The focal point's desk in the register (rule 18): the requests received from agencies, and
the processing register (sổ theo dõi) — each request, what was done, when, by whom.

`received_requests`: one row per received dispatch (by content): sender, number, date, form,
each subscriber row, and the result of its check (valid, unsigned, untrusted …) with the reason.
`processing_register`: one row per received dispatch and batch that acted on it: what was done
(carried out at the desk, aggregated to the Cục, listed for follow-up), when, by whom, and the
number of the reply once issued.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Connection, Date, DateTime, String, Text, inspect, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..errors import PaperflowError
from ..errortexts import Phrase
from ..extract.received import as_form, same_dispatch
from ..models import Action, ReceivedRequest, Request
from ..text import key, nfc
from .base import Base, migration
from .snapshot import subscriber_from_dict, subscriber_to_dict


class ReceivedRequestRow(Base):
    __tablename__ = "received_requests"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(Text, default="")
    sender: Mapped[str] = mapped_column(Text, default="")
    number: Mapped[str] = mapped_column(String(80), default="")
    issued: Mapped[date | None] = mapped_column(Date, nullable=True)
    form: Mapped[str] = mapped_column(String(4), default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    rows: Mapped[list] = mapped_column(JSON)             # [{request, reason, subscriber}, …]
    signer: Mapped[str] = mapped_column(Text, default="")
    check: Mapped[str] = mapped_column(String(20), default="")
    problem: Mapped[str] = mapped_column(Text, default="")
    signature_block: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # a scan (hand-signed, stamped) the clerk checked against the paper: who, when
    accepted_by: Mapped[str] = mapped_column(Text, default="")
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ProcessingRow(Base):
    __tablename__ = "processing_register"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)   # request sha + batch
    request_sha: Mapped[str] = mapped_column(String(64), index=True)
    batch: Mapped[str] = mapped_column(String(120), index=True)
    outcome: Mapped[str] = mapped_column(String(30))     # carried_out | to_ca | follow_up
    done: Mapped[str] = mapped_column(Text, default="")  # what was done, in the clerk's words
    done_by: Mapped[str] = mapped_column(Text, default="")
    done_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reply_number: Mapped[str] = mapped_column(String(80), default="")


@migration("0006-received-requests-and-processing-register")
def _received(conn: Connection) -> None:
    # Registers made before the focal point's desk get both tables (create_all makes them for
    # new ones; checkfirst keeps this a no-op then).
    ReceivedRequestRow.__table__.create(conn, checkfirst=True)
    ProcessingRow.__table__.create(conn, checkfirst=True)


@migration("0009-received-accepted")
def _accepted(conn: Connection) -> None:
    # `paperflow desk accept`: who checked a scanned request against the paper, and when
    have = {c["name"] for c in inspect(conn).get_columns("received_requests")}
    if "accepted_by" not in have:
        conn.execute(text("ALTER TABLE received_requests ADD COLUMN accepted_by TEXT "
                          "NOT NULL DEFAULT ''"))
    if "accepted_at" not in have:
        conn.execute(text("ALTER TABLE received_requests ADD COLUMN accepted_at "
                          "TIMESTAMP WITH TIME ZONE"))


def store_received(session: Session, items: list[ReceivedRequest], *, sha256: str) -> None:
    """Keep each received request (the same content again replaces its row)."""
    now = datetime.now().astimezone()
    for n, r in enumerate(items):
        ident = sha256 if n == 0 else f"{sha256[:56]}-{n:06d}"
        values: dict[str, Any] = {
            "source": r.source, "sender": r.sender, "number": r.number, "issued": r.date,
            "form": r.form, "subject": r.subject, "signer": r.signer, "check": r.check,
            "problem": r.problem, "signature_block": r.signature_block, "received_at": now,
            "rows": [{"request": q.request, "reason": q.reason, "source": q.source,
                      "subscriber": subscriber_to_dict(q.subscriber)} for q in r.rows]}
        row = session.get(ReceivedRequestRow, ident)
        if row is None:
            session.add(ReceivedRequestRow(sha256=ident, accepted_by="", **values))
        else:       # read again: what the clerk accepted stays accepted
            for k, v in values.items():
                setattr(row, k, v)


def load_received(session: Session) -> tuple[ReceivedRequest, ...]:
    out = []
    for r in session.scalars(select(ReceivedRequestRow).order_by(
            ReceivedRequestRow.received_at, ReceivedRequestRow.sha256)):
        rows = tuple(Request(request=q["request"], reason=q.get("reason", ""),
                             source=q.get("source", ""),
                             subscriber=subscriber_from_dict(q["subscriber"])) for q in r.rows)
        check, problem, accepted = r.check, r.problem, ""
        if r.accepted_by and check == "scan":
            check, problem = "accepted", ""
            accepted = f"{r.accepted_by}|{_when(r.accepted_at)}"
        out.append(ReceivedRequest(
            sender=r.sender, number=r.number, date=r.issued, form=r.form, rows=rows,
            subject=r.subject, signer=r.signer, check=check, problem=problem,
            source=r.source, sha256=r.sha256, signature_block=r.signature_block,
            accepted=accepted))
    return join_lists(out)


def join_lists(items: list[ReceivedRequest]) -> tuple[ReceivedRequest, ...]:
    """Each list filed apart (check "list") joined to the one dispatch its title or file name
    names (extract/received.same_dispatch: number and symbol), in whatever drop either came.
    The dispatch takes the list's rows, decided under its form; one signed as it should be
    and only waiting for its rows ("no_rows" with a signer) becomes "valid"; a scan stays a
    scan. Never a guess: a list naming no dispatch received, several dispatches, or a
    dispatch that has rows or another list stays a list, its `problem` saying why (the plan
    lists it for the clerk)."""
    requests = [r for r in items if r.check != "list"]
    lists = [r for r in items if r.check == "list"]
    if not lists:
        return tuple(items)
    matches = {r.sha256: [q for q in requests if q.number and same_dispatch(r.number, q.number)]
               for r in lists}
    claims: dict[str, list[ReceivedRequest]] = {}
    for r in lists:
        if len(matches[r.sha256]) == 1:
            claims.setdefault(matches[r.sha256][0].sha256, []).append(r)
    joined: dict[str, ReceivedRequest] = {}
    problem: dict[str, str] = {}
    for q in requests:
        got = claims.get(q.sha256, [])
        label = f"công văn số {q.number} của {q.sender or 'cơ quan (chưa rõ)'}"
        if len(got) > 1:
            for r in got:
                problem[r.sha256] = (f"{len(got)} danh sách cùng ghi kèm {label} "
                                     f"({', '.join(x.source for x in got)}): không ghép; giữ "
                                     "một tệp đúng, gửi lại")
        elif got and q.rows:
            problem[got[0].sha256] = (f"{label} đã có danh sách trong văn bản: danh sách rời "
                                      "không được ghép")
        elif got:
            r = got[0]
            check, why = q.check, q.problem
            if check == "no_rows" and q.signer:
                check, why = "valid", ""
            elif check == "no_rows":        # its signature was never checked
                why = ("chữ ký số của công văn chưa được kiểm tra: đề nghị cơ quan gửi lại bản "
                       "PDF đã ký số")
            # `source` stays the dispatch's file (what quarantine and the warnings name); each
            # row's source is the list's
            joined[q.sha256] = replace(
                q, rows=tuple(as_form(replace(x, source=r.source), q.form) for x in r.rows),
                check=check, problem=why)
            joined[r.sha256] = r        # joined: not listed again
    for r in lists:
        found = matches[r.sha256]
        if r.sha256 in joined or r.sha256 in problem:
            continue
        if not found:
            problem[r.sha256] = (f"chưa nhận được công văn số {r.number} mà danh sách ghi kèm "
                                 "theo: ghép khi công văn đến")
        else:
            problem[r.sha256] = (f"số {r.number} khớp nhiều công văn ("
                                 + "; ".join(f"{q.number} của {q.sender}" for q in found)
                                 + "): không ghép; ghi đủ số và ký hiệu trong tên tệp")
    return tuple(joined.get(r.sha256, r) if r.check != "list"
                 else replace(r, problem=problem[r.sha256])
                 for r in items if r.check != "list" or r.sha256 in problem)


def record_processing(session: Session, batch: str, actions: list[Action], done_by: str) -> int:
    """One processing-register row per received request the batch's desk actions answer (the
    plan's "desk" actions: kind "desk", from_ = the request's sha256)."""
    now = datetime.now().astimezone()
    n = 0
    for a in actions:
        if a.kind != "desk":
            continue
        ident = f"{a.from_}|{batch}"
        if session.get(ProcessingRow, ident) is None:
            session.add(ProcessingRow(id=ident, request_sha=a.from_, batch=batch,
                                      outcome=a.action, done=a.reason, done_by=done_by,
                                      done_at=now))
            n += 1
    return n


def processing_register(session: Session) -> list[dict[str, Any]]:
    """The processing register as rows (newest last), for status and the web page."""
    got = session.execute(select(ProcessingRow, ReceivedRequestRow).join(
        ReceivedRequestRow, ReceivedRequestRow.sha256 == ProcessingRow.request_sha)
        .order_by(ProcessingRow.done_at, ProcessingRow.id)).all()
    return [{"sender": q.sender, "number": q.number, "date": q.issued, "form": q.form,
             "check": q.check, "outcome": p.outcome, "done": p.done, "done_by": p.done_by,
             "done_at": p.done_at, "batch": p.batch, "reply_number": p.reply_number}
            for p, q in got]


def _when(at: datetime | None) -> str:
    return at.astimezone().strftime("%d/%m/%Y %H:%M") if at is not None else ""


class NotFound(LookupError):
    """No received request, or several, answer to what the clerk typed."""

    def __init__(self, ref: str, found: list[ReceivedRequestRow]) -> None:
        super().__init__(ref)
        self.ref, self.found = ref, found


def find_received(session: Session, ref: str) -> ReceivedRequestRow:
    """The one received request named by its number ("123/SYT-VP", or "123" when only one has
    it) or by the start of its id (the sha256 `desk list` prints, 6 characters or more).
    Lists filed apart are not requests: never found here."""
    ref = nfc(ref).strip()
    rows = [r for r in session.scalars(select(ReceivedRequestRow).order_by(
        ReceivedRequestRow.received_at, ReceivedRequestRow.sha256)) if r.check != "list"]
    found = [r for r in rows if ref and r.number and same_dispatch(ref, r.number)]
    if len(found) > 1:          # "12/SYT" matches "12/SYT-VP" and "12/SYT-KHTC": the full one
        found = [r for r in found if key(r.number) == key(ref)] or found
    if not found and len(ref) >= 6:
        found = [r for r in rows if r.sha256.startswith(ref.lower())]
    if len(found) != 1:
        raise NotFound(ref, found)
    return found[0]


def accept_received(session: Session, ref: str, by: str, at: datetime) -> ReceivedRequestRow:
    """Record that `by` checked a scanned request (hand-signed, stamped) against the paper:
    the next run carries it out. Only a scan can be accepted; its register row keeps who and
    when. Raises NotFound, or ValueError with the row when it is not a scan."""
    row = find_received(session, ref)
    if row.check != "scan":
        raise ValueError(row)
    if not row.accepted_by:
        row.accepted_by, row.accepted_at = nfc(by).strip(), at
    return row


def received_rows(session: Session) -> list[dict[str, Any]]:
    """Every received request and list as `desk list` shows it (lists joined, as the plan sees
    them), oldest first."""
    got = load_received(session)
    return [{"id": r.sha256[:10], "sender": r.sender, "number": r.number, "date": r.date,
             "form": r.form, "rows": len(r.rows), "check": r.check, "problem": r.problem,
             "accepted": r.accepted, "source": r.source,
             "lists": sorted({q.source for q in r.rows if q.source and q.source != r.source})}
            for r in got]


def _not_found(ref: str, found: list[ReceivedRequestRow]) -> PaperflowError:
    if not found:
        return PaperflowError("desk_not_found", ref=ref)
    which = "; ".join(f"{r.sha256[:10]} {r.number} {r.sender}" for r in found)
    return PaperflowError("desk_ambiguous", ref=ref, n_found=len(found), which=which)


def desk_accept(reg: Any, ref: str, by: str) -> dict[str, Any]:
    """`paperflow desk accept`: the clerk who checked a scanned request against the paper
    records it (who, when; an audit row too); the next run carries it out."""
    now = datetime.now().astimezone()
    with reg.session() as s:
        try:
            row = accept_received(s, ref, by, now)
        except NotFound as exc:
            raise _not_found(exc.ref, exc.found) from None
        except ValueError:
            row = find_received(s, ref)
            raise PaperflowError(
                "desk_not_scan", number=row.number, sender=row.sender,
                check=row.check or Phrase("check_unchecked"),
                problem=f" — {row.problem}" if row.problem else "") from None
        reg.audit(s, "desk_accept", f"{row.sha256} {row.number} by={row.accepted_by}")
        return {"id": row.sha256[:10], "number": row.number, "sender": row.sender,
                "by": row.accepted_by, "at": _when(row.accepted_at), "rows": len(row.rows)}


def desk_list(reg: Any) -> list[dict[str, Any]]:
    with reg.session() as s:
        return received_rows(s)
