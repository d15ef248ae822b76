"""Provinces 63 → 34 (rule 10), communes from the official data, OCR-damaged names."""

from __future__ import annotations

import dataclasses

import pytest

from paperflow.models import MergeKind
from paperflow.plan import build_plan, load_2025
from paperflow.text import similarity

from .conftest import FOCAL_HY, merge, org, person, snap

TB_FOCAL = "Sở Khoa học và Công nghệ tỉnh Thái Bình"


@pytest.mark.parametrize(("old", "new"), [
    ("Thái Bình", "Hưng Yên"), ("Tỉnh Thái Bình", "Tỉnh Hưng Yên"), ("Kiên Giang", "An Giang"),
    ("Hà Giang", "Tuyên Quang"), ("Bà Rịa - Vũng Tàu", "Hồ Chí Minh"),
    ("Tinh Thai Binh", "Tỉnh Hưng Yên"),
])
def test_subscriber_of_a_merged_province_gets_the_new_province(settings, old, new):
    s = snap(person("Đỗ Văn Hải", "Trung tâm Y tế", "P1", province=old, managing="Sở Y tế"))
    plan = build_plan(s, settings, "b")
    (a,) = plan.actions
    assert a.action == "change_info" and a.rule == "393/BCY-CTSBMTT 3"
    assert a.changes == (("ST", old, new),)
    assert load_2025().version in a.reason and "vietnamadminunits" in a.reason


@pytest.mark.parametrize("province", ["Hà Nội", "Thanh Hóa", "Hưng Yên"])
def test_unchanged_province_changes_nothing(settings, province):
    s = snap(person("Đỗ Văn Hải", "Sở Y tế", "P1", province=province))
    assert build_plan(s, settings, "b").actions == ()


@pytest.mark.parametrize(("focal", "expected"), [
    ({"Hưng Yên": FOCAL_HY}, FOCAL_HY),                       # the new province's only one
    ({"Thái Bình": TB_FOCAL}, TB_FOCAL),                      # any of the merged provinces
    ({"Hưng Yên": FOCAL_HY, "Thái Bình": TB_FOCAL}, FOCAL_HY),
    ({"Tỉnh Hưng Yên": FOCAL_HY}, FOCAL_HY),
])
def test_routing_to_a_focal_point_of_the_merged_provinces(settings, focal, expected):
    settings = dataclasses.replace(settings, plan=dataclasses.replace(
        settings.plan, focal_points=focal))
    s = snap(person("Đỗ Văn Hải", "Sở Y tế tỉnh Thái Bình", "P1", province="Thái Bình"))
    (a,) = build_plan(s, settings, "b").actions
    assert a.route_to == expected


def test_no_focal_point_routes_to_the_ca_with_a_warning(settings):
    settings = dataclasses.replace(settings, plan=dataclasses.replace(
        settings.plan, focal_points={}))
    s = snap(person("Đỗ Văn Hải", "Sở Y tế", "P1", province="Kiên Giang"))
    plan = build_plan(s, settings, "b")
    assert plan.actions[0].route_to.startswith("Cục Chứng thực số")
    assert any(w.code == "no_focal_point" for w in plan.warnings)


def test_communes_merged_under_the_official_data(settings):
    huyen = "Ủy ban nhân dân huyện Vũ Thư"
    s = snap(org("Ủy ban nhân dân xã Vũ Hội", "X1", managing=huyen, province="Thái Bình"),
             org("Ủy ban nhân dân xã Vũ Vân", "X2", managing=huyen, province="Thái Bình",
                 until=pytest.importorskip("datetime").date(2026, 1, 1)))
    plan = build_plan(s, settings, "b")
    by = {a.serial: a for a in plan.actions if a.kind == "certificate"}
    assert by["X1"].action == "change_info" and by["X2"].action == "revoke"
    ch = {k: (o, n) for k, o, n in by["X1"].changes}
    assert ch["CN"] == ("Ủy ban nhân dân xã Vũ Hội", "Ủy ban nhân dân xã Thư Vũ")
    assert ch["O"] == (huyen, "Ủy ban nhân dân tỉnh Hưng Yên")
    assert ch["L"] == ("Thái Bình", "Hưng Yên")
    assert by["X1"].route_to == FOCAL_HY
    assert {(a.from_, a.to) for a in plan.actions if a.kind == "dossier"} == {
        ("Ủy ban nhân dân xã Vũ Hội", "Ủy ban nhân dân xã Thư Vũ"),
        ("Ủy ban nhân dân xã Vũ Vân", "Ủy ban nhân dân xã Thư Vũ")}


@pytest.mark.parametrize("damaged", [
    "So Tai nguyen va Moi truong tinh Hung Yen",        # diacritics lost
    "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG TỈNH HƯNG YÊN",
    "Sở Tài nguyên và Môi trưòng tỉnh Hưng Yén",       # OCR: wrong marks
])
def test_ocr_damaged_names_match_the_register(settings, damaged):
    tn, nn = "Sở Tài nguyên và Môi trường tỉnh Hưng Yên", "Sở Nông nghiệp và PTNT tỉnh Hưng Yên"
    s = snap(org(tn, "A1"), org(nn, "A2", until=pytest.importorskip("datetime").date(2026, 1, 1)),
             events=[merge(MergeKind.MERGE_NEW, [damaged, nn],
                           "Sở Nông nghiệp và Môi trường tỉnh Hưng Yên")])
    plan = build_plan(s, settings, "b")
    assert {a.serial: a.action for a in plan.actions if a.kind == "certificate"} == {
        "A1": "change_info", "A2": "revoke"}
    assert not any(w.code == "uncertain_match" for w in plan.warnings)


def test_uncertain_match_and_low_confidence_are_warned_never_silent(settings):
    tn = "Sở Tài nguyên và Môi trường tỉnh Hưng Yên"
    ocr = "S6 Tai ngyen va Moi trung tnh Hg Yn"
    assert 0.85 <= similarity(ocr, tn) < 0.92
    s = snap(org(tn, "A1"), events=[merge(MergeKind.DISSOLVE, [ocr], "", confidence=0.7)])
    plan = build_plan(s, settings, "b")
    codes = {w.code for w in plan.warnings}
    assert {"uncertain_match", "uncertain_event"} <= codes
    assert any(ocr in w.message and tn in w.message for w in plan.warnings
               if w.code == "uncertain_match")
