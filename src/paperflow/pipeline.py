"""The main job: wires the stages. The CLI and the watcher only call this module.

    inbox → intake → extract → register → plan → render → convert → sign → deliver

Each file is its own unit of work: a bad file is quarantined with its reason and the rest of
the batch goes on. Outputs are written into a hidden staging folder and renamed into
outbox/<batch>/ only when complete, so no half-written batch is ever visible.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import queue
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from . import deliver, extract, intake, plan, register, render, sign
from .config import Settings
from .convert import Converter
from .errors import InputRejected, PaperflowError
from .models import Extracted, Incoming, Plan, RenderedDocument
from .register import Register
from .text import key

log = logging.getLogger("paperflow")


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


def new_batch_id(settings: Settings, reg: Register) -> str:
    """'20250628-hung-yen-001': date, the issuing agency's province, a running number."""
    from .text import slug

    today = datetime.now().strftime("%Y%m%d")
    prefix = f"{today}-{slug(settings.agency.province)}-"
    n = 1
    while (settings.outbox / f"{prefix}{n:03d}").exists() or reg.batch_exists(f"{prefix}{n:03d}"):
        n += 1
    return f"{prefix}{n:03d}"


# Files stored in one register transaction and archived with one fsync per folder. A group
# is also closed after GROUP_S seconds, so a slow file (OCR) does not keep others waiting.
GROUP_FILES = 200
GROUP_S = 2.0


def ingest(settings: Settings, reg: Register, paths: Sequence[Path] | None = None) -> BatchResult:
    """Take every arrived inbox file once: extract, store, archive — or quarantine with a reason.

    Files are stored and archived in groups (one transaction, one fsync per folder for the
    group); each file is still claimed on its own, and until its group is archived it is
    'taken' in the journal and still in the inbox — a crash then retries it, as before."""
    result = BatchResult()
    desk = intake.Intake(settings, reg)
    group: list[tuple[Incoming, Extracted]] = []
    opened = time.monotonic()
    for path in paths if paths is not None else desk.scan():
        try:
            incoming: Incoming | None = desk.take(path)
        except InputRejected as exc:
            result.rejected.append((path.name, exc.en))
            continue
        if incoming is None:
            result.duplicates.append(path.name)
            continue
        try:
            extracted = extract.read(incoming)
        except PaperflowError as exc:
            _settle_failure(desk, result, incoming, exc)
            continue
        if not group:
            opened = time.monotonic()
        group.append((incoming, extracted))
        if len(group) >= GROUP_FILES or time.monotonic() - opened >= GROUP_S:
            _store_group(reg, desk, group, result)
            group = []
    _store_group(reg, desk, group, result)
    return result


def _settle_failure(desk: intake.Intake, result: BatchResult, incoming: Incoming,
                    exc: PaperflowError) -> None:
    """A file the batch could not take: quarantined when the file is at fault; otherwise (e.g.
    tesseract missing: a fault of this machine) it stays in the inbox, claimed by this run only,
    and is retried by the next batch."""
    if isinstance(exc, InputRejected):
        desk.reject(incoming, exc)
        result.rejected.append((incoming.name, exc.en))
        return
    log.error("cannot process %s now: %s", incoming.name, exc.en)
    result.errors.append(f"{incoming.name}: {exc.clerk_message()}")


def _store_group(reg: Register, desk: intake.Intake, group: list[tuple[Incoming, Extracted]],
                 result: BatchResult) -> None:
    """Store a group in one transaction, then archive it; if the group's transaction fails,
    each file is stored alone, so only the file at fault is rejected or left for later."""
    if not group:
        return
    stored: list[Incoming] = []
    try:
        reg.store_many([(ex, inc.sha256, inc.name) for inc, ex in group])
        stored = [inc for inc, _ex in group]
    except PaperflowError:
        for incoming, extracted in group:
            try:
                reg.store(extracted, source_sha=incoming.sha256,
                          source_name=incoming.name)
            except PaperflowError as exc:
                _settle_failure(desk, result, incoming, exc)
                continue
            stored.append(incoming)
    desk.archive_many(stored)
    result.taken += [inc.name for inc in stored]


def _pins_available(settings: Settings) -> bool:
    if settings.signing.demo:
        return True
    return bool(os.environ.get("PAPERFLOW_PIN")) or sign.can_prompt()


def run_once(
    settings: Settings,
    *,
    sign_now: bool | None = None,
    progress: Callable[[str], None] = lambda _msg: None,
) -> BatchResult:
    """Process what is in the inbox now and produce one batch in outbox/ (if anything to do)."""
    with Register.open(settings) as reg:
        result = ingest(settings, reg)
        progress(f"intake: {len(result.taken)} taken, {len(result.rejected)} rejected")
        sign_now = _pins_available(settings) if sign_now is None else sign_now
        resume_unfinished(settings, reg, result, sign_now=sign_now, progress=progress)
        the_plan = plan.build_plan(reg.snapshot(), settings, batch="")
        if not the_plan.actions:
            progress("plan: nothing to do")
            return result
        with ExitStack() as held:
            # The name is chosen, locked for production and recorded under one lock: two
            # watchers on one workspace must never both produce one batch.
            with _flock(settings, "plan"):
                batch = new_batch_id(settings, reg)
                held.enter_context(_flock(settings, f"batch-{batch}"))
                the_plan = replace(the_plan, batch=batch)
                new_actions = reg.record_plan(the_plan)
            if not new_actions:
                progress("plan: every action already planned in an earlier batch")
                return result
            the_plan = replace(the_plan, actions=tuple(new_actions))
            result.batch = batch
            progress(f"plan {batch}: {len(the_plan.actions)} actions, "
                     f"{len(the_plan.warnings)} warnings")
            result.folder = produce_batch(settings, reg, the_plan, result, sign_now=sign_now,
                                          progress=progress)
    return result


@contextmanager
def _flock(settings: Settings, name: str, *, wait: bool = True) -> Iterator[bool]:
    """An exclusive lock between the processes sharing this workspace; yields False when
    `wait` is off and another process holds it."""
    folder = settings.state / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{name}.lock").open("a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True


def resume_unfinished(settings: Settings, reg: Register, result: BatchResult, *,
                      sign_now: bool, progress: Callable[[str], None] = lambda _m: None) -> None:
    """Produce the batches the register planned whose folder never appeared: the process died
    while producing them (their actions are recorded, so no later plan would bring them back).
    Mail rows of the dead attempt were never sent (sending follows the rename); they are
    dropped, since the attempt's .eml names are reused by the new files."""
    from sqlalchemy import delete, select

    from .deliver.journal import MailRecord
    from .register.schema import BatchRow

    with reg.session() as s:
        names = list(s.scalars(select(BatchRow.batch).order_by(BatchRow.created_at)))
    for name in names:
        if (settings.outbox / name).is_dir():
            continue
        with _flock(settings, f"batch-{name}", wait=False) as mine:
            if not mine or (settings.outbox / name).is_dir():
                continue                    # another process is producing it right now
            with reg.session() as s:
                s.execute(delete(MailRecord).where(
                    MailRecord.batch == name,
                    MailRecord.state.in_(("pending", "held", "failed"))))
            progress(f"resume {name}: interrupted earlier, produced again")
            part = BatchResult(batch=name)
            produce_batch(settings, reg, reg.load_plan(name), part, sign_now=sign_now,
                          progress=progress)
            result.errors += part.errors


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

    numbers = _stable_numbers(reg, settings, final, staging) if sign_now else None
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
        line = _Line(settings, conv, to_sign if sign_now else None)
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


class _Line:
    """Render → convert → sign as a production line, so that both cores work: the caller's
    thread renders (Python), a converter thread hands each group of rendered .docx to the
    LibreOffice workers as soon as it is written (ours first, so signing can start), and one
    signing thread signs our PDFs as they arrive — one thread only, since a PKCS#11 session
    must never be used by two threads at once; each group is signed by `sign.sign_documents`,
    which opens and closes its own session. The first signing error stops signing (as before:
    nothing more is signed, the batch is produced unsigned and 'paperflow sign' resumes).
    Documents keep their render order; each output is still written atomically by its stage.
    """

    def __init__(self, settings: Settings, conv: Converter,
                 to_sign: Callable[[RenderedDocument], bool] | None) -> None:
        self.settings, self.conv, self.to_sign = settings, conv, to_sign
        self.docs: list[RenderedDocument] = []
        self.sign_error: PaperflowError | None = None
        self._lock = threading.Lock()
        self._rendered: queue.Queue[int | None] = queue.Queue()
        self._converted: queue.Queue[int | None] = queue.Queue()
        self._failure: BaseException | None = None
        self._signed_any = False

    def run(self, rendering: Iterator[RenderedDocument],
            progress: Callable[[str], None]) -> list[RenderedDocument]:
        converter = threading.Thread(target=self._convert_loop, name="line-convert")
        signer = threading.Thread(target=self._sign_loop, name="line-sign")
        converter.start()
        signer.start()
        try:
            for doc in rendering:
                with self._lock:
                    self.docs.append(doc)
                    i = len(self.docs) - 1
                if doc.path.suffix.lower() == ".docx":
                    self._rendered.put(i)
            progress(f"render: {len(self.docs)} documents")
        finally:
            self._rendered.put(None)
            converter.join()
            signer.join()
        if self._failure is not None:
            raise self._failure
        if self.sign_error is not None:
            # As when the whole batch was signed in one call: a batch whose signing stopped
            # lists no document as signed ('paperflow sign' finds the signed files and resumes).
            self.docs = [replace(d, signed_pdf=None) for d in self.docs]
        if self.to_sign is not None and not self._signed_any and self.sign_error is None:
            try:    # nothing of ours to sign: still check the signing setup, as before
                sign.sign_documents([], self.settings)
            except PaperflowError as exc:
                self.sign_error = exc
        return self.docs

    @staticmethod
    def _drain(q: queue.Queue[int | None]) -> tuple[list[int], bool]:
        """Block for one item, then take whatever else is waiting; (items, ended)."""
        items: list[int] = []
        first = q.get()
        if first is None:
            return items, True
        items.append(first)
        while True:
            try:
                nxt = q.get_nowait()
            except queue.Empty:
                return items, False
            if nxt is None:
                return items, True
            items.append(nxt)

    def _convert_loop(self) -> None:
        try:
            self.conv.warm_up()
            ended = False
            while not ended:
                idx, ended = self._drain(self._rendered)
                if not idx:
                    continue
                with self._lock:
                    chunk = [(i, self.docs[i]) for i in idx]
                if self.to_sign is not None:        # ours first: signing starts sooner
                    chunk.sort(key=lambda item: not self.to_sign(item[1]))  # type: ignore[misc]
                done = self.conv.convert_documents([d for _i, d in chunk])
                with self._lock:
                    for (i, _d), d in zip(chunk, done, strict=True):
                        self.docs[i] = d
                for (i, _d), d in zip(chunk, done, strict=True):
                    if self.to_sign is not None and d.pdf is not None and self.to_sign(d):
                        self._converted.put(i)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            self._failure = exc
        finally:
            self._converted.put(None)

    def _sign_loop(self) -> None:
        ended = False
        while not ended:
            idx, ended = self._drain(self._converted)
            if not idx or self.sign_error is not None or self._failure is not None:
                continue
            with self._lock:
                chunk = [self.docs[i] for i in idx]
            try:
                self._signed_any = True
                signed = sign.sign_documents(chunk, self.settings)
            except PaperflowError as exc:
                self.sign_error = exc
                continue
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                self._failure = exc
                continue
            with self._lock:
                for i, d in zip(idx, signed, strict=True):
                    self.docs[i] = d


def _stable_numbers(reg: Register, settings: Settings, final: Path,
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


def _waits_for_signature(folder: Path, settings: Settings) -> bool:
    """True while a PDF that this agency issues has no signed copy yet. Drafts written for other
    agencies (they print and sign them) never make a batch wait."""
    try:
        entries = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    files = entries.get("files", entries) if isinstance(entries, dict) else entries
    ours = key(settings.agency.name)
    for e in files:
        path = str(e.get("path", "")) if isinstance(e, dict) else ""
        if (path.endswith(".pdf") and not path.endswith(".signed.pdf") and "/" not in path
                and e.get("type") not in ("mail", "report", "other")
                and key(e.get("sender", "")) == ours
                and not (folder / path).with_suffix(".signed.pdf").exists()):
            return True
    return False


def unsigned_batches(settings: Settings) -> list[str]:
    """Batches in the outbox with documents of this agency still to be issued and signed."""
    return [m.parent.name for m in sorted(settings.outbox.glob("*/manifest.json"))
            if _waits_for_signature(m.parent, settings)]


def sign_pending(
    settings: Settings,
    *,
    batch: str | None = None,
    only: Sequence[str] | None = None,
    progress: Callable[[str], None] = lambda _msg: None,
) -> int:
    """Issue and sign waiting batches: numbers assigned, documents re-rendered, one token session
    per batch; the drafts are replaced by the issued, signed documents atomically."""
    total = 0
    with Register.open(settings) as reg:
        if batch and not (settings.outbox / batch / "manifest.json").exists():
            raise PaperflowError(f"Không tìm thấy lô '{batch}' trong outbox/.",
                                 f"No batch '{batch}' in outbox/.")
        for name in [batch] if batch else unsigned_batches(settings):
            if not _waits_for_signature(settings.outbox / name, settings):
                # Issued already: signing again would give the documents new numbers.
                progress(f"{name}: đã ký, không có gì chờ ký (already signed; nothing waits)")
                continue
            the_plan = reg.load_plan(name)
            result = BatchResult(batch=name)
            produce_batch(settings, reg, the_plan, result, sign_now=True, only=only,
                          progress=progress)
            if result.errors:
                raise sign_error(result.errors[0])
            total += result.signed
    return total


def sign_error(message: str) -> PaperflowError:
    from .errors import SigningError

    vi, _, en = message.partition("\n(")
    return SigningError(vi, en.rstrip(")") or vi)


def watch(
    settings: Settings,
    *,
    stop: threading.Event,
    progress: Callable[[str], None] = lambda _msg: None,
) -> None:
    """Run a batch whenever files have arrived, until `stop` is set. A failing batch is logged
    and the watcher goes on (the files it could not handle are quarantined by the batch)."""

    def on_arrived() -> None:
        try:
            run_once(settings, progress=progress)
        except PaperflowError as exc:
            log.error("batch failed: %s", exc.en)
            progress(f"LỖI / ERROR: {exc.clerk_message()}")

    on_arrived()    # what was already waiting when the watcher started
    intake.watch(settings, on_arrived, stop=stop)


__all__ = ["BatchResult", "ingest", "run_once", "produce_batch", "register", "InputRejected"]
