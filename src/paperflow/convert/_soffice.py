"""Small helpers around the LibreOffice executable: finding it, profiles, killing, lock files.

Every soffice we start gets its own user profile (a shared profile silently loses conversions,
TOOLS.md) and runs in its own process group so that a hang can be ended with one killpg.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import zipfile
from pathlib import Path

from ..childenv import child_env
from ..errors import ConversionError

INSTALL_HINT_VI = "Cài LibreOffice: sudo apt-get install libreoffice-writer-nogui"
INSTALL_HINT_EN = "Install LibreOffice: sudo apt-get install libreoffice-writer-nogui"


def find_soffice(configured: str) -> str:
    """The absolute path of soffice, or a ConversionError saying how to install it."""
    found = shutil.which(configured)
    if found is None:
        raise ConversionError(
            f"Không tìm thấy LibreOffice ('{configured}'). {INSTALL_HINT_VI}, "
            "hoặc sửa [convert] soffice trong config.toml.",
            f"LibreOffice ('{configured}') was not found. {INSTALL_HINT_EN}, "
            "or set [convert] soffice in config.toml.",
        )
    return found


def profile_url(profile: Path) -> str:
    """The -env:UserInstallation value for a profile folder."""
    return profile.resolve().as_uri()


def soffice_env(profile: Path) -> dict[str, str]:
    """The environment for soffice (without paperflow's secrets, childenv.py): CI may have no
    HOME, and LibreOffice wants one."""
    env = child_env()
    if not env.get("HOME"):
        env["HOME"] = str(profile)
    # Never let a desktop session's display make LibreOffice show anything.
    env.pop("DISPLAY", None)
    return env


def kill_group(pgid: int | None) -> None:
    """SIGKILL a whole process group (soffice → oosplash → soffice.bin); gone already is fine."""
    if not pgid:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def stop_process(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """Wait for a process we asked to stop; kill its group when it does not."""
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc.pid)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)


def lock_file(document: Path) -> Path:
    """LibreOffice's lock file beside an opened document."""
    return document.with_name(f".~lock.{document.name}#")


def remove_lock(document: Path) -> None:
    """The outbox must stay clean: a killed soffice leaves its .~lock.NAME# behind."""
    with contextlib.suppress(FileNotFoundError):
        lock_file(document).unlink()


def looks_like_docx(path: Path) -> bool:
    """A .docx is a zip with word/document.xml; garbage must not reach LibreOffice's text import."""
    try:
        with zipfile.ZipFile(path) as zf:
            return "word/document.xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def is_pdf(path: Path) -> bool:
    """A complete PDF starts with %PDF- and has %%EOF near its end."""
    try:
        with path.open("rb") as fh:
            head = fh.read(5)
            fh.seek(max(0, path.stat().st_size - 1024))
            tail = fh.read()
    except OSError:
        return False
    return head == b"%PDF-" and b"%%EOF" in tail


def publish(produced: Path, target: Path) -> None:
    """Move a finished PDF to its place atomically: a temp name beside the target, then replace."""
    part = target.with_name(f".{target.name}.part")
    shutil.move(str(produced), part)
    os.replace(part, target)
