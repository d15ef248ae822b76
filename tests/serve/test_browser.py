"""The page in a real browser (Debian chromium, headless): it renders, in Vietnamese.

Also refreshes docs/serve.png when PAPERFLOW_UPDATE_SCREENSHOT=1."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from serve_case import BATCH

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium not installed")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars"]


def chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp / 'profile'}", *args],
                          capture_output=True, text=True, timeout=120, cwd=tmp)


def _shot(tmp: Path, url: str, name: str, height: int) -> None:
    shot = tmp / name
    chromium(tmp, f"--screenshot={shot}", f"--window-size=1280,{height}", url)
    assert shot.stat().st_size > 10_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("PAPERFLOW_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(shot, Path(__file__).parents[2] / "docs" / name)


def test_index_renders_in_chromium(server: str, tmp_path: Path) -> None:
    dom = chromium(tmp_path, "--dump-dom", server + "/")
    assert "Thư điện tử gửi đi" in dom.stdout and BATCH in dom.stdout
    assert "Việc cần làm tiếp" in dom.stdout and "bang-tinh-hong.xlsx" in dom.stdout
    _shot(tmp_path, server + "/", "serve.png", 1500)


def test_batch_page_renders_in_chromium(server: str, tmp_path: Path) -> None:
    dom = chromium(tmp_path, "--dump-dom", f"{server}/lo/{BATCH}/")
    assert "Tải về" in dom.stdout and "cv-ca-ky.pdf" in dom.stdout
    assert "Kế hoạch xử lý" in dom.stdout and "Thay đổi thông tin" in dom.stdout
    _shot(tmp_path, f"{server}/lo/{BATCH}/", "serve-batch.png", 1000)
