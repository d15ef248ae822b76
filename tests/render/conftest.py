"""Rendering and the LibreOffice conversion run once per session; tests read the results."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from render_plan import realistic_plan

from paperflow.config import PlanSettings, Settings
from paperflow.models import RenderedDocument
from paperflow.render import render_batch


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    ws = tmp_path_factory.mktemp("ws")
    return Settings(workspace=ws, plan=PlanSettings(today=date(2025, 7, 3)))


@pytest.fixture(scope="session")
def rendered(settings, tmp_path_factory) -> list[RenderedDocument]:
    out = tmp_path_factory.mktemp("batch")
    return render_batch(realistic_plan(), settings, out, numbers=None)


def _soffice_batch(paths: list[Path], outdir: Path, profile: Path) -> None:
    """ONE LibreOffice call for every file, with its own profile (TOOLS.md)."""
    cmd = [shutil.which("soffice") or "soffice", f"-env:UserInstallation={profile.as_uri()}",
           "--headless", "--convert-to", "pdf", "--outdir", str(outdir), *map(str, paths)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=300,
                   env={**os.environ, "HOME": str(profile)})


@pytest.fixture(scope="session")
def pdfs(rendered, settings, tmp_path_factory) -> dict[Path, Path]:
    """docx → pdf for every rendered .docx (the dispatch lists included)."""
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice is not installed")
    docx = [d.path for d in rendered if d.path.suffix == ".docx"]
    try:
        from paperflow.convert import Converter  # the convert stage, when present
    except ImportError:
        Converter = None  # noqa: N806
    if Converter is not None:
        with Converter(settings) as conv:
            done = conv.convert_documents(rendered)
        return {d.path: d.pdf for d in done if d.pdf}
    outdir = tmp_path_factory.mktemp("pdf")
    _soffice_batch(docx, outdir, tmp_path_factory.mktemp("lo-profile"))
    return {p: outdir / (p.stem + ".pdf") for p in docx}

