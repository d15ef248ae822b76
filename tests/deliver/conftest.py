from __future__ import annotations

from pathlib import Path

import pytest
from deliver_factory import make_pdfs


@pytest.fixture(scope="session")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_pdfs(tmp_path_factory.mktemp("pdfs"))


@pytest.fixture
def no_summary_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Skip LibreOffice for the summary where a test is about something else (one test checks
    the real conversion)."""
    from paperflow.deliver import summary

    monkeypatch.setattr(summary, "convert_summary", lambda *_a, **_k: None)
