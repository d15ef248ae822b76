"""Intake: find files that finished arriving in inbox/, claim each content once in the journal,
and move originals, unmodified, to archive/ or inbox/rejected/ (with a reason)."""

from .desk import Intake, error_note
from .watcher import watch

__all__ = ["Intake", "watch", "error_note"]
