from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from paperflow.config import IntakeSettings, Settings
from paperflow.register.db import open_engine


@dataclass
class FakeRegister:
    """Intake only needs the engine of the register."""

    engine: Engine


def make_settings(ws: Path, **intake: object) -> Settings:
    # a short quiet period: most tests place whole files before scanning, and every scan waits
    # it out; the tests of arrival itself give their own
    cfg = {"quiet_s": 0.05, "rescan_s": 5.0, "poll_interval_s": 0.2, **intake}
    return Settings(workspace=ws, intake=IntakeSettings(**cfg))  # type: ignore[arg-type]


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    (tmp_path / "inbox").mkdir()
    return tmp_path


@pytest.fixture
def settings_with():
    return make_settings


@pytest.fixture
def settings(ws: Path) -> Settings:
    return make_settings(ws)


@pytest.fixture
def reg(ws: Path) -> FakeRegister:
    engine = open_engine(f"sqlite:///{ws}/t.db")
    yield FakeRegister(engine)
    engine.dispose()
