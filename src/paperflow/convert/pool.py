"""Persistent LibreOffice listeners: one `_uno_worker.py` (and its soffice) per worker.

Threads here share one queue of documents; each thread owns one worker process and talks to it
in JSON lines. A document that takes longer than `timeout_s` gets its soffice killed (whole
process group), is recorded as failed, and the worker is restarted for the rest. A worker whose
soffice crashes gets the document once more on a fresh listener. Workers are recycled after
`recycle_after` conversions (LibreOffice grows with use).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import shutil
import subprocess
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

from ..childenv import child_env
from ..errors import ConversionError
from ._soffice import kill_group, publish, remove_lock, stop_process
from .batch import SofficeUnavailable, doc_failed, timed_out, unavailable

log = logging.getLogger("paperflow.convert")

WORKER_SCRIPT = Path(__file__).with_name("_uno_worker.py")
START_TIMEOUT_S = 120.0          # first start creates the profile (a few seconds; slow CI more)
MAX_ATTEMPTS = 2                 # a crash (not a timeout) gets one retry on a fresh listener
_EOF = object()


class WorkerDied(Exception):
    """The listener went away while converting (crash or killed)."""


class UnoWorker:
    """One `_uno_worker.py` subprocess owning one soffice listener with a private profile."""

    def __init__(self, n: int, soffice: str, python: str, root: Path, timeout_s: float) -> None:
        self.n = n
        self.soffice = soffice
        self.python = python
        self.profile = root / str(n)
        # LibreOffice writes the PDF here first (with its own lu*.tmp and .~lock files, which a
        # killed soffice leaves behind); only a finished PDF is moved beside the .docx.
        self.outdir = root / f"out{n}"
        self.timeout_s = timeout_s
        self.count = 0                  # since the last (re)start, for recycling
        self.total = 0                  # over the worker's life, for stats
        self.proc: subprocess.Popen[str] | None = None
        self.soffice_pgid: int | None = None
        self.pipe = ""
        self._lines: queue.Queue[object] = queue.Queue()

    def start(self) -> None:
        self.profile.mkdir(parents=True, exist_ok=True)
        self._clean_outdir()
        pipe = f"paperflow-{os.getpid()}-{self.n}-{uuid.uuid4().hex[:8]}"
        self.pipe = pipe
        # No secrets (childenv.py), and not our venv's Python path: the worker is the system
        # Python with uno.
        env = child_env(drop=("PYTHONPATH", "PYTHONHOME"))
        self._lines = queue.Queue()
        try:
            # The worker's own stderr (tracebacks) goes to a log beside the profile.
            with (self.profile.parent / f"worker{self.n}.log").open("ab") as errlog:
                self.proc = subprocess.Popen(
                    [self.python, str(WORKER_SCRIPT), "--soffice", self.soffice,
                     "--profile", str(self.profile), "--pipe", pipe],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errlog,
                    text=True, encoding="utf-8", env=env, start_new_session=True, bufsize=1)
        except OSError as exc:
            raise unavailable(f"{self.python}: {exc}") from exc
        # Each process gets its own queue: a late line from a killed worker must never be
        # taken as the answer of its successor.
        threading.Thread(target=self._read, args=(self.proc, self._lines), daemon=True,
                         name=f"convert-uno{self.n}-reader").start()
        hello = self._reply(START_TIMEOUT_S)
        if not isinstance(hello, dict) or not hello.get("ready"):
            self.kill()
            detail = hello.get("error") if isinstance(hello, dict) else "no answer"
            raise unavailable(f"the listener did not start ({detail})")
        self.soffice_pgid = int(hello["soffice_pgid"])
        self.count = 0
        log.debug("uno worker %d ready (soffice pgid %d)", self.n, self.soffice_pgid)

    @staticmethod
    def _read(proc: subprocess.Popen[str], lines: queue.Queue[object]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            with contextlib.suppress(json.JSONDecodeError):
                lines.put(json.loads(line))
        lines.put(_EOF)

    def _reply(self, timeout: float) -> object:
        try:
            return self._lines.get(timeout=timeout)
        except queue.Empty:
            return None

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def _clean_outdir(self) -> None:
        shutil.rmtree(self.outdir, ignore_errors=True)
        self.outdir.mkdir(parents=True, exist_ok=True)

    def convert(self, src: Path, target: Path) -> None:
        """Convert one document to `target` (atomically), or raise ConversionError/WorkerDied."""
        produced = self.outdir / f"{uuid.uuid4().hex}.pdf"
        try:
            self._convert(src, produced)
            publish(produced, target)
        finally:
            if self.alive:
                for leftover in self.outdir.iterdir():
                    with contextlib.suppress(OSError):
                        leftover.unlink()
            remove_lock(src)

    def _convert(self, src: Path, dst: Path) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps({"in": str(src), "out": str(dst)}) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            self.kill()
            raise WorkerDied(str(exc)) from exc
        reply = self._reply(self.timeout_s)
        self.count += 1
        self.total += 1
        if reply is None:
            log.warning("worker %d: %s hung for %gs: killing soffice", self.n, src.name,
                        self.timeout_s)
            self.kill()
            raise timed_out(src, self.timeout_s)
        if reply is _EOF:
            self.kill()
            raise WorkerDied("the listener exited")
        assert isinstance(reply, dict)
        if reply.get("ok"):
            return
        error = str(reply.get("error", "unknown error"))
        if reply.get("dead"):
            self.kill()
            raise WorkerDied(error)
        raise doc_failed(src, "convert_reported", error=error[:200])

    def stop(self) -> None:
        """Ask politely (EOF: the worker terminates soffice and reaps it), then insist."""
        if self.proc is None:
            return
        with contextlib.suppress(OSError):
            assert self.proc.stdin is not None
            self.proc.stdin.close()
        stop_process(self.proc, timeout=20)
        kill_group(self.soffice_pgid)
        self.proc = None
        shutil.rmtree(self.outdir, ignore_errors=True)
        self._remove_pipe()

    def _remove_pipe(self) -> None:
        """soffice leaves its named-pipe socket in /tmp (always when killed): remove ours."""
        if not self.pipe:
            return
        for folder in ("/tmp", "/var/tmp"):
            with contextlib.suppress(OSError):
                os.unlink(f"{folder}/OSL_PIPE_{os.getuid()}_{self.pipe}")

    def kill(self) -> None:
        """Kill soffice's process group; the worker (a subreaper) reaps it and exits on EOF."""
        kill_group(self.soffice_pgid)
        self.stop()


class WorkerPool:
    """Up to `n` UnoWorkers fed from one queue; workers stay up between `run` calls."""

    def __init__(self, soffice: str, python: str, root: Path, n: int, timeout_s: float,
                 recycle_after: int) -> None:
        self.workers = [UnoWorker(i, soffice, python, root, timeout_s) for i in range(n)]
        self.recycle_after = max(1, recycle_after)
        self.restarts = 0
        self.recycled = 0

    def run(self, pairs: list[tuple[Path, Path]]) -> list[ConversionError | None]:
        """Convert every pair; one error (or None) per pair, in order."""
        results: list[ConversionError | None] = [None] * len(pairs)
        items = iter([(src, target, i) for i, (src, target) in enumerate(pairs)])
        lock = threading.Lock()

        def take() -> tuple[Path, Path, object] | None:
            with lock:
                return next(items, None)

        def finish(i: object, err: ConversionError | None) -> None:
            results[i] = err  # type: ignore[index]

        start_error, left = self._serve(take, finish)
        if left and len(left) == len(pairs) and start_error is not None:
            raise start_error
        for i in left:
            results[i] = start_error or _no_worker()  # type: ignore[index]
        return results

    def stream(self, take: Callable[[], tuple[Path, Path, object] | None],
               finish: Callable[[object, ConversionError | None], None]) -> None:
        """Convert (src, target, tag) items as `take` hands them over, until it returns None;
        `finish(tag, error)` as each one ends. Each worker takes the next item when it is free —
        no barrier between groups, so neither worker idles while another item waits. `take`
        must block until an item or the end, and keep returning None after the end."""
        start_error, left = self._serve(take, finish)
        for tag in left:        # every worker gave up (LibreOffice cannot start)
            finish(tag, start_error or _no_worker())

    def _serve(self, take: Callable[[], tuple[Path, Path, object] | None],
               finish: Callable[[object, ConversionError | None], None]
               ) -> tuple[ConversionError | None, list[object]]:
        """One thread per worker takes the next item when free; a worker that cannot start
        hands its item back and stops. Returns the first start error and the tags no worker
        was left to convert."""
        lock = threading.Lock()
        handed_back: list[tuple[Path, Path, object]] = []
        start_errors: list[ConversionError] = []

        def next_item() -> tuple[Path, Path, object] | None:
            with lock:
                if handed_back:
                    return handed_back.pop()
            return take()

        def work(worker: UnoWorker) -> None:
            while (item := next_item()) is not None:
                src, target, tag = item
                if not worker.alive:
                    try:
                        worker.start()
                    except ConversionError as exc:
                        with lock:              # another worker (or the end) takes it
                            start_errors.append(exc)
                            handed_back.append(item)
                        return
                finish(tag, self._convert_retrying(worker, src, target))
                if worker.alive and worker.count >= self.recycle_after:
                    log.info("worker %d recycled after %d documents", worker.n, worker.count)
                    worker.stop()
                    self.recycled += 1

        _in_threads(work, self.workers, "convert-uno")
        left = []
        while (item := next_item()) is not None:
            left.append(item[2])
        return (start_errors[0] if start_errors else None), left

    def _convert_retrying(self, worker: UnoWorker, src: Path, target: Path
                          ) -> ConversionError | None:
        """A crash (not a timeout) gets one more try on a fresh listener."""
        err: ConversionError | None = None
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                if not worker.alive:
                    worker.start()
                worker.convert(src, target)
                return None
            except WorkerDied as exc:
                self.restarts += 1
                log.warning("worker %d died on %s: %s", worker.n, src.name, exc)
                err = doc_failed(src, "convert_crashed")
                if attempt == MAX_ATTEMPTS:
                    break
            except ConversionError as exc:
                if not worker.alive:
                    self.restarts += 1
                return exc
        return err

    def start_all(self) -> None:
        """Start the workers that are not running, all at once (errors are met again, and
        reported, by the next `run`)."""

        def start(worker: UnoWorker) -> None:
            if not worker.alive:
                with contextlib.suppress(ConversionError):
                    worker.start()

        _in_threads(start, self.workers, "convert-start")

    def close(self) -> None:
        _in_threads(UnoWorker.stop, self.workers, "convert-stop")


def _in_threads(target: Callable[[UnoWorker], None], workers: list[UnoWorker], name: str) -> None:
    """`target(worker)` for every worker at once, each in its own thread; returns when all end."""
    threads = [threading.Thread(target=target, args=(w,), name=f"{name}{w.n}") for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def _no_worker() -> SofficeUnavailable:
    return SofficeUnavailable("soffice_no_worker")
