"""Rule of issue 5: each central dispatch is passed on to the province's agencies (pure)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from paperflow.config import AgencySettings, PlanSettings, Settings
from paperflow.models import CentralDispatch
from paperflow.plan import build_plan
from paperflow.register.snapshot import RegisterSnapshot

C393 = CentralDispatch(
    "393/BCY-CTSBMTT", date(2025, 6, 27), "Ban Cơ yếu Chính phủ",
    "triển khai một số giải pháp để đảm bảo kịp thời chứng thư chữ ký số",
    (("1.", "Trước ngày 01/7/2025, khẩn trương phối hợp …"), ("2.", "Không cấp mới …"),
     ("3.", "Thay đổi thông tin tại đầu mối …\n- Tỉnh Hưng Yên, Thái Bình …")),
    source="cv393.pdf")


def settings(**plan) -> Settings:
    return Settings(workspace=Path("/nonexistent"),
                    agency=AgencySettings(), plan=PlanSettings(today=date(2025, 7, 2), **plan))


def test_an_action_per_central_dispatch():
    plan = build_plan(RegisterSnapshot(central_dispatches=(C393,)), settings(), batch="b")
    (a,) = plan.actions
    assert (a.kind, a.action, a.from_) == ("dispatch", "implement", "Ban Cơ yếu Chính phủ")
    assert a.rule == "NĐ 30/2020; 393/BCY-CTSBMTT" and a.central == C393
    assert a.sender == "Sở Khoa học và Công nghệ tỉnh Hưng Yên"
    assert a.to == ("Văn phòng Tỉnh ủy; Văn phòng UBND tỉnh; Các sở, ban, ngành tỉnh; "
                    "UBND các xã, phường")
    assert "Văn bản số 393/BCY-CTSBMTT ngày 27/6/2025" in a.reason and "3 nội dung" in a.reason
    j = a.to_json()
    assert j["kind"] == "dispatch" and j["from"] == "Ban Cơ yếu Chính phủ"
    assert j["central"]["number"] == "393/BCY-CTSBMTT" and j["central"]["date"] == "2025-06-27"
    assert j["central"]["points"][2] == ["3.", "Thay đổi thông tin tại đầu mối …\n- Tỉnh Hưng "
                                              "Yên, Thái Bình …"]
    assert not plan.warnings


def test_recipients_from_settings():
    s = settings(implementing_recipients=("Các sở, ban, ngành tỉnh;", "UBND các xã, phường"))
    (a,) = build_plan(RegisterSnapshot(central_dispatches=(C393,)), s, batch="b").actions
    assert a.to == "Các sở, ban, ngành tỉnh; UBND các xã, phường"


def test_a_copy_without_its_number_waits_with_a_warning():
    draft = replace(C393, number="/BCY-CTSBMTT", source="draft.docx")
    plan = build_plan(RegisterSnapshot(central_dispatches=(draft,)), settings(), batch="b")
    assert plan.actions == ()
    assert [w.code for w in plan.warnings] == ["central_incomplete"]
    assert "draft.docx" in plan.warnings[0].message
    # once the issued copy is in the register, the draft is no longer a warning
    both = build_plan(RegisterSnapshot(central_dispatches=(draft, C393)), settings(), batch="b")
    assert [a.central.number for a in both.actions] == ["393/BCY-CTSBMTT"]
    assert both.warnings == ()


def test_a_scanned_copy_asks_for_a_check():
    scan = replace(C393, ocr=True)
    plan = build_plan(RegisterSnapshot(central_dispatches=(scan,)), settings(), batch="b")
    assert len(plan.actions) == 1 and [w.code for w in plan.warnings] == ["central_ocr"]


def test_existing_rules_unchanged_without_central_dispatches():
    assert build_plan(RegisterSnapshot(), settings(), batch="b").actions == ()
