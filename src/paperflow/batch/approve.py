"""`paperflow approve [BATCH] [--edits FILE]`: the clerk's decisions on a reviewed batch — an
edited XEM-XET.xlsx changes its plan (the drafts are produced again with it) — then the
approval, after which the batch is numbered and signed (at once when a PIN is at hand, else
by `paperflow sign`)."""

from __future__ import annotations

from pathlib import Path

from ..config import Settings
from ..errors import BatchNotFound, InputRejected
from ..locks import exclusive
from ..register import Register
from .events import Event, Progress, quiet
from .issue import sign_pending, unsigned_batches
from .produce import produce_batch
from .result import BatchResult, NotSigned, Tally
from .review import Edits, read_edits, revisions
from .signing import SessionFactory, open_session


def apply_edits(settings: Settings, reg: Register, edits: Edits, *,
                progress: Progress = quiet) -> Tally:
    """The clerk's decisions of an edited review sheet applied to its batch: the plan revised
    in the register (each changed action citing the decision) and the batch's drafts produced
    again from it. A batch already signed refuses (RegisterError)."""
    tally = Tally()
    if not reg.batch_exists(edits.batch):
        raise InputRejected("review_batch_unknown", source=edits.source, batch=edits.batch)
    with exclusive(settings.state / "locks", f"batch-{edits.batch}"):
        changes = revisions(reg.load_plan(edits.batch), edits)
        if not changes:
            progress(Event("revised", batch=edits.batch, count=0))
            return tally
        reg.revise_plan(edits.batch, changes, source=edits.source)
        progress(Event("revised", batch=edits.batch, count=len(changes)))
        produce_batch(settings, reg, reg.load_plan(edits.batch), tally, session=None,
                      progress=progress)
    return tally


def approve(
    settings: Settings,
    *,
    batch: str | None = None,
    edits: Path | None = None,
    sign_now: bool,
    progress: Progress = quiet,
    sessions: SessionFactory = open_session,
) -> BatchResult:
    """Apply `edits` (if given), record the approval of `batch` (default: the oldest batch
    waiting), then issue and sign it when `sign_now`."""
    with Register.open(settings) as reg:
        read = read_edits(edits) if edits is not None else None
        if read is not None and batch and read.batch != batch:
            raise InputRejected("review_other_batch", source=read.source, batch=read.batch, batch2=batch)
        name = batch or (read.batch if read else None) or next(
            iter(unsigned_batches(settings, reg)), None)
        if name is None or not reg.batch_exists(name):
            raise (BatchNotFound("batch_not_waiting", name=name) if name
                   else BatchNotFound("no_batch_waiting"))
        tally = apply_edits(settings, reg, read, progress=progress) if read else Tally()
        reg.approve(name, edits=read.source if read else "")
        progress(Event("approved", batch=name))
    if sign_now:
        return sign_pending(settings, batch=name, progress=progress, sessions=sessions)
    tally.batch, tally.not_signed = name, NotSigned.DEFERRED
    return tally.freeze()
