"""The batch's own letters are addressed by the plan (issue 16: render never routes): the report,
the agency list for the CA (issue 14 item 3), the missing-form-data warning (item 8)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from paperflow.config import CA_NAME, AgencySettings, PlanSettings, Settings
from paperflow.models import Certificate, MergeEvent, MergeKind, Subscriber
from paperflow.plan import build_plan
from paperflow.register.snapshot import RegisterSnapshot

UB = "Ủy ban nhân dân tỉnh Hưng Yên"
FOCAL = "Sở Khoa học và Công nghệ tỉnh Hưng Yên"
KHDT, STC = "Sở Kế hoạch và Đầu tư tỉnh Hưng Yên", "Sở Tài chính tỉnh Hưng Yên"
TNMT = "Sở Tài nguyên và Môi trường tỉnh Hưng Yên"
NNPTNT = "Sở Nông nghiệp và Phát triển nông thôn tỉnh Hưng Yên"
NNMT = "Sở Nông nghiệp và Môi trường tỉnh Hưng Yên"
SYT, TTYT = "Sở Y tế tỉnh Hưng Yên", "Trung tâm Y tế xã Tân Hưng"


def org(name: str, serial: str, managing: str = UB) -> tuple[Subscriber, Certificate]:
    s = Subscriber("organization", name, agency=name, managing_agency=managing,
                   province="Hưng Yên", cert_serial=serial)
    return s, Certificate(serial, (("CN", name), ("O", managing), ("L", "Hưng Yên")), "CA",
                          date(2023, 1, 1), date(2028, 1, 1))


def person(name: str, agency: str, serial: str, **kw) -> tuple[Subscriber, Certificate]:
    s = Subscriber("person", name, agency=agency, managing_agency=UB, province="Hưng Yên",
                   cert_serial=serial, **kw)
    return s, Certificate(serial, (("CN", name), ("O", agency), ("ST", "Hưng Yên")), "CA",
                          date(2023, 1, 1), date(2028, 1, 1))


def snapshot() -> RegisterSnapshot:
    pairs = [org(KHDT, "A1"), org(STC, "A2"), org(TNMT, "A3"), org(NNPTNT, "A4"),
             org(SYT, "A5"), org(TTYT, "A6", managing=SYT),
             person("Trần Văn Minh", KHDT, "B1", id_number="034085001234",
                    birth_date=date(1985, 3, 9)),
             person("Lê Văn Tư", TNMT, "B2")]
    events = (MergeEvent(MergeKind.MERGE_KEEP, (KHDT, STC), STC, decision="QĐ 1/QĐ-UBND"),
              MergeEvent(MergeKind.MERGE_NEW, (TNMT, NNPTNT), NNMT, decision="QĐ 2/QĐ-UBND"))
    return RegisterSnapshot(subscribers=tuple(p[0] for p in pairs),
                            certificates=tuple(sorted((p[1] for p in pairs),
                                                      key=lambda c: c.serial)),
                            merge_events=events)


def settings_for(tmp_path: Path, name: str, abbreviation: str) -> Settings:
    return Settings(workspace=tmp_path, agency=AgencySettings(
        name=name, managing=UB, abbreviation=abbreviation, province="Hưng Yên", place="Hưng Yên"),
        plan=PlanSettings(today=date(2025, 7, 2), focal_points={"Hưng Yên": FOCAL}))


@pytest.fixture
def focal(tmp_path: Path) -> Settings:
    return settings_for(tmp_path, FOCAL, "SKHCN")


@pytest.fixture
def agency(tmp_path: Path) -> Settings:
    return settings_for(tmp_path, "Văn phòng Ủy ban nhân dân tỉnh Hưng Yên", "VP")


def test_the_focal_point_reports_to_the_provincial_committee(focal, agency):
    (rep,) = [a for a in build_plan(snapshot(), focal, "b").letters if a.kind == "report"]
    assert rep.route_to == UB and rep.sender == FOCAL
    (rep,) = [a for a in build_plan(snapshot(), agency, "b").letters if a.kind == "report"]
    assert rep.route_to == FOCAL                       # an agency reports to its focal point


def test_the_agency_list_holds_every_agency_after_the_reorganisation(focal, agency):
    plan = build_plan(snapshot(), focal, "b")
    rows = {a.subscriber.name: a for a in plan.letters if a.kind == "agency"}
    # untouched agencies too (Sở Y tế, its centre), the merged-into and the new one
    assert set(rows) == {STC, NNMT, SYT, TTYT}
    assert rows[TTYT].subscriber.managing_agency == SYT
    assert rows[NNMT].reason.startswith("Tên cũ:") and all(
        a.route_to == CA_NAME for a in rows.values())
    assert KHDT not in rows and TNMT not in rows       # merged away
    # an agency that is not the focal point does not send it (rule 8)
    assert not [a for a in build_plan(snapshot(), agency, "b").letters if a.kind == "agency"]


def test_missing_form_data_is_listed_by_subscriber(focal):
    plan = build_plan(snapshot(), focal, "b")
    msgs = [w.message for w in plan.warnings if w.code == "form_data_missing"]
    text = " ".join(msgs)
    assert "Lê Văn Tư (B2): ngày sinh, số CCCD, ngày cấp CCCD, nơi cấp CCCD" in text
    assert "Trần Văn Minh (B1): ngày cấp CCCD, nơi cấp CCCD" in text


def test_letters_come_once_per_batch_with_new_requests(focal, tmp_path):
    from dataclasses import replace

    from paperflow.register import Register
    with Register.open(focal) as reg:
        plan = build_plan(snapshot(), focal, "b1")
        new = reg.record_plan(plan)
        assert new and all(a.kind not in ("report", "agency") for a in new)
        loaded = reg.load_plan("b1")
        assert {a.kind for a in loaded.letters} == {"report", "agency"}
        # the same requests again: nothing new, so no report and no list either
        assert reg.record_plan(replace(plan, batch="b2")) == []
        assert reg.load_plan("b1").letters == loaded.letters


def test_dossier_hand_over_lists_each_dossier_the_register_knows(focal):
    """Rule 7: the merged agency's requests received by the focal point (number, date) become
    the rows of its hand-over minutes."""
    from dataclasses import replace

    from paperflow.models import Action, ReceivedRequest, Request
    from paperflow.register.snapshot import Earlier
    minh = snapshot().subscribers[6]
    got = ReceivedRequest(sender=KHDT, number="12/KHĐT-VP", date=date(2025, 6, 5), form="04",
                          rows=(Request("change_info", minh, "Đổi đơn vị"),), check="valid",
                          sha256="a" * 64)
    earlier = Earlier("20250520-hung-yen-001", "sent", Action(
        "certificate", "renew", "23/BCY-CTSBMTT", "x", serial="A1",
        subscriber=snapshot().subscribers[0], sender=KHDT))
    snap = replace(snapshot(), received=(got,))
    plan = build_plan(snap, focal, "b")
    (d,) = [a for a in plan.actions if a.kind == "dossier" and a.from_ == KHDT]
    assert d.changes == (("dossier", "Trần Văn Minh|B1",
                          "Thay đổi nội dung thông tin|12/KHĐT-VP|05/6/2025"),)
    # the plan's own earlier batches never change it (else every run would plan it again)
    again = build_plan(replace(snap, earlier=(earlier,)), focal, "b")
    assert [a for a in again.actions if a.kind == "dossier" and a.from_ == KHDT] == [d]


def test_the_agency_list_takes_agencies_known_without_a_certificate(focal):
    from dataclasses import replace

    from paperflow.register.snapshot import Organisation
    snap = replace(snapshot(), organisations=(
        Organisation("Trung tâm Lưu trữ lịch sử tỉnh Hưng Yên", "Sở Nội vụ tỉnh Hưng Yên",
                     "Hưng Yên"),
        Organisation("Sở Tài chính tỉnh Thái Nguyên", UB, "Thái Nguyên"),   # another province
        Organisation(TNMT, UB, "Hưng Yên")))                               # merged away
    names = {a.subscriber.name: a.subscriber.managing_agency
             for a in build_plan(snap, focal, "b").letters if a.kind == "agency"}
    assert names["Trung tâm Lưu trữ lịch sử tỉnh Hưng Yên"] == "Sở Nội vụ tỉnh Hưng Yên"
    assert "Sở Tài chính tỉnh Thái Nguyên" not in names and TNMT not in names
    assert NNMT in names
