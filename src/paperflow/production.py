"""One batch produced: render → convert → (sign) → mail + manifest, into a staging folder renamed
into outbox/<batch>/ only when complete, with numbers that stay the batch's own."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import deliver, render
from .config import Settings
from .convert import Converter
from .errors import PaperflowError
from .line import ProductionLine
from .models import Plan, RenderedDocument
from .register import Register
from .text import key


@dataclass
class BatchResult:
    batch: str = ""
    taken: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)   # (name, reason)
    duplicates: list[str] = field(default_factory=list)
    folder: Path | None = None
    documents: list[RenderedDocument] = field(default_factory=list)
    signed: int = 0
    unsigned_reason: str = ""
    mails: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def produce_batch(
    settings: Settings,
    reg: Register,
    the_plan: Plan,
    result: BatchResult,
    *,
    sign_now: bool,
    only: Sequence[str] | None = None,
    progress: Callable[[str], None] = lambda _msg: None,
) -> Path:
    """Render → convert → (sign) → mail + manifest, into a staging folder renamed at the end."""
    final = settings.outbox / the_plan.batch
    staging = settings.outbox / f".{the_plan.batch}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    (staging / "plan.json").write_text(
        json.dumps(the_plan.to_json(), ensure_ascii=False, indent=2), encoding="utf-8")

    numbers = stable_numbers(reg, settings, final, staging) if sign_now else None
    signed_before = {p.name for p in final.glob("*.signed.pdf")} if final.is_dir() else set()
    ours = key(settings.agency.name)

    def to_sign(d: RenderedDocument) -> bool:
        return key(d.sender) == ours and (not only or d.path.stem in only
                                          or d.path.name in only
                                          or f"{d.path.stem}.signed.pdf" in signed_before)

    if sign_now and settings.signing.demo:
        progress("sign: DEMO — token SoftHSM và CA THỬ NGHIỆM, không dùng cho văn bản "
                 "thật (DEMO token and TEST CA: not for real documents)")
    with Converter(settings) as conv:
        line = ProductionLine(settings, conv, to_sign if sign_now else None)
        docs = line.run(render.iter_batch(the_plan, settings, staging, numbers=numbers),
                        progress)
        for path, exc in conv.failures:
            result.errors.append(f"{path.name}: {exc.clerk_message()}")
        progress(f"convert: {sum(1 for d in docs if d.pdf)} PDFs"
                 + (f", {len(conv.failures)} failed" if conv.failures else ""))
        if sign_now:
            if line.sign_error is not None:
                result.unsigned_reason = line.sign_error.clerk_message()
                result.errors.append(line.sign_error.clerk_message())
                progress(f"sign: stopped: {line.sign_error.en}")
            else:
                result.signed = sum(1 for d in docs if d.signed_pdf)
                progress(f"sign: {result.signed} signed")
        else:
            result.unsigned_reason = ("Chưa ký: chạy 'paperflow sign' "
                                      "(Not signed yet: run 'paperflow sign')")
        result.mails = deliver.prepare_batch(settings, reg, the_plan.batch, docs, staging,
                                             converter=conv)
    deliver.write_manifest(staging, docs, result.mails)
    _swap_in(staging, final)
    docs = [_rebase(d, staging, final) for d in docs]
    result.documents = docs
    result.mails = [final / m.relative_to(staging) for m in result.mails]
    reg.record_documents(the_plan.batch, docs, folder=final)
    if settings.mail.send:          # side effects last: only a complete batch is sent
        try:
            deliver.send_pending(settings, reg, batch=the_plan.batch)
        except PaperflowError as exc:   # the mail stays pending: `paperflow send` retries
            result.errors.append(exc.clerk_message())
    return final


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
