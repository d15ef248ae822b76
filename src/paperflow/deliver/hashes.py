"""SHA-256 of a batch's files, computed once per file version.

build_mail hashes every attachment for its Message-ID (it has the bytes in hand) and
write_manifest lists the same files with their hash a moment later; the manifest also names
each .eml that prepare_batch has just written. This remembers a hash (and what the manifest
needs of an .eml) keyed by the file's path, identity and version — device, inode, size and
mtime in nanoseconds — so a file changed or replaced in between is read and hashed again.
(Not ctime: linking a file into a recipient folder changes its ctime, not its content.)
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

_LIMIT = 200_000                    # entries; a province batch has a few thousand files
_hashes: dict[tuple[str, int, int, int, int], str] = {}
_eml_heads: dict[tuple[str, int, int, int, int], tuple[str, str]] = {}


def _version(path: Path, st: os.stat_result | None = None) -> tuple[str, int, int, int, int]:
    st = st or path.stat()
    return (os.path.abspath(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _bounded(cache: dict) -> dict:  # type: ignore[type-arg]
    if len(cache) >= _LIMIT:
        cache.clear()
    return cache


def read_and_hash(path: Path) -> tuple[bytes, str]:
    """The file's bytes and their SHA-256, remembered for this version of the file (only when
    the file did not change while it was read)."""
    before = _version(path)
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if _version(path) == before:
        _bounded(_hashes)[before] = sha
    return data, sha


def sha256_file(path: Path, st: os.stat_result | None = None) -> str:
    """The file's SHA-256, from the cache when this version of the file was hashed before."""
    version = _version(path, st)
    known = _hashes.get(version)
    if known is not None:
        return known
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    _bounded(_hashes)[version] = h.hexdigest()
    return h.hexdigest()


def remember_eml(path: Path, data: bytes, recipient_name: str, request: str) -> None:
    """An .eml just written from `data`: its hash and the (recipient, request) it carries."""
    version = _version(path)
    _bounded(_hashes)[version] = hashlib.sha256(data).hexdigest()
    _bounded(_eml_heads)[version] = (recipient_name, request)


def eml_heads(path: Path) -> tuple[str, str] | None:
    """(recipient name, request) of an .eml written by this process, if it is unchanged."""
    try:
        return _eml_heads.get(_version(path))
    except OSError:
        return None


def forget() -> None:
    """Drop everything remembered (tests; a long-running watcher may call it between batches)."""
    _hashes.clear()
    _eml_heads.clear()
