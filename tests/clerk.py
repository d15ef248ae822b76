"""paperflow as a clerk runs it, in a subprocess (SoftHSM reads its config once per process):
the helpers the end-to-end tests share. tests/ is on sys.path (tests/conftest.py's folder), so
any test imports them as `from clerk import paperflow, init, batches, pdf_text`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "inbox" / "example"
PIN = {"PAPERFLOW_PIN": "123456", "PAPERFLOW_ORG_PIN": "123456"}    # the demo token's


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without any PAPERFLOW_* setting, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERFLOW_")}
    env.update(extra)
    return env


def paperflow(ws: Path, *args: str, env: dict[str, str] | None = None,
              timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """`paperflow --config ws/config.toml ARGS…` in `ws`; PAPERFLOW_* only from `env`."""
    cmd = [sys.executable, "-m", "paperflow.cli", "--config", str(ws / "config.toml"), *args]
    return subprocess.run(cmd, cwd=ws, capture_output=True, text=True, timeout=timeout,
                          env=clean_env(**(env or {})))


def init(ws: Path, *flags: str) -> Path:
    """`paperflow init WS FLAGS…` (e.g. --example, --demo); asserts it worked."""
    done = subprocess.run([sys.executable, "-m", "paperflow.cli", "init", str(ws), *flags],
                          capture_output=True, text=True, cwd=EXAMPLE.parents[1])
    assert done.returncode == 0, done.stderr
    return ws


def batches(ws: Path) -> list[Path]:
    """The batch folders of the outbox (not the hidden staging ones)."""
    return sorted(p for p in (ws / "outbox").iterdir() if p.is_dir() and not p.name.startswith("."))


def pdf_text(path: Path, *, joined: bool = False) -> str:
    """poppler's text of a PDF (-layout); `joined`: whitespace runs as one space and a line
    broken after a hyphen joined (LibreOffice may break '275/BCY-CTSBMTT' there)."""
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    return re.sub(r"\s+", " ", re.sub(r"-\n\s*", "-", out)) if joined else out
