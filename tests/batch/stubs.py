"""Stubs at the batch's two edges: a converter (a tiny real PDF per .docx, from several threads
like the real workers) and a signing session that records its logins."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from paperflow import sign
from paperflow.config import Settings
from paperflow.errors import ConversionError, PaperflowError
from paperflow.errortexts import Phrase
from paperflow.models import RenderedDocument
from paperflow.text import draft_stem


def _minimal_pdf() -> bytes:
    """A one-page A4 PDF a real signer accepts: objects, an xref table with their offsets and
    startxref (pyHanko refuses a file without them, so a stub PDF without them would be signed
    only when the token refuses first — the order the line happens to take)."""
    objs = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj" % n + body + b"endobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


PDF = _minimal_pdf()


class StubConverter:
    """The Converter's interface: converts in two threads; a name in `failing` fails with a
    ConversionError, recorded in `failures` like the real one."""

    failing: set[str] = set()
    crash_after: int | None = None      # raise SystemExit-like crash after this many PDFs
    made: int = 0

    def __init__(self, _settings: Settings) -> None:
        self.failures: list[tuple[Path, ConversionError]] = []
        self._lock = threading.Lock()

    def __enter__(self) -> StubConverter:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        pass

    def warm_up(self) -> None:
        pass

    def _one(self, d: RenderedDocument) -> RenderedDocument:
        if d.path.suffix.lower() != ".docx":
            return d
        if d.path.name in self.failing or draft_stem(d.path.name) in self.failing:
            err = ConversionError("convert_failed", name=d.path.name,
                                  why=Phrase("convert_unreadable"))
            with self._lock:
                self.failures.append((d.path, err))
            return replace(d, pdf=None)
        with self._lock:
            if StubConverter.crash_after is not None and StubConverter.made >= \
                    StubConverter.crash_after:
                raise Crash("the process dies here")
            StubConverter.made += 1
        pdf = d.path.with_suffix(".pdf")
        pdf.write_bytes(PDF + d.path.name.encode())
        return replace(d, pdf=pdf)

    def convert_documents(self, docs: Sequence[RenderedDocument]) -> list[RenderedDocument]:
        return [self._one(d) for d in docs]

    def convert_stream(self, take: Callable[[], tuple[object, RenderedDocument] | None],
                       done: Callable[[object, RenderedDocument], None]) -> None:
        errors: list[BaseException] = []

        def worker() -> None:
            try:
                while (item := take()) is not None:
                    tag, d = item
                    done(tag, self._one(d))
            except BaseException as exc:  # noqa: BLE001 - re-raised below
                errors.append(exc)

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]


class Crash(BaseException):
    """Stands for the process dying (not an Exception: nothing catches it on the way)."""


@dataclass
class StubSession:
    """A `batch.SigningSession`: 'signs' by copying the PDF; logs each token in once, or fails
    the login with `fail` (and then never tries again, as the real session)."""

    roles: tuple[str, ...] = ("officer", "agency")
    fail: PaperflowError | None = None
    sessions_opened: int = 0
    notes: list[str] = field(default_factory=list)
    logins_tried: int = 0
    signed: list[str] = field(default_factory=list)
    threads: set[str] = field(default_factory=set)
    closed: bool = False
    _failed: PaperflowError | None = None

    def check(self) -> None:
        pass

    def sign(self, docs: Sequence[RenderedDocument]) -> list[RenderedDocument]:
        self.threads.add(threading.current_thread().name)
        if self._failed is not None:
            raise self._failed
        if self.sessions_opened == 0:
            self.logins_tried += 1
            if self.fail is not None:
                self._failed = self.fail
                raise self.fail
            self.sessions_opened = len(self.roles)
        out = []
        for d in docs:
            assert d.pdf is not None
            target = d.pdf.with_name(f"{d.pdf.stem}.signed.pdf")
            shutil.copyfile(d.pdf, target)
            self.signed.append(target.name)
            out.append(replace(d, signed_pdf=target))
        return out

    def close(self) -> None:
        self.closed = True


@dataclass
class Sessions:
    """A `SessionFactory` that remembers every session it opened."""

    fail: PaperflowError | None = None
    opened: list[StubSession] = field(default_factory=list)

    def __call__(self, _settings: Settings) -> StubSession:
        s = StubSession(fail=self.fail)
        self.opened.append(s)
        return s

    @property
    def logins_tried(self) -> int:
        return sum(s.logins_tried for s in self.opened)


def wrong_pin() -> sign.WrongPin:
    return sign.WrongPin("wrong_pin", label="officer", tries="")
