"""The fast selection keeps its promise (docs/DESIGN.md, Testing): `pytest -m "not slow"` executes
every module of src/paperflow (but the one that runs only inside LibreOffice's Python, named in
tests/conftest.py's ELSEWHERE), none of its tests starts LibreOffice, a token (SoftHSM),
PostgreSQL, Chromium or paperflow in another process, and the slow lists of tests/conftest.py
name only tests that exist. It runs the whole fast selection again under `--suite-report`, so it
is itself slow."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def test_the_fast_selection_executes_every_module_and_starts_nothing_slow(tmp_path: Path) -> None:
    report = tmp_path / "suite.json"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-m", "not slow", "-q", "-p", "no:cacheprovider",
         f"--suite-report={report}", str(ROOT / "tests")],
        cwd=ROOT, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    summary = json.loads(report.read_text(encoding="utf-8"))
    assert summary["fast_tests"] > 500                  # the selection really ran
    assert summary["uncovered"] == [], "modules no fast test executes"
    assert summary["fast_tests_breaking_rules"] == {}, "fast tests to mark slow"
    assert summary["stale_slow_entries"] == [], "tests/conftest.py names tests that are gone"
