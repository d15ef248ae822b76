"""Rules 1, 2, 3 (275/BCY-CTSBMTT 1.1) and dossiers (rule 7) on the real 2025 merges."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from paperflow.models import MergeKind
from paperflow.plan import build_plan

from .conftest import FOCAL_HY, UB_HY, merge, org, person, snap

TC = "Sở Tài chính tỉnh Hưng Yên"
KHDT = "Sở Kế hoạch và Đầu tư tỉnh Hưng Yên"
XD = "Sở Xây dựng tỉnh Hưng Yên"
GTVT = "Sở Giao thông vận tải tỉnh Hưng Yên"
TNMT = "Sở Tài nguyên và Môi trường tỉnh Hưng Yên"
NNPTNT = "Sở Nông nghiệp và Phát triển nông thôn tỉnh Hưng Yên"
NNMT = "Sở Nông nghiệp và Môi trường tỉnh Hưng Yên"


def cert_actions(plan, serial):
    return [a for a in plan.actions if a.kind == "certificate" and a.serial == serial]


@pytest.mark.parametrize(("kept", "merged"), [(TC, KHDT), (XD, GTVT)])
def test_merge_keeping_a_name_keeps_that_certificate_and_revokes_the_other(settings, kept,
                                                                           merged):
    s = snap(org(kept, "A1", token="TK1"), org(merged, "A2", token="TK2"),
             events=[merge(MergeKind.MERGE_KEEP, [merged, kept], kept)])
    plan = build_plan(s, settings, "b")
    assert [a.action for a in cert_actions(plan, "A1")] == ["keep"]
    (rev,) = cert_actions(plan, "A2")
    assert rev.action == "revoke" and rev.rule == "275/BCY-CTSBMTT 1.1"
    assert merged in rev.reason and kept in rev.reason
    assert rev.route_to == FOCAL_HY and rev.sender == UB_HY
    recalls = [a for a in plan.actions if a.kind == "token"]
    assert [(a.token_serial, a.action, a.hand_over_to) for a in recalls] == [
        ("TK2", "recall", FOCAL_HY)]
    (dossier,) = [a for a in plan.actions if a.kind == "dossier"]
    assert (dossier.from_, dossier.to, dossier.rule) == (merged, kept, "275/BCY-CTSBMTT 3")


def test_merge_into_new_name_changes_the_longest_valid_certificate(settings):
    s = snap(org(TNMT, "A1", until=date(2027, 1, 1)), org(NNPTNT, "A2", until=date(2029, 5, 1)),
             events=[merge(MergeKind.MERGE_NEW, [TNMT, NNPTNT], NNMT)])
    plan = build_plan(s, settings, "b")
    (keep,) = cert_actions(plan, "A2")
    assert keep.action == "change_info"
    assert keep.changes == (("CN", NNPTNT, NNMT),)
    assert "thời hạn sử dụng dài nhất" in keep.reason
    (rev,) = cert_actions(plan, "A1")
    assert rev.action == "revoke"
    assert {(a.from_, a.to) for a in plan.actions if a.kind == "dossier"} == {
        (TNMT, NNMT), (NNPTNT, NNMT)}


@pytest.mark.parametrize("via", ["event", "config"])
def test_the_decision_or_config_names_the_certificate_to_keep(settings, via):
    ev = merge(MergeKind.MERGE_NEW, [TNMT, NNPTNT], NNMT,
               keep_certificate_of=TNMT if via == "event" else "")
    if via == "config":
        settings = dataclasses.replace(settings, plan=dataclasses.replace(
            settings.plan, keep_certificate_of={NNMT: TNMT}))
    s = snap(org(TNMT, "A1", until=date(2026, 1, 1)), org(NNPTNT, "A2", until=date(2029, 1, 1)),
             events=[ev])
    plan = build_plan(s, settings, "b")
    assert [a.action for a in cert_actions(plan, "A1")] == ["change_info"]
    assert [a.action for a in cert_actions(plan, "A2")] == ["revoke"]


def test_superior_change_changes_o_and_records_superior(settings):
    child = "Chi cục Thủy lợi tỉnh Hưng Yên"
    s = snap(org(child, "C1", managing=NNPTNT),
             events=[merge(MergeKind.SUPERIOR_CHANGE, [child], child, superior=NNMT)])
    (a,) = build_plan(s, settings, "b").actions
    # rule 16 (a unit transferred by a decision) is rule 3 with 393 and NĐ 68 Điều 15
    assert a.action == "change_info"
    assert a.rule == "275/BCY-CTSBMTT 1.1; 393/BCY-CTSBMTT; NĐ 68/2024 Điều 15"
    assert ("O", NNPTNT, NNMT) in a.changes and ("superior", NNPTNT, NNMT) in a.changes
    assert a.sender == NNMT


def test_child_of_a_renamed_agency_gets_its_new_superior_without_a_decision(settings):
    child = "Trung tâm Khuyến nông tỉnh Hưng Yên"
    s = snap(org(TNMT, "A1"), org(NNPTNT, "A2", until=date(2026, 1, 1)),
             org(child, "C1", managing=NNPTNT),
             events=[merge(MergeKind.MERGE_NEW, [TNMT, NNPTNT], NNMT)])
    (a,) = cert_actions(build_plan(s, settings, "b"), "C1")
    assert a.action == "change_info" and ("O", NNPTNT, NNMT) in a.changes


@pytest.mark.parametrize(("kind", "expected"), [(MergeKind.RENAME, "change_info"),
                                                (MergeKind.DISSOLVE, "revoke")])
def test_rename_and_dissolve(settings, kind, expected):
    s = snap(org(GTVT, "A1"), events=[merge(kind, [GTVT], XD if kind == MergeKind.RENAME
                                             else "")])
    (a,) = cert_actions(build_plan(s, settings, "b"), "A1")
    assert a.action == expected


def test_changes_follow_the_issued_certificate_not_the_list(settings):
    s_, c = org(TNMT, "A1")
    c = dataclasses.replace(c, subject=(("CN", "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG"), ("O", UB_HY),
                                        ("C", "VN")))
    s = snap((s_, c), org(NNPTNT, "A2", until=date(2026, 1, 1)),
             events=[merge(MergeKind.MERGE_NEW, [TNMT, NNPTNT], NNMT)])
    (a,) = cert_actions(build_plan(s, settings, "b"), "A1")
    assert a.changes == (("CN", "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", NNMT),)


def test_a_new_name_over_64_characters_is_abbreviated_with_a_warning(settings):
    long_new = "Sở Nông nghiệp và Môi trường thành phố Hồ Chí Minh và các vùng lân cận"
    s = snap(org(TNMT, "A1"), org(NNPTNT, "A2", until=date(2026, 1, 1)),
             events=[merge(MergeKind.MERGE_NEW, [TNMT, NNPTNT], long_new)])
    plan = build_plan(s, settings, "b")
    (a,) = cert_actions(plan, "A1")
    new = dict((k, n) for k, _, n in a.changes)["CN"]
    assert len(new) <= 64 and "NN&MT" in new and new != long_new[:64]
    assert any(w.code == "name_abbreviated" and long_new in w.message for w in plan.warnings)


def test_person_of_merged_agency_changes_ou_and_retired_one_is_revoked(settings):
    s = snap(org(TC, "A1"), org(KHDT, "A2"),
             person("Trần Văn Minh", KHDT, "P1", token="TP1"),
             person("Phạm Thị Lan", KHDT, "P2", token="TP2", needed=False, note="nghỉ hưu"),
             events=[merge(MergeKind.MERGE_KEEP, [KHDT, TC], TC)])
    plan = build_plan(s, settings, "b")
    (p1,) = cert_actions(plan, "P1")
    assert p1.action == "change_info" and p1.rule == "275/BCY-CTSBMTT 1.2"
    assert p1.changes == (("OU", KHDT, TC),) and p1.sender == TC
    (p2,) = cert_actions(plan, "P2")
    assert p2.action == "revoke" and "nghỉ hưu" in p2.reason
    tokens = {(a.token_serial, a.action): a for a in plan.actions if a.kind == "token"}
    assert tokens[("TP2", "hand_over")].hand_over_to == TC
    assert tokens[("TP2", "hand_over")].rule == "275/BCY-CTSBMTT 2.2"
    assert tokens[("TP2", "recall")].hand_over_to == FOCAL_HY
    assert ("TP1", "recall") not in tokens
