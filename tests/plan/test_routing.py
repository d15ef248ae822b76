"""Routing from the focal point's own desk: the Sở KHCN that is the province's authorised focal
point collects the agencies' requests, files revocations with the CA itself and carries out
changes, renewals and restorations at its desk (rule 18; 23/BCY-CTSBMTT; Hưng Yên dispatch
2.1–2.2) — never a dispatch addressed to itself."""

from pathlib import Path

from paperflow.config import CA_NAME, PlanSettings, Settings
from paperflow.models import MergeKind
from paperflow.plan import build_plan

from .conftest import FOCAL_HY, TODAY, merge, org, person, snap

TC = "Sở Tài chính tỉnh Hưng Yên"
KHDT = "Sở Kế hoạch và Đầu tư tỉnh Hưng Yên"


def focal_settings(tmp_path: Path) -> Settings:
    # the default issuing agency is Sở KHCN Hưng Yên, the focal point itself
    return Settings(workspace=tmp_path, plan=PlanSettings(
        today=TODAY, focal_points={"Hưng Yên": FOCAL_HY}))


def test_focal_point_files_with_the_ca_as_sender(tmp_path):
    settings = focal_settings(tmp_path)
    assert settings.agency.name == FOCAL_HY
    snapshot = snap(
        org(KHDT, "A1"), org(TC, "A2"),
        person("Nguyễn Văn Bình", KHDT, "P1"),
        events=[merge(MergeKind.MERGE_KEEP, [KHDT], TC)])
    plan = build_plan(snapshot, settings, batch="b")
    certs = [a for a in plan.actions if a.kind == "certificate" and a.action != "keep"]
    assert certs
    for a in certs:
        # rule 18: revocations go to the CA; changes, renewals, restorations are carried out
        # at the focal point's own desk (the import sheet), never re-filed as its Mẫu 04
        assert a.route_to == (CA_NAME if a.action == "revoke" else FOCAL_HY), a
        assert a.sender == FOCAL_HY, a
    assert {a.action for a in certs} >= {"revoke", "change_info"}


def test_recalled_org_tokens_come_from_the_absorbing_agency_to_the_focal_point(tmp_path):
    settings = focal_settings(tmp_path)
    snapshot = snap(org(KHDT, "A1", token="TK1"), org(TC, "A2", token="TK2"),
                    events=[merge(MergeKind.MERGE_KEEP, [KHDT], TC)])
    plan = build_plan(snapshot, settings, batch="b")
    (recall,) = [a for a in plan.actions if a.kind == "token" and a.action == "recall"]
    assert recall.token_serial == "TK1"
    assert recall.sender == TC                  # Sở Tài chính now holds KH&ĐT's token …
    assert recall.hand_over_to == FOCAL_HY      # … and hands it to the Sở KHCN (rule 5)


def test_a_new_name_is_never_matched_to_a_look_alike_existing_agency(tmp_path):
    """"Hợp nhất xã A và xã B thành xã Trung Sơn": the certificate gets "Trung Sơn", not the
    existing "Trung Cường", although the two names share most of their letters."""
    settings = focal_settings(tmp_path)
    a, b = "Ủy ban nhân dân xã Nhân Hiệp", "Ủy ban nhân dân xã Lợi Nghĩa"
    other, new = "Ủy ban nhân dân xã Trung Cường", "Ủy ban nhân dân xã Trung Sơn"
    snapshot = snap(org(a, "C1"), org(b, "C2", until=TODAY.replace(year=2026)), org(other, "C3"),
                    events=[merge(MergeKind.MERGE_NEW, [a, b], new)])
    plan = build_plan(snapshot, settings, batch="b")
    (changed,) = [x for x in plan.actions if x.kind == "certificate" and x.action == "change_info"]
    assert changed.serial == "C1"
    assert ("CN", a, new) in changed.changes
    assert all(x.serial != "C3" or x.action == "keep" for x in plan.actions if x.kind == "certificate")
