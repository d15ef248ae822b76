"""What in the inbox is not a clerk's file: lock files, partial downloads, sync-tool litter.

Each rule comes from something that really lands in shared folders (paperless-ngx's consumer
learned most of them from bug reports): Word/Excel write `~$name.docx` lock files while a
document is open; browsers write `.part`/`.crdownload` until a download completes; Windows
Explorer and macOS Finder drop `Thumbs.db`, `desktop.ini`, `.DS_Store`; Dropbox, Resilio Sync,
Syncthing and Synology keep their state in hidden folders inside the synced tree.
"""

from __future__ import annotations

import fnmatch
from pathlib import PurePath

IGNORED_NAMES = frozenset({"thumbs.db", "desktop.ini", ".ds_store", "ehthumbs.db"})
IGNORED_PATTERNS = (
    "~$*",              # Office lock files (open document)
    "~*.tmp",           # Office autosave temporaries
    "*.tmp",
    "*.temp",
    "*.part",           # Firefox partial download
    "*.crdownload",     # Chrome partial download
    "*.download",       # Safari
    "*.partial",
    "*.swp",
    "*.error.txt",      # our own quarantine notes
    ".~lock.*#",        # LibreOffice lock files
)
IGNORED_DIRS = frozenset({
    ".dropbox.cache", ".sync", "@eadir", ".stfolder", ".stversions", ".syncthing",
    "$recycle.bin", ".trash", ".trashes", "#recycle", ".git", "__macosx",
})


def ignored_dir(name: str) -> bool:
    low = name.lower()
    return low.startswith(".") or low in IGNORED_DIRS


def ignored_file(name: str) -> bool:
    """True for a file name (no folder) that is never a clerk's document."""
    low = name.lower()
    if low.startswith(".") or low in IGNORED_NAMES:
        return True
    return any(fnmatch.fnmatchcase(low, pat) for pat in IGNORED_PATTERNS)


def ignored_path(rel: PurePath) -> bool:
    """True for a path relative to inbox/ that must be left alone (any part may exclude it)."""
    parts = rel.parts
    if not parts:
        return True
    if parts[0].lower() == "rejected" and len(parts) > 1:
        return True
    return any(ignored_dir(p) for p in parts[:-1]) or ignored_file(parts[-1])
