"""Locks between the processes that share a workspace, the same on Linux and Windows.

filelock takes the operating system's own lock (flock on POSIX, msvcrt.locking on Windows); the
system drops it when the holder dies, so a killed `paperflow run` never leaves a workspace locked.
Each lock object holds its own handle: a second lock on the same file in this process waits like
one in another process (a second Converter must not share a LibreOffice profile).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout


class Held:
    """A lock this process holds until `release()` (or until it exits)."""

    def __init__(self, lock: FileLock) -> None:
        self._lock: FileLock | None = lock

    def release(self) -> None:
        if self._lock is not None:
            self._lock.release(force=True)
            self._lock = None


def try_lock(path: Path) -> Held | None:
    """The exclusive lock on `path` (created if missing), or None when another holder has it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # thread_local=False: the converter that takes a slot may be closed from another thread
    lock = FileLock(str(path), thread_local=False)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return None
    return Held(lock)


def wait_lock(path: Path) -> Held:
    """The exclusive lock on `path`, waiting as long as another holder keeps it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path), thread_local=False)
    lock.acquire(timeout=-1, poll_interval=0.05)
    return Held(lock)


@contextmanager
def exclusive(folder: Path, name: str, *, wait: bool = True) -> Iterator[bool]:
    """`with exclusive(settings.state / "locks", "ingest") as mine:` — yields False when `wait`
    is off and another process holds the lock."""
    path = folder / f"{name}.lock"
    held = wait_lock(path) if wait else try_lock(path)
    if held is None:
        yield False
        return
    try:
        yield True
    finally:
        held.release()


__all__ = ["Held", "exclusive", "try_lock", "wait_lock"]
