"""Issuing later (`paperflow sign`): batches produced unsigned (no PIN at hand, token absent,
review pending) wait in the outbox until they are numbered, re-rendered and signed — one
signing session for the whole run. What waits is the register's answer, not a file's."""

from __future__ import annotations

from collections.abc import Sequence

from ..config import Settings
from ..errors import BatchNotFound
from ..register import Register
from .events import Event, Progress, quiet
from .produce import produce_batch
from .result import BatchResult, Tally
from .signing import SessionFactory, open_session


def unsigned_batches(settings: Settings, reg: Register) -> list[str]:
    """Batches with documents of this agency still to be issued and signed, oldest first."""
    return [b for b in reg.batch_names()
            if (settings.outbox / b).is_dir()
            and reg.awaiting_signature(b, settings.outbox, settings.agency.is_us)]


def sign_pending(
    settings: Settings,
    *,
    batch: str | None = None,
    only: Sequence[str] | None = None,
    progress: Progress = quiet,
    sessions: SessionFactory = open_session,
) -> BatchResult:
    """Issue and sign waiting batches: numbers assigned, documents re-rendered and signed, the
    drafts replaced by the issued documents atomically. A signing failure stops the run with
    its own error class (a failed login is never tried again on the next batch)."""
    tally = Tally()
    with Register.open(settings) as reg:
        if batch and not (reg.batch_exists(batch) and (settings.outbox / batch).is_dir()):
            raise BatchNotFound(f"Không tìm thấy lô '{batch}' trong outbox/.",
                                f"No batch '{batch}' in outbox/.")
        names = [batch] if batch else unsigned_batches(settings, reg)
        session = sessions(settings)
        try:
            for name in names:
                if not reg.awaiting_signature(name, settings.outbox, settings.agency.is_us):
                    # Issued already: signing again would give the documents new numbers.
                    progress(Event("already_issued", batch=name))
                    continue
                part = Tally()
                produce_batch(settings, reg, reg.load_plan(name), part, session=session,
                              only=only, progress=progress)
                tally.signed += part.signed
                tally.documents += part.documents
                tally.mails += part.mails
                tally.absorb(part)
                tally.batch, tally.folder = part.batch, part.folder
                if part.sign_error is not None:
                    raise part.sign_error
        finally:
            session.close()
    return tally.freeze()
