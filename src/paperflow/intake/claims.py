"""Claiming: each content taken once. The journal row (keyed by the content's sha256) is the
claim: the first INSERT wins; a content with a row already is a duplicate, someone else's, or a
dead process's claim taken over."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from ..errors import InputRejected
from ..models import Incoming
from . import owner as owners
from .files import sha256_file, stamp
from .recovery import Recovery
from .state import T, utc_now

log = logging.getLogger("paperflow.intake")


def insert_if_new(engine: Engine) -> Any:
    """The claim statement: INSERT … ON CONFLICT DO NOTHING RETURNING (no row back = the content
    has a row already), built once — no IntegrityError to unwind, so many claims share one transaction.
    None for a dialect without it."""
    if engine.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    elif engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:  # pragma: no cover - paperflow runs on SQLite or PostgreSQL
        return None
    # RETURNING, not rowcount: PostgreSQL's driver reports rowcount -1 for this statement
    # (truthy), and every copy of one content was taken as new — twice archived.
    return (dialect_insert(T).on_conflict_do_nothing(index_elements=[T.c.sha256])
            .returning(T.c.sha256))


class Claims(Recovery):
    """Each content claimed once in the journal (a duplicate set aside, a dead owner's claim
    taken over)."""

    _insert: Any            # insert_if_new(engine), set by Intake

    def take(self, path: Path) -> Incoming | None:
        """Claim this file's content; None when it is a duplicate or someone else has it."""
        got = self.take_many([path])[0]
        if isinstance(got, InputRejected):
            raise got
        return got

    def take_many(self, paths: Sequence[Path]) -> list[Incoming | InputRejected | None]:
        """`take` for a group of files, their claims in ONE journal transaction (one commit).

        One result per path, in order: the Incoming claimed, None (a duplicate, someone else
        has it, or it vanished or changed while read), or the InputRejected of a file already
        quarantined (too large) — where `take` raises it. The claims are the same conditional
        inserts as one file's (the first INSERT of a content wins), so two watchers still never
        both get a file; a content already in the journal goes the per-file way (duplicate set
        aside, a dead owner's claim taken over). After a crash the group's claims are all
        there or none is: either way each file is still in the inbox, retried by the next take.
        """
        read = [self._read(Path(p)) for p in paths]
        won: list[Incoming] = []
        if self._insert is not None:
            now = utc_now()
            with self.engine.begin() as conn:
                for inc in read:
                    if inc is not None and conn.execute(
                            self._insert, self._values(inc, now)).first() is not None:
                        won.append(inc)
        else:                           # a dialect without INSERT … ON CONFLICT: file by file
            won = [inc for inc in read if inc is not None and self._insert_one(inc)]
        with self._lock:
            self.active.update(inc.sha256 for inc in won)
        claimed = {id(inc) for inc in won}
        out: list[Incoming | InputRejected | None] = []
        for inc in read:
            if inc is None or (id(inc) not in claimed and not self._claim_existing(inc)):
                out.append(None)
            else:
                out.append(self._check_size(inc))
        return out

    def _read(self, path: Path) -> Incoming | None:
        """The file's content hash and name; None when it vanished or changed while read."""
        try:
            before = path.stat()
            sha = sha256_file(path)
            after = path.stat()
        except FileNotFoundError:
            return None                 # another watcher moved it meanwhile
        if stamp(before) != stamp(after):
            return None                 # still being written: the next scan gets it
        return Incoming(path=path, sha256=sha, name=self._name(path), size=after.st_size,
                        mtime_ns=after.st_mtime_ns, ctime_ns=after.st_ctime_ns)

    def _check_size(self, incoming: Incoming) -> Incoming | InputRejected:
        """A claimed file over intake.max_file_mb is quarantined at once, with the reason."""
        limit = self.settings.intake.max_file_mb * 1024 * 1024
        if incoming.size <= limit:
            return incoming
        err = InputRejected("file_too_large", size_mb=incoming.size // (1024 * 1024),
                            max_file_mb=self.settings.intake.max_file_mb)
        self.reject(incoming, err)
        return err

    def _values(self, inc: Incoming, now: datetime) -> dict[str, Any]:
        return {"sha256": inc.sha256, "name": inc.name, "size": inc.size, "kind": "",
                "state": "taken", "owner": self.me, "reason": "", "archived_as": "",
                "taken_at": now, "finished_at": None}

    def _insert_one(self, inc: Incoming) -> bool:
        """Insert one claim in its own transaction; False when the content has a row already."""
        try:
            with self.engine.begin() as conn:
                if self._insert is not None:
                    return conn.execute(self._insert,
                                        self._values(inc, utc_now())).first() is not None
                conn.execute(insert(T), self._values(inc, utc_now()))
        except IntegrityError:
            return False
        return True

    def _claim(self, inc: Incoming) -> bool:
        if not self._insert_one(inc):
            return self._claim_existing(inc)
        with self._lock:
            self.active.add(inc.sha256)
        return True

    def _row(self, sha: str) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(select(T).where(T.c.sha256 == sha)).first()

    def _claim_existing(self, inc: Incoming) -> bool:
        row = self._row(inc.sha256)
        if row is None:                 # deleted meanwhile: try once more from scratch
            return self._claim(inc)
        if row.state in ("done", "rejected"):
            self._set_aside_duplicate(inc, row)
            return False
        # state 'taken': ours from a failed batch, a dead process's, or a live one's
        with self._lock:
            busy_here = inc.sha256 in self.active
        mine = row.owner == self.me and not busy_here
        if not mine and not owners.is_dead(row.owner, row.taken_at):
            return False                # a live watcher is on it; its result decides
        placed = self.settings.workspace / row.archived_as if row.archived_as else None
        if placed is not None and placed.is_file() and self._same(placed, row.sha256):
            # the dead owner had already put the file in place: finish its move
            self._finish_placed(row, inc.path)
            return False
        if row.archived_as and inc.name != row.name and not (self.inbox / row.name).exists():
            # The dead owner recorded where its copy was going and that copy has left the
            # inbox: a move links before it unlinks, so it is in place — in the archive of
            # another workstation sharing the register and the inbox (not visible here).
            # Its content was stored before the move began: the row is finished and this
            # copy is a duplicate (taking it again made one content two archived files).
            self._finish_placed(row, None)
            self._set_aside_duplicate(inc, row)
            return False
        with self.engine.begin() as conn:
            res = conn.execute(
                update(T).where(T.c.sha256 == inc.sha256, T.c.state == "taken",
                                T.c.owner == row.owner)
                .values(owner=self.me, taken_at=utc_now(), name=inc.name, archived_as="",
                        reason=""))
        if res.rowcount != 1:
            return False                # another process reclaimed it first
        log.warning("reclaimed %s from %s (crashed or stopped mid-file)", inc.name, row.owner)
        with self._lock:
            self.active.add(inc.sha256)
        return True
