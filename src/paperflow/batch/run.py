"""`paperflow run` and `paperflow watch`: ingest what arrived, plan, and produce one batch (after
producing again any batch a dead process left unfinished)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace

from .. import clock, intake, plan, sign
from ..config import Settings
from ..errors import ConversionError, PaperflowError
from ..register import Register
from ..text import slug
from .approve import apply_edits
from .events import Event, Progress, quiet
from .ingest import ingest
from .produce import produce_batch
from .quarantine import plan_or_quarantine, produce_or_quarantine
from .reconcile import reconcile
from .result import BatchResult, NotSigned, PlanCounts, Tally
from .signing import SessionFactory, SigningSession, is_failed_login, open_session

log = logging.getLogger("paperflow")


def new_batch_id(settings: Settings, reg: Register) -> str:
    """'20250628-hung-yen-001': date, the issuing agency's province, a running number."""
    today = clock.now().strftime("%Y%m%d")
    prefix = f"{today}-{slug(settings.agency.province)}-"
    n = 1
    while (settings.outbox / f"{prefix}{n:03d}").exists() or reg.batch_exists(f"{prefix}{n:03d}"):
        n += 1
    return f"{prefix}{n:03d}"


def pins_available(settings: Settings) -> bool:
    """Signing can start without blocking: the demo token, a PIN in the environment, or a
    terminal to ask at."""
    if settings.signing.demo:
        return True
    return bool(os.environ.get("PAPERFLOW_PIN")) or sign.can_prompt()


def run_once(
    settings: Settings,
    *,
    sign_now: bool | None = None,
    progress: Progress = quiet,
    sessions: SessionFactory = open_session,
) -> BatchResult:
    """Process what is in the inbox now and produce one batch in outbox/ (if anything to do).
    `sign_now` None: sign when a PIN is at hand. One signing session serves the run."""
    tally = Tally()
    sign_now = pins_available(settings) if sign_now is None else sign_now
    # docs/DESIGN.md: nothing is numbered or signed before the clerk approves the reviewed plan
    review = not settings.plan.auto_approve
    session = sessions(settings) if sign_now and not review else None
    try:
        with Register.open(settings) as reg:
            ingest(settings, reg, into=tally, progress=progress)
            progress(Event("taken", count=len(tally.taken), other=len(tally.rejected)))
            for edits in tally.edits:
                try:
                    part = apply_edits(settings, reg, edits, progress=progress)
                except PaperflowError as exc:   # a batch signed already: said, not fatal
                    tally.errors.append(exc)
                    continue
                tally.revised.append(edits.batch)
                tally.absorb(part)
            resume_unfinished(settings, reg, tally, session=session, progress=progress)
            _plan_and_produce(settings, reg, tally, session=session, progress=progress)
    finally:
        if session is not None:
            session.close()
    if review:
        if tally.not_signed in ("", NotSigned.DEFERRED):
            tally.not_signed = NotSigned.REVIEW
        if tally.batch:
            progress(Event("review_needed", batch=tally.batch))
    elif not sign_now:
        tally.not_signed = tally.not_signed or NotSigned.DEFERRED
    return tally.freeze()


def _plan_and_produce(settings: Settings, reg: Register, tally: Tally, *,
                      session: SigningSession | None, progress: Progress) -> None:
    # a file whose records make planning fail is set aside and the plan built without it
    the_plan = plan_or_quarantine(settings, reg, tally,
                                  lambda snap: plan.build_plan(snap, settings, batch=""),
                                  progress=progress)
    if not the_plan.actions:
        progress(Event("nothing_to_do"))
        return
    with ExitStack() as held:
        # The name is chosen, locked for production and recorded under one lock: two
        # watchers on one workspace never both produce one batch.
        with _flock(settings, reg, "plan"):
            batch = new_batch_id(settings, reg)
            held.enter_context(_flock(settings, reg, f"batch-{batch}"))
            the_plan = replace(the_plan, batch=batch)
            new_actions = reg.record_plan(the_plan)
        if not new_actions:
            tally.already_planned = True
            progress(Event("already_planned"))
            return
        the_plan = replace(the_plan, actions=tuple(new_actions))
        tally.batch, tally.plan = batch, PlanCounts.of(the_plan)
        progress(Event("planned", batch=batch, count=len(the_plan.actions),
                       other=len(the_plan.warnings)))
        # a request (or the file it came from) whose document cannot be rendered is set
        # aside and the rest of the batch produced, in this run
        produce_or_quarantine(
            settings, reg, the_plan, tally,
            lambda p: produce_batch(settings, reg, p, tally, session=session,
                                    progress=progress), progress=progress)


@contextmanager
def _flock(settings: Settings, reg: Register, name: str, *, wait: bool = True) -> Iterator[bool]:
    """An exclusive lock between the processes sharing this register; yields False when
    `wait` is off and another process holds it (Register.lock: the workspace's lock file on
    SQLite, an advisory lock in the database on PostgreSQL, for several workstations)."""
    with reg.lock(settings, name, wait=wait) as mine:
        yield mine


def resume_unfinished(settings: Settings, reg: Register, tally: Tally, *,
                      session: SigningSession | None, progress: Progress = quiet) -> None:
    """Produce the batches the register planned whose folder never appeared: the process died
    while producing them (their actions are recorded, so no later plan brings them back).
    Mail rows of the dead attempt were never sent (sending follows the rename); they are
    dropped, since the attempt's .eml names are reused by the new files. First the outbox and
    the register are put back in step (reconcile.py: interrupted swaps, unrecorded folders)."""
    reconcile(settings, reg, progress)
    for name in reg.batch_names():
        if (settings.outbox / name).is_dir():
            continue
        with _flock(settings, reg, f"batch-{name}", wait=False) as mine:
            if not mine or (settings.outbox / name).is_dir() or reg.produced(name):
                # another process is producing it right now, or produced it (another
                # workstation sharing the register: the folder is in its outbox)
                continue
            if reg.quarantined(name):
                continue                    # failed twice already: set aside with its reason
            reg.drop_unsent_mail(name)
            progress(Event("resumed", batch=name))
            part = Tally()
            try:
                produce_or_quarantine(
                    settings, reg, reg.load_plan(name), part,
                    lambda p, part=part: produce_batch(settings, reg, p, part, session=session,
                                                       progress=progress), progress=progress)
            except (ConversionError, OSError):
                raise                       # this machine's fault (LibreOffice, disk): retried
            except Exception as exc:  # noqa: BLE001 - one batch must not wedge every later run
                log.exception("batch %s failed again when resumed: quarantined", name)
                tally.errors.append(_quarantined(reg, name, exc))
                continue
            tally.resumed.append(name)
            tally.absorb(part)


def _quarantined(reg: Register, name: str, exc: Exception) -> PaperflowError:
    """Set the batch aside with its reason (register), and say so to the clerk."""
    why = exc.clerk_message() if isinstance(exc, PaperflowError) else (
        f"{exc.__class__.__name__}: {exc}")
    reg.quarantine(name, why)
    return PaperflowError("batch_quarantined", name=name, why=why)


class Watcher:
    """`paperflow watch`'s memory across batches. After a login the token refused, this
    process signs no more (a real token locks after a few wrong PINs, and unlocking it is a
    Mẫu 06 restoration at the CA): batches are still produced, as drafts, and each says so
    until the clerk runs `paperflow sign`."""

    def __init__(self, settings: Settings, *, progress: Progress = quiet,
                 on_batch: Callable[[BatchResult], None] = lambda _r: None,
                 sessions: SessionFactory = open_session) -> None:
        self.settings, self.progress, self.on_batch = settings, progress, on_batch
        self.sessions = sessions
        self.refused: PaperflowError | None = None

    def batch(self) -> None:
        """One batch of what has arrived; a failing batch is logged and watching goes on."""
        try:
            result = run_once(self.settings, sign_now=False if self.refused else None,
                              progress=self.progress, sessions=self.sessions)
        except PaperflowError as exc:
            log.error("batch failed: %s", exc.en)
            self.progress(Event("batch_failed", error=exc))
            return
        if self.refused is not None:
            if result.batch:
                result = replace(result, not_signed=NotSigned.STOPPED)
                self.progress(Event("sign_paused", batch=result.batch, error=self.refused))
        elif result.sign_error is not None and is_failed_login(result.sign_error):
            self.refused = result.sign_error
            self.progress(Event("sign_paused", batch=result.batch, error=self.refused))
        self.on_batch(result)


def watch(
    settings: Settings,
    *,
    stop: threading.Event,
    progress: Progress = quiet,
    on_batch: Callable[[BatchResult], None] = lambda _r: None,
    sessions: SessionFactory = open_session,
) -> Watcher:
    """Run a batch whenever files have arrived, until `stop` is set; each batch's result goes
    to `on_batch` (the files a batch could not handle are quarantined by it)."""
    watcher = Watcher(settings, progress=progress, on_batch=on_batch, sessions=sessions)
    watcher.batch()     # what was already waiting when the watcher started
    intake.watch(settings, watcher.batch, stop=stop)
    return watcher
