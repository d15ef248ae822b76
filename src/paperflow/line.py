"""The production line of one batch: render → convert → sign overlapped, so both cores work."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace

from . import sign
from .config import Settings
from .convert import Converter
from .errors import PaperflowError
from .models import RenderedDocument

_END = 2                    # priority of the end marker: after every document
SIGN_GATHER_DOCS = 12       # documents a token session signs at least, when they keep coming
SIGN_GATHER_S = 1.5         # … or what arrived within this time


class ProductionLine:
    """Render → convert → sign as a production line, so that both cores work: the caller's
    thread renders (Python), each LibreOffice worker takes the next rendered .docx as soon as
    it is free (ours first, so signing can start; no barrier between groups, so a long list
    on one worker never leaves the other idle), and one signing thread signs our PDFs as they
    arrive — one thread only, since a PKCS#11 session must never be used by two threads at
    once; each gathered group is signed by `sign.sign_documents`, which opens and closes its
    own session. The first signing error stops signing (as before:
    nothing more is signed, the batch is produced unsigned and 'paperflow sign' resumes).
    Documents keep their render order; each output is still written atomically by its stage.
    """

    def __init__(self, settings: Settings, conv: Converter,
                 to_sign: Callable[[RenderedDocument], bool] | None) -> None:
        self.settings, self.conv, self.to_sign = settings, conv, to_sign
        self.docs: list[RenderedDocument] = []
        self.sign_error: PaperflowError | None = None
        self._lock = threading.Lock()
        self._rendered: queue.PriorityQueue[tuple[int, int, int | None]] = queue.PriorityQueue()
        self._converted: queue.Queue[int | None] = queue.Queue()
        self._failure: BaseException | None = None
        self._signed_any = False

    def run(self, rendering: Iterator[RenderedDocument],
            progress: Callable[[str], None]) -> list[RenderedDocument]:
        converter = threading.Thread(target=self._convert_loop, name="line-convert")
        signer = threading.Thread(target=self._sign_loop, name="line-sign")
        converter.start()
        signer.start()
        try:
            for doc in rendering:
                with self._lock:
                    self.docs.append(doc)
                    i = len(self.docs) - 1
                if doc.path.suffix.lower() == ".docx":
                    ours = self.to_sign is not None and self.to_sign(doc)
                    self._rendered.put((0 if ours else 1, i, i))
            progress(f"render: {len(self.docs)} documents")
        finally:
            self._rendered.put((_END, 0, None))
            converter.join()
            signer.join()
        if self._failure is not None:
            raise self._failure
        if self.sign_error is not None:
            # As when the whole batch was signed in one call: a batch whose signing stopped
            # lists no document as signed ('paperflow sign' finds the signed files and resumes).
            self.docs = [replace(d, signed_pdf=None) for d in self.docs]
        if self.to_sign is not None and not self._signed_any and self.sign_error is None:
            try:    # nothing of ours to sign: still check the signing setup, as before
                sign.sign_documents([], self.settings)
            except PaperflowError as exc:
                self.sign_error = exc
        return self.docs

    @staticmethod
    def _drain(q: queue.Queue[int | None]) -> tuple[list[int], bool]:
        """Block for one item, then take whatever else is waiting; (items, ended)."""
        items: list[int] = []
        first = q.get()
        if first is None:
            return items, True
        items.append(first)
        while True:
            try:
                nxt = q.get_nowait()
            except queue.Empty:
                return items, False
            if nxt is None:
                return items, True
            items.append(nxt)

    def _convert_loop(self) -> None:
        try:
            self.conv.warm_up()
            self.conv.convert_stream(self._next_rendered, self._converted_one)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            self._failure = exc
        finally:
            self._converted.put(None)

    def _next_rendered(self) -> tuple[int, RenderedDocument] | None:
        """The next rendered document for a free LibreOffice worker, ours first (signing can
        start sooner); None once rendering has ended and nothing waits."""
        _prio, _seq, i = self._rendered.get()
        if i is None:
            self._rendered.put((_END, 0, None))      # every worker sees the end
            return None
        with self._lock:
            return i, self.docs[i]

    def _converted_one(self, i: int, d: RenderedDocument) -> None:
        with self._lock:
            self.docs[i] = d
        if self.to_sign is not None and d.pdf is not None and self.to_sign(d):
            self._converted.put(i)

    def _sign_loop(self) -> None:
        ended = False
        while not ended:
            idx, ended = self._drain(self._converted)
            # Documents now arrive one by one: gather a few (or wait briefly) so that a token
            # session and login serve several of them.
            deadline = time.monotonic() + SIGN_GATHER_S
            while idx and not ended and len(idx) < SIGN_GATHER_DOCS:
                try:
                    nxt = self._converted.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    break
                if nxt is None:
                    ended = True
                else:
                    idx.append(nxt)
            if not idx or self.sign_error is not None or self._failure is not None:
                continue
            with self._lock:
                chunk = [self.docs[i] for i in idx]
            try:
                self._signed_any = True
                signed = sign.sign_documents(chunk, self.settings)
            except PaperflowError as exc:
                self.sign_error = exc
                continue
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                self._failure = exc
                continue
            with self._lock:
                for i, d in zip(idx, signed, strict=True):
                    self.docs[i] = d
