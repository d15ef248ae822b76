"""The batch driven without LibreOffice or a token (stubs.py); everything else — intake,
extract, register, plan, render, deliver — is real."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from stubs import Sessions, StubConverter

from paperflow.batch import produce
from paperflow.config import Settings, load_settings
from paperflow.workspace import init_workspace


@pytest.fixture(autouse=True)
def stub_converter(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[StubConverter]]:
    monkeypatch.setattr(produce, "Converter", StubConverter)
    StubConverter.failing, StubConverter.crash_after, StubConverter.made = set(), None, 0
    yield StubConverter


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A workspace with the bundled example inbox (lists, certificates, a decision)."""
    return init_workspace(tmp_path / "ws", example=True)


@pytest.fixture
def settings(workspace: Path) -> Settings:
    """The workspace's settings with `[plan] auto_approve = true` (signing at once); the review
    tests use `reviewed_settings`."""
    s = load_settings(workspace / "config.toml")
    return replace(s, plan=replace(s.plan, auto_approve=True))


@pytest.fixture
def reviewed_settings(workspace: Path) -> Settings:
    """As a real workspace is made: nothing numbered or signed before the clerk approves."""
    s = load_settings(workspace / "config.toml")
    assert s.plan.auto_approve is False
    return s


@pytest.fixture
def sessions() -> Sessions:
    return Sessions()
