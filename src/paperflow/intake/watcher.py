"""The long-running inbox watcher (`paperflow watch`).

Events are hints, never facts (docs/TOOLS.md): `created` fires when a copy STARTS, big copies give
many `modified`, polling reports renames as `created`, and inotify never fires on SMB/NFS. So a
path counts as arrived only when no event touched it for intake.quiet_s AND its size and mtime
did not change over that period; a periodic full rescan (intake.rescan_s) catches whatever the
events missed; an in-flight set keeps a stray event (antivirus, NAS indexer) from queueing a file
that a batch is already working on.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from ..config import Settings
from .ignore import ignored_path

log = logging.getLogger("paperflow.intake")


class _Pending:
    """Paths seen recently: last event time and last observed (size, mtime)."""

    def __init__(self, inbox: Path) -> None:
        self.inbox = inbox
        self.lock = threading.Lock()
        self.seen: dict[Path, float] = {}
        self.stat: dict[Path, tuple[int, int]] = {}
        self.in_flight: set[Path] = set()

    def relevant(self, path: Path) -> bool:
        try:
            rel = path.relative_to(self.inbox)
        except ValueError:
            return False
        return not ignored_path(PurePosixPath(*rel.parts))

    def touch(self, path: Path) -> None:
        if not self.relevant(path):
            return
        with self.lock:
            if path not in self.in_flight:
                self.seen[path] = time.monotonic()

    def arrived(self, quiet: float) -> list[Path]:
        """Paths quiet for `quiet` seconds whose size+mtime held still since the last look."""
        now = time.monotonic()
        ready: list[Path] = []
        with self.lock:
            due = [p for p, t in self.seen.items() if now - t >= quiet]
        for p in due:
            try:
                st = os.stat(p)
            except OSError:
                with self.lock:         # gone (moved by us or the clerk): forget it
                    self.seen.pop(p, None)
                    self.stat.pop(p, None)
                continue
            if not os.path.isfile(p):
                with self.lock:
                    self.seen.pop(p, None)
                continue
            cur = (st.st_size, st.st_mtime_ns)
            with self.lock:
                if self.stat.get(p) == cur:
                    self.seen.pop(p, None)
                    self.stat.pop(p, None)
                    ready.append(p)
                else:               # first look, or still growing: look again after quiet
                    self.stat[p] = cur
                    self.seen[p] = now
        return ready


class _Handler(FileSystemEventHandler):
    def __init__(self, pending: _Pending) -> None:
        self.pending = pending

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type == "deleted":
            return
        dest = getattr(event, "dest_path", "")
        target = dest or event.src_path
        if isinstance(target, bytes):
            target = os.fsdecode(target)
        self.pending.touch(Path(target))


def _full_rescan(inbox: Path, pending: _Pending) -> None:
    from .ignore import ignored_dir

    for root, dirs, files in os.walk(inbox):
        here = Path(root)
        dirs[:] = [d for d in dirs if not ignored_dir(d)
                   and not (here == inbox and d == "rejected")]
        for name in files:
            pending.touch(here / name)


def watch(
    settings: Settings,
    on_arrived: Callable[[], None],
    *,
    stop: threading.Event,
) -> None:
    """Watch inbox/ until `stop` is set; call on_arrived() whenever files finished arriving."""
    cfg = settings.intake
    inbox = settings.inbox
    inbox.mkdir(parents=True, exist_ok=True)
    pending = _Pending(inbox)
    observer = (PollingObserver(timeout=cfg.poll_interval_s) if cfg.polling else Observer())
    observer.schedule(_Handler(pending), str(inbox), recursive=True)
    observer.start()
    tick = max(0.05, min(cfg.quiet_s / 4, 1.0))
    try:
        _full_rescan(inbox, pending)        # what was dropped while we were not running
        last_rescan = time.monotonic()
        while not stop.is_set():
            if time.monotonic() - last_rescan >= cfg.rescan_s:
                _full_rescan(inbox, pending)
                last_rescan = time.monotonic()
            ready = pending.arrived(cfg.quiet_s)
            if ready:
                with pending.lock:
                    pending.in_flight.update(ready)
                try:
                    log.info("%d file(s) arrived", len(ready))
                    on_arrived()
                except Exception:   # the watcher is a service: one bad batch must not end it
                    log.exception("batch failed; the files stay in the inbox for the next try")
                finally:
                    with pending.lock:
                        pending.in_flight.difference_update(ready)
                # what a failed batch left behind gets another look at the next periodic
                # rescan, not at once: no tight retry loop on a persistent failure
            stop.wait(tick)
    finally:
        observer.stop()
        observer.join(timeout=5)
