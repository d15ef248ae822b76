"""The signing session a batch holds, as the batch sees it.

One object per batch (or per `paperflow sign` run): each token logs in once, on the first
document that needs it; TSA and revocation information are prepared once; every signing
step of the line uses it. `sign.BatchSession` implements it; tests pass a stub.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from .. import sign
from ..config import Settings
from ..errors import PaperflowError
from ..models import RenderedDocument


class SigningSession(Protocol):
    sessions_opened: int            # token logins made so far
    notes: list[str]                # what signing skipped or noticed (TSA, revocation, …)

    def check(self) -> None:
        """Raise if the signing setup is unusable (called when nothing is to be signed)."""

    def sign(self, docs: Sequence[RenderedDocument]) -> list[RenderedDocument]:
        """`docs` with `signed_pdf` set; raises a `SigningError`. After a failed login every
        later call raises that same error without touching the token again."""

    def close(self) -> None: ...


SessionFactory = Callable[[Settings], SigningSession]


def open_session(settings: Settings) -> SigningSession:
    return sign.BatchSession(settings)


def is_failed_login(exc: PaperflowError) -> bool:
    """A login the token refused (wrong PIN, locked): never to be tried again by this process."""
    return isinstance(exc, sign.WrongPin | sign.PinLocked)
