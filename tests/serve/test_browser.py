"""The page in a real browser (Debian chromium, headless): it renders, in Vietnamese.

Also refreshes docs/serve.png when PAPERFLOW_UPDATE_SCREENSHOT=1."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import BATCH

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium not installed")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars"]


def chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp / 'profile'}", *args],
                          capture_output=True, text=True, timeout=120, cwd=tmp)


def test_index_renders_in_chromium(server: str, tmp_path: Path) -> None:
    dom = chromium(tmp_path, "--dump-dom", server + "/")
    assert "Thư điện tử gửi đi" in dom.stdout and BATCH in dom.stdout
    shot = tmp_path / "serve.png"
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,900", server + "/")
    assert shot.stat().st_size > 10_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("PAPERFLOW_UPDATE_SCREENSHOT") == "1":
        target = Path(__file__).parents[2] / "docs" / "serve.png"
        shutil.copyfile(shot, target)


def test_batch_page_renders_in_chromium(server: str, tmp_path: Path) -> None:
    dom = chromium(tmp_path, "--dump-dom", f"{server}/lo/{BATCH}/")
    assert "Tải về" in dom.stdout and "cv-ca-ky.pdf" in dom.stdout
