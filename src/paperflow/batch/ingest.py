"""Ingest: every arrived inbox file taken once — extracted and stored in the register, then
archived — or quarantined in inbox/rejected/ with its reason."""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path

from .. import intake
from ..config import Settings
from ..errors import InputRejected, PaperflowError
from ..extract.ahead import ReadAhead
from ..extract.received import verify_extracted
from ..models import Extracted, Incoming, ReadingReport
from ..register import Register
from ..sign import trust_roots
from .events import Event, Progress, quiet
from .result import Deferred, Rejection, Tally, Warning
from .review import is_review_sheet, read_edits

log = logging.getLogger("paperflow")

# Files stored in one register transaction and archived with one fsync per folder. A group
# is also closed after GROUP_S seconds, so a slow file (OCR) does not keep others waiting.
GROUP_FILES = 200
GROUP_S = 2.0
# Files claimed in one journal transaction (one commit). Fewer than GROUP_FILES: a file claimed
# here waits for this process, so a second watcher on the same inbox cannot help with it.
CLAIM_FILES = 50
READ_AHEAD_FILES = 200      # inbox files from which a helper process reads them (extract/ahead.py)


def ingest(settings: Settings, reg: Register, paths: Sequence[Path] | None = None, *,
           into: Tally | None = None, progress: Progress = quiet) -> Tally:
    """Take every arrived inbox file once: extract, store, archive — or quarantine with a reason.

    Files are claimed CLAIM_FILES at a time (one journal commit), stored and archived in
    groups (one transaction, one fsync per folder for the group); until its group is archived
    a file is 'taken' in the journal and still in the inbox — a crash then retries it.
    Returns `into` (a new Tally when none), with what was taken, rejected and deferred."""
    tally = into if into is not None else Tally()
    desk = intake.Intake(settings, reg)
    group: list[tuple[Incoming, Extracted]] = []
    opened = time.monotonic()
    todo = list(paths) if paths is not None else desk.scan()
    # Claimed files wait here while a helper process reads them (a claim group ahead of
    # storing): reading and storing then use both cores.
    waiting: deque[tuple[Incoming, Callable[[], Extracted]]] = deque()
    done = 0

    def step(n: int = 1) -> None:
        nonlocal done
        done += n
        progress(Event("step", stage="read", count=done, other=len(todo)))

    def settle_one() -> None:
        nonlocal group, opened
        step()
        incoming, extracted_of = waiting.popleft()
        try:
            extracted = extracted_of()
            if extracted.received:      # an agency's request: checked before it is stored
                extracted = verify_extracted(extracted, incoming.path, trust_roots(settings))
        except PaperflowError as exc:
            _settle_failure(desk, tally, incoming, exc)
            return
        if not group:
            opened = time.monotonic()
        group.append((incoming, extracted))
        if len(group) >= GROUP_FILES or time.monotonic() - opened >= GROUP_S:
            _store_group(reg, desk, group, tally)
            group = []

    with ReadAhead(enabled=len(todo) >= READ_AHEAD_FILES) as ahead:
        for start in range(0, len(todo), CLAIM_FILES):
            chunk = todo[start:start + CLAIM_FILES]
            for path, incoming in zip(chunk, desk.take_many(chunk), strict=True):
                if isinstance(incoming, InputRejected):
                    tally.rejected.append(Rejection(path.name, incoming))
                    step()
                elif incoming is None:
                    tally.duplicates.append(path.name)
                    step()
                elif is_review_sheet(incoming.path):
                    _take_review(desk, tally, incoming)
                    step()
                else:
                    waiting.append((incoming, ahead.submit(incoming)))
            while len(waiting) > (CLAIM_FILES if ahead.pool is not None else 0):
                settle_one()
        while waiting:
            settle_one()
    _store_group(reg, desk, group, tally)
    return tally


def _take_review(desk: intake.Intake, tally: Tally, incoming: Incoming) -> None:
    """An edited review sheet dropped back: its decisions go to the run (applied before
    planning); it is archived like any file taken, or rejected with the row at fault."""
    try:
        tally.edits.append(read_edits(incoming.path, name=incoming.name))
    except PaperflowError as exc:
        _settle_failure(desk, tally, incoming, exc)
        return
    desk.archive_many([incoming])
    tally.taken.append(incoming.name)


def _settle_failure(desk: intake.Intake, tally: Tally, incoming: Incoming,
                    exc: PaperflowError) -> None:
    """A file the batch could not take: quarantined when the file is at fault; otherwise (e.g.
    tesseract missing: a fault of this machine) it stays in the inbox, claimed by this run only,
    and is retried by the next batch."""
    if isinstance(exc, InputRejected):
        desk.reject(incoming, exc)
        tally.rejected.append(Rejection(incoming.name, exc))
        return
    log.error("cannot process %s now: %s", incoming.name, exc.en)
    tally.deferred.append(Deferred(incoming.name, exc))


def _store_group(reg: Register, desk: intake.Intake, group: list[tuple[Incoming, Extracted]],
                 tally: Tally) -> None:
    """Store a group in one transaction, then archive it; if the group's transaction fails,
    each file is stored alone, so only the file at fault is rejected or left for later."""
    if not group:
        return
    stored: list[tuple[Incoming, Extracted]] = []
    try:
        reg.store_many([(ex, inc.sha256, inc.name) for inc, ex in group])
        stored = list(group)
    except PaperflowError:
        for incoming, extracted in group:
            try:
                reg.store(extracted, source_sha=incoming.sha256,
                          source_name=incoming.name)
            except PaperflowError as exc:
                _settle_failure(desk, tally, incoming, exc)
                continue
            stored.append((incoming, extracted))
    desk.archive_many([inc for inc, _ex in stored])
    tally.taken += [inc.name for inc, _ex in stored]
    if stored:      # a new content under a quarantined file's name: the clerk's correction
        reg.lift_quarantine([inc.name for inc, _ex in stored],
                            why="taken again with a new content")
    for inc, ex in stored:          # what the readers said and left out reaches the clerk
        tally.warnings += [Warning(inc.name, "reading", str(w)) for w in ex.warnings]
        if ex.report is not None:
            tally.reports.append(ex.report)
            tally.warnings += [Warning(inc.name, "row_skipped", line)
                               for line in _skipped_rows(ex.report)]


def _skipped_rows(report: ReadingReport) -> list[str]:
    """One line per row a reader left out, with why (a .zip's members included)."""
    out = []
    for sheet in report.sheets:
        where = f"trang '{sheet.sheet}'" if sheet.sheet else "bảng"
        out += [f"{report.source}: {where}: dòng {n}: {why}" for n, why in sheet.skipped]
    for part in report.parts:
        out += _skipped_rows(part)
    return out
