"""The convert stage: .docx → PDF beside it, with LibreOffice, never one cold process per file.

Primary mode ("uno"): one persistent soffice listener per worker, each with its own profile and
named pipe, driven by a small worker script under the system Python that has `uno`
(`_uno_worker.py`); threads here hand documents to the workers from one queue.
Fallback mode ("batch"): one batched `soffice --convert-to pdf` call per worker chunk.

A document that fails is left with pdf=None and listed in `failures`; the rest goes on.
Only when LibreOffice cannot run at all is ConversionError raised.
"""

from __future__ import annotations

import logging
import os
import subprocess
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from ..childenv import child_env
from ..config import Settings
from ..errors import ConversionError
from ..locks import Held, try_lock
from ..models import RenderedDocument
from ._soffice import bundled_python, find_soffice, looks_like_docx
from .batch import BatchRunner, doc_failed, unavailable

log = logging.getLogger("paperflow.convert")
T = TypeVar("T")

DEFAULT_UNO_PYTHON = "/usr/bin/python3"
DEFAULT_RECYCLE_AFTER = 200


def uno_available(python: str) -> bool:
    """True when `python` can `import uno` (Debian's python3-uno is for /usr/bin/python3 only)."""
    if not python or not os.path.exists(python):
        return False
    try:
        done = subprocess.run([python, "-c", "import uno"], capture_output=True, timeout=30,
                              env=child_env({"PYTHONPATH": ""}))
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


class Converter:
    """`with Converter(settings) as conv: docs = conv.convert_documents(docs)`.

    Workers start on first use and stop on exit (no soffice, lock file or zombie stays behind).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        mode: str | None = None,
        workers: int | None = None,
        timeout_s: float | None = None,
        recycle_after: int | None = None,
        uno_python: str | None = None,
    ) -> None:
        cfg = settings.convert
        self.settings = settings
        self.soffice_cmd = cfg.soffice
        self.workers = max(1, int(workers if workers is not None else cfg.workers))
        self.timeout_s = float(timeout_s if timeout_s is not None else cfg.timeout_s)
        self.recycle_after = int(recycle_after if recycle_after is not None
                                 else getattr(cfg, "recycle_after", DEFAULT_RECYCLE_AFTER))
        # "" = the Python beside the LibreOffice found (Windows/macOS) or /usr/bin/python3
        self.uno_python = uno_python or getattr(cfg, "uno_python", "")
        self.requested_mode = (mode or getattr(cfg, "mode", "") or "auto").lower()
        if self.requested_mode not in ("auto", "uno", "batch"):
            raise ConversionError("convert_bad_mode", requested_mode=self.requested_mode)
        self.root: Path | None = None           # this converter's profile slot, once claimed
        self._slot_lock: Held | None = None
        self.failures: list[tuple[Path, ConversionError]] = []
        self.mode: str | None = None            # decided on first use
        self._soffice: str | None = None
        self._pool = None                       # the UNO worker pool, when mode == "uno"
        self._lock = threading.Lock()

    # -- context ---------------------------------------------------------------------------
    def __enter__(self) -> Converter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Stop every LibreOffice process this converter started."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        if self._slot_lock is not None:
            self._slot_lock.release()
            self._slot_lock = None
            self.root = None

    def _claim_slot(self) -> Path:
        """A set of profiles no other converter uses now (another `paperflow run`, the watcher,
        a second Converter in this process): a shared profile silently loses conversions."""
        if self.root is not None:
            return self.root
        base = self.settings.state / "lo"
        base.mkdir(parents=True, exist_ok=True)
        for k in range(100):
            held = try_lock(base / f"slot{k}.flock")
            if held is None:
                continue
            self._slot_lock = held
            self.root = base / f"slot{k}"
            return self.root
        raise ConversionError("too_many_converters", base=base)

    def stats(self) -> dict[str, object]:
        """What the workers did: mode, documents per worker, restarts after a crash or hang,
        planned recycles."""
        if self._pool is not None:
            per = [w.total for w in self._pool.workers]
            return {"mode": self.mode, "per_worker": per, "restarts": self._pool.restarts,
                    "recycled": self._pool.recycled}
        return {"mode": self.mode, "per_worker": [], "restarts": 0, "recycled": 0}

    # -- public ----------------------------------------------------------------------------
    def warm_up(self) -> None:
        """Start every LibreOffice worker now, in parallel, so the first documents do not wait
        for a cold start (≈ 2–3 s each). Quiet on failure: the first conversion meets the same
        problem and reports it as usual."""
        try:
            self._decide_mode()
            self._claim_slot()
        except ConversionError:
            return
        if self.mode != "uno":
            return
        self._worker_pool().start_all()

    def convert_documents(self, docs: Sequence[RenderedDocument]) -> list[RenderedDocument]:
        """Set `.pdf` on every .docx document that converts; other documents pass unchanged."""
        wanted = [d.path for d in docs if d.path.suffix.lower() == ".docx"]
        done = set(self.convert(wanted))
        out = []
        for d in docs:
            if d.path.suffix.lower() == ".docx":
                pdf = d.path.with_suffix(".pdf")
                d = replace(d, pdf=pdf if pdf.absolute() in done else None)
            out.append(d)
        return out

    def convert_stream(self, take: Callable[[], tuple[T, RenderedDocument] | None],
                       done: Callable[[T, RenderedDocument], None]) -> None:
        """Convert documents as `take` hands them over ((tag, document); None: no more),
        calling `done(tag, document)` with `.pdf` set (None when it failed) as each one ends,
        from the converting threads. With persistent workers there is no barrier between
        documents (both stay busy while the caller is still rendering); the fallback mode
        converts what it was given when `take` ends."""
        self._decide_mode()
        self._claim_slot()
        if self.mode != "uno":
            items = []
            while (item := take()) is not None:
                items.append(item)
            for (tag, _d), d in zip(items, self.convert_documents([d for _t, d in items]),
                                    strict=True):
                done(tag, d)
            return

        def next_pair() -> tuple[Path, Path, object] | None:
            while (item := take()) is not None:
                tag, d = item
                p = d.path.absolute()
                if d.path.suffix.lower() != ".docx":
                    done(tag, d)
                elif not self._is_docx(p):
                    done(tag, replace(d, pdf=None))
                else:
                    return p, p.with_suffix(".pdf"), item
            return None

        def finish(item: object, err: ConversionError | None) -> None:
            tag, d = item  # type: ignore[misc]
            if err is not None:
                self._fail(d.path.absolute(), err)
            done(tag, replace(d, pdf=None if err else d.path.with_suffix(".pdf")))

        self._worker_pool().stream(next_pair, finish)

    def convert(self, paths: Sequence[Path]) -> list[Path]:
        """Convert .docx files; returns the PDFs made (beside each file, same stem)."""
        pairs: list[tuple[Path, Path]] = []
        for p in paths:
            p = Path(p).absolute()
            if not self._is_docx(p):
                continue
            pairs.append((p, p.with_suffix(".pdf")))
        if not pairs:
            return []
        self._decide_mode()
        self._claim_slot()
        results = self._pool_run(pairs) if self.mode == "uno" else self._batch_run(pairs)
        made = []
        for (src, target), err in zip(pairs, results, strict=True):
            if err is None:
                made.append(target)
            else:
                self._fail(src, err)
        return made

    # -- internals -------------------------------------------------------------------------
    def _is_docx(self, path: Path) -> bool:
        """False (and the failure recorded) for a file that is not a .docx at all."""
        if looks_like_docx(path):
            return True
        self._fail(path, doc_failed(path, "convert_not_docx"))
        return False

    def _fail(self, path: Path, err: ConversionError) -> None:
        log.warning("convert failed: %s: %s", path.name, err.en)
        with self._lock:
            self.failures.append((path, err))

    def _decide_mode(self) -> None:
        if self.mode is not None:
            return
        self._soffice = find_soffice(self.soffice_cmd)
        if not self.uno_python:
            self.uno_python = bundled_python(self._soffice) or DEFAULT_UNO_PYTHON
        if self.requested_mode == "batch":
            self.mode = "batch"
        elif uno_available(self.uno_python):
            self.mode = "uno"
        elif self.requested_mode == "uno":
            raise unavailable(f"{self.uno_python} cannot import uno (apt-get install python3-uno)")
        else:
            log.info("no Python with uno at %s: batched soffice calls", self.uno_python)
            self.mode = "batch"

    def _batch_run(self, pairs: list[tuple[Path, Path]]) -> list[ConversionError | None]:
        """One thread per worker, each with its own profile, one batched call per chunk."""
        n = min(self.workers, len(pairs))
        results: list[ConversionError | None] = [None] * len(pairs)
        errors: list[BaseException] = []
        assert self._soffice is not None
        soffice = self._soffice

        def work(w: int) -> None:
            idx = list(range(w, len(pairs), n))
            assert self.root is not None
            runner = BatchRunner(soffice, self.root / f"batch{w}", self.timeout_s)
            try:
                for i, res in zip(idx, runner.run([pairs[i] for i in idx]), strict=True):
                    results[i] = res
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(w,), name=f"convert-batch{w}")
                   for w in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
        return results

    def _pool_run(self, pairs: list[tuple[Path, Path]]) -> list[ConversionError | None]:
        return self._worker_pool().run(pairs)

    def _worker_pool(self):  # type: ignore[no-untyped-def]
        """The persistent workers, made on first use (after _decide_mode and _claim_slot)."""
        from .pool import WorkerPool

        if self._pool is None:
            assert self._soffice is not None and self.root is not None
            self._pool = WorkerPool(self._soffice, self.uno_python, self.root, self.workers,
                                    self.timeout_s, self.recycle_after)
        return self._pool
