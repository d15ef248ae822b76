"""Plans and documents in the register: requests (planned → generated → signed → sent → done)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import RegisterError
from ..models import Action, Plan, PlanWarning, RenderedDocument
from .reports import assign_reports
from .schema import BatchRow, DocumentRow, RequestRow
from .snapshot import action_from_dict, action_to_dict

STATES = ("planned", "generated", "signed", "sent", "done", "superseded", "excluded",
          "quarantined")
NOT_ISSUED = ("planned", "generated")
# The batch's own documents (its report, the agency list for the CA): one per batch that has new
# requests, never a batch of their own.
PER_BATCH = frozenset({"report", "agency"})


def action_key(a: Action) -> str:
    """What makes two actions the same request (wording of the reason does not)."""
    ident = [a.kind, a.action, a.serial, a.token_serial, a.from_, a.to, a.hand_over_to,
             [list(c) for c in a.changes]]
    if not (a.serial or a.token_serial or a.from_) and a.subscriber:
        ident += [a.subscriber.type, a.subscriber.name, a.subscriber.id_number,
                  a.subscriber.agency]
    if a.kind == "dispatch" and a.central is not None:
        # one implementing dispatch per central dispatch (its number and date), ever
        ident += [a.central.number, a.central.date.isoformat() if a.central.date else ""]
    text = json.dumps(ident, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def batch_exists(session: Session, batch: str) -> bool:
    return session.get(BatchRow, batch) is not None


def record_plan(session: Session, plan: Plan) -> list[Action]:
    now = datetime.now().astimezone()
    new: list[tuple[int, Action]] = []
    seen: set[str] = set()
    keyed = [(action_key(a) if a.kind not in PER_BATCH else hashlib.sha256(
        f"{action_key(a)}|{plan.batch}".encode()).hexdigest(), a)
        for a in (*plan.actions, *plan.letters)]
    # requests first: whether the batch's own documents are due depends on them
    order = sorted(range(len(keyed)), key=lambda i: keyed[i][1].kind in PER_BATCH)
    # Batches of earlier plans, looked up 500 keys a query (one SELECT per action, each after an
    # autoflush of the previous INSERT, was most of planning's time at province scale).
    known: dict[str, str] = {}
    keys = list(dict.fromkeys(k for k, _a in keyed))
    for i in range(0, len(keys), 500):
        chunk = keys[i:i + 500]
        known.update(session.execute(select(RequestRow.key, RequestRow.batch)
                                     .where(RequestRow.key.in_(chunk))).all())
    requests_new = False
    for position in order:
        k, a = keyed[position]
        if k in seen:
            continue
        seen.add(k)
        batch = known.get(k)
        if a.kind in PER_BATCH and batch is None and not requests_new:
            continue
        if batch is None or batch == plan.batch:
            requests_new = requests_new or a.kind in ("certificate", "token", "dossier")
        if batch is None:
            session.add(RequestRow(
                key=k, batch=plan.batch, position=position, kind=a.kind, action=a.action,
                serial=a.serial or a.token_serial, sender=a.sender, route_to=a.route_to,
                rule=a.rule, payload=action_to_dict(a), state="planned", created_at=now,
                updated_at=now))
            new.append((position, a))
        elif batch == plan.batch:
            new.append((position, a))
    _supersede(session, plan.batch, [(action_key(a), a) for _position, a in new])
    if new and session.get(BatchRow, plan.batch) is None:
        session.add(BatchRow(batch=plan.batch, created_at=now,
                             warnings=[[w.code, w.message] for w in plan.warnings]))
        assign_reports(session, plan.batch)     # the files read since the last batch
    session.flush()
    return [a for _position, a in sorted(new, key=lambda x: x[0]) if a.kind not in PER_BATCH]


def _supersede(session: Session, batch: str, new: list[tuple[str, Action]]) -> None:
    """A certificate's new request replaces an earlier one not yet issued (numbered, signed):
    the plan recomputed it from the certificate actually issued (plan/merging.versus_earlier)."""
    serials = {a.serial: k for k, a in new if a.kind == "certificate" and a.serial}
    if not serials:
        return
    now = datetime.now().astimezone()
    for i in range(0, len(serials), 500):
        chunk = list(serials)[i:i + 500]
        for r in session.scalars(select(RequestRow).where(
                RequestRow.kind == "certificate", RequestRow.serial.in_(chunk),
                RequestRow.state.in_(NOT_ISSUED), RequestRow.batch != batch)):
            if r.key != serials[r.serial]:
                r.state, r.updated_at = "superseded", now


def load_plan(session: Session, batch: str) -> Plan:
    b = session.get(BatchRow, batch)
    if b is None:
        raise RegisterError("batch_not_in_register", batch=repr(batch))
    # an excluded request (review) or a superseded one is left out: signing the batch must
    # not issue it
    rows = session.scalars(select(RequestRow).where(
        RequestRow.batch == batch,
        RequestRow.state.not_in(("excluded", "superseded", "quarantined")))
        .order_by(RequestRow.position, RequestRow.key))
    actions = [action_from_dict(r.payload) for r in rows]
    return Plan(batch=batch, actions=tuple(a for a in actions if a.kind not in PER_BATCH),
                warnings=tuple(PlanWarning(code=c, message=m) for c, m in b.warnings),
                letters=tuple(a for a in actions if a.kind in PER_BATCH))


def _relative(path: Path, folder: Path) -> str:
    try:
        return (Path(folder.name) / path.relative_to(folder)).as_posix()
    except ValueError:
        return path.as_posix()


def record_documents(session: Session, batch: str, docs: list[RenderedDocument],
                     folder: Path) -> None:
    now = datetime.now().astimezone()
    rels = [_relative(d.path, folder) for d in docs]
    existing: dict[str, DocumentRow] = {}
    for i in range(0, len(rels), 500):          # one query per 500, not a get() per document
        existing.update((r.path, r) for r in session.scalars(
            select(DocumentRow).where(DocumentRow.path.in_(rels[i:i + 500]))))
    for d, rel in zip(docs, rels, strict=True):
        row = existing.get(rel)
        if row is None:
            row = existing[rel] = DocumentRow(path=rel, batch=batch)
            session.add(row)
        row.type, row.request, row.recipient, row.sender = d.type, d.request, d.recipient, d.sender
        row.number = d.number
        row.signed_pdf = _relative(d.signed_pdf, folder) if d.signed_pdf else ""
        row.state = "signed" if d.signed_pdf else "generated"
        row.updated_at = now
    # `docs` is the whole batch folder (it is replaced, never patched): a row of an earlier
    # render at a path it no longer has (a draft renamed with its number) goes with its file.
    for gone in session.scalars(select(DocumentRow).where(DocumentRow.batch == batch)):
        if gone.path not in existing:
            session.delete(gone)
    current = set(existing) | {r.signed_pdf for r in existing.values() if r.signed_pdf}
    # Each request's document: of the documents for its action (else any), those it is sent
    # by or to (else all of them), the first signed one, else the first — looked up by index
    # rather than by scanning every document for every request.
    by_request: dict[str, list[int]] = {}
    for i, d in enumerate(docs):
        by_request.setdefault(d.request, []).append(i)
    every = list(range(len(docs)))
    sides: dict[tuple[str, str, str], int | None] = {}

    def document_for(action: str, sender: str, route_to: str) -> int | None:
        k = (action if action in by_request else "", sender, route_to)
        if k not in sides:
            # a request is carried by its dispatch or minutes, never by an attached list: a
            # list the seal signed before the officer's login failed is not the request signed
            cands = by_request.get(action) or every
            cands = [i for i in cands if docs[i].type != "list"] or cands
            mine = [i for i in cands if docs[i].sender == sender
                    or docs[i].recipient == route_to] or cands
            sides[k] = next((i for i in mine if docs[i].signed_pdf), mine[0] if mine else None)
        return sides[k]

    rows = session.scalars(select(RequestRow).where(RequestRow.batch == batch))
    for r in rows:
        if STATES.index(r.state) >= STATES.index("sent"):
            continue        # never move a request back
        i = document_for(r.action, r.sender, r.route_to)
        if i is None:
            continue
        doc = docs[i]
        state = "signed" if doc.signed_pdf else "generated"
        if STATES.index(state) > STATES.index(r.state) or r.document == "" \
                or r.document not in current:           # its draft's name: now numbered
            r.state = max(state, r.state, key=STATES.index)
            r.document = _relative(doc.signed_pdf or doc.path, folder)
            r.updated_at = now
    session.flush()


def set_state(session: Session, batch: str, state: str, *, request: str | None = None) -> int:
    if state not in STATES:
        raise RegisterError("unknown_batch_state", state=state, state_repr=repr(state))
    n = 0
    q = select(RequestRow).where(RequestRow.batch == batch)
    if request:
        q = q.where(RequestRow.action == request)
    for r in session.scalars(q):
        if STATES.index(state) > STATES.index(r.state):
            r.state, r.updated_at = state, datetime.now().astimezone()
            n += 1
    return n


def batch_names(session: Session) -> list[str]:
    """Every planned batch, oldest first."""
    return list(session.scalars(select(BatchRow.batch).order_by(BatchRow.created_at)))


def documents(session: Session, batch: str, outbox: Path) -> list[RenderedDocument]:
    """The batch's documents as last recorded (paths under `outbox`; `pdf` is not recorded,
    so `awaits_signature` answers from the document's own file and its signed copy)."""
    rows = session.scalars(select(DocumentRow).where(DocumentRow.batch == batch)
                           .order_by(DocumentRow.path))
    return [RenderedDocument(path=outbox / r.path, type=r.type, request=r.request,
                             recipient=r.recipient, sender=r.sender, number=r.number,
                             signed_pdf=outbox / r.signed_pdf if r.signed_pdf else None)
            for r in rows]


def revise_plan(session: Session, batch: str, revisions: list[tuple[str, Action | None]]) -> int:
    """The clerk's decisions on a batch not yet issued (batch/review.py): each (key of the
    planned action, the action that replaces it, or None to exclude it). The planned row stays,
    'excluded', so no later plan proposes it again; a replacement takes its place in the batch.
    Returns how many rows changed."""
    now = datetime.now().astimezone()
    changed = 0
    for key, new in revisions:
        row = session.get(RequestRow, key)
        if row is None or row.batch != batch or row.state == "excluded":
            continue
        if STATES.index(row.state) >= STATES.index("signed"):
            raise RegisterError("batch_signed_already", batch=batch)
        row.state, row.updated_at = "excluded", now
        changed += 1
        if new is None:
            continue
        k = action_key(new)
        again = session.get(RequestRow, k)
        if again is not None:                   # the same action decided back: planned again
            again.batch, again.state, again.payload = batch, "planned", action_to_dict(new)
            again.position, again.updated_at = row.position, now
            continue
        session.add(RequestRow(
            key=k, batch=batch, position=row.position, kind=new.kind, action=new.action,
            serial=new.serial or new.token_serial, sender=new.sender, route_to=new.route_to,
            rule=new.rule, payload=action_to_dict(new), state="planned", created_at=now,
            updated_at=now))
    session.flush()
    return changed
