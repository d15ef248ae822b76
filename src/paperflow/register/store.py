"""Storing what extract found: upserts keyed by content, so storing a file twice changes nothing."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import fields, replace
from datetime import datetime

from ..models import (
    CentralDispatch,
    Certificate,
    Extracted,
    MergeEvent,
    MergeKind,
    Request,
    Subscriber,
)
from ..text import key, nfc, normalise_serial, normalise_token_serial
from .rows import GroupRows
from .schema import (
    CentralDispatchRow,
    CertificateRow,
    IncomingRequestRow,
    MergeEventRow,
    OrganisationHistoryRow,
    OrganisationRow,
    SubscriberRow,
    TokenRow,
    match_key,
)
from .snapshot import DATE_FIELDS, subscriber_to_dict

_TEXT_FIELDS = [f.name for f in fields(Subscriber) if f.type in ("str", str)]


def clean_subscriber(s: Subscriber) -> Subscriber:
    """NFC every text field; serials as upper-case hex; ids without spaces."""
    kw = {name: nfc(getattr(s, name)) for name in _TEXT_FIELDS}
    kw["cert_serial"] = normalise_serial(s.cert_serial)
    kw["token_serial"] = normalise_token_serial(s.token_serial)
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


def _same_person(rows: GroupRows, s: Subscriber) -> SubscriberRow | None:
    """An existing row for the same holder stored before its certificate serial was known."""
    # Candidates by index — same id number, or same name and agency keys (read ahead for the
    # whole group by `prefetch`, and kept up to date as the group changes rows) — then the
    # exact test below, first by ident as before. Reading every row of the type instead made
    # storing a list quadratic in the register's size.
    for row in rows.subscribers_like(s.type, match_key(s.name, s.agency), s.id_number,
                                     without_serial=bool(s.cert_serial)):
        if s.id_number and row.id_number == s.id_number:
            same = True
        else:
            same = key(row.name) == key(s.name) and key(row.agency) == key(s.agency)
        if same and (not row.cert_serial or not s.cert_serial):
            return row
    return None


def store_subscriber(rows: GroupRows, s: Subscriber) -> None:
    s = clean_subscriber(s)
    ident = subscriber_ident(s)
    row = rows.get(SubscriberRow, ident)
    earlier: dict[str, object] = {}
    if row is None:
        row = _same_person(rows, s)
        if row is not None and s.cert_serial and not row.cert_serial:
            # the holder is now known with a serial: re-key the row under it, keeping what only
            # the earlier list said (its e-mail, id number…) where the later one is silent
            earlier = {n: getattr(row, n) for n in (*_TEXT_FIELDS, *DATE_FIELDS)}
            earlier["needed"] = row.needed
            rows.delete(row, row.ident)
            row = None
    if row is None:
        row = SubscriberRow(ident=ident, **{
            k: v for k, v in subscriber_to_dict(s).items() if k not in DATE_FIELDS
        }, **{k: getattr(s, k) for k in DATE_FIELDS},
            match_key=match_key(s.name, s.agency))
        for name, value in earlier.items():
            if name == "needed":
                row.needed = bool(row.needed and value)
            elif value and not getattr(row, name):
                setattr(row, name, value)
        row.match_key = match_key(row.name, row.agency)
        rows.add(row, ident)
    else:
        # later non-empty values win; "no longer needed" is never undone by a list without it
        for name in _TEXT_FIELDS:
            value = getattr(s, name)
            if value and getattr(row, name) != value:
                setattr(row, name, value)
        for name in DATE_FIELDS:
            value = getattr(s, name)
            if value and getattr(row, name) != value:
                setattr(row, name, value)
        if s.source and s.source_row and row.source_row != s.source_row:
            row.source_row = s.source_row       # where the holder was read last, with its file
        if not s.needed and row.needed:
            row.needed = False
        if row.match_key != match_key(row.name, row.agency):
            row.match_key = match_key(row.name, row.agency)
        rows.reindex(row)       # its name, agency or id number may have changed
    if s.token_serial:
        tok = rows.get(TokenRow, s.token_serial)
        if tok is None:
            tok = TokenRow(serial=s.token_serial)
            rows.add(tok, s.token_serial)
        tok.cert_serial, tok.holder, tok.network = s.cert_serial, row.ident, s.network
    if s.type == "organization":
        note_organisation(rows, s.name, s.managing_agency, s.province, s.source)
    elif s.agency:
        note_organisation(rows, s.agency, s.managing_agency, "", s.source)


def note_organisation(rows: GroupRows, name: str, managing: str, province: str,
                      source: str) -> None:
    name, managing, province = nfc(name), nfc(managing), nfc(province)
    if not name:
        return
    now = datetime.now().astimezone()
    row = rows.get(OrganisationRow, key(name))
    if row is None:
        rows.add(OrganisationRow(key=key(name), name=name, managing_agency=managing,
                                 province=province, updated_at=now), key(name))
        return
    if managing and key(row.managing_agency) != key(managing):
        if row.managing_agency:
            note_history(rows, row.key, "managing_agency", row.managing_agency, managing, source)
        row.managing_agency, row.updated_at = managing, now
    if province and row.province != province:
        row.province, row.updated_at = province, now


def note_history(rows: GroupRows, org_key: str, field: str, old: str, new: str,
                 source: str) -> None:
    entry = (org_key, field, old[:400], new[:400])
    if not rows.history_has(entry):
        rows.session.add(OrganisationHistoryRow(org_key=org_key, field=field, old=entry[2],
                                                new=entry[3], source=source,
                                                at=datetime.now().astimezone()))
        rows.history_added(entry)


def store_certificate(rows: GroupRows, c: Certificate) -> None:
    serial = normalise_serial(c.serial)
    subject = [[nfc(k).upper(), nfc(v)] for k, v in c.subject]
    row = rows.get(CertificateRow, serial)
    if row is None:
        rows.add(CertificateRow(serial=serial, subject=subject, issuer=nfc(c.issuer),
                                not_before=c.not_before, not_after=c.not_after,
                                source=nfc(c.source)), serial)
    elif (row.subject, row.not_after, row.not_before) != (subject, c.not_after, c.not_before):
        row.subject, row.issuer = subject, nfc(c.issuer)
        row.not_before, row.not_after, row.source = c.not_before, c.not_after, nfc(c.source)


def store_merge_event(rows: GroupRows, e: MergeEvent) -> None:
    sources = [nfc(s) for s in e.sources]
    content = {"kind": str(e.kind), "sources": sources, "target": nfc(e.target),
               "superior": nfc(e.superior), "keep": nfc(e.keep_certificate_of),
               "decision": nfc(e.decision), "effective": e.effective}
    if e.old_superior:          # only when read: events stored before keep their idents
        content["old_superior"] = nfc(e.old_superior)
    ident = _digest(content)
    if rows.get(MergeEventRow, ident) is None:
        rows.add(MergeEventRow(
            ident=ident, kind=str(e.kind), sources=sources, target=nfc(e.target),
            superior=nfc(e.superior), keep_certificate_of=nfc(e.keep_certificate_of),
            decision=nfc(e.decision), effective=e.effective, source=nfc(e.source),
            confidence=float(e.confidence), old_superior=nfc(e.old_superior)), ident)
    target = nfc(e.target)
    note_organisation(rows, target, nfc(e.superior), "", e.source)
    field = {MergeKind.SUPERIOR_CHANGE: "managing_agency", MergeKind.DISSOLVE: "dissolved",
             MergeKind.MERGE_KEEP: "merged_into"}.get(MergeKind(e.kind), "name")
    for src in sources:
        if key(src) == key(target) and field != "managing_agency":
            continue
        new = nfc(e.superior) or target if field == "managing_agency" else target
        note_organisation(rows, src, "", "", e.source)
        note_history(rows, key(src), field, src, new, e.source)


def store_request(rows: GroupRows, r: Request) -> None:
    sub = subscriber_to_dict(clean_subscriber(r.subscriber))
    content = {"request": nfc(r.request), "subscriber": sub, "reason": nfc(r.reason)}
    ident = _digest(content)
    if rows.get(IncomingRequestRow, ident) is None:
        rows.add(IncomingRequestRow(ident=ident, request=nfc(r.request), subscriber=sub,
                                    reason=nfc(r.reason), source=nfc(r.source)), ident)


def _lines(text: str) -> str:
    """NFC line by line: a point's list items ("- …") keep their own lines."""
    return "\n".join(x for x in (nfc(x) for x in text.split("\n")) if x)


def central_ident(c: CentralDispatch) -> str:
    """Number and date: a dispatch dropped again (or as scan and as .docx) is one row."""
    return f"{nfc(c.number)}|{c.date.isoformat() if c.date else ''}"


def store_central(rows: GroupRows, c: CentralDispatch) -> None:
    ident = central_ident(c)
    row = rows.get(CentralDispatchRow, ident)
    values = {"number": nfc(c.number), "issued": c.date, "issuer": nfc(c.issuer),
              "subject": nfc(c.subject), "points": [[nfc(lb), _lines(t)] for lb, t in c.points],
              "signer": nfc(c.signer), "ocr": bool(c.ocr), "source": nfc(c.source)}
    if row is None:
        rows.add(CentralDispatchRow(ident=ident, **values), ident)
    elif row.ocr and not c.ocr:
        for k, v in values.items():     # the text copy reads better than an earlier scan
            setattr(row, k, v)


def prefetch(rows: GroupRows, items: Iterable[Extracted]) -> None:
    """Read ahead, in a few IN queries, every row storing `items` can look up by key."""
    certs, idents, match_keys, ids, tokens, orgs = set(), set(), set(), set(), set(), set()
    for ex in items:
        certs.update(normalise_serial(c.serial) for c in ex.certificates)
        for s in map(clean_subscriber, ex.subscribers):
            idents.add(subscriber_ident(s))
            match_keys.add(match_key(s.name, s.agency))
            ids.add(s.id_number)
            tokens.add(s.token_serial)
            orgs.add(key(nfc(s.name if s.type == "organization" else s.agency)))
        for e in ex.merge_events:
            orgs.update(key(nfc(x)) for x in (e.target, *e.sources))
    rows.prefetch(CertificateRow, CertificateRow.serial, certs)
    rows.prefetch_subscribers(idents, match_keys, ids)
    rows.prefetch(TokenRow, TokenRow.serial, tokens)
    rows.prefetch(OrganisationRow, OrganisationRow.key, orgs)
    rows.prefetch_history(orgs)


def store_extracted(rows: GroupRows, extracted: Extracted) -> dict[str, int]:
    """Store one file's contents through `rows` (see GroupRows: call `prefetch` first for the
    whole group, and run it under the session's no_autoflush)."""
    for c in extracted.certificates:
        store_certificate(rows, c)
    for s in extracted.subscribers:
        store_subscriber(rows, s)
    for e in extracted.merge_events:
        store_merge_event(rows, e)
    for r in extracted.requests:
        store_request(rows, r)
    for c in extracted.central_dispatches:
        store_central(rows, c)
    counts = {"subscribers": len(extracted.subscribers),
            "certificates": len(extracted.certificates),
            "merge_events": len(extracted.merge_events), "requests": len(extracted.requests)}
    if extracted.central_dispatches:
        counts["central_dispatches"] = len(extracted.central_dispatches)
    return counts
