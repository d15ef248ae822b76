"""Recovery: finishing the moves of processes that died after placing a file, and forgetting
the claims of files that changed after they were claimed."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from . import owner as owners
from .files import finish_move, sha256_file, write_text_atomic
from .placing import Placing
from .state import T, utc_now

log = logging.getLogger("paperflow.intake")


class Recovery(Placing):
    """What a dead process or a changed file left in the journal, put right."""

    def _finish_placed(self, row: Any, src: Path | None) -> None:
        placed = self.settings.workspace / row.archived_as
        state = "rejected" if placed.parent == self.settings.rejected else "done"
        if src is not None and src.exists() and src != placed:
            finish_move(src, placed)
        if state == "rejected":
            note = placed.with_name(placed.name + ".error.txt")
            if not note.exists():
                write_text_atomic(note, row.reason or "")
        with self.engine.begin() as conn:
            conn.execute(update(T).where(T.c.sha256 == row.sha256, T.c.state == "taken",
                                         T.c.owner == row.owner)
                         .values(state=state, finished_at=utc_now()))

    def recover(self) -> None:
        """Finish the moves of processes that died after placing a file but before the journal;
        forget claims whose file changed before it was stored (see `drop_stale_claims`)."""
        self.drop_stale_claims()
        with self.engine.connect() as conn:
            rows = conn.execute(select(T).where(T.c.state == "taken",
                                                T.c.archived_as != "")).all()
        for row in rows:
            if row.owner == self.me or not owners.is_dead(row.owner, row.taken_at):
                continue
            placed = self.settings.workspace / row.archived_as
            if not placed.is_file() or not self._same(placed, row.sha256):
                continue
            src = self.inbox / row.name
            self._finish_placed(row, src if src.is_file() and self._same(src, row.sha256)
                                else None)

    def drop_stale_claims(self) -> int:
        """Claims (ours from an earlier batch, or a dead process's) of a content that is no
        longer in the inbox under its name because the file changed after it was claimed (a
        copy still going on: extract.read refused it, nothing was stored). The new content gets
        its own claim; the old row would otherwise stay 'taken' forever. Returns how many."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(T).where(T.c.state == "taken",
                                                T.c.archived_as == "")).all()
        stale = []
        for row in rows:
            with self._lock:
                busy = row.sha256 in self.active
            if busy or (row.owner != self.me and not owners.is_dead(row.owner, row.taken_at)):
                continue
            src = self.inbox / row.name
            try:
                size = src.stat().st_size
            except OSError:
                continue                # gone: the ordinary recovery rules apply
            if size != row.size or not self._same(src, row.sha256):
                stale.append(row.sha256)
        if stale:
            with self.engine.begin() as conn:
                for sha in stale:
                    conn.execute(T.delete().where(T.c.sha256 == sha, T.c.state == "taken",
                                                  T.c.archived_as == ""))
            log.info("forgot %d claim(s) of files that changed after they were claimed",
                     len(stale))
        return len(stale)

    @staticmethod
    def _same(path: Path, sha: str) -> bool:
        try:
            return sha256_file(path) == sha
        except OSError:
            return False
