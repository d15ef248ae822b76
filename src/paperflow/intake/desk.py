"""The intake desk: find arrived inbox files, claim each content once, archive or quarantine it.

The journal row (keyed by the content's sha256) is the claim: the first INSERT wins, so two
watchers sharing a workspace never both process a file, and the same content dropped twice
(or renamed) is processed once. Before any move the row records where the file is going, so a
crash at any point is recovered on the next take/scan: the move is finished, or the claim of a
dead process is taken over — never a file lost, never one processed twice after it was archived.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from .. import clock, extract
from ..config import Settings
from ..errors import InputRejected, PaperflowError
from ..models import Incoming
from ..text import nfc, safe_filename
from . import owner as owners
from .files import (
    candidates,
    changed_since_claim,
    finish_move,
    fsync_dir,
    move_once,
    owner_only,
    place,
    sha256_file,
    stamp,
    write_text_atomic,
)
from .ignore import ignored_dir, ignored_path
from .journal import IntakeRecord

log = logging.getLogger("paperflow.intake")
T = IntakeRecord.__table__


def _insert_if_new(engine: Engine) -> Any:
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


class HasEngine(Protocol):
    engine: Engine


def _now() -> datetime:
    return datetime.now(UTC)


def error_note(name: str, error: PaperflowError) -> str:
    """The text of NAME.error.txt: what is wrong and what to do, Vietnamese then English."""
    when = clock.now().strftime("%d/%m/%Y %H:%M")
    return (
        f"Tệp / File: {name}\n"
        f"Thời điểm / Time: {when}\n\n"
        f"LÝ DO KHÔNG XỬ LÝ ĐƯỢC:\n{error.vi}\n\n"
        "CÁCH XỬ LÝ: sửa tệp theo hướng dẫn trên, lưu lại, rồi chép tệp đã sửa vào thư mục "
        "inbox/. Tệp giữ nguyên nội dung sẽ bị coi là trùng và không được xử lý lại.\n\n"
        f"WHY IT WAS NOT PROCESSED:\n{error.en}\n\n"
        "WHAT TO DO: fix the file as described above, save it, and copy the corrected file "
        "into inbox/. The same unchanged content counts as a duplicate and is not reprocessed.\n"
    )


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


class Intake:
    """One pass over the inbox (the batch builds one per run)."""

    def __init__(self, settings: Settings, reg: HasEngine) -> None:
        self.settings = settings
        self.engine: Engine = reg.engine
        self._insert = _insert_if_new(self.engine)
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

    # ---------------------------------------------------------------- finding files
    def candidates(self) -> list[tuple[Path, os.stat_result]]:
        """Every clerk file under inbox/ (not rejected/, no litter), with its stat."""
        found: list[tuple[Path, os.stat_result]] = []
        for root, dirs, files in os.walk(self.inbox):
            here = Path(root)
            rel_root = here.relative_to(self.inbox)
            dirs[:] = sorted(
                d for d in dirs
                if not ignored_dir(d) and not (rel_root == Path(".") and d == "rejected")
            )
            for name in files:
                p = here / name
                if ignored_path(PurePosixPath(*(rel_root / name).parts)):
                    continue
                try:
                    st = p.stat()
                except OSError:
                    continue            # vanished between listing and stat
                if os.path.isfile(p) and not os.path.islink(p):
                    found.append((p, st))
        return found

    def scan(self) -> list[Path]:
        """Files that finished arriving: size, mtime and ctime held still over intake.quiet_s.
        Sorted. Every file is looked at twice, whatever its age: an old mtime proves nothing
        (Explorer and `cp -p` give the copy the source's mtime while it still grows), so a
        copy that pauses is not taken half-written. One wait serves all the files."""
        quiet = self.settings.intake.quiet_s
        first = {p: stamp(st) for p, st in self.candidates()}
        if not first:
            return []
        if quiet > 0:
            time.sleep(quiet)
        ready = [p for p, st in self.candidates() if first.get(p) == stamp(st)]
        return sorted(ready, key=lambda p: self._name(p))

    def _name(self, path: Path) -> str:
        try:
            rel = path.relative_to(self.inbox)
        except ValueError:
            rel = Path(path.name)
        return "/".join(safe_filename(nfc(part)) for part in rel.parts)

    # ---------------------------------------------------------------- claiming
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
            now = _now()
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
        err = InputRejected(
            f"Tệp quá lớn ({incoming.size // (1024 * 1024)} MB; giới hạn "
            f"{self.settings.intake.max_file_mb} MB). Tách thành nhiều tệp nhỏ hơn, hoặc "
            "quét lại văn bản ở độ phân giải thấp hơn (300 dpi, đen trắng).",
            f"File too large ({incoming.size // (1024 * 1024)} MB; the limit is "
            f"{self.settings.intake.max_file_mb} MB). Split it, or rescan at 300 dpi "
            "black and white.",
            code="too_large",
        )
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
                                        self._values(inc, _now())).first() is not None
                conn.execute(insert(T), self._values(inc, _now()))
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
                .values(owner=self.me, taken_at=_now(), name=inc.name, archived_as="",
                        reason=""))
        if res.rowcount != 1:
            return False                # another process reclaimed it first
        log.warning("reclaimed %s from %s (crashed or stopped mid-file)", inc.name, row.owner)
        with self._lock:
            self.active.add(inc.sha256)
        return True

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
                         .values(state=state, finished_at=_now()))

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

    # ---------------------------------------------------------------- finishing
    def _rel(self, path: Path) -> str:
        return path.relative_to(self.settings.workspace).as_posix()

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
                                 finished_at=_now()))
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
                        state="done", finished_at=_now(),
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
        now = _now()
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
