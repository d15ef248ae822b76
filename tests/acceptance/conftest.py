"""Acceptance: files a clerk of Đồng Nai drops, read by the real readers into a real register and
planned (no LibreOffice: the plan is what the clerk checks first)."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from paperflow import extract
from paperflow.config import AgencySettings, PlanSettings, Settings
from paperflow.models import Incoming, Plan
from paperflow.plan import build_plan
from paperflow.register import Register

FOCAL_DN = "Sở Khoa học và Công nghệ tỉnh Đồng Nai"
AGENCY = AgencySettings(name="Văn phòng Ủy ban nhân dân tỉnh Đồng Nai", abbreviation="VP",
                        province="Đồng Nai", place="Đồng Nai")


def settings_in(folder: Path) -> Settings:
    return Settings(workspace=folder, agency=AGENCY, plan=PlanSettings(
        today=date(2025, 7, 2), focal_points={"Đồng Nai": FOCAL_DN}))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_in(tmp_path)


def plan_of(settings: Settings, files: list[Path]) -> Plan:
    """Each file read as intake reads it, stored, then the plan of everything stored."""
    with Register.open(settings) as reg:
        for f in files:
            data = f.read_bytes()
            sha = hashlib.sha256(data).hexdigest()
            got = extract.read(Incoming(path=f, sha256=sha, name=f.name, size=len(data)))
            reg.store(got, source_sha=sha, source_name=f.name)
        return build_plan(reg.snapshot(), settings, "b")
