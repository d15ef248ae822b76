"""A time budget for reading one file, so one strange file cannot hold intake up.

A reader that goes quadratic on a file (a 16 k-character paragraph, a sheet of a million merged
cells) is interrupted when the budget is spent: SIGALRM raises `OutOfTime` in the reading
thread, which `extract.read` turns into a rejection with the reason, and intake goes on with
the next file. External programs (LibreOffice, pdftoppm, tesseract) have their own timeouts,
so the clock is paused while one runs (`paused`): the budget is Python's own reading time.

SIGALRM exists on POSIX and only in the main thread; elsewhere (a web request's thread,
Windows) the budget is not enforced and the external programs' timeouts remain.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class OutOfTime(BaseException):  # noqa: N818 - not an Exception: readers' `except Exception` must not swallow it
    """The reading budget of the current file is spent."""


def _usable() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _on_alarm(_signum: int, _frame: FrameType | None) -> None:
    raise OutOfTime


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise OutOfTime inside the block once `seconds` of (unpaused) time are spent."""
    if not seconds or seconds <= 0 or not _usable():
        yield
        return
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@contextmanager
def paused() -> Iterator[None]:
    """Stop the clock while an external program with its own timeout runs."""
    if not _usable() or signal.getsignal(signal.SIGALRM) is not _on_alarm:
        yield
        return
    left, _interval = signal.setitimer(signal.ITIMER_REAL, 0)
    try:
        yield
    finally:
        if left > 0:
            signal.setitimer(signal.ITIMER_REAL, left)
