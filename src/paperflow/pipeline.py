"""The main job: wires the stages. The CLI and the watcher only call this module.

    inbox → intake → extract → register → plan → render → convert → sign → deliver

Each file is its own unit of work: a bad file is quarantined with its reason and the rest of
the batch goes on. Outputs are written into a hidden staging folder and renamed into
outbox/<batch>/ only when complete, so no half-written batch is ever visible.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from . import intake, plan, register, sign
from .config import Settings
from .errors import InputRejected, PaperflowError
from .extract.ahead import ReadAhead
from .issuing import sign_pending, unsigned_batches
from .locks import exclusive
from .models import Extracted, Incoming
from .production import BatchResult, produce_batch
from .register import Register

log = logging.getLogger("paperflow")


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
# Files claimed in one journal transaction (one commit). Fewer than GROUP_FILES: a file claimed
# here waits for this process, so a second watcher on the same inbox cannot help with it.
CLAIM_FILES = 50
READ_AHEAD_FILES = 200      # inbox files from which a helper process reads them (extract/ahead.py)


def ingest(settings: Settings, reg: Register, paths: Sequence[Path] | None = None) -> BatchResult:
    """Take every arrived inbox file once: extract, store, archive — or quarantine with a reason.

    Files are claimed CLAIM_FILES at a time (one journal commit), stored and archived in
    groups (one transaction, one fsync per folder for the group); until its group is archived
    a file is 'taken' in the journal and still in the inbox — a crash then retries it."""
    result = BatchResult()
    desk = intake.Intake(settings, reg)
    group: list[tuple[Incoming, Extracted]] = []
    opened = time.monotonic()
    todo = list(paths) if paths is not None else desk.scan()
    # Claimed files wait here while a helper process reads them (a claim group ahead of
    # storing): reading and storing then use both cores.
    waiting: deque[tuple[Incoming, Callable[[], Extracted]]] = deque()

    def settle_one() -> None:
        nonlocal group, opened
        incoming, extracted_of = waiting.popleft()
        try:
            extracted = extracted_of()
        except PaperflowError as exc:
            _settle_failure(desk, result, incoming, exc)
            return
        if not group:
            opened = time.monotonic()
        group.append((incoming, extracted))
        if len(group) >= GROUP_FILES or time.monotonic() - opened >= GROUP_S:
            _store_group(reg, desk, group, result)
            group = []

    with ReadAhead(enabled=len(todo) >= READ_AHEAD_FILES) as ahead:
        for start in range(0, len(todo), CLAIM_FILES):
            chunk = todo[start:start + CLAIM_FILES]
            for path, incoming in zip(chunk, desk.take_many(chunk), strict=True):
                if isinstance(incoming, InputRejected):
                    result.rejected.append((path.name, incoming.en))
                elif incoming is None:
                    result.duplicates.append(path.name)
                else:
                    waiting.append((incoming, ahead.submit(incoming)))
            while len(waiting) > (CLAIM_FILES if ahead.pool is not None else 0):
                settle_one()
        while waiting:
            settle_one()
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
    `wait` is off and another process holds it (paperflow.locks: Linux and Windows alike)."""
    with exclusive(settings.state / "locks", name, wait=wait) as mine:
        yield mine


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


__all__ = ["BatchResult", "ingest", "run_once", "produce_batch", "sign_pending", "unsigned_batches",
           "watch", "register", "InputRejected"]
