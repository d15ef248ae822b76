"""Rules 14–17 and 19 on real cases of 01/7/2025: Thái Bình merged into Hưng Yên, the district
level ended (huyện Kiến Xương and two of its communes), departments paired and merged, a unit
transferred, people moved, retired and left unplaced. Each test asserts the action, every
changed subject field, the token's fate and the rule cited."""

from __future__ import annotations

from datetime import date

import pytest

from paperflow.models import Certificate, MergeKind, Subscriber
from paperflow.plan import build_plan

from .conftest import FOCAL_HY, UB_HY, UB_TB, merge, org, person, snap

KX = "Ủy ban nhân dân huyện Kiến Xương"
TCKH_KX = "Phòng Tài chính - Kế hoạch huyện Kiến Xương"
YT_TB, YT_HY = "Sở Y tế tỉnh Thái Bình", "Sở Y tế tỉnh Hưng Yên"
NV_HY = "Sở Nội vụ tỉnh Hưng Yên"
TC_HY, KHDT_HY = "Sở Tài chính tỉnh Hưng Yên", "Sở Kế hoạch và Đầu tư tỉnh Hưng Yên"
TNMT_HY = "Sở Tài nguyên và Môi trường tỉnh Hưng Yên"
NNPTNT_HY = "Sở Nông nghiệp và Phát triển nông thôn tỉnh Hưng Yên"
TNMT_TB = "Sở Tài nguyên và Môi trường tỉnh Thái Bình"
NNMT_HY = "Sở Nông nghiệp và Môi trường tỉnh Hưng Yên"

R14_ORG = "393/BCY-CTSBMTT; NĐ 68/2024 Điều 17(3)(b)"
R_MOVE = "393/BCY-CTSBMTT; NĐ 68/2024 Điều 15(1)(a)"
R_LEAVE = "393/BCY-CTSBMTT; NĐ 68/2024 Điều 17(2)(c)"
R15 = "393/BCY-CTSBMTT; NĐ 68/2024 Điều 15"
R15_GONE = "393/BCY-CTSBMTT; NĐ 68/2024 Điều 17(3)(b)"
R16 = "275/BCY-CTSBMTT 1.1; 393/BCY-CTSBMTT; NĐ 68/2024 Điều 15"


def certs(plan) -> dict[str, object]:
    out = {}
    for a in plan.actions:
        if a.kind == "certificate":
            assert a.serial not in out, f"{a.serial} appears twice"
            out[a.serial] = a
    return out


def tokens(plan) -> dict[tuple[str, str], object]:
    return {(a.token_serial, a.action): a for a in plan.actions if a.kind == "token"}


def tb_org(name, serial, **kw):
    kw.setdefault("managing", UB_TB)
    return org(name, serial, province="Thái Bình", **kw)


def tb_person(name, agency, serial, **kw):
    kw.setdefault("managing", KX)
    return person(name, agency, serial, province="Thái Bình", **kw)


# --- rule 14: the district level ended --------------------------------------------------------

def test_district_bodies_are_revoked_and_their_tokens_recalled(settings):
    s = snap(tb_org(KX, "D1", token="TD1"),
             tb_org(TCKH_KX, "D2", managing=KX, token="TD2"),
             tb_org("Phòng Nội vụ", "D3", managing=KX, token="TD3"),
             tb_org("Huyện ủy Kiến Xương", "D4", managing="Tỉnh ủy Thái Bình", token="TD4",
                    network="mạng mật của cơ quan Đảng"))
    plan = build_plan(s, settings, "b")
    got = certs(plan)
    for serial in ("D1", "D2", "D3", "D4"):
        a = got[serial]
        assert (a.action, a.rule, a.changes) == ("revoke", R14_ORG, ())
        assert "01/7/2025" in a.reason and "Kiến Xương" in a.reason
        # nobody at the district files: the province's People's Committee does
        assert a.sender in (UB_HY, "Tỉnh ủy Thái Bình")
        recall = tokens(plan)[(f"T{serial}", "recall")]
        assert recall.hand_over_to == FOCAL_HY and recall.rule == "275/BCY-CTSBMTT 2.1"
    assert got["D2"].sender == UB_HY and got["D3"].sender == UB_HY
    # rule 12 is no exemption: the Party-network token of a revoked certificate is recalled
    assert "393/BCY-CTSBMTT 5" in tokens(plan)[("TD4", "recall")].reason
    assert not [a for a in plan.actions if a.kind == "token" and a.action == "keep"]


def test_a_decision_naming_a_successor_keeps_the_district_certificate(settings):
    succ = "Ủy ban nhân dân xã Kiến Xương"
    s = snap(tb_org(KX, "D1", token="TD1"),
             events=[merge(MergeKind.RENAME, [KX], succ, superior=UB_HY)])
    (a,) = certs(build_plan(s, settings, "b")).values()
    assert a.action == "change_info"
    assert dict((k, (o, n)) for k, o, n in a.changes)["CN"] == (KX, succ)


def test_two_communes_of_kien_xuong_merge_into_xa_kien_xuong(settings):
    s = snap(tb_org("Ủy ban nhân dân xã Bình Minh", "C1", managing=KX, token="TC1"),
             tb_org("Ủy ban nhân dân xã Quang Minh", "C2", managing=KX, token="TC2",
                    until=date(2026, 3, 1)))
    plan = build_plan(s, settings, "b")
    got = certs(plan)
    assert got["C1"].action == "change_info" and got["C2"].action == "revoke"
    assert dict((k, (o, n)) for k, o, n in got["C1"].changes) == {
        "CN": ("Ủy ban nhân dân xã Bình Minh", "Ủy ban nhân dân xã Kiến Xương"),
        "O": (KX, UB_HY), "L": ("Thái Bình", "Hưng Yên"), "superior": (KX, UB_HY)}
    assert got["C1"].route_to == FOCAL_HY
    assert set(tokens(plan)) == {("TC2", "recall")}


def test_district_officers_continue_leave_or_wait_for_their_new_agency(settings):
    s = snap(
        tb_person("Nguyễn Văn An", TCKH_KX, "P1", token="TP1",
                  note="Điều động về Sở Nội vụ tỉnh Hưng Yên từ 01/7/2025"),
        tb_person("Trần Thị Bình", TCKH_KX, "P2", token="TP2", needed=False, note="nghỉ hưu"),
        tb_person("Lê Văn Cường", TCKH_KX, "P3", token="TP3"))
    plan = build_plan(s, settings, "b")
    got = certs(plan)
    moved = got["P1"]
    assert (moved.action, moved.rule) == ("change_info", R_MOVE)
    assert dict((k, (o, n)) for k, o, n in moved.changes) == {
        "OU": (TCKH_KX, NV_HY), "O": (KX, UB_HY), "ST": ("Thái Bình", "Hưng Yên")}
    assert moved.sender == NV_HY and moved.route_to == FOCAL_HY
    retired = got["P2"]
    assert (retired.action, retired.rule) == ("revoke", R_LEAVE)
    hand = tokens(plan)[("TP2", "hand_over")]
    assert hand.hand_over_to == UB_HY           # an agency that exists, not the ended phòng
    assert tokens(plan)[("TP2", "recall")].hand_over_to == FOCAL_HY
    assert "P3" not in got                      # never a silent ST-only change
    (w,) = [w for w in plan.warnings if w.code == "new_agency_unknown"]
    assert "Lê Văn Cường" in w.message and "cơ quan mới" in w.message
    assert {k[0] for k in tokens(plan)} == {"TP2"}


def test_the_new_agency_column_counts_like_the_note(settings):
    s_, c = tb_person("Nguyễn Văn An", TCKH_KX, "P1")
    s_ = Subscriber(**{**s_.__dict__, "new_agency": "Sở Nội vụ tỉnh Hưng Yên"})
    (a,) = certs(build_plan(snap((s_, c)), settings, "b")).values()
    assert a.action == "change_info" and ("OU", TCKH_KX, NV_HY) in a.changes


# --- rule 15: province-level agencies of merged provinces --------------------------------------

def test_thai_binh_department_is_paired_from_its_certificate_alone(settings):
    """No list row: the certificate file of Sở Y tế tỉnh Thái Bình is enough (issue item 2)."""
    _s, c = tb_org(YT_TB, "Y1")
    hy = org(YT_HY, "Y2")
    s = snap(hy)
    s = type(s)(subscribers=s.subscribers, certificates=(c, *s.certificates))
    plan = build_plan(s, settings, "b")
    got = certs(plan)
    assert (got["Y1"].action, got["Y1"].rule) == ("revoke", R15_GONE)
    assert got["Y2"].action == "keep"
    assert any(w.code == "certificate_only" and "Y1" in w.message for w in plan.warnings)


def test_every_subject_field_naming_the_old_province_changes_together(settings):
    s = snap(person("Đỗ Văn Hải", YT_TB, "P1", province="Thái Bình", managing=UB_TB))
    (a,) = certs(build_plan(s, settings, "b")).values()
    assert (a.action, a.rule) == ("change_info", R15)
    assert dict((k, (o, n)) for k, o, n in a.changes) == {
        "OU": (YT_TB, YT_HY), "O": (UB_TB, UB_HY), "ST": ("Thái Bình", "Hưng Yên")}


def test_merge_keeping_the_name_from_the_data_alone(settings):
    """Sở KH&ĐT into Sở Tài chính (name kept) — no decision in the inbox."""
    s = snap(org(TC_HY, "A1", token="TK1"), org(KHDT_HY, "A2", token="TK2"),
             person("Phạm Minh", KHDT_HY, "P1"))
    plan = build_plan(s, settings, "b")
    got = certs(plan)
    assert got["A1"].action == "keep"
    assert (got["A2"].action, got["A2"].rule) == ("revoke", R15_GONE)
    assert got["P1"].changes == (("OU", KHDT_HY, TC_HY),)
    assert set(tokens(plan)) == {("TK2", "recall")}
    assert {(a.from_, a.to) for a in plan.actions if a.kind == "dossier"} == {(KHDT_HY, TC_HY)}


def test_new_name_merge_across_the_merged_provinces_keeps_the_surviving_provinces(settings):
    s = snap(org(TNMT_HY, "N1", until=date(2027, 1, 1)),
             org(NNPTNT_HY, "N2", until=date(2026, 6, 1), token="TN2"),
             tb_org(TNMT_TB, "N3", until=date(2029, 1, 1), token="TN3"),
             events=[merge(MergeKind.MERGE_NEW, [TNMT_HY, NNPTNT_HY], NNMT_HY)])
    plan = build_plan(s, settings, "b")
    got = certs(plan)
    assert got["N1"].action == "change_info"
    assert got["N1"].changes == (("CN", TNMT_HY, NNMT_HY),)
    assert got["N2"].action == "revoke" and got["N3"].action == "revoke"
    assert set(tokens(plan)) == {("TN2", "recall"), ("TN3", "recall")}


# --- rule 16: a unit transferred ----------------------------------------------------------------

def test_unit_transferred_by_decision_changes_o_for_it_and_its_people(settings):
    unit = "Trung tâm Phát triển quỹ đất tỉnh Hưng Yên"
    s = snap(org(unit, "U1", managing=TNMT_HY),
             person("Vũ Thị Hoa", unit, "U2", managing=TNMT_HY),
             events=[merge(MergeKind.SUPERIOR_CHANGE, [unit], unit, superior=TC_HY)])
    got = certs(build_plan(s, settings, "b"))
    assert (got["U1"].action, got["U1"].rule) == ("change_info", R16)
    assert ("O", TNMT_HY, TC_HY) in got["U1"].changes
    assert (got["U2"].action, got["U2"].rule) == ("change_info", R16)
    assert got["U2"].changes == (("O", TNMT_HY, TC_HY),)


def test_unit_transferred_as_the_list_says(settings):
    unit = "Trung tâm Phát triển quỹ đất tỉnh Hưng Yên"
    s_, c = org(unit, "U1", managing=TNMT_HY)
    s_ = Subscriber(**{**s_.__dict__, "managing_agency": TC_HY})
    (a,) = certs(build_plan(snap((s_, c)), settings, "b")).values()
    assert (a.action, a.rule) == ("change_info", R16)
    assert ("O", TNMT_HY, TC_HY) in a.changes


# --- rule 17: people ----------------------------------------------------------------------------

@pytest.mark.parametrize(("note", "action", "rule"), [
    ("nghỉ hưu từ 01/7/2025", "revoke", R_LEAVE),
    ("Thôi việc", "revoke", R_LEAVE),
    ("Hết nhu cầu", "revoke", "393/BCY-CTSBMTT; NĐ 68/2024 Điều 17(2)(b)"),
    ("Chuyển công tác đến Sở Tài chính tỉnh Hưng Yên", "change_info", R_MOVE),
    ("Chuyen cong tac den So Tai chinh tinh Hung Yen", "change_info", R_MOVE),
])
def test_moving_is_a_change_leaving_is_a_revocation(settings, note, action, rule):
    s = snap(person("Hà Văn Dũng", YT_HY, "P1", token="TP1", needed=action == "change_info",
                    note=note))
    plan = build_plan(s, settings, "b")
    (a,) = certs(plan).values()
    assert (a.action, a.rule) == (action, rule)
    if action == "change_info":
        assert a.changes == (("OU", YT_HY, TC_HY),)
        assert not tokens(plan)
    else:
        assert set(tokens(plan)) == {("TP1", "hand_over"), ("TP1", "recall")}


def test_a_position_that_no_longer_fits_is_revoked_with_a_warning(settings):
    plan = build_plan(snap(person("Hà Văn Dũng", YT_HY, "P1", needed=False,
                                  note="Thôi giữ chức vụ")), settings, "b")
    assert certs(plan)["P1"].action == "revoke"
    assert any(w.code == "revoke_confirm" and "Hà Văn Dũng" in w.message for w in plan.warnings)


def test_unaccented_and_damaged_inputs_give_the_same_plan(settings):
    def plan_of(tn, nn, new, note):
        return build_plan(snap(
            org(TNMT_HY, "N1"), org(NNPTNT_HY, "N2", until=date(2026, 1, 1)),
            person("Hà Văn Dũng", YT_HY, "P1", needed=True, note=note),
            events=[merge(MergeKind.MERGE_NEW, [tn, nn], new)]), settings, "b")

    clean = plan_of(TNMT_HY, NNPTNT_HY, NNMT_HY,
                    "Điều động về Sở Nội vụ tỉnh Hưng Yên từ 01/7/2025")
    bare = plan_of("So Tai nguyen va Moi truong tinh Hung Yen",
                   "So Nong nghiep va Phat trien nong thon tinh Hung Yen",
                   "So Nong nghiep va Moi truong tinh Hung Yen",
                   "Dieu dong ve So Noi vu tinh Hung Yen tu 01/7/2025")
    ocr = plan_of("S6 Tài nguyên và Môi trưòng tỉnh Hưng Yén",
                  "Sở Nông nghiệp và Phát triển nông thôn tinh Hung Yén",
                  "S6 Nông nghiệp và Môi trường tỉnh Hưng Yén",
                  "Điều động về S6 Nội vụ tỉnh Hưng Yén từ 01/7/2025")
    assert [a.to_json() | {"reason": ""} for a in bare.actions] == [
        a.to_json() | {"reason": ""} for a in clean.actions]
    assert [a.to_json() | {"reason": ""} for a in ocr.actions] == [
        a.to_json() | {"reason": ""} for a in clean.actions]
    assert ("CN", TNMT_HY, NNMT_HY) in certs(ocr)["N1"].changes
    assert ("OU", YT_HY, NV_HY) in certs(ocr)["P1"].changes


# --- rule 11, item 6, rule 19 ------------------------------------------------------------------

@pytest.mark.parametrize(("title", "agency", "leader"), [
    ("Giám đốc", YT_HY, True), ("Phó Giám đốc Sở", YT_HY, True), ("Chủ tịch", UB_HY, True),
    ("Phó Chánh Văn phòng", "Văn phòng UBND tỉnh Hưng Yên", True),
    ("Trưởng ban", "Ban Dân tộc", True), ("Trưởng phòng", YT_HY, False),
    ("Phó Trưởng phòng", YT_HY, False), ("Giám đốc", "Trung tâm Y tế", False),
    ("Trưởng trạm", "Trạm Y tế", False)])
def test_leaders_are_heads_and_deputies_of_agencies(title, agency, leader):
    from paperflow.plan.common import is_leader
    assert is_leader(title, agency) is leader


def test_one_row_per_certificate_change_and_renewal_together(settings):
    s = snap(person("Đỗ Văn Hải", YT_TB, "P1", province="Thái Bình", managing=UB_TB,
                    until=date(2025, 8, 1)))
    plan = build_plan(s, settings, "b")
    (a,) = certs(plan).values()
    assert a.action == "change_info"
    attrs = [k for k, _o, _n in a.changes]
    assert attrs == ["OU", "O", "ST", "renew"]
    from paperflow.render.context import change_text
    assert "Gia hạn (hết hạn): 01/08/2025 → gia hạn" in change_text(a)


def test_a_certificate_read_after_its_list_row_supersedes_or_warns(settings):
    from paperflow.register.snapshot import Earlier
    s_, c = person("Đỗ Văn Hải", YT_TB, "P1", province="Thái Bình", managing=UB_TB)
    first = build_plan(snap((s_, None)), settings, "b1")
    (guess,) = certs(first).values()
    # from the list row alone: the agency under its managing one is guessed OU, O = managing
    assert ("OU", YT_TB, YT_HY) in guess.changes and ("O", UB_TB, UB_HY) in guess.changes
    # the certificate file arrives: O is the province's People's Committee
    real = Certificate("P1", (("CN", s_.name), ("O", "UBND tỉnh Thái Bình"), ("ST", "Thái Bình"),
                              ("C", "VN")), "CA", date(2023, 1, 1), date(2028, 1, 1))
    for state, code in (("generated", "superseded"), ("signed", "issued_differs")):
        snapshot = type(snap())(subscribers=(s_,), certificates=(real,),
                                earlier=(Earlier("b1", state, guess),))
        plan = build_plan(snapshot, settings, "b2")
        (w,) = [w for w in plan.warnings if w.code == code]
        assert "P1" in w.message and "b1" in w.message
        if code == "superseded":
            (a,) = certs(plan).values()
            assert a.changes == (("O", "UBND tỉnh Thái Bình", UB_HY),
                                 ("ST", "Thái Bình", "Hưng Yên"))
        else:
            assert not certs(plan)


def test_a_unit_named_after_the_merged_province_is_flagged_not_guessed(settings):
    unit = "Chi cục Thủy lợi tỉnh Thái Bình"
    s = snap(person("Mai Văn Tú", unit, "P1", province="Thái Bình", managing=UB_TB))
    plan = build_plan(s, settings, "b")
    (a,) = certs(plan).values()
    assert ("OU", unit, unit) not in a.changes and ("ST", "Thái Bình", "Hưng Yên") in a.changes
    assert ("O", UB_TB, UB_HY) in a.changes
    assert any(w.code == "stale_agency_name" and unit in w.message for w in plan.warnings)


def test_a_commune_officer_goes_on_with_the_merged_commune(settings):
    """Managed by the ended district, but working for a commune: not a district officer."""
    s = snap(tb_org("Ủy ban nhân dân xã Bình Minh", "C1", managing=KX),
             tb_org("Ủy ban nhân dân xã Quang Minh", "C2", managing=KX, until=date(2026, 3, 1)),
             tb_person("Đặng Thu", "Ủy ban nhân dân xã Quang Minh", "P1"))
    plan = build_plan(s, settings, "b")
    p1 = certs(plan)["P1"]
    assert p1.action == "change_info"
    assert dict((k, (o, n)) for k, o, n in p1.changes) == {
        "OU": ("Ủy ban nhân dân xã Quang Minh", "Ủy ban nhân dân xã Kiến Xương"),
        "O": (KX, UB_HY), "ST": ("Thái Bình", "Hưng Yên")}
    assert not any(w.code == "new_agency_unknown" for w in plan.warnings)


def test_rule_11_leaders_of_an_absorbed_agency_are_not_its_leaders(settings):
    """Sở Y tế tỉnh Thái Bình is absorbed by Hưng Yên's: its director is no leader of an agency
    that goes on; Hưng Yên's department certificate carries its name already."""
    s = snap(org(YT_HY, "Y2"), person("Trịnh Văn Khoa", YT_TB, "P1", title="Giám đốc",
                                      province="Thái Bình", managing=UB_TB))
    plan = build_plan(s, settings, "b")
    assert certs(plan)["P1"].action == "change_info"
    assert not [w for w in plan.warnings if w.code == "leader_lag"]
