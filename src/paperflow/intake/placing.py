"""Placing a claimed file: moved, unmodified, to archive/YYYY/MM/ (journal 'done') or to
inbox/rejected/ with its reason (journal 'rejected'), a second copy of a content set aside.
Every destination is written to the journal before the move, so a crash is recovered."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, update

from .. import clock
from ..errors import PaperflowError
from ..models import Incoming
from ..text import safe_filename
from .files import (
    candidates,
    changed_since_claim,
    finish_move,
    fsync_dir,
    move_once,
    owner_only,
    place,
    write_text_atomic,
)
from .notes import error_note
from .state import DeskState, T, utc_now

log = logging.getLogger("paperflow.intake")


class Placing(DeskState):
    """Moving claimed files to where they end, the journal written before each move."""

    def _set_aside_duplicate(self, inc: Incoming, row: Any) -> None:
        """Move a second copy out of the inbox, intact, so it is not rescanned forever."""
        if not inc.path.exists():
            return
        dest = self.settings.archive / "duplicates" / (
            f"{inc.sha256[:8]}-{safe_filename(Path(inc.name).name)}")
        # Two watchers may both find this copy a duplicate: only one of them moves it
        # (a plain link-and-unlink move by both made it two duplicates, files.move_once).
        moved = move_once(inc.path, dest)
        if moved is not None:
            log.info("duplicate of %s (%s): %s → %s", row.name, row.state, inc.name, moved)

    def _plan_move(self, inc: Incoming, dest: Path, reason: str = "") -> None:
        with self.engine.begin() as conn:
            conn.execute(update(T).where(T.c.sha256 == inc.sha256)
                         .values(archived_as=self._rel(dest), reason=reason))

    def _move_recorded(self, inc: Incoming, dest: Path, reason: str = "") -> Path:
        """Move to the first free name, writing that exact name to the journal BEFORE moving."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        for cand in candidates(dest):
            if cand.exists():
                continue
            self._plan_move(inc, cand, reason)
            try:
                place(inc.path, cand)
            except FileExistsError:
                continue                # another process took the name meanwhile
            finish_move(inc.path, cand)
            return cand
        raise FileExistsError(dest)  # pragma: no cover

    def _finish(self, inc: Incoming, state: str, placed: Path) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(T).where(T.c.sha256 == inc.sha256)
                         .values(state=state, archived_as=self._rel(placed),
                                 finished_at=utc_now()))
        with self._lock:
            self.active.discard(inc.sha256)

    def _unchanged(self, incomings: Sequence[Incoming]) -> list[Incoming]:
        """The files still as they were claimed. One written to after it was read and stored
        is not archived (the archive would keep content nobody read): its claim is closed as
        done with the reason, and the new content in the inbox is claimed and read anew."""
        keep, changed = [], []
        for inc in incomings:
            (changed if changed_since_claim(inc) else keep).append(inc)
        if changed:
            with self.engine.begin() as conn:
                for inc in changed:
                    conn.execute(update(T).where(T.c.sha256 == inc.sha256).values(
                        state="done", finished_at=utc_now(),
                        reason="changed after it was read; the new content is read again"))
            with self._lock:
                self.active.difference_update(inc.sha256 for inc in changed)
            for inc in changed:
                log.warning("%s changed after it was read: left in the inbox to be read again",
                            inc.name)
        return keep

    def archive(self, incoming: Incoming) -> Path:
        """Move the original, unmodified, to archive/YYYY/MM/<sha8>-<name>; journal 'done'."""
        if not self._unchanged([incoming]):
            return incoming.path
        today = clock.now()
        dest = (self.settings.archive / f"{today:%Y}" / f"{today:%m}"
                / f"{incoming.sha256[:8]}-{safe_filename(Path(incoming.name).name)}")
        placed = self._move_recorded(incoming, dest)
        self._finish(incoming, "done", placed)
        return placed

    def archive_many(self, incomings: Sequence[Incoming]) -> list[Path]:
        """`archive` for a group of files, with the same steps in the same order, each step
        done for the whole group at once: one journal commit recording every destination, the
        hard links, ONE fsync per archive folder, the inbox names removed, one fsync per inbox
        folder, one commit marking them 'done'.

        Crash safety is that of `archive`: every destination is in the journal before any link
        is made; no source is unlinked before the archive folder holding its link is fsynced
        (so a crash leaves both names or only the inbox one, never neither); 'done' is written
        only after the unlinks are durable. Recovery (`recover`, `_claim_existing`) works per
        row whatever the group size, so a crash mid-group finishes or retries each file alone.
        """
        incomings = self._unchanged(incomings)
        if not incomings:
            return []
        today = clock.now()
        folder = self.settings.archive / f"{today:%Y}" / f"{today:%m}"
        folder.mkdir(parents=True, exist_ok=True)
        dest: dict[str, Path] = {}
        for inc in incomings:
            want = folder / f"{inc.sha256[:8]}-{safe_filename(Path(inc.name).name)}"
            dest[inc.sha256] = next(c for c in candidates(want)
                                    if not c.exists() and c not in dest.values())
        with self.engine.begin() as conn:
            conn.execute(update(T).where(T.c.sha256 == bindparam("k"))
                         .values(archived_as=bindparam("a"), reason=""),
                         [{"k": inc.sha256, "a": self._rel(dest[inc.sha256])}
                          for inc in incomings])
        placed: dict[str, Path] = {}
        for inc in incomings:
            try:
                place(inc.path, dest[inc.sha256], sync=False)
                placed[inc.sha256] = dest[inc.sha256]
            except FileExistsError:
                # another process took the name meanwhile: this one file goes the slow way
                # (it records its new name before linking, as `archive` does)
                placed[inc.sha256] = self._move_recorded(inc, dest[inc.sha256])
        for parent in {p.parent for p in placed.values()}:
            fsync_dir(parent)
        for inc in incomings:
            finish_move(inc.path, placed[inc.sha256], sync=False)
        for parent in {inc.path.parent for inc in incomings}:
            fsync_dir(parent)
        now = utc_now()
        with self.engine.begin() as conn:
            conn.execute(update(T).where(T.c.sha256 == bindparam("k"))
                         .values(state="done", archived_as=bindparam("a"), finished_at=now),
                         [{"k": inc.sha256, "a": self._rel(placed[inc.sha256])}
                          for inc in incomings])
        with self._lock:
            self.active.difference_update(inc.sha256 for inc in incomings)
        return [placed[inc.sha256] for inc in incomings]

    def reject(self, incoming: Incoming, error: PaperflowError) -> Path:
        """Move the original, unmodified, to inbox/rejected/ with NAME.error.txt beside it."""
        dest = self.settings.rejected / safe_filename(Path(incoming.name).name)
        note_text = error_note(incoming.name, error)
        secret = error.code == "private_key"
        if secret:
            owner_only(incoming.path)  # before the move: the copy is never readable by all
        placed = self._move_recorded(incoming, dest, reason=note_text)
        if secret:
            owner_only(placed)
        write_text_atomic(placed.with_name(placed.name + ".error.txt"), note_text)
        with self.engine.begin() as conn:
            conn.execute(update(T).where(T.c.sha256 == incoming.sha256)
                         .values(kind=error.code[:40]))
        self._finish(incoming, "rejected", placed)
        return placed
