"""One signing session for a whole batch: each token logged in once, the TSA probed and the
revocation information fetched once, then any number of documents signed.

The batch holds one `BatchSession` (as pyHanko's `PKCS11SigningContext` holds one PKCS#11
session across many signatures) and hands it every group of documents its line produces:

    with sign.BatchSession(settings) as session:   # settings checked; no token touched yet
        session.check()                  # optional: raise now if the setup is unusable
        docs = session.sign(docs)        # → the documents with `signed_pdf` set
        docs = session.sign(more_docs)   # same login, same TSA / revocation information
    session.sessions_opened              # token logins made: 1 + 1 for officer + seal
    session.logins                       # per token: {"officer": 1, "agency": 1}
    session.notes                        # what signing skipped or noticed, each said once

- Each token opens on the first document that needs it (the officer's for dispatches, the
  agency's for the seal and attachments), so a batch with nothing to sign asks for no PIN.
- `sign` is thread-safe by serialising: calls from several threads take turns (one PKCS#11
  session is never used by two threads at once).
- A login or token failure is kept: every later `sign` raises that same error without
  touching the token again (a wrong PIN is sent once; see pins.py for the process-wide rule).
- An output complete from an earlier run is kept (resume); an input that already carries a
  signature is refused before any PIN is asked.

`sign_batch` / `sign_documents` are one-call wrappers (one session per call) for callers
that sign everything at once.
"""

from __future__ import annotations

import logging
import string
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace

from ..config import Settings
from ..errors import SigningError
from ..models import RenderedDocument
from . import errors as E
from .appearance import STATIC_TEXT, Appearances
from .signing import (
    BatchSigner,
    SignOutcome,
    SignSetup,
    _revocation,
    _roles,
    _signature_count,
    _write_atomically,
    resolve_setup,
    signed_path,
)
from .tokens import Credential, open_credential
from .trustinfo import probe_tsa

log = logging.getLogger("paperflow.sign")

# Characters the appearance font is cut to before the first document: numbers and file stems
# appear in stamps and are not all known yet; a character outside recuts it (rarely).
_STAMP_CHARS = string.ascii_letters + string.digits + "-_./(); "


class BatchSession:
    """`with BatchSession(settings) as s: s.sign(docs)`: see the module docstring."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.logins: dict[str, int] = {"officer": 0, "agency": 0}
        self.notes: list[str] = []
        self.signed = 0
        self._setup: SignSetup | None = None
        self._creds: dict[str, Credential] = {}
        self._signer: BatchSigner | None = None
        self._chars = ""
        self._failed: SigningError | None = None
        self._lock = threading.RLock()
        self._closed = False

    # -- the surface the batch uses ------------------------------------------------------------

    @property
    def sessions_opened(self) -> int:
        """Token logins this session made (attempts, failed ones included)."""
        return sum(self.logins.values())

    def __enter__(self) -> BatchSession:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def check(self) -> None:
        """Raise now if the signing setup is unusable (images, demo PKI, key selection)."""
        with self._lock:
            self._resolved()

    def sign(self, docs: Sequence[RenderedDocument]) -> list[RenderedDocument]:
        """`docs` with `signed_pdf` set; raises a `SigningError` (see the module docstring)."""
        return self.sign_outcome(docs).documents

    def sign_outcome(self, docs: Sequence[RenderedDocument], *,
                     progress: Callable[[str], None] = lambda _m: None) -> SignOutcome:
        """As `sign`, with counts and the notes of this call."""
        with self._lock:
            if self._closed:
                raise RuntimeError("BatchSession used after close()")
            return self._sign(docs, progress)

    def close(self) -> None:
        """Log out of and close every token session (idempotent)."""
        with self._lock:
            self._closed = True
            for cred in self._creds.values():
                cred.close()
            self._creds.clear()

    # -- inside --------------------------------------------------------------------------------

    def _resolved(self) -> SignSetup:
        if self._setup is None:
            self._setup = resolve_setup(self.settings)
        return self._setup

    def _sign(self, docs: Sequence[RenderedDocument],
              progress: Callable[[str], None]) -> SignOutcome:
        setup = self._resolved()
        outcome = SignOutcome(documents=list(docs))
        todo: list[tuple[int, tuple[str, ...]]] = []
        texts: list[str] = []                       # what the stamps show besides the names
        for i, doc in enumerate(docs):
            if doc.pdf is None:
                continue
            roles = _roles(doc, setup)
            target = signed_path(doc.pdf)
            if target.exists() and _signature_count(target) == len(roles):
                outcome.documents[i] = replace(doc, signed_pdf=target)
                outcome.resumed += 1
                continue
            if _signature_count(doc.pdf) > 0:       # checked before any PIN is asked
                raise E.already_signed(doc.pdf.name)
            todo.append((i, roles))
            texts.append(doc.number or doc.pdf.stem)
        if not todo:
            return outcome
        if self._failed is not None:                # never the token again after a failure
            raise self._failed
        signer = self._ready(setup, {r for _i, roles in todo for r in roles}, outcome.notes)
        signer.notes = outcome.notes
        self._cover(setup, signer, texts)
        try:
            for n, (i, roles) in enumerate(todo, 1):
                doc = outcome.documents[i]
                assert doc.pdf is not None
                data, note = self._sign_one(signer, doc, roles)
                target = signed_path(doc.pdf)
                _write_atomically(target, data)
                outcome.documents[i] = replace(doc, signed_pdf=target)
                outcome.signed += 1
                self.signed += 1
                if note:
                    outcome.notes.append(note)
                progress(f"sign {n}/{len(todo)}: {target.name}")
        finally:
            for note in outcome.notes:
                log.warning("%s", note)
            self.notes.extend(outcome.notes)
        return outcome

    def _sign_one(self, signer: BatchSigner, doc: RenderedDocument,
                  roles: tuple[str, ...]) -> tuple[bytes, str]:
        assert doc.pdf is not None
        try:
            return signer.sign_document(doc, roles)
        except SigningError as exc:
            if isinstance(exc, E.TokenFailure):
                self._failed = exc
            raise
        except Exception as exc:  # the token was unplugged mid-batch, or its library failed
            if _unreadable_pdf(exc):
                # the document, not the token: the token stays usable, this batch's signing
                # stops and 'paperflow sign' converts the document again
                log.error("signing %s: the PDF cannot be read", doc.pdf.name, exc_info=True)
                raise SigningError("pdf_unreadable_for_signing", name=doc.pdf.name,
                                   detail=str(exc)) from exc
            # the cause goes to paperflow.log for IT (a traceback holds no PIN: it is never a
            # local of the signing frames)
            log.error("signing %s failed", doc.pdf.name, exc_info=True)
            self._failed = E.TokenFailure("token_stopped", name=doc.pdf.name,
                                          error_type=type(exc).__name__)
            raise self._failed from exc

    def _ready(self, setup: SignSetup, roles: set[str], notes: list[str]) -> BatchSigner:
        """The batch signer with every token `roles` need logged in (each once), the TSA
        probed once and each token's revocation information fetched once."""
        want = []
        if "officer" in roles or setup.agency is None:
            want.append(("officer", setup.officer))
        if setup.agency is not None:                # the seal, and attachments
            want.append(("agency", setup.agency))
        if self._signer is None:
            stamper = probe_tsa(setup.tsa_url, setup.tsa_timeout_s, notes)
            self._signer = BatchSigner(setup, None, None, None, stamper, {}, notes)
        signer = self._signer
        for role, spec in want:
            if role in self._creds:
                continue
            self.logins[role] += 1
            try:
                cred = open_credential(spec)
            except SigningError as exc:
                self._failed = exc
                raise
            self._creds[role] = cred
            setattr(signer, role, cred)
            try:
                signer.revocation.update(_revocation(setup, {role: cred}, signer.timestamper,
                                                     notes))
            except SigningError as exc:             # a revoked certificate
                self._failed = exc
                raise
        return signer

    def _cover(self, setup: SignSetup, signer: BatchSigner, texts: list[str]) -> None:
        """Appearances whose pre-cut font has every character the stamps will show."""
        ag = self.settings.agency
        names = [c.cn for c in self._creds.values()]
        need = set("".join([*names, *texts]))
        if signer.app is not None and need <= set(self._chars):
            return
        chars = "".join(sorted(set(self._chars) | need | set(_STAMP_CHARS + STATIC_TEXT
                                                            + ag.abbreviation
                                                            + ag.drafting_unit)))
        signer.app = Appearances(setup.cache_dir, signature_image=setup.signature_image,
                                 seal_image=setup.seal_image, texts=(chars,))
        self._chars = chars


def _unreadable_pdf(exc: Exception) -> bool:
    """The PDF itself cannot be read (pyHanko's reader or pdfium, which finds the signature
    place), as opposed to a failing token."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pypdfium2 import PdfiumError

    return isinstance(exc, PdfReadError | PdfiumError)


def sign_batch(docs: Sequence[RenderedDocument], settings: Settings, *,
               progress: Callable[[str], None] = lambda _m: None) -> SignOutcome:
    """Sign every document with a PDF in one session (one login per token)."""
    with BatchSession(settings) as session:
        return session.sign_outcome(docs, progress=progress)


def sign_documents(docs: Sequence[RenderedDocument], settings: Settings,
                   ) -> list[RenderedDocument]:
    """Sign every document with a PDF; return them with `signed_pdf` set (see sign_batch)."""
    return sign_batch(docs, settings).documents
