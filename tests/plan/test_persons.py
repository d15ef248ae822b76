"""Rules 9, 11, 12, renewal, and determinism of the whole plan."""

from __future__ import annotations

import json
from datetime import date

import pytest

from paperflow.models import MergeKind, Request, Subscriber
from paperflow.plan import build_plan

from .conftest import FOCAL_HY, TODAY, merge, org, person, snap

TNMT = "Sở Tài nguyên và Môi trường tỉnh Hưng Yên"
NNPTNT = "Sở Nông nghiệp và Phát triển nông thôn tỉnh Hưng Yên"
NNMT = "Sở Nông nghiệp và Môi trường tỉnh Hưng Yên"


def test_issue_new_for_an_existing_holder_becomes_change_info(settings):
    held = person("Vũ Văn Nam", "Sở Y tế tỉnh Hưng Yên", "P1", id_number="033090001234")
    ask = Request("issue_new", Subscriber("person", "Vũ Văn Nam", agency="Sở Y tế tỉnh Hưng Yên",
                                          id_number="033090001234", title="Phó Giám đốc"))
    plan = build_plan(snap(held, requests=[ask]), settings, "b")
    (a,) = plan.actions
    assert (a.action, a.rule, a.serial) == ("change_info", "393/BCY-CTSBMTT 2", "P1")
    assert ("T", "Chuyên viên", "Phó Giám đốc") in a.changes
    assert any(w.code == "issue_new_to_change" for w in plan.warnings)


def test_issue_new_for_someone_without_a_certificate_goes_to_the_ca(settings):
    ask = Request("issue_new", Subscriber("person", "Hoàng Thị Mai", agency="Sở Y tế",
                                          id_number="033090009999"))
    (a,) = build_plan(snap(requests=[ask]), settings, "b").actions
    assert a.action == "issue_new" and a.route_to.startswith("Cục Chứng thực số")


@pytest.mark.parametrize(("what", "rule"), [("renew", "23/BCY-CTSBMTT"),
                                            ("restore_token", "23/BCY-CTSBMTT"),
                                            ("revoke", "275/BCY-CTSBMTT 1.2")])
def test_request_forms_route_through_the_focal_point(settings, what, rule):
    held = person("Vũ Văn Nam", "Sở Y tế tỉnh Hưng Yên", "P1", id_number="033090001234")
    ask = Request(what, Subscriber("person", "Vũ Văn Nam", id_number="033090001234"),
                  reason="quên mã PIN")
    (a,) = [x for x in build_plan(snap(held, requests=[ask]), settings, "b").actions
            if x.kind == "certificate"]
    assert (a.action, a.rule, a.route_to, a.serial) == (what, rule, FOCAL_HY, "P1")


@pytest.mark.parametrize(("until", "renew"), [
    (date(2025, 8, 1), True), (date(2025, 12, 1), False)])
def test_renewal_within_the_horizon(settings, until, renew):
    plan = build_plan(snap(person("Vũ Văn Nam", "Sở Y tế", "P1", until=until)), settings, "b")
    assert [a.action for a in plan.actions] == (["renew"] if renew else [])
    if renew:
        assert "gia hạn" in plan.actions[0].reason and plan.actions[0].rule == "23/BCY-CTSBMTT"


def test_an_expired_certificate_is_flagged_never_renewed(settings):
    """Rule 19 (was: renewed like one about to expire)."""
    plan = build_plan(snap(person("Vũ Văn Nam", "Sở Y tế", "P1", until=date(2025, 6, 30))),
                      settings, "b")
    assert plan.actions == ()
    (w,) = [w for w in plan.warnings if w.code == "expired"]
    assert "P1" in w.message and "Vũ Văn Nam" in w.message and "Điều 17(1)" in w.message


def test_party_network_token_of_a_revoked_certificate_is_recalled(settings):
    """Rule 12 / issue 13 item 4 (was: kept): 393 §5 lets such a token sign elsewhere; it is
    no exemption from recall when its certificate is revoked."""
    s = snap(org(TNMT, "A1"), org(NNPTNT, "A2", until=date(2026, 1, 1), token="TK2",
                                  network="mạng mật của cơ quan Đảng"),
             events=[merge(MergeKind.MERGE_NEW, [TNMT, NNPTNT], NNMT)])
    plan = build_plan(s, settings, "b")
    tokens = [(a.token_serial, a.action, a.rule, a.hand_over_to)
              for a in plan.actions if a.kind == "token"]
    assert tokens == [("TK2", "recall", "275/BCY-CTSBMTT 2.1", FOCAL_HY)]
    (recall,) = [a for a in plan.actions if a.kind == "token"]
    assert "393/BCY-CTSBMTT 5" in recall.reason


def test_leader_lagging_the_agency_certificate_is_warned(settings):
    new_org, c = org(NNMT, "A9")          # the agency's certificate already carries the new name
    s = snap((new_org, c), person("Lê Văn Tùng", TNMT, "P1", title="Giám đốc"),
             person("Ngô Thị Hoa", TNMT, "P2", title="Chuyên viên"),
             events=[merge(MergeKind.MERGE_NEW, [TNMT, NNPTNT], NNMT)])
    plan = build_plan(s, settings, "b")
    lag = [w for w in plan.warnings if w.code == "leader_lag"]
    assert len(lag) == 1 and "Lê Văn Tùng" in lag[0].message and "393/BCY-CTSBMTT 4" in lag[0].message


def test_org_list_reminder_after_a_reorganisation(settings):
    s = snap(org(TNMT, "A1"), org(NNPTNT, "A2"),
             events=[merge(MergeKind.MERGE_NEW, [TNMT, NNPTNT], NNMT)])
    (w,) = [w for w in build_plan(s, settings, "b").warnings if w.code == "org_list"]
    assert "Điều 34" in w.message and FOCAL_HY in w.message


def _big_snapshot():
    pairs = [org(TNMT, "A1", token="T1"), org(NNPTNT, "A2", token="T2", until=date(2026, 1, 1)),
             org("Sở Giao thông vận tải tỉnh Thái Bình", "A3", province="Thái Bình", token="T3"),
             org("Sở Xây dựng tỉnh Hưng Yên", "A4")]
    for i in range(12):
        pairs.append(person(f"Cán bộ {i:02d}", TNMT if i % 2 else NNPTNT, f"P{i:02d}",
                            province="Thái Bình" if i % 3 else "Hưng Yên", token=f"TP{i}",
                            needed=i % 4 != 0, until=TODAY.replace(year=2026 + i % 2)))
    events = [merge(MergeKind.MERGE_NEW, [TNMT, NNPTNT], NNMT),
              merge(MergeKind.MERGE_KEEP, ["Sở Giao thông vận tải tỉnh Thái Bình",
                                           "Sở Xây dựng tỉnh Hưng Yên"],
                    "Sở Xây dựng tỉnh Hưng Yên")]
    return pairs, events


def test_same_snapshot_gives_identical_plan_json_whatever_the_input_order(settings):
    pairs, events = _big_snapshot()
    one = build_plan(snap(*pairs, events=events), settings, "b").to_json()
    two = build_plan(snap(*reversed(pairs), events=list(reversed(events))), settings,
                     "b").to_json()
    text = json.dumps(one, ensure_ascii=False, sort_keys=False)
    assert text == json.dumps(two, ensure_ascii=False, sort_keys=False)
    assert text == json.dumps(build_plan(snap(*pairs, events=events), settings, "b").to_json(),
                              ensure_ascii=False)
    assert len(one["actions"]) > 20
    for a in one["actions"]:
        assert a["rule"] and a["reason"] and a["sender"]
