"""The register: one object over the database, opened per run (`with Register.open(s) as reg`)."""

from __future__ import annotations

import getpass
import hashlib
import socket
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import delete, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from .. import clock
from ..config import Settings
from ..errors import RegisterError
from ..locks import exclusive
from ..models import (
    Action,
    CentralDispatch,
    Certificate,
    Extracted,
    MergeEvent,
    MergeKind,
    Plan,
    ReadingReport,
    RenderedDocument,
    Request,
)
from ..text import key
from . import batches, identity, numbering
from . import quarantine as qt
from .db import open_engine
from .journals import IntakeRecord, MailRecord
from .received import load_received, record_processing, store_received
from .reports import reading_reports, store_report
from .rows import GroupRows
from .schema import (
    ApprovalRow,
    AuditRow,
    BatchRow,
    CentralDispatchRow,
    CertificateRow,
    DocumentRow,
    IncomingRequestRow,
    MergeEventRow,
    OrganisationHistoryRow,
    OrganisationRow,
    RequestRow,
    SubscriberRow,
)
from .snapshot import (
    Earlier,
    Organisation,
    RegisterSnapshot,
    action_from_dict,
    merge_event_sort_key,
    subscriber_from_dict,
)
from .store import prefetch, store_extracted


def who() -> str:
    """The host user, for the audit log."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "?"
    return f"{user}@{socket.gethostname()}"


class Register:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # numbers a clerk entered at signing (`sign --number`), by series: numberer takes them
        self.hand_numbers: dict[str, list[int]] = {}

    @classmethod
    @contextmanager
    def open(cls, settings: Settings) -> Iterator[Register]:
        engine = open_engine(settings.register_url)
        try:
            identity.check(settings, engine, new_register=settings.new_register)
            yield cls(engine)
        finally:
            engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction; database errors become a RegisterError a clerk can act on."""
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                yield session
        except SQLAlchemyError as exc:
            raise RegisterError("register_failed", error_type=exc.__class__.__name__, exc=exc) from exc

    def audit(self, session: Session, what: str, detail: str) -> None:
        session.add(AuditRow(at=datetime.now().astimezone(), who=who(), what=what,
                             detail=detail))

    # --- input -------------------------------------------------------------------------
    def store(self, extracted: Extracted, *, source_sha: str, source_name: str) -> None:
        self.store_many([(extracted, source_sha, source_name)])

    def store_many(self, items: Sequence[tuple[Extracted, str, str]]) -> None:
        """Store several files' contents — (extracted, source_sha, source_name) — in ONE
        transaction, an audit row per file as `store` writes. All or nothing: on any error
        nothing of the group is stored and the caller stores the files one by one (so one bad
        file cannot take the others with it). One commit per group instead of one per file:
        thousands of small certificate files otherwise spend most of intake in fsyncs.

        The rows the group may touch are read ahead in a few IN queries and the group runs
        without autoflush (see rows.GroupRows): the INSERTs go out together at the commit
        instead of one flush and several single-row SELECTs per stored row."""
        with self.session() as s, s.no_autoflush:
            rows = GroupRows(s)
            prefetch(rows, [extracted for extracted, _sha, _name in items])
            for extracted, source_sha, source_name in items:
                counts = store_extracted(rows, extracted)
                if extracted.received:
                    store_received(s, list(extracted.received), sha256=source_sha)
                if extracted.report is not None:
                    store_report(s, extracted.report, sha256=source_sha, name=source_name)
                summary = ", ".join(f"{k}={v}" for k, v in counts.items())
                self.audit(s, "store", f"{source_name} sha256={source_sha} {summary}")

    def snapshot(self) -> RegisterSnapshot:
        with self.session() as s:
            subs = [subscriber_from_dict({c: getattr(r, c) for c in _SUB_COLS})
                    for r in s.scalars(select(SubscriberRow))]
            certs = [Certificate(serial=r.serial, subject=tuple((k, v) for k, v in r.subject),
                                 issuer=r.issuer, not_before=r.not_before,
                                 not_after=r.not_after, source=r.source)
                     for r in s.scalars(select(CertificateRow))]
            events = [MergeEvent(kind=MergeKind(r.kind), sources=tuple(r.sources),
                                 target=r.target, superior=r.superior,
                                 old_superior=r.old_superior or "",
                                 keep_certificate_of=r.keep_certificate_of,
                                 decision=r.decision, effective=r.effective, source=r.source,
                                 confidence=r.confidence)
                      for r in s.scalars(select(MergeEventRow))]
            reqs = [Request(request=r.request, subscriber=subscriber_from_dict(r.subscriber),
                            reason=r.reason, source=r.source)
                    for r in s.scalars(select(IncomingRequestRow))]
            hist: dict[str, list[tuple[str, str, str]]] = {}
            for h in s.scalars(select(OrganisationHistoryRow).order_by(
                    OrganisationHistoryRow.org_key, OrganisationHistoryRow.id)):
                hist.setdefault(h.org_key, []).append((h.field, h.old, h.new))
            orgs = [Organisation(name=r.name, managing_agency=r.managing_agency,
                                 province=r.province, history=tuple(hist.get(r.key, ())))
                    for r in s.scalars(select(OrganisationRow))]
            earlier = [Earlier(batch=r.batch, state=r.state, action=action_from_dict(r.payload))
                       for r in s.scalars(select(RequestRow).where(
                           RequestRow.kind == "certificate",
                           RequestRow.state.not_in(("superseded", "excluded", "quarantined")))
                           .order_by(RequestRow.batch, RequestRow.position))]
            centrals = [CentralDispatch(number=r.number, date=r.issued, issuer=r.issuer,
                                        subject=r.subject,
                                        points=tuple((lb, t) for lb, t in r.points),
                                        source=r.source, signer=r.signer, ocr=r.ocr)
                        for r in s.scalars(select(CentralDispatchRow))]
            received = load_received(s)
            hidden = qt.hidden_sources(s)     # quarantined files: no plan sees their records
        return qt.without_sources(RegisterSnapshot(
            subscribers=tuple(sorted(subs, key=lambda x: (x.type, key(x.agency), key(x.name),
                                                          x.cert_serial, x.id_number))),
            certificates=tuple(sorted(certs, key=lambda c: c.serial)),
            merge_events=tuple(sorted(events, key=merge_event_sort_key)),
            requests=tuple(sorted(reqs, key=lambda r: (r.request, key(r.subscriber.name),
                                                       r.subscriber.id_number, r.source))),
            organisations=tuple(sorted(orgs, key=lambda o: key(o.name))),
            central_dispatches=tuple(sorted(centrals, key=lambda c: (c.date or date.min,
                                                                     c.number))),
            earlier=tuple(earlier),
            received=received,
        ), hidden)

    def reading_reports(self, batch: str | None = None) -> list[ReadingReport]:
        """How `batch`'s files were read (None: the files taken since the last batch)."""
        return reading_reports(self.engine, batch)

    # --- plans and documents -------------------------------------------------------------
    def batch_exists(self, batch: str) -> bool:
        with self.session() as s:
            return batches.batch_exists(s, batch)

    def record_plan(self, plan: Plan) -> list[Action]:
        with self.session() as s:
            new = batches.record_plan(s, plan)
            record_processing(s, plan.batch, new, who())
            self.audit(s, "plan", f"batch={plan.batch} actions={len(plan.actions)} new={len(new)}")
            return new

    def load_plan(self, batch: str) -> Plan:
        with self.session() as s:
            return batches.load_plan(s, batch)

    @contextmanager
    def lock(self, settings: Settings, name: str, *, wait: bool = True) -> Iterator[bool]:
        """An exclusive lock between every process working on this register; yields False
        when `wait` is off and another process holds it. On PostgreSQL (several workstations,
        each with its own workspace folder) a session-level advisory lock in the database —
        the server drops it when the holder's connection goes, so a killed process never
        leaves it held; on SQLite (one workspace) the workspace's lock file."""
        if self.engine.dialect.name != "postgresql":
            with exclusive(settings.state / "locks", name, wait=wait) as mine:
                yield mine
            return
        key = int.from_bytes(hashlib.sha256(f"paperflow:{name}".encode()).digest()[:8], "big",
                             signed=True)
        with self.engine.connect() as conn:
            fn = "pg_advisory_lock" if wait else "pg_try_advisory_lock"
            got = conn.execute(text(f"SELECT {fn}(:k)"), {"k": key}).scalar()
            conn.commit()               # the lock is the session's: no transaction held open
            mine = wait or bool(got)
            try:
                yield mine
            finally:
                if mine:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    conn.commit()

    # --- quarantine (register/quarantine.py) ----------------------------------------------
    def quarantine(self, batch: str, reason: str) -> None:
        """Set a batch aside that failed again when produced again: later runs go on without
        it (a batch that always fails must not make every later run fail)."""
        with self.session() as s:
            if qt.add(s, "batch", batch, batch=batch, stage="produce", reason=reason):
                self.audit(s, "quarantine", f"batch={batch} {reason[:300]}")

    def quarantined(self, batch: str) -> str:
        """The reason a batch was set aside, or ''."""
        with self.session() as s:
            return qt.reason_of(s, "batch", batch)

    def quarantine_file(self, name: str, *, batch: str, stage: str, reason: str,
                        drop: Sequence[Action] = ()) -> bool:
        """Set an inbox file aside whose content made `stage` fail: no plan sees its records
        from now on (until a corrected file of the same name is taken), and its requests in
        `batch` not issued yet (`drop`, just planned) are forgotten, so that the corrected file
        plans them again. True when newly quarantined."""
        with self.session() as s:
            keys = [self._request_key(a, batch) for a in drop]
            for i in range(0, len(keys), 500):
                s.execute(delete(RequestRow).where(
                    RequestRow.key.in_(keys[i:i + 500]), RequestRow.batch == batch,
                    RequestRow.state.in_(batches.NOT_ISSUED)))
            new = qt.add(s, "file", name, batch=batch, stage=stage, reason=reason)
            if new:
                self.audit(s, "quarantine", f"file={name} batch={batch} stage={stage} "
                                            f"requests={len(keys)} {reason[:300]}")
            return new

    def quarantine_request(self, action: Action, *, batch: str, stage: str, reason: str,
                           name: str) -> None:
        """Set one planned request aside (its document failed at `stage`): its row becomes
        'quarantined' — never produced, never planned again — with the reason kept."""
        key = self._request_key(action, batch)
        with self.session() as s:
            row = s.get(RequestRow, key)
            if row is not None and row.state in batches.NOT_ISSUED:
                row.state, row.updated_at = "quarantined", datetime.now().astimezone()
            if qt.add(s, "request", name, ident=key, batch=batch, stage=stage, reason=reason):
                self.audit(s, "quarantine", f"request={key[:12]} batch={batch} stage={stage} "
                                            f"{reason[:300]}")

    def lift_quarantine(self, names: Sequence[str], *, why: str) -> list[str]:
        """Files taken again under a quarantined file's name (a new content): planned again."""
        with self.session() as s:
            lifted = qt.lift(s, set(names), why=why)
            for name in lifted:
                self.audit(s, "quarantine_lifted", f"file={name} {why[:200]}")
            return lifted

    def quarantines(self, batch: str | None = None) -> list[qt.QuarantineRecord]:
        """What is set aside now (files, requests, batches), of `batch` when given."""
        with self.session() as s:
            return qt.records(s, batch)

    def set_batch_warnings(self, batch: str, warnings: Sequence[tuple[str, str]]) -> None:
        """The batch's plan warnings, replaced (a quarantine left out what some of them named
        and says so): `status` shows them, and `sign` renders them again."""
        with self.session() as s:
            row = s.get(BatchRow, batch)
            if row is not None:
                row.warnings = [[c, m] for c, m in warnings]

    def archived_as(self, name: str) -> Path | None:
        """Where the original of the inbox file `name` was archived (relative to the workspace),
        the latest content of that name; None when none was."""
        with self.session() as s:
            rel = s.scalars(select(IntakeRecord.archived_as).where(
                IntakeRecord.name == name, IntakeRecord.state == "done")
                .order_by(IntakeRecord.finished_at.desc()).limit(1)).first()
        return Path(rel) if rel else None

    @staticmethod
    def _request_key(a: Action, batch: str) -> str:
        k = batches.action_key(a)
        if a.kind in batches.PER_BATCH:     # as batches.record_plan keys the batch's own letters
            k = hashlib.sha256(f"{k}|{batch}".encode()).hexdigest()
        return k

    def produced(self, batch: str) -> bool:
        """True once the batch's documents are recorded (it was produced, on any
        workstation sharing this register)."""
        with self.session() as s:
            return s.scalar(select(DocumentRow.path).where(DocumentRow.batch == batch)
                            .limit(1)) is not None

    def batch_names(self) -> list[str]:
        with self.session() as s:
            return batches.batch_names(s)

    def documents(self, batch: str, outbox: Path) -> list[RenderedDocument]:
        """The batch's documents as the register knows them (paths under `outbox`)."""
        with self.session() as s:
            return batches.documents(s, batch, outbox)

    def awaiting_signature(self, batch: str, outbox: Path, issuer: Callable[[str], bool],
                           ) -> list[RenderedDocument]:
        """The batch's documents that `issuer` (e.g. `settings.agency.is_us`) sends and that
        wait for its signature; drafts for other agencies (they sign on paper) never wait."""
        return [d for d in self.documents(batch, outbox)
                if issuer(d.sender) and d.awaits_signature]

    def revise_plan(self, batch: str, revisions: list[tuple[str, Action | None]],
                    *, source: str) -> int:
        """Apply the clerk's decisions to a batch's plan (see batches.revise_plan)."""
        with self.session() as s:
            n = batches.revise_plan(s, batch, revisions)
            self.audit(s, "review", f"batch={batch} rows={n} source={source}")
            return n

    def approve(self, batch: str, *, edits: str = "") -> None:
        """Record the clerk's approval of the batch's plan (once; later calls keep the first)."""
        with self.session() as s:
            if s.get(ApprovalRow, batch) is None:
                s.add(ApprovalRow(batch=batch, approved_at=datetime.now().astimezone(),
                                  by=who(), edits=edits))
                self.audit(s, "approve", f"batch={batch} edits={edits}")

    def approved(self, batch: str) -> bool:
        with self.session() as s:
            return s.get(ApprovalRow, batch) is not None

    def drop_unsent_mail(self, batch: str) -> None:
        """Forget the mail of a batch attempt that died before its folder appeared: those
        messages were never sent (sending follows the rename) and their .eml names are reused."""
        with self.session() as s:
            s.execute(delete(MailRecord).where(
                MailRecord.batch == batch, MailRecord.state.in_(("pending", "held", "failed"))))

    def record_documents(self, batch: str, docs: list[RenderedDocument], folder: Path) -> None:
        with self.session() as s:
            batches.record_documents(s, batch, docs, folder)
            self.audit(s, "documents", f"batch={batch} documents={len(docs)} "
                                       f"signed={sum(1 for d in docs if d.signed_pdf)}")

    def set_state(self, batch: str, state: str, *, request: str | None = None) -> int:
        """Move a batch's requests on (e.g. 'sent', 'done'); returns how many changed."""
        with self.session() as s:
            n = batches.set_state(s, batch, state, request=request)
            self.audit(s, "state", f"batch={batch} state={state} rows={n}")
            return n

    def numberer(self, settings: Settings) -> Callable[[str], str]:
        """Numbers for one batch: above what the register, the batches in outbox/ and the
        records office ([numbering] start) issued; hand-entered ones (`hand_numbers`) first."""
        agency = settings.agency
        year = (settings.plan.today or clock.today()).year
        known = numbering.floors(settings.outbox, agency.abbreviation, agency.drafting_unit,
                                 settings.numbering.start, year)

        def next_number(doc_type: str) -> str:
            series = numbering.SERIES.get(doc_type, "")
            queue = self.hand_numbers.get(series) or []
            hand = queue.pop(0) if queue else None
            with self.session() as s:
                value = numbering.next_number(s, agency.abbreviation, agency.drafting_unit,
                                              year, doc_type, floor=known.get((year, series), 0),
                                              hand=hand)
                self.audit(s, "number", f"{doc_type} {value}" + (" (hand)" if hand else ""))
            return value

        return next_number

    def check_hand_numbers(self, settings: Settings, texts: Sequence[str]) -> None:
        """`sign --number/--numbers`: each number parsed and checked free BEFORE anything is
        signed (issued in the register, or at or below the highest one in outbox/ or the
        records office's start); then queued for the documents of its series."""
        agency = settings.agency
        year = (settings.plan.today or clock.today()).year
        queue = numbering.hand_queue(texts, agency.abbreviation, agency.drafting_unit)
        known = numbering.floors(settings.outbox, agency.abbreviation, agency.drafting_unit,
                                 settings.numbering.start, year)
        with self.session() as s:
            for series, ns in queue.items():
                for n in ns:
                    if (n <= known.get((year, series), 0)
                            or numbering.is_issued(s, agency.abbreviation, year, series, n)):
                        raise numbering.already_issued(numbering.format_number(
                            n, series, agency.abbreviation, agency.drafting_unit))
        self.hand_numbers = queue


_SUB_COLS = [c.name for c in SubscriberRow.__table__.columns if c.name not in ("ident", "match_key")]
