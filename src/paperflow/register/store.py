"""Storing what extract found: upserts keyed by content, so storing a file twice changes nothing."""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields, replace
from datetime import datetime

from sqlalchemy import Select, bindparam, or_, select
from sqlalchemy.orm import Session

from ..models import (
    CentralDispatch,
    Certificate,
    Extracted,
    MergeEvent,
    MergeKind,
    Request,
    Subscriber,
)
from ..text import key, nfc, normalise_serial
from .schema import (
    CentralDispatchRow,
    CertificateRow,
    IncomingRequestRow,
    MergeEventRow,
    OrganisationHistoryRow,
    OrganisationRow,
    SubscriberRow,
    TokenRow,
)
from .snapshot import subscriber_to_dict

_TEXT_FIELDS = [f.name for f in fields(Subscriber) if f.type in ("str", str)]


def clean_subscriber(s: Subscriber) -> Subscriber:
    """NFC every text field; serials as upper-case hex; ids without spaces."""
    kw = {name: nfc(getattr(s, name)) for name in _TEXT_FIELDS}
    kw["cert_serial"] = normalise_serial(s.cert_serial)
    kw["token_serial"] = normalise_serial(s.token_serial)
    kw["id_number"] = kw["id_number"].replace(" ", "")
    kw["type"] = "organization" if kw["type"].startswith("org") else "person"
    return replace(s, **kw)


def subscriber_ident(s: Subscriber) -> str:
    if s.cert_serial:
        return f"cert:{s.cert_serial}"
    if s.id_number:
        return f"{s.type}:id:{s.id_number}"
    return f"{s.type}:name:{key(s.name)}|{key(s.agency)}"


def _digest(obj: object) -> str:
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def match_key(name: str, agency: str) -> str:
    """subscribers.match_key: what _same_person compares names by, for an index to find."""
    return f"{key(name)}|{key(agency)}"[:400]


def _same_person_query(by_id: bool, with_serial: bool) -> Select:
    same = SubscriberRow.match_key == bindparam("match_key")
    if by_id:
        same = or_(same, SubscriberRow.id_number == bindparam("id_number"))
    q = select(SubscriberRow).where(SubscriberRow.type == bindparam("type"), same)
    if with_serial:
        # only a row without a serial can be this holder (the test in _same_person)
        q = q.where(or_(SubscriberRow.cert_serial == "", SubscriberRow.cert_serial.is_(None)))
    return q


# built once: building the statement per stored row cost as much as running it
_SAME_PERSON = {(by_id, serial): _same_person_query(by_id, serial)
                for by_id in (False, True) for serial in (False, True)}


def _same_person(session: Session, s: Subscriber) -> SubscriberRow | None:
    """An existing row for the same holder stored before its certificate serial was known."""
    # Candidates by index — same id number, or same name and agency keys — then the exact test
    # below, first by ident as before. Reading every row of the type instead (SQLite walked
    # the whole table in ident order) made storing a list quadratic in the register's size.
    q = _SAME_PERSON[bool(s.id_number), bool(s.cert_serial)]
    params = {"type": s.type, "match_key": match_key(s.name, s.agency), "id_number": s.id_number}
    if not s.id_number:
        del params["id_number"]
    for row in sorted(session.scalars(q, params), key=lambda r: r.ident):
        if s.id_number and row.id_number == s.id_number:
            same = True
        else:
            same = key(row.name) == key(s.name) and key(row.agency) == key(s.agency)
        if same and (not row.cert_serial or not s.cert_serial):
            return row
    return None


def store_subscriber(session: Session, s: Subscriber) -> None:
    s = clean_subscriber(s)
    row = session.get(SubscriberRow, subscriber_ident(s))
    earlier: dict[str, object] = {}
    if row is None:
        row = _same_person(session, s)
        if row is not None and s.cert_serial and not row.cert_serial:
            # the holder is now known with a serial: re-key the row under it, keeping what only
            # the earlier list said (its e-mail, id number…) where the later one is silent
            earlier = {n: getattr(row, n) for n in (*_TEXT_FIELDS, "birth_date", "valid_until")}
            earlier["needed"] = row.needed
            session.delete(row)
            session.flush()
            row = None
    if row is None:
        row = SubscriberRow(ident=subscriber_ident(s), **{
            k: v for k, v in subscriber_to_dict(s).items() if k not in ("birth_date", "valid_until")
        }, birth_date=s.birth_date, valid_until=s.valid_until,
            match_key=match_key(s.name, s.agency))
        for name, value in earlier.items():
            if name == "needed":
                row.needed = bool(row.needed and value)
            elif value and not getattr(row, name):
                setattr(row, name, value)
        row.match_key = match_key(row.name, row.agency)
        session.add(row)
    else:
        # later non-empty values win; "no longer needed" is never undone by a list without it
        for name in _TEXT_FIELDS:
            value = getattr(s, name)
            if value and getattr(row, name) != value:
                setattr(row, name, value)
        for name in ("birth_date", "valid_until"):
            value = getattr(s, name)
            if value and getattr(row, name) != value:
                setattr(row, name, value)
        if not s.needed and row.needed:
            row.needed = False
        if row.match_key != match_key(row.name, row.agency):
            row.match_key = match_key(row.name, row.agency)
    if s.token_serial:
        tok = session.get(TokenRow, s.token_serial)
        if tok is None:
            # add, not merge: merge would look the serial up again (a second SELECT per row)
            tok = TokenRow(serial=s.token_serial)
            session.add(tok)
        tok.cert_serial, tok.holder, tok.network = s.cert_serial, row.ident, s.network
    if s.type == "organization":
        note_organisation(session, s.name, s.managing_agency, s.province, s.source)
    elif s.agency:
        note_organisation(session, s.agency, s.managing_agency, "", s.source)


def note_organisation(session: Session, name: str, managing: str, province: str,
                      source: str) -> None:
    name, managing, province = nfc(name), nfc(managing), nfc(province)
    if not name:
        return
    now = datetime.now().astimezone()
    row = session.get(OrganisationRow, key(name))
    if row is None:
        session.add(OrganisationRow(key=key(name), name=name, managing_agency=managing,
                                    province=province, updated_at=now))
        session.flush()
        return
    if managing and key(row.managing_agency) != key(managing):
        if row.managing_agency:
            note_history(session, row.key, "managing_agency", row.managing_agency, managing, source)
        row.managing_agency, row.updated_at = managing, now
    if province and row.province != province:
        row.province, row.updated_at = province, now


def note_history(session: Session, org_key: str, field: str, old: str, new: str,
                 source: str) -> None:
    old, new = old[:400], new[:400]
    exists = session.scalar(select(OrganisationHistoryRow).where(
        OrganisationHistoryRow.org_key == org_key, OrganisationHistoryRow.field == field,
        OrganisationHistoryRow.old == old, OrganisationHistoryRow.new == new))
    if exists is None:
        session.add(OrganisationHistoryRow(org_key=org_key, field=field, old=old, new=new,
                                           source=source, at=datetime.now().astimezone()))
        session.flush()


def store_certificate(session: Session, c: Certificate) -> None:
    serial = normalise_serial(c.serial)
    subject = [[nfc(k).upper(), nfc(v)] for k, v in c.subject]
    row = session.get(CertificateRow, serial)
    if row is None:
        session.add(CertificateRow(serial=serial, subject=subject, issuer=nfc(c.issuer),
                                   not_before=c.not_before, not_after=c.not_after,
                                   source=nfc(c.source)))
    elif (row.subject, row.not_after, row.not_before) != (subject, c.not_after, c.not_before):
        row.subject, row.issuer = subject, nfc(c.issuer)
        row.not_before, row.not_after, row.source = c.not_before, c.not_after, nfc(c.source)


def store_merge_event(session: Session, e: MergeEvent) -> None:
    sources = [nfc(s) for s in e.sources]
    content = {"kind": str(e.kind), "sources": sources, "target": nfc(e.target),
               "superior": nfc(e.superior), "keep": nfc(e.keep_certificate_of),
               "decision": nfc(e.decision), "effective": e.effective}
    ident = _digest(content)
    if session.get(MergeEventRow, ident) is None:
        session.add(MergeEventRow(
            ident=ident, kind=str(e.kind), sources=sources, target=nfc(e.target),
            superior=nfc(e.superior), keep_certificate_of=nfc(e.keep_certificate_of),
            decision=nfc(e.decision), effective=e.effective, source=nfc(e.source),
            confidence=float(e.confidence)))
        session.flush()
    target = nfc(e.target)
    note_organisation(session, target, nfc(e.superior), "", e.source)
    field = {MergeKind.SUPERIOR_CHANGE: "managing_agency", MergeKind.DISSOLVE: "dissolved",
             MergeKind.MERGE_KEEP: "merged_into"}.get(MergeKind(e.kind), "name")
    for src in sources:
        if key(src) == key(target) and field != "managing_agency":
            continue
        new = nfc(e.superior) or target if field == "managing_agency" else target
        note_organisation(session, src, "", "", e.source)
        note_history(session, key(src), field, src, new, e.source)


def store_request(session: Session, r: Request) -> None:
    sub = subscriber_to_dict(clean_subscriber(r.subscriber))
    content = {"request": nfc(r.request), "subscriber": sub, "reason": nfc(r.reason)}
    ident = _digest(content)
    if session.get(IncomingRequestRow, ident) is None:
        session.add(IncomingRequestRow(ident=ident, request=nfc(r.request), subscriber=sub,
                                       reason=nfc(r.reason), source=nfc(r.source)))
        session.flush()


def _lines(text: str) -> str:
    """NFC line by line: a point's list items ("- …") keep their own lines."""
    return "\n".join(x for x in (nfc(x) for x in text.split("\n")) if x)


def central_ident(c: CentralDispatch) -> str:
    """Number and date: a dispatch dropped again (or as scan and as .docx) is one row."""
    return f"{nfc(c.number)}|{c.date.isoformat() if c.date else ''}"


def store_central(session: Session, c: CentralDispatch) -> None:
    row = session.get(CentralDispatchRow, central_ident(c))
    values = {"number": nfc(c.number), "issued": c.date, "issuer": nfc(c.issuer),
              "subject": nfc(c.subject), "points": [[nfc(lb), _lines(t)] for lb, t in c.points],
              "signer": nfc(c.signer), "ocr": bool(c.ocr), "source": nfc(c.source)}
    if row is None:
        session.add(CentralDispatchRow(ident=central_ident(c), **values))
        session.flush()
    elif row.ocr and not c.ocr:
        for k, v in values.items():     # the text copy reads better than an earlier scan
            setattr(row, k, v)


def store_extracted(session: Session, extracted: Extracted) -> dict[str, int]:
    for c in extracted.certificates:
        store_certificate(session, c)
    for s in extracted.subscribers:
        store_subscriber(session, s)
        session.flush()
    for e in extracted.merge_events:
        store_merge_event(session, e)
    for r in extracted.requests:
        store_request(session, r)
    for c in extracted.central_dispatches:
        store_central(session, c)
    counts = {"subscribers": len(extracted.subscribers),
            "certificates": len(extracted.certificates),
            "merge_events": len(extracted.merge_events), "requests": len(extracted.requests)}
    if extracted.central_dispatches:
        counts["central_dispatches"] = len(extracted.central_dispatches)
    return counts
