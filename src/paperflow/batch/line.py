"""The production line of one batch: render → convert → sign overlapped, so both cores work."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace

from ..convert import Converter
from ..errors import PaperflowError
from ..models import RenderedDocument
from .events import Event, Progress, quiet
from .signing import SigningSession

_END = 2                    # priority of the end marker: after every document


class ProductionLine:
    """Render → convert → sign as a production line, so that both cores work: the caller's
    thread renders (Python), each LibreOffice worker takes the next rendered .docx as soon as
    it is free (ours first, so signing can start; no barrier between groups, so a long list
    on one worker never leaves the other idle), and one signing thread signs our PDFs as they
    arrive through the batch's one `SigningSession` — one thread only, since a PKCS#11 session
    is never used by two threads at once. The first signing error stops signing: nothing more
    is signed, the batch is produced unsigned and 'paperflow sign' resumes. Documents keep
    their render order; each output is written atomically by its stage.
    """

    def __init__(self, conv: Converter, session: SigningSession | None,
                 to_sign: Callable[[RenderedDocument], bool]) -> None:
        self.conv, self.session = conv, session
        self.to_sign = to_sign if session is not None else (lambda _d: False)
        self.docs: list[RenderedDocument] = []
        self.sign_error: PaperflowError | None = None
        self._lock = threading.Lock()
        self._rendered: queue.PriorityQueue[tuple[int, int, int | None]] = queue.PriorityQueue()
        self._converted: queue.Queue[int | None] = queue.Queue()
        self._failure: BaseException | None = None
        self._signed_any = False
        self._progress: Progress = quiet
        self._counts = {"convert": 0, "sign": 0}
        self._totals = {"convert": 0, "sign": 0}      # queued so far (rendering goes on)

    def run(self, rendering: Iterator[RenderedDocument], progress: Progress) -> list[RenderedDocument]:
        self._progress = progress
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
                    ours = self.to_sign(doc)
                    with self._lock:
                        self._totals["convert"] += 1
                        self._totals["sign"] += int(ours)
                    self._rendered.put((0 if ours else 1, i, i))
            progress(Event("rendered", count=len(self.docs)))
        finally:
            self._rendered.put((_END, 0, None))
            converter.join()
            signer.join()
        if self._failure is not None:
            raise self._failure
        if self.sign_error is not None:
            # A batch whose signing stopped lists no document as signed ('paperflow sign'
            # finds the signed files and resumes).
            self.docs = [replace(d, signed_pdf=None) for d in self.docs]
        elif self.session is not None and not self._signed_any:
            try:    # nothing of ours to sign: the signing setup is still checked
                self.session.check()
            except PaperflowError as exc:
                self.sign_error = exc
        return self.docs

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

    def _step(self, stage: str, n: int) -> None:
        """A progress step: `n` more documents through `stage`, of those rendered so far."""
        with self._lock:
            self._counts[stage] += n
            done, total = self._counts[stage], self._totals[stage]
        self._progress(Event("step", stage=stage, count=done, other=total))

    def _converted_one(self, i: int, d: RenderedDocument) -> None:
        with self._lock:
            self.docs[i] = d
        self._step("convert", 1)
        if d.pdf is not None and self.to_sign(d):
            self._converted.put(i)

    def _take(self) -> tuple[list[int], bool]:
        """Block for one converted document, then take whatever else waits; (items, ended)."""
        items: list[int] = []
        nxt = self._converted.get()
        while nxt is not None:
            items.append(nxt)
            try:
                nxt = self._converted.get_nowait()
            except queue.Empty:
                return items, False
        return items, True

    def _sign_loop(self) -> None:
        ended = False
        while not ended:
            idx, ended = self._take()
            if not idx or self.session is None or self.sign_error is not None \
                    or self._failure is not None:
                continue
            with self._lock:
                chunk = [self.docs[i] for i in idx]
            try:
                self._signed_any = True
                signed = self.session.sign(chunk)
            except PaperflowError as exc:
                self.sign_error = exc
                continue
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                self._failure = exc
                continue
            with self._lock:
                for i, d in zip(idx, signed, strict=True):
                    self.docs[i] = d
            self._step("sign", len(idx))
