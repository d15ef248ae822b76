"""Reading inbox files in a second process while this one claims, stores and archives.

Intake is Python on one core; on a province's thousands of files the other core idles. With
`ReadAhead(enabled=True)` each file is read (`extract.read`) by one helper process as soon as it
is claimed, and the result is collected in order when the batch gets to it. Small batches read
inline (the caller decides: batch.ingest.READ_AHEAD_FILES; a helper and the copying of every result
back are not worth it for a few files). If the helper process dies (a file that exhausts
memory), the rest is read inline here — as without it.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import psutil

from ..errors import PaperflowError
from ..models import Extracted, Incoming
from . import read

log = logging.getLogger("paperflow.extract")

def _read(incoming: Incoming) -> Extracted:
    # what the helper runs, by this module's name (`extract.read` itself may be wrapped, e.g.
    # by the benchmark's timers, and a wrapper cannot be sent to another process)
    return read(incoming)


PARENT_CHECK_S = 0.5        # how soon a helper notices that its parent died


def _die_with_parent(parent: int, parent_start: float) -> None:
    # The helper must not outlive a killed watcher (SIGKILL, Task Manager's End task). A forked
    # helper holds both ends of its task pipe and would never see the parent go, so a thread
    # here asks psutil every PARENT_CHECK_S; on Linux the kernel also kills it at once.
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    threading.Thread(target=_watch_parent, args=(parent, parent_start), daemon=True,
                     name="paperflow-parent-watch").start()


def _parent_alive(parent: int, parent_start: float) -> bool:
    try:
        proc = psutil.Process(parent)
        return proc.create_time() == parent_start and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except psutil.Error:
        return True


def _watch_parent(parent: int, parent_start: float) -> None:
    while _parent_alive(parent, parent_start):
        time.sleep(PARENT_CHECK_S)
    os._exit(1)


def available() -> bool:
    """Read-ahead runs wherever multiprocessing does (fork on Linux, spawn on Windows/macOS)."""
    return True


class ReadAhead:
    """`with ReadAhead(enabled) as ahead: get = ahead.submit(incoming); … extracted = get()`;
    `get()` returns what `extract.read` returns or raises what it raises."""

    def __init__(self, enabled: bool) -> None:
        self.pool: ProcessPoolExecutor | None = None
        if enabled and available():
            # the platform's start method: fork on Linux (quick), spawn on Windows. Spawn
            # imports the caller's __main__ again in the helper: paperflow's entry point and
            # scripts guard theirs with `if __name__ == "__main__"`.
            me = psutil.Process()
            self.pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context(),
                initializer=_die_with_parent, initargs=(me.pid, me.create_time()))

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
