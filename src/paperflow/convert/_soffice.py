"""Small helpers around the LibreOffice executable: finding it, profiles, killing, lock files.

Every soffice we start gets its own user profile (a shared profile silently loses conversions,
docs/TOOLS.md) and runs in its own process group so that a hang can be ended with one killpg (on
Windows, where there are no process groups, the process and its children are killed as a tree).
LibreOffice is looked for on PATH, then where its installers put it (Program Files on Windows).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import zipfile
from collections.abc import Mapping
from pathlib import Path

import psutil

from ..childenv import child_env
from ..errors import ConversionError
from ..errortexts import Phrase

# how to install LibreOffice here (a phrase of errortexts.py)
INSTALL_HINT = Phrase("install_soffice_windows" if sys.platform == "win32" else "install_soffice")


def install_locations(platform: str = sys.platform,
                      environ: Mapping[str, str] | None = None) -> list[Path]:
    """Where LibreOffice's installers put soffice when it is not on PATH (the Windows installer
    never adds it there)."""
    env = os.environ if environ is None else environ
    if platform == "win32":
        roots = [env.get(k, "") for k in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)")]
        roots += [str(Path(env["LOCALAPPDATA"]) / "Programs")] if env.get("LOCALAPPDATA") else []
        roots += [r"C:\Program Files", r"C:\Program Files (x86)"]
        seen: list[Path] = []
        for root in filter(None, roots):
            for name in ("LibreOffice", "LibreOffice 7", "LibreOffice 24", "LibreOffice 25"):
                cand = Path(root) / name / "program" / "soffice.exe"
                if cand not in seen:
                    seen.append(cand)
        return seen
    if platform == "darwin":
        return [Path("/Applications/LibreOffice.app/Contents/MacOS/soffice")]
    return [Path("/usr/bin/soffice"), Path("/usr/lib/libreoffice/program/soffice"),
            Path("/opt/libreoffice/program/soffice"), Path("/snap/bin/libreoffice")]


def bundled_python(soffice: str, platform: str = sys.platform) -> str:
    """The Python that can `import uno` for this LibreOffice: on Windows and macOS the one it
    bundles beside soffice; on Linux the system's (Debian's python3-uno)."""
    program = Path(soffice).resolve().parent
    if platform == "win32":
        cand = program / "python.exe"
        return str(cand) if cand.is_file() else ""
    if platform == "darwin":
        cand = program.parent / "Resources" / "python"
        return str(cand) if cand.is_file() else ""
    return "/usr/bin/python3"


def find_soffice(configured: str) -> str:
    """The absolute path of soffice, or a ConversionError saying how to install it."""
    found = shutil.which(configured)
    if found is None and configured in ("soffice", "soffice.exe", "libreoffice"):
        found = next((str(p) for p in install_locations() if p.is_file()), None)
    if found is None:
        raise ConversionError("soffice_not_found", configured=configured, hint=INSTALL_HINT)
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
    """SIGKILL a whole process group (soffice → oosplash → soffice.bin); gone already is fine.
    Without process groups (Windows) the process and its descendants are killed instead."""
    if not pgid:
        return
    if hasattr(os, "killpg"):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)
        return
    with contextlib.suppress(psutil.Error):
        root = psutil.Process(pgid)
        for proc in [*root.children(recursive=True), root]:
            with contextlib.suppress(psutil.Error):
                proc.kill()


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
