"""The wheel on its own: built, installed into a fresh virtual environment (no clone, no editable
install) and run on the example it carries — what `pipx install paperflow` gives a clerk's PC."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(cmd: list[str], cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PAPERFLOW_PORTABLE_CHECK")}
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{cmd}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.mark.slow
def test_the_wheel_installs_into_a_fresh_venv_and_runs_the_example(tmp_path):
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
         cwd=tmp_path)
    wheel = next(dist.glob("paperflow-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "paperflow/data/example/danh-sach-thue-bao-2025.xlsx" in names
    assert "paperflow/data/templates/README.md" in names
    # the Word templates are package data; the builders (scripts/build_templates.py) are not shipped
    from paperflow.render.engine import default_names
    assert {f"paperflow/data/templates/{n}" for n in default_names()} <= set(names)
    assert not [n for n in names if n.rsplit("/", 1)[-1] in ("builtin.py", "layout.py", "blocks.py")]

    base = getattr(sys, "_base_executable", sys.executable)
    venv = tmp_path / "venv"
    _run([base, "-m", "venv", str(venv)], cwd=tmp_path)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    _run([str(bindir / "python"), "-m", "pip", "install", "-q", str(wheel)], cwd=tmp_path)
    paperflow = str(bindir / "paperflow")

    # far from the clone: nothing but the installed package can supply the example
    _run([paperflow, "init", "hoso", "--example"], cwd=tmp_path)
    ws = tmp_path / "hoso"
    assert (ws / "templates" / "README.md").is_file()
    assert (ws / "inbox" / "danh-sach-thue-bao-2025.xlsx").is_file()
    done = subprocess.run([paperflow, "run"], cwd=ws, capture_output=True, text=True, timeout=900,
                          env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert done.returncode == 0, done.stdout + done.stderr
    (batch,) = [d for d in (ws / "outbox").iterdir() if d.is_dir()]
    plan = json.loads((batch / "plan.json").read_text(encoding="utf-8"))
    assert plan["actions"]
    manifest = json.loads((batch / "manifest.json").read_text(encoding="utf-8"))
    assert any(x["path"].endswith(".pdf") and x["type"] == "dispatch" for x in manifest)
    # the damaged workbook of the example is quarantined with its reason, the rest went on
    assert (ws / "inbox" / "rejected" / "bang-tinh-hong.xlsx.error.txt").is_file()
