"""Helpers of the intake tests: files that have finished arriving, and the journal's rows."""

from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy import select

from paperflow.intake.journal import IntakeRecord

T = IntakeRecord.__table__


def old(path: Path, content: bytes) -> Path:
    """A file that finished arriving a while ago."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    past = time.time() - 60
    os.utime(path, (past, past))
    return path


def rows(reg, by: str = "sha256") -> dict[str, object]:
    """The journal's rows by content hash (or by `by`, e.g. "name")."""
    with reg.engine.connect() as conn:
        return {getattr(r, by): r for r in conn.execute(select(T))}
