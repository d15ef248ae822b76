"""Crash-safe file operations for the inbox: hashing, moving without clobbering, atomic notes.

A move is `link(src, dst)` + `unlink(src)` on one filesystem: the link is atomic and refuses an
existing destination, so two processes can never overwrite each other's files, and a crash
between the two steps leaves BOTH names (never neither) — recovery then drops the inbox copy.
Across filesystems (archive on another disk, network shares without hard links) the file is
copied to a hidden temporary name, fsynced, and renamed into place before the source goes.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

from ..models import Incoming

log = logging.getLogger("paperflow.intake")

CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    """The content hash, streamed (bounded memory whatever the size)."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def fsync_dir(folder: Path) -> None:
    """Make a rename/link in `folder` durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def candidates(dest: Path) -> Iterator[Path]:
    """dest, then 'name (1).ext', 'name (2).ext', … (Explorer's style, readable by clerks)."""
    yield dest
    stem, suffix = dest.stem, dest.suffix
    for i in range(1, 100_000):
        yield dest.with_name(f"{stem} ({i}){suffix}")


def _copy_into_place(src: Path, dst: Path) -> None:
    tmp = dst.with_name(f".{dst.name}.{os.getpid()}.partial")
    try:
        with src.open("rb") as fin, tmp.open("wb") as fout:
            shutil.copyfileobj(fin, fout, CHUNK)
            fout.flush()
            os.fsync(fout.fileno())
        shutil.copystat(src, tmp)
        try:
            os.link(tmp, dst)           # refuses an existing dst
        except FileExistsError:
            raise
        except OSError:
            if dst.exists():
                raise FileExistsError(dst) from None
            os.replace(tmp, dst)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def place(src: Path, dst: Path, *, sync: bool = True) -> None:
    """Put src's content at dst (which must not exist) durably; src is left in place.
    With sync=False the caller fsyncs dst's folder itself (once for many files) before it
    removes any source."""
    try:
        os.link(src, dst)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP,
                             errno.EMLINK, errno.EACCES):
            raise
        _copy_into_place(src, dst)
    if sync:
        fsync_dir(dst.parent)


def move_no_clobber(src: Path, dest: Path) -> Path:
    """Move src to dest, or to 'dest (n)' when taken; returns where it went. Never overwrites."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    for cand in candidates(dest):
        try:
            place(src, cand)
        except FileExistsError:
            continue
        finish_move(src, cand)
        return cand
    raise FileExistsError(dest)  # pragma: no cover - 100 000 namesakes


def move_once(src: Path, dest: Path) -> Path | None:
    """`move_no_clobber` for a file that several processes may try to move at the same time
    (a duplicate set aside by two watchers): a link-and-unlink move lets both link the one
    source to two names before either unlinks it — one copy becomes two. So the source is
    first claimed by an atomic rename to a hidden name of this process in its own folder
    (same filesystem, so rename works; only one process wins it); the winner then moves its
    claimed file. None when another process took it first. A crash between the two steps
    leaves the file intact under the hidden name (hidden names are never scanned)."""
    claim = src.with_name(f".{src.name}.{os.getpid()}.{threading.get_ident()}.moving")
    try:
        os.rename(src, claim)
    except FileNotFoundError:
        return None
    return move_no_clobber(claim, dest)


def finish_move(src: Path, placed: Path, *, sync: bool = True) -> None:
    """Second half of a move: drop the source once the copy is durable (with sync=False the
    caller fsyncs the source folder itself, once for many files)."""
    with contextlib.suppress(FileNotFoundError):
        src.unlink()
    if sync:
        fsync_dir(src.parent)


def write_text_atomic(path: Path, text: str) -> None:
    """Write a small text file so that readers see either nothing or all of it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.partial")
    with tmp.open("w", encoding="utf-8", newline="\r\n") as f:   # CRLF: Notepad on old Windows
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def stamp(st: os.stat_result) -> tuple[int, int, int]:
    """What changes when a file is written: size, mtime, and ctime (a copy tool can set mtime
    back; nobody can set ctime)."""
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns


def changed_since_claim(incoming: Incoming) -> bool:
    """True when the file is no longer what was hashed (gone, or written to since)."""
    if not incoming.mtime_ns:
        return False                    # made by hand (tests, tools): nothing to compare
    try:
        st = incoming.path.stat()
    except OSError:
        return True
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns) != (
        incoming.size, incoming.mtime_ns, incoming.ctime_ns)


def owner_only(path: Path) -> None:
    """Mode 600: a private key dropped by mistake is readable by its owner only."""
    try:
        os.chmod(path, 0o600)
    except OSError as exc:              # not ours (dropped by another user on a share)
        log.warning("cannot restrict %s to its owner: %s", path.name, exc)
