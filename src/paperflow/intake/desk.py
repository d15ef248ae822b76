"""The intake desk: find arrived inbox files, claim each content once, archive or quarantine it.

The journal row (keyed by the content's sha256) is the claim: the first INSERT wins, so two
watchers sharing a workspace never both process a file, and the same content dropped twice
(or renamed) is processed once. Before any move the row records where the file is going, so a
crash at any point is recovered on the next take/scan: the move is finished, or the claim of a
dead process is taken over — never a file lost, never one processed twice after it was archived.

One job a module: finding.py (files that finished arriving), claims.py (the journal claim),
placing.py (archive, reject, set a duplicate aside), recovery.py (after a crash), notes.py
(NAME.error.txt); this module puts them together as the desk a batch uses.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Protocol

from sqlalchemy.engine import Engine

from .. import extract
from ..config import Settings
from . import owner as owners
from .claims import Claims, insert_if_new
from .finding import Finding
from .notes import error_note

__all__ = ["Intake", "HasEngine", "error_note"]
log = logging.getLogger("paperflow.intake")


class HasEngine(Protocol):
    engine: Engine


def _clear_folder_name(folder: Path) -> None:
    """A clerk's FILE where our folder must be (e.g. a certificate saved as "rejected" with no
    extension) is moved aside under a free name in the same place, unmodified, so it is taken
    like any other file instead of making every batch fail on mkdir."""
    if not folder.exists() or folder.is_dir():         # is_dir follows a link to a folder
        return
    n, aside = 1, folder.with_name(f"{folder.name}-file")
    while aside.exists() or aside.is_symlink():
        n += 1
        aside = folder.with_name(f"{folder.name}-file-{n}")
    os.rename(folder, aside)
    log.warning("a file named %s was in the way of the folder; moved to %s", folder.name, aside.name)


class Intake(Finding, Claims):
    """One pass over the inbox (the batch builds one per run)."""

    def __init__(self, settings: Settings, reg: HasEngine) -> None:
        self.settings = settings
        self.engine: Engine = reg.engine
        self._insert = insert_if_new(self.engine)
        self.inbox = settings.inbox
        self.me = owners.me()
        # Contents this desk claimed and has not finished. A claim of our own pid that is not in
        # here is a leftover of an earlier batch of this process that failed mid-file (the
        # watcher lives on): it may be retried.
        self.active: set[str] = set()
        self._lock = threading.Lock()
        self.inbox.mkdir(parents=True, exist_ok=True)
        # the per-file reading budget (read by extract.read here and in a read-ahead helper,
        # which is forked after this)
        extract.configure(read_timeout_s=settings.intake.read_timeout_s)
        _clear_folder_name(settings.rejected)
        for folder in (settings.rejected, settings.archive):
            folder.mkdir(parents=True, exist_ok=True)
        self.recover()
