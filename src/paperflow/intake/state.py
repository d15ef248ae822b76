"""What every part of the intake desk shares: the journal table, the clock of its rows, and the
state of one desk (the workspace, the register's engine, the contents it has claimed)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from ..config import Settings
from .journal import IntakeRecord

T = IntakeRecord.__table__


def utc_now() -> datetime:
    return datetime.now(UTC)


class DeskState:
    """The attributes the desk's parts use (intake/desk.Intake sets them)."""

    settings: Settings
    engine: Engine
    inbox: Path
    me: str                 # this process, as the journal's owner column names it
    # Contents this desk claimed and has not finished. A claim of our own pid that is not in
    # here is a leftover of an earlier batch of this process that failed mid-file (the
    # watcher lives on): it may be retried.
    active: set[str]
    _lock: threading.Lock

    def _rel(self, path: Path) -> str:
        return path.relative_to(self.settings.workspace).as_posix()
