"""Produce one batch: plan → render → convert → sign → deliver, into a staging folder renamed
into outbox/<batch>/ only when complete, with numbers that stay the batch's own."""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from .. import deliver, render
from ..config import Settings
from ..convert import Converter
from ..errors import PaperflowError
from ..models import Plan, RenderedDocument
from ..register import Register
from ..text import names_file
from .events import Event, Progress, quiet
from .line import ProductionLine
from .result import NotSigned, Tally, Warning
from .review import write_review
from .signing import SigningSession

log = logging.getLogger("paperflow")


def produce_batch(
    settings: Settings,
    reg: Register,
    the_plan: Plan,
    tally: Tally,
    *,
    session: SigningSession | None,
    only: Sequence[str] | None = None,
    progress: Progress = quiet,
) -> Path:
    """Render → convert → (sign, through `session` when given) → mail + manifest, into a
    staging folder renamed at the end. Without a session the documents stay drafts."""
    final = settings.outbox / the_plan.batch
    staging = settings.outbox / f".{the_plan.batch}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    (staging / "plan.json").write_text(
        json.dumps(the_plan.to_json(), ensure_ascii=False, indent=2), encoding="utf-8")
    tally.warnings += [Warning("plan", w.code, w.message) for w in the_plan.warnings]

    numbers = stable_numbers(reg, settings, final, staging) if session is not None else None
    signed_before = {p.name for p in final.glob("*.signed.pdf")} if final.is_dir() else set()

    def to_sign(d: RenderedDocument) -> bool:
        return settings.agency.is_us(d.sender) and (
            not only or names_file(d.path.stem, d.number, only)     # the draft's name too
            or f"{d.path.stem}.signed.pdf" in signed_before)

    if session is not None and settings.signing.demo:
        progress(Event("demo_signing", batch=the_plan.batch))
    logins_before = session.sessions_opened if session is not None else 0
    with Converter(settings) as conv:
        line = ProductionLine(conv, session, to_sign)
        docs = line.run(render.iter_batch(the_plan, settings, staging, numbers=numbers),
                        progress)
        tally.errors += [exc for _path, exc in conv.failures]
        progress(Event("converted", batch=the_plan.batch, count=sum(1 for d in docs if d.pdf),
                       other=len(conv.failures)))
        if session is None:
            tally.not_signed = tally.not_signed or NotSigned.DEFERRED
        else:
            tally.sessions_opened += session.sessions_opened - logins_before
            tally.warnings += [Warning("sign", "signing_note", n) for n in session.notes]
            session.notes.clear()
            if line.sign_error is not None:
                tally.sign_error = tally.sign_error or line.sign_error
                tally.not_signed = NotSigned.FAILED
                progress(Event("sign_failed", batch=the_plan.batch, error=line.sign_error))
            else:
                tally.signed += sum(1 for d in docs if d.signed_pdf)
                progress(Event("signed", batch=the_plan.batch, count=tally.signed,
                               other=tally.sessions_opened))
        outbox = write_outbox(settings, reg, the_plan.batch, docs, staging, conv)
        # The sheet to edit always; its printable PDF when the clerk is to review the batch
        # (LibreOffice lays out a province's hundreds of rows in seconds: not for nothing).
        _, review_docx = write_review(settings, the_plan, staging,
                                      printable=not settings.plan.auto_approve)
        if review_docx is not None:
            _convert_aside(settings, review_docx, conv, keep_docx=False)
    deliver.write_manifest(staging, docs, outbox.emls)
    _swap_in(staging, final)
    docs = [_rebase(d, staging, final) for d in docs]
    tally.batch, tally.folder = the_plan.batch, final
    tally.documents += docs
    tally.mails += [final / m.relative_to(staging) for m in outbox.emls]
    reg.record_documents(the_plan.batch, docs, folder=final)
    if settings.mail.send:          # side effects last: only a complete batch is sent
        try:
            deliver.send_pending(settings, reg, batch=the_plan.batch)
        except PaperflowError as exc:   # the mail stays pending: `paperflow send` retries
            tally.errors.append(exc)
    return final


def write_outbox(settings: Settings, reg: Register, batch: str, docs: list[RenderedDocument],
                 staging: Path, conv: Converter | None) -> deliver.Outbox:
    """The clerk's outbox (mail, recipient folders), then the summary TOM-TAT-LO.docx rendered
    from it and converted by the batch's converter (none: the .docx alone); a failed
    conversion leaves the .docx (logged), never the batch."""
    outbox = deliver.prepare_outbox(settings, reg, batch, docs, staging)
    docx = render.build_summary_docx(settings, batch, staging, outbox.summary_recipients(), docs)
    if conv is not None:
        _convert_aside(settings, docx, conv)
    return outbox


def _convert_aside(settings: Settings, docx: Path, conv: Converter, *,
                   keep_docx: bool = True) -> None:
    """A batch's own sheet (summary, review) to PDF by the batch's converter; a failure leaves
    the .docx (logged), never the batch."""
    failed_before = len(conv.failures)
    try:
        conv.convert_documents([render.summary_document(settings, docx)])
    except PaperflowError as exc:
        log.warning("%s left as .docx: %s", docx.name, exc.en)
    if len(conv.failures) > failed_before:
        log.warning("%s left as .docx: %s", docx.name, conv.failures[-1][1].en)
        del conv.failures[failed_before:]
    elif not keep_docx and docx.with_suffix(".pdf").exists():
        docx.unlink()


def stable_numbers(reg: Register, settings: Settings, final: Path,
                   staging: Path) -> Callable[[str], str]:
    """Numbers of a batch's documents, assigned once: a batch issued again (`sign --only`, a
    resumed signing) keeps the numbers it had — recorded in the batch's numbers.json — and only
    a document new to the batch takes the next number of the year."""
    try:
        previous = json.loads((final / "numbers.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = {}
    fresh = reg.numberer(settings)
    used: dict[str, list[str]] = {}

    def numbers(doc_type: str) -> str:
        seq = used.setdefault(doc_type, [])
        old = previous.get(doc_type, [])
        seq.append(old[len(seq)] if len(seq) < len(old) else fresh(doc_type))
        (staging / "numbers.json").write_text(json.dumps(used, ensure_ascii=False),
                                              encoding="utf-8")
        return seq[-1]

    return numbers


def _swap_in(staging: Path, final: Path) -> None:
    """Make `staging` visible as `final` in one rename; a previous version is removed after."""
    old = final.with_name(f".{final.name}.old")
    if final.exists():
        shutil.rmtree(old, ignore_errors=True)
        os.replace(final, old)
    os.replace(staging, final)
    shutil.rmtree(old, ignore_errors=True)


def _rebase(doc: RenderedDocument, old: Path, new: Path) -> RenderedDocument:
    def move(p: Path | None) -> Path | None:
        return None if p is None else new / p.relative_to(old)

    return replace(doc, path=move(doc.path), pdf=move(doc.pdf), signed_pdf=move(doc.signed_pdf),
                   attachments=tuple(new / a.relative_to(old) for a in doc.attachments))
