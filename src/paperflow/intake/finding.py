"""Finding the files that finished arriving in inbox/ (litter and inbox/rejected/ left out)."""

from __future__ import annotations

import os
import time
from pathlib import Path, PurePosixPath

from ..text import nfc, safe_filename
from .files import stamp
from .ignore import ignored_dir, ignored_path
from .state import DeskState


class Finding(DeskState):
    """The inbox's clerk files, and those whose size and times held still."""

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
