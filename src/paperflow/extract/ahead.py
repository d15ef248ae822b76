"""Reading inbox files in a second process while this one claims, stores and archives.

Intake is Python on one core; on a province's thousands of files the other core idles. With
`ReadAhead(enabled=True)` each file is read (`extract.read`) by one helper process as soon as it
is claimed, and the result is collected in order when the batch gets to it. Small batches read
inline (the caller decides: pipeline.READ_AHEAD_FILES; a helper and the copying of every result
back are not worth it for a few files). If the helper process dies (a file that exhausts
memory), the rest is read inline here — as without it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from ..errors import PaperflowError
from ..models import Extracted, Incoming
from . import read

log = logging.getLogger("paperflow.extract")

def _read(incoming: Incoming) -> Extracted:
    # what the helper runs, by this module's name (`extract.read` itself may be wrapped, e.g.
    # by the benchmark's timers, and a wrapper cannot be sent to another process)
    return read(incoming)


def _die_with_parent(parent: int) -> None:
    # A forked helper holds both ends of its task pipe, so it would never see its parent die
    # (SIGKILL of a watcher): the kernel kills it with the parent instead.
    import ctypes
    import signal

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL)           # PR_SET_PDEATHSIG
    if os.getppid() != parent:              # the parent died before that line
        os._exit(1)


def available() -> bool:
    """Read-ahead needs fork and prctl (Linux); elsewhere files are read inline."""
    return sys.platform.startswith("linux")


class ReadAhead:
    """`with ReadAhead(enabled) as ahead: get = ahead.submit(incoming); … extracted = get()`;
    `get()` returns what `extract.read` returns or raises what it raises."""

    def __init__(self, enabled: bool) -> None:
        self.pool: ProcessPoolExecutor | None = None
        if enabled and available():
            # fork, not spawn: spawn and forkserver import the caller's __main__ again in the
            # helper, which runs any unguarded script (a clerk's own, or a test's) twice; the
            # forked helper only ever runs extract.read (logging's locks are re-made at fork)
            self.pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("fork"),
                initializer=_die_with_parent, initargs=(os.getpid(),))

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def submit(self, incoming: Incoming) -> Callable[[], Extracted]:
        if self.pool is None:
            return lambda: read(incoming)
        try:
            future: Future[Extracted] = self.pool.submit(_read, incoming)
        except (BrokenProcessPool, RuntimeError):
            self._gone()
            return lambda: read(incoming)

        def get() -> Extracted:
            try:
                return future.result()
            except PaperflowError:
                raise                           # the file's own verdict, as read() gives it
            except Exception as exc:  # noqa: BLE001 - the helper, not the file, failed
                # (read() turns every failure of a reader into InputRejected): read it here
                log.warning("read-ahead failed on %s (%s); reading it here", incoming.name,
                            type(exc).__name__)
                if isinstance(exc, BrokenProcessPool):
                    self._gone()
                return read(incoming)
        return get

    def _gone(self) -> None:
        if self.pool is not None:
            log.warning("the read-ahead process stopped; reading the rest here")
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None
