"""Issuing later (`paperflow sign`): batches produced unsigned (no PIN at hand, token absent,
review pending) wait in the outbox until they are numbered, re-rendered and signed — one
signing session for the whole run. What waits is the register's answer, not a file's."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..config import Settings
from ..errors import BatchNotFound
from ..register import Register
from ..text import draft_stem, names_file, ranked
from .events import Event, Progress, quiet
from .produce import produce_batch
from .reconcile import documents_from_manifest, reconcile
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
    hand_numbers: Sequence[str] = (),
) -> BatchResult:
    """Issue and sign waiting batches: numbers assigned, documents re-rendered and signed, the
    drafts replaced by the issued documents atomically. A signing failure stops the run with
    its own error class (a failed login is never tried again on the next batch). Numbers from
    the records office (`hand_numbers`, register/numbering.py) are checked before anything is
    signed and go to the documents of their series first, in render order."""
    tally = Tally()
    with Register.open(settings) as reg:
        reconcile(settings, reg, progress)     # what a killed run or sign left
        if batch and not (reg.batch_exists(batch) and (settings.outbox / batch).is_dir()):
            raise BatchNotFound("batch_not_in_outbox", batch=batch)
        names = [batch] if batch else unsigned_batches(settings, reg)
        if hand_numbers:
            if len(names) > 1:
                raise BatchNotFound("numbers_need_batch")
            reg.check_hand_numbers(settings, hand_numbers)
        if only:
            _check_only(settings, names, only)
        session = sessions(settings)
        try:
            for name in names:
                if not reg.awaiting_signature(name, settings.outbox, settings.agency.is_us):
                    # Issued already: signing again would give the documents new numbers.
                    progress(Event("already_issued", batch=name))
                    continue
                reg.approve(name)       # signing is the clerk's approval of the plan
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


def _check_only(settings: Settings, batches: Sequence[str], only: Sequence[str]) -> None:
    """Every `--only NAME` names a document of the batches to sign: a mistyped name would
    otherwise sign nothing and say nothing. The documents are those the manifest lists with
    their PDF, reports included (a batch without its manifest has none: reconcile() said so)."""
    docs = [(d.path.stem, d.number) for name in batches
            for d in documents_from_manifest(settings.outbox / name)
            if d.pdf or d.signed_pdf]
    unknown = [w for w in only if not any(names_file(s, n, [w]) for s, n in docs)]
    if unknown:
        stems = sorted({draft_stem(s) for s, _n in docs})
        close = [c for w in unknown
                 for c, _score in ranked(draft_stem(Path(w.replace("\\", "/")).name), stems, 3)]
        known = ", ".join(dict.fromkeys(close)) or "—"
        raise BatchNotFound("only_unknown", unknown=', '.join(unknown), known=known)
