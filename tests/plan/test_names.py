"""Canonical names as versioned data (issue 13 item 3) and one fate per token (item 4)."""

from __future__ import annotations

import pytest

from paperflow.plan import build_plan, load_2025
from paperflow.plan.agencies import load_names
from paperflow.plan.canon import Canon, data_names

from .conftest import FOCAL_HY, merge, org, person, snap


@pytest.fixture(scope="module")
def canon() -> Canon:
    return Canon([], data_names(load_names(), load_2025()))


def test_the_data_holds_every_commune_of_2025():
    data = load_2025()
    assert len(data.new_communes) == 3321
    names = {(p, c) for p, c, _code in data.new_communes}
    # the sixteen that share a diacritic-free key with another were missing before
    for pair in (("Thái Nguyên", "Xã Văn Lang"), ("Thái Nguyên", "Xã Văn Lăng"),
                 ("Hồ Chí Minh", "Xã Thạnh An"), ("Hồ Chí Minh", "Xã Thanh An"),
                 ("Quảng Ngãi", "Xã Sơn Hà"), ("Quảng Ngãi", "Xã Sơn Hạ"),
                 ("Đồng Tháp", "Xã Tân Thành"), ("Đồng Tháp", "Xã Tân Thạnh")):
        assert pair in names
    # and the old communes merged into one of them are mapped (they were dropped)
    assert {(c.old, c.new) for c in data.communes_of("Xã Hòa Bình", "Huyện Đồng Hỷ")} == {
        ("Xã Hòa Bình", "Xã Văn Lăng")}


@pytest.mark.parametrize(("name", "short"), [
    ("Thừa Thiên Huế", "Huế"), ("TP HCM", "Hồ Chí Minh"), ("Tp. Hồ Chí Minh", "Hồ Chí Minh"),
    ("TPHCM", "Hồ Chí Minh"), ("Tinh Hung Yén", "Hưng Yên"), ("Bà Rịa Vũng Tàu", "Hồ Chí Minh")])
def test_province_names_and_aliases(name, short):
    assert load_2025().province(name).new == short


def test_a_former_province_name_is_changed_on_the_certificate(settings):
    s = snap(person("Lê Huế", "Trung tâm Y tế", "P1", province="Thừa Thiên Huế",
                    managing="Sở Y tế"))
    (a,) = build_plan(s, settings, "b").actions
    assert a.changes == (("ST", "Thừa Thiên Huế", "Huế"),)


@pytest.mark.parametrize(("read", "canonical"), [
    ("So Nong nghiep va Moi truong tinh Hung Yen", "Sở Nông nghiệp và Môi trường tỉnh Hưng Yên"),
    ("S6 Tai chinh", "Sở Tài chính"),
    ("S6 Tài chính tỉnh Thái Binh", "Sở Tài chính tỉnh Thái Bình"),
    ("Tinh Hung Yén", "Tỉnh Hưng Yên"),
    ("Sở Y tê tỉnh Thái Bình", "Sở Y tế tỉnh Thái Bình"),
    ("UBND xa Thu Vu", "Ủy ban nhân dân xã Thư Vũ"),
    ("Thanh tra tinh Hung Yen", "Thanh tra tỉnh Hưng Yên"),
])
def test_damaged_names_resolve_to_the_canonical_spelling(canon, read, canonical):
    got = canon.resolve(read)
    assert (got.name, got.known, got.warning) == (canonical, True, None)


def test_an_exact_spelling_wins_over_its_folded_look_alike():
    c = Canon(["Ủy ban nhân dân xã Hà Quý", "Ủy ban nhân dân xã Hạ Quý"], [])
    assert c.resolve("Ủy ban nhân dân xã Hạ Quý").name == "Ủy ban nhân dân xã Hạ Quý"
    assert c.resolve("Ủy ban nhân dân xã Hà Quý").name == "Ủy ban nhân dân xã Hà Quý"
    bare = c.resolve("Uy ban nhan dan xa Ha Quy")       # either: flagged, kept as read
    assert bare.name == "Uy ban nhan dan xa Ha Quy" and bare.warning.code == "name_ambiguous"


def test_a_letter_away_is_flagged_not_corrected(canon):
    got = canon.resolve("Ủy ban nhân dân xã Hà Quý")     # not 'xã Hóa Quỳ'
    assert got.name == "Ủy ban nhân dân xã Hà Quý" and not got.known
    assert got.warning is not None and "Hóa Quỳ" in got.warning.message


def test_a_commune_not_in_the_data_is_warned(settings):
    s = snap(org("Ủy ban nhân dân xã Không Có Thật", "X1",
                 managing="Ủy ban nhân dân huyện Kiến Xương", province="Thái Bình"))
    plan = build_plan(s, settings, "b")
    assert any(w.code == "commune_not_found" and "Không Có Thật" in w.message
               for w in plan.warnings)


def test_a_token_carrying_a_certificate_still_in_use_is_not_recalled(settings):
    from paperflow.models import MergeKind
    tn, nn = "Sở Tài nguyên và Môi trường tỉnh Hưng Yên", "Sở Y tế tỉnh Hưng Yên"
    s = snap(org(tn, "A1", token="TK"), person("Vũ An", nn, "P1", token="TK"),
             events=[merge(MergeKind.DISSOLVE, [tn], "")])
    plan = build_plan(s, settings, "b")
    assert [a.action for a in plan.actions if a.serial == "A1"] == ["revoke"]
    assert not [a for a in plan.actions if a.kind == "token"]
    assert any(w.code == "token_shared" and "P1" in w.message for w in plan.warnings)


def test_no_token_gets_two_contradictory_actions_and_receivers_exist(settings):
    tb = "Sở Kế hoạch và Đầu tư tỉnh Thái Bình"
    s = snap(org(tb, "A1", managing="Ủy ban nhân dân tỉnh Thái Bình", province="Thái Bình",
                 token="T1", network="mạng mật của cơ quan Đảng"),
             person("Ngô Lan", "Phòng Đăng ký kinh doanh", "P1", managing=tb,
                    province="Thái Bình", token="T2", needed=False, note="nghỉ hưu"))
    plan = build_plan(s, settings, "b")
    fates: dict[str, set[str]] = {}
    for a in plan.actions:
        if a.kind == "token":
            fates.setdefault(a.token_serial, set()).add(a.action)
    assert fates == {"T1": {"recall"}, "T2": {"hand_over", "recall"}}
    hand = next(a for a in plan.actions if a.kind == "token" and a.action == "hand_over")
    # the retired officer's unit belonged to an absorbed agency: the successor receives
    assert hand.hand_over_to == "Sở Tài chính tỉnh Hưng Yên"
    recall = next(a for a in plan.actions if a.token_serial == "T1")
    assert recall.sender == "Sở Tài chính tỉnh Hưng Yên" and recall.hand_over_to == FOCAL_HY


def test_officers_of_a_dissolved_agency_hand_over_to_its_managing_agency(settings):
    from paperflow.models import MergeKind
    gone, sup = "Ban Quản lý dự án đầu tư xây dựng tỉnh Hưng Yên", "Sở Xây dựng tỉnh Hưng Yên"
    s = snap(person("Phan Hòa", gone, "P1", managing=sup, token="T1", needed=False,
                    note="nghỉ hưu"),
             person("Lý Tâm", gone, "P2", managing=sup, token="T2"),
             events=[merge(MergeKind.DISSOLVE, [gone], "")])
    plan = build_plan(s, settings, "b")
    hand = next(a for a in plan.actions if a.kind == "token" and a.action == "hand_over")
    assert hand.hand_over_to == sup
    assert not [a for a in plan.actions if a.serial == "P2"]
    assert any(w.code == "new_agency_unknown" and "Lý Tâm" in w.message and "giải thể" in
               w.message for w in plan.warnings)
