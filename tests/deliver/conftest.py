from __future__ import annotations

from pathlib import Path

import pytest
from deliver_factory import make_pdfs


@pytest.fixture(scope="session")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_pdfs(tmp_path_factory.mktemp("pdfs"))
