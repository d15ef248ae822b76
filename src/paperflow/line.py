"""The production line of one batch: render → convert → sign overlapped, so both cores work."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace

from . import sign
from .config import Settings
from .convert import Converter
from .errors import PaperflowError
from .models import RenderedDocument


class ProductionLine:
    """Render → convert → sign as a production line, so that both cores work: the caller's
    thread renders (Python), a converter thread hands each group of rendered .docx to the
    LibreOffice workers as soon as it is written (ours first, so signing can start), and one
    signing thread signs our PDFs as they arrive — one thread only, since a PKCS#11 session
    must never be used by two threads at once; each group is signed by `sign.sign_documents`,
    which opens and closes its own session. The first signing error stops signing (as before:
    nothing more is signed, the batch is produced unsigned and 'paperflow sign' resumes).
    Documents keep their render order; each output is still written atomically by its stage.
    """

    def __init__(self, settings: Settings, conv: Converter,
                 to_sign: Callable[[RenderedDocument], bool] | None) -> None:
        self.settings, self.conv, self.to_sign = settings, conv, to_sign
        self.docs: list[RenderedDocument] = []
        self.sign_error: PaperflowError | None = None
        self._lock = threading.Lock()
        self._rendered: queue.Queue[int | None] = queue.Queue()
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
                    self._rendered.put(i)
            progress(f"render: {len(self.docs)} documents")
        finally:
            self._rendered.put(None)
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
            ended = False
            while not ended:
                idx, ended = self._drain(self._rendered)
                if not idx:
                    continue
                with self._lock:
                    chunk = [(i, self.docs[i]) for i in idx]
                if self.to_sign is not None:        # ours first: signing starts sooner
                    chunk.sort(key=lambda item: not self.to_sign(item[1]))  # type: ignore[misc]
                done = self.conv.convert_documents([d for _i, d in chunk])
                with self._lock:
                    for (i, _d), d in zip(chunk, done, strict=True):
                        self.docs[i] = d
                for (i, _d), d in zip(chunk, done, strict=True):
                    if self.to_sign is not None and d.pdf is not None and self.to_sign(d):
                        self._converted.put(i)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            self._failure = exc
        finally:
            self._converted.put(None)

    def _sign_loop(self) -> None:
        ended = False
        while not ended:
            idx, ended = self._drain(self._converted)
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
