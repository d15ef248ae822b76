"""How a batch's progress looks to the clerk: bars at a terminal, plain lines elsewhere.

At a terminal a long batch (from LONG files or documents) shows one tqdm bar per stage (reading
files, converting to PDF, signing); in a log or a pipe (a service, `> log.txt`) the same steps are
plain lines, at most one every PLAIN_EVERY_S seconds per stage plus the last. Other events are
worded by messages.event and printed as lines in both cases.
"""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType
from typing import TextIO

from tqdm import tqdm

from . import messages
from .batch.events import Event

LONG = 20                   # a stage with fewer items than this shows no progress at all
PLAIN_EVERY_S = 10.0


class Display:
    """`with Display(quiet=False) as say: run_once(settings, progress=say)`."""

    def __init__(self, *, quiet: bool = False, stream: TextIO | None = None,
                 bars: bool | None = None) -> None:
        self.quiet = quiet
        self.stream = stream if stream is not None else sys.stdout
        self.bars = self.stream.isatty() if bars is None else bars
        self._bars: dict[str, tqdm] = {}
        self._said: dict[str, float] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> Display:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __call__(self, event: Event) -> None:
        if self.quiet:
            return
        with self._lock:
            if event.kind == "step":
                self._step(event)
                return
            self._close_bars()
            line = messages.event(event)
            if line is not None:
                print(f"· {line}", file=self.stream, flush=True)

    def close(self) -> None:
        with self._lock:
            self._close_bars()

    # ---- steps --------------------------------------------------------------------------
    def _step(self, e: Event) -> None:
        if max(e.count, e.other) < LONG:
            return
        if self.bars:
            bar = self._bars.get(e.stage)
            if bar is None:
                bar = tqdm(total=e.other or None, desc=messages.stage(e.stage), unit="",
                           file=self.stream, dynamic_ncols=True, leave=True, mininterval=0.5)
                self._bars[e.stage] = bar
            if e.other and bar.total != e.other:
                bar.total = e.other
            bar.update(e.count - bar.n)
            return
        now = time.monotonic()
        last = e.other and e.count >= e.other
        if last or now - self._said.get(e.stage, 0.0) >= PLAIN_EVERY_S:
            self._said[e.stage] = now
            line = messages.event(e)
            if line is not None:
                print(f"· {line}", file=self.stream, flush=True)

    def _close_bars(self) -> None:
        for bar in self._bars.values():
            bar.close()
        self._bars.clear()
