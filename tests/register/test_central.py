"""Central dispatches in the register (real SQLite): one row per number and date, in the
snapshot, a named migration, and one implementing dispatch ever per central dispatch."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from paperflow.config import PlanSettings, Settings
from paperflow.models import CentralDispatch, Extracted, InputKind
from paperflow.plan import build_plan
from paperflow.register import Register
from paperflow.register.db import Migration
from paperflow.register.schema import CentralDispatchRow

C275 = CentralDispatch(
    "275/BCY-CTSBMTT", date(2025, 5, 16), "Ban Cơ yếu Chính phủ",
    "tăng cường công tác quản lý, sử dụng dịch vụ chữ ký số chuyên dùng công vụ",
    (("1.", "Về quản lý, sử dụng chứng thư chữ ký số chuyên dùng công vụ"),
     ("1.1.", "Chứng thư chữ ký số của cơ quan, tổ chức\n- Trường hợp sáp nhập …\n- Trường hợp "
              "giữ nguyên tên …"),
     ("2.", "Về việc quản lý thiết bị lưu khóa bí mật")),
    source="cv275.docx")


def ex(*centrals: CentralDispatch) -> Extracted:
    return Extracted(InputKind.CENTRAL_DISPATCH, central_dispatches=centrals)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(workspace=tmp_path, plan=PlanSettings(today=date(2025, 7, 2)))


def test_stored_once_per_number_and_date(settings):
    with Register.open(settings) as reg:
        reg.store(ex(C275), source_sha="a", source_name="cv275.docx")
        reg.store(ex(replace(C275, source="cv275.pdf")), source_sha="b", source_name="cv275.pdf")
        # the same number in another year is another dispatch (numbers restart each 1 January)
        reg.store(ex(replace(C275, date=date(2026, 3, 2))), source_sha="c", source_name="x.pdf")
        snap = reg.snapshot()
        with reg.session() as s:
            rows = s.scalars(select(CentralDispatchRow)).all()
            migrations = set(s.scalars(select(Migration.name)))
    assert len(rows) == 2 and "0001-central-dispatches" in migrations
    first = snap.central_dispatches[0]
    assert [c.date for c in snap.central_dispatches] == [date(2025, 5, 16), date(2026, 3, 2)]
    assert first == C275                 # points and their list lines come back as stored


def test_a_text_copy_replaces_an_earlier_scan(settings):
    scan = replace(C275, points=(("1.", "Ve quan ly"),), ocr=True, source="scan.pdf")
    with Register.open(settings) as reg:
        reg.store(ex(scan), source_sha="a", source_name="scan.pdf")
        reg.store(ex(C275), source_sha="b", source_name="cv275.docx")
        reg.store(ex(scan), source_sha="c", source_name="scan2.pdf")   # never back to a scan
        (got,) = reg.snapshot().central_dispatches
    assert got.points == C275.points and not got.ocr and got.source == "cv275.docx"


def test_one_implementing_dispatch_ever(settings):
    with Register.open(settings) as reg:
        reg.store(ex(C275), source_sha="a", source_name="cv275.docx")
        plan = replace(build_plan(reg.snapshot(), settings, batch=""), batch="b1")
        new = reg.record_plan(plan)
        assert [(a.kind, a.action) for a in new] == [("dispatch", "implement")]
        assert reg.load_plan("b1").actions[0].central == C275     # survives the JSON round trip
        # the same file again, and the next run: nothing new
        reg.store(ex(replace(C275, source="again.pdf")), source_sha="b", source_name="again.pdf")
        again = replace(build_plan(reg.snapshot(), settings, batch=""), batch="b2")
        assert reg.record_plan(again) == []
        # another central dispatch from the same issuer is passed on too
        c393 = replace(C275, number="393/BCY-CTSBMTT", date=date(2025, 6, 27))
        reg.store(ex(c393), source_sha="c", source_name="cv393.pdf")
        third = replace(build_plan(reg.snapshot(), settings, batch=""), batch="b3")
        assert [a.central.number for a in reg.record_plan(third)] == ["393/BCY-CTSBMTT"]
