"""The same register code on a real PostgreSQL (set PAPERFLOW_TEST_PG_URL to run it).

e.g. PAPERFLOW_TEST_PG_URL=postgresql+psycopg://paperflow@localhost/paperflow_test
"""

from __future__ import annotations

import importlib.util
import os
from datetime import date
from pathlib import Path

import pytest

from paperflow.config import PlanSettings, RegisterSettings, Settings
from paperflow.plan import build_plan
from paperflow.register import Register

URL = os.environ.get("PAPERFLOW_TEST_PG_URL", "")

pytestmark = [
    pytest.mark.skipif(not URL, reason="PAPERFLOW_TEST_PG_URL not set (no PostgreSQL to test on)"),
    pytest.mark.skipif(importlib.util.find_spec("psycopg") is None
                       and importlib.util.find_spec("psycopg2") is None,
                       reason="no PostgreSQL driver (psycopg) installed"),
]


def test_store_plan_and_number_on_postgresql(tmp_path: Path):
    from .test_register import extracted

    s = Settings(workspace=tmp_path, register=RegisterSettings(url=URL),
                 plan=PlanSettings(today=date(2031, 7, 2)))
    with Register.open(s) as reg:
        reg.store(extracted(), source_sha="pg", source_name="ds.xlsx")
        reg.store(extracted(), source_sha="pg", source_name="ds.xlsx")
        plan = build_plan(reg.snapshot(), s, f"pg-{tmp_path.name}")
        reg.record_plan(plan)
        assert reg.record_plan(build_plan(reg.snapshot(), s, "pg-again")) == []
        n = reg.numberer(s)
        a, b = n("report"), n("report")
        assert int(b.split("/")[0]) == int(a.split("/")[0]) + 1
