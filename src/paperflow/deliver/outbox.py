"""The clerk's outbox for one batch: .eml per dispatch, a folder per recipient, a summary.

Layout inside outbox/<batch>/ (the renderer's own files stay where it wrote them):

    mail/01-cuc-chung-thuc-so-....eml           one message per dispatch and recipient; once
                                                 numbered 01-So-0058-SKHCN-CDS_change-info-….eml
    <NN>-<recipient-slug>/1-in-truoc/            print first: drafts to sign by hand, hand-over lists
    <NN>-<recipient-slug>/2-gui-di/              to send: the (signed) PDFs, lists and the .eml
    TOM-TAT-LO.docx / TOM-TAT-LO.pdf             printable summary (render/summary.py, written by
                                                 the batch from this outbox's `summary_recipients`)

Files in the recipient folders are hard links (copies where the file system refuses links), so
they cost no space and manifest.json lists each file once with its `copies`.
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..config import Settings
from ..errors import DeliveryError
from ..models import RenderedDocument
from ..render.summary import SummaryMail, SummaryRecipient
from ..text import key, number_tag, slug
from .hashes import remember_eml
from .journal import MailRecord
from .message import Mail, build_mail
from .mime import eml_bytes

log = logging.getLogger("paperflow.deliver")

PRINT_DIR = "1-in-truoc"
SEND_DIR = "2-gui-di"
MAIL_DIR = "mail"
# Documents that travel on paper with the physical tokens/dossiers: always printed.
PRINTED_TYPES = frozenset({"handover_tokens", "handover_dossiers"})
EML_POLICY = policy.SMTP   # CRLF line ends, as Outlook expects and SMTP sends
# A recipient folder's name, whole words: with the batch name and a numbered file name a path
# under outbox/ stays near 200 characters, so a workspace path of 60 keeps Windows' 260.
FOLDER_WORDS = 40


@dataclass
class RecipientFolder:
    name: str
    folder: Path
    to_print: list[Path] = field(default_factory=list)
    to_send: list[Path] = field(default_factory=list)
    mails: list[tuple[Mail, Path, str]] = field(default_factory=list)   # (mail, eml, state)


def _link(src: Path, dest_dir: Path) -> Path:
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / src.name
    if dest.exists():
        return dest
    try:
        os.link(src, dest)
    except OSError:         # other file system, SMB share without hard links: copy
        shutil.copy2(src, dest)
    return dest


@dataclass(frozen=True)
class Outbox:
    """What `prepare_outbox` wrote: the .eml files and the recipient folders."""

    emls: list[Path]
    recipients: list[RecipientFolder]

    def summary_recipients(self) -> list[SummaryRecipient]:
        return [SummaryRecipient(
            name=rf.name, folder_name=rf.folder.name,
            to_print=tuple(p.name for p in rf.to_print), to_send=tuple(p.name for p in rf.to_send),
            mails=tuple(SummaryMail(eml.name, mail.recipient.address, state)
                        for mail, eml, state in rf.mails)) for rf in self.recipients]


def _needs_paper(settings: Settings, doc: RenderedDocument) -> bool:
    return settings.mail.paper_signing or doc.awaits_signature or doc.type in PRINTED_TYPES


def _headers_only(msg: EmailMessage) -> EmailMessage:
    """The message's top-level headers without its parts (those are written out)."""
    light = EmailMessage(policy=msg.policy)
    for name, value in msg.raw_items():
        light.set_raw(name, value)
    return light


@dataclass(frozen=True)
class _Pending:
    """A written .eml whose mail_log row is still to be recorded."""

    mail: Mail
    eml_rel: str
    state: str
    answer: str
    doc: RenderedDocument


def _existing(session: Session, ids: list[str]) -> dict[str, MailRecord]:
    """The mail_log rows already there for these Message-IDs, in a few queries, not one each."""
    found: dict[str, MailRecord] = {}
    unique = list(dict.fromkeys(ids))
    for i in range(0, len(unique), 500):       # well under SQLite's bound-parameter limit
        chunk = unique[i:i + 500]
        for row in session.scalars(select(MailRecord).where(MailRecord.message_id.in_(chunk))):
            found[row.message_id] = row
    return found


# A message in these states has left, or may have: its place in the batch is taken for good.
GONE = ("sent", "sending", "uncertain")
UNSENT = ("pending", "held", "failed")


def _earlier(session: Session, batch: str, emls: list[str]) -> dict[str, list[MailRecord]]:
    """The rows of earlier renders of this batch, by the .eml place they had."""
    out: dict[str, list[MailRecord]] = {}
    for i in range(0, len(emls), 500):
        q = select(MailRecord).where(MailRecord.batch == batch,
                                     MailRecord.eml.in_(emls[i:i + 500]))
        for row in session.scalars(q):
            out.setdefault(row.eml, []).append(row)
    return out


def _supersede(row: MailRecord, old: MailRecord) -> None:
    old.state, old.answer = "superseded", (
        f"Đã thay bằng thư của lần lập lại lô: {row.message_id} "
        f"(replaced by the batch's new render)")


def _record_all(session: Session, batch: str, pending: list[_Pending]) -> list[str]:
    """Insert each mail_log row once; an existing row keeps its state (sent stays sent).
    Returns the state of each message, in order. The same message twice in one batch is one
    row, pointing at its last .eml, as when each was recorded on its own.

    One live row per .eml place of the batch (journal.py): a new render's message supersedes
    the earlier unsent ones at its place, or is superseded itself when that place went out."""
    rows = _existing(session, [p.mail.message_id for p in pending])
    earlier = _earlier(session, batch, list(dict.fromkeys(p.eml_rel for p in pending)))
    states: list[str] = []
    now = datetime.now(UTC)
    for p in pending:
        row = rows.get(p.mail.message_id)
        if row is not None:
            if row.state in ("pending", "held", "superseded") and row.state != p.state:
                row.state, row.answer = p.state, p.answer
            if row.state in ("pending", "held"):
                row.eml, row.batch = p.eml_rel, batch
        else:
            row = MailRecord(
                message_id=p.mail.message_id, batch=batch, eml=p.eml_rel,
                recipient=p.mail.recipient.address, recipient_name=p.mail.recipient.name,
                sender_agency=p.doc.sender, subject=p.mail.subject, state=p.state,
                answer=p.answer, attempts=0, created_at=now, request=p.doc.request,
                number=p.doc.number,
            )
            session.add(row)
            rows[p.mail.message_id] = row
        others = [r for r in earlier.get(p.eml_rel, ()) if r.message_id != row.message_id]
        gone = [r for r in others if r.state in GONE]
        if gone and row.state not in GONE:
            row.state, row.answer = "superseded", (
                f"Lô đã gửi văn bản này ({gone[0].message_id}, {gone[0].state}): không gửi "
                f"lại (this place of the batch went out already; not sent again)")
        else:
            for old in others:
                if old.state in UNSENT:
                    _supersede(row, old)
        states.append(row.state)
    _retire_vanished(session, batch, pending)
    return states


def _retire_vanished(session: Session, batch: str, pending: list[_Pending]) -> None:
    """An unsent message of an earlier render at a place this render no longer has (a draft's
    .eml renamed once its document is numbered, a document the clerk dropped): the batch folder
    it lay in is replaced, so it is superseded, never left waiting."""
    current = {p.mail.message_id for p in pending}
    places = {p.eml_rel for p in pending}
    for old in session.scalars(select(MailRecord).where(MailRecord.batch == batch,
                                                        MailRecord.state.in_(UNSENT))):
        if old.message_id not in current and old.eml not in places:
            old.state, old.answer = "superseded", (
                "Lô đã lập lại, thư này không còn trong lô (the batch was produced again "
                "without this message)")


def _final_attachments(docs: list[RenderedDocument]) -> list[RenderedDocument]:
    """Attachments named by their .docx/.pdf stand for the list document's final form: the
    signed PDF when signed, else its PDF (render names them before convert and sign run)."""
    final: dict[Path, Path] = {}
    for d in docs:
        best = d.signed_pdf or d.pdf
        if best is not None:
            final[d.path] = final.get(d.path, best)
            if d.pdf is not None:
                final[d.pdf] = best
    return [replace(d, attachments=tuple(dict.fromkeys(final.get(a, a) for a in d.attachments)))
            if d.attachments else d for d in docs]


def prepare_batch(settings: Settings, reg: Any, batch: str, docs: list[RenderedDocument],
                  folder: Path) -> list[Path]:
    """`prepare_outbox`'s .eml paths."""
    return prepare_outbox(settings, reg, batch, docs, folder).emls


def prepare_outbox(settings: Settings, reg: Any, batch: str, docs: list[RenderedDocument],
                   folder: Path) -> Outbox:
    """Write the batch's .eml files and recipient folders into the staging `folder`.

    The .eml paths are inside `folder`; mail_log rows name them relative to outbox/ as
    `<batch>/mail/…`, the place they have once the batch renames the staging folder.
    """
    folder.mkdir(parents=True, exist_ok=True)
    recipients: dict[str, RecipientFolder] = {}

    def folder_of(name: str) -> RecipientFolder:
        if name not in recipients:
            n = len(recipients) + 1
            words = slug(name or "khac", limit=FOLDER_WORDS)
            recipients[name] = RecipientFolder(name, folder / f"{n:02d}-{words}")
        return recipients[name]

    docs = _final_attachments(docs)
    attached = {a for d in docs if d.type != "list" for a in d.attachments}
    emls: list[Path] = []
    pending: list[_Pending] = []
    owners: list[RecipientFolder] = []
    try:
        with Session(reg.engine) as session, session.begin():
            for doc in docs:
                rf = folder_of(doc.recipient)
                own = {doc.path, doc.pdf, doc.signed_pdf}
                if doc.type == "list" and own & attached:
                    continue        # travels with its dispatch, filed with it
                files = [doc.signed_pdf or doc.pdf or doc.path]
                if doc.type != "list":
                    files += list(doc.attachments)
                if not doc.awaits_signature:
                    rf.to_send.extend(files)
                    if _needs_paper(settings, doc) and doc.pdf is not None:
                        rf.to_print.append(doc.pdf)     # a paper original as well
                else:
                    rf.to_print.extend(files)           # a draft: print, sign by hand, stamp
                if doc.type == "list" or (doc.sender and key(doc.sender) == key(doc.recipient)):
                    continue        # a list travels with its dispatch; no mail to ourselves
                mail = build_mail(settings, doc)
                n, tag = len(emls) + 1, number_tag(doc.number)
                eml = folder / MAIL_DIR / (f"{n:02d}-{tag + '_' if tag else ''}"
                                           f"{slug(doc.request or doc.type)}-"
                                           f"{slug(rf.name, limit=FOLDER_WORDS)}.eml")
                eml.parent.mkdir(parents=True, exist_ok=True)
                tmp = eml.with_suffix(".eml.tmp")
                data = eml_bytes(mail.message, EML_POLICY)
                tmp.write_bytes(data)
                os.replace(tmp, eml)
                remember_eml(eml, data, mail.recipient.name.strip().strip('"'), doc.request)
                emls.append(eml)
                if not mail.recipient.address:
                    state, answer = "held", (
                        f"Chưa có địa chỉ thư của '{rf.name}': thêm vào [mail] addresses "
                        "trong config.toml (no address configured; not sent)")
                    log.warning("no e-mail address for %s: %s written, not sent", rf.name, eml.name)
                elif doc.awaits_signature:
                    state, answer = "held", (
                        "Văn bản chưa ký số: ký rồi gửi lại (not signed yet; not sent)")
                else:
                    state, answer = "pending", ""
                # The message's bytes are in the .eml now: what follows (mail_log, summary) needs
                # its recipient, subject and id, not ~140 KB of base64 a mail held to the end.
                mail = replace(mail, message=_headers_only(mail.message))
                pending.append(_Pending(mail, f"{batch}/{MAIL_DIR}/{eml.name}", state, answer, doc))
                owners.append(rf)
            states = _record_all(session, batch, pending)
        for rf, p, eml, state in zip(owners, pending, emls, states, strict=True):
            rf.mails.append((p.mail, eml, state))
    except OSError as exc:
        raise DeliveryError("mail_unwritable", folder=folder, strerror=exc.strerror, exc=exc) from exc

    for rf in recipients.values():
        for p in dict.fromkeys(rf.to_print):
            _link(p, rf.folder / PRINT_DIR)
        for p in dict.fromkeys(rf.to_send):
            _link(p, rf.folder / SEND_DIR)
        for _mail, eml, _state in rf.mails:
            _link(eml, rf.folder / SEND_DIR)
    return Outbox(emls, list(recipients.values()))
