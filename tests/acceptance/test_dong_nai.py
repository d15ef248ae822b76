"""The Đồng Nai + Bình Phước merge as a clerk of Đồng Nai drops it (tests/acceptance/inputs.py):
every row of every list is in the plan or named in a warning; action, changed fields, token and
rule are right by docs/DOMAIN.md; no name typed without diacritics reaches a changed field or an
event when its right spelling is known."""

from __future__ import annotations

import pytest

from paperflow.text import strip_diacritics

from . import inputs as i
from .conftest import plan_of, settings_in

DISTRICT = "393/BCY-CTSBMTT; NĐ 68/2024 Điều 17(3)(b)"
MOVED = "393/BCY-CTSBMTT; NĐ 68/2024 Điều 15(1)(a)"
LEFT = "393/BCY-CTSBMTT; NĐ 68/2024 Điều 17(2)(c)"


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("dong-nai")    # one plan, read once, checked many ways
    i.drop_all(folder / "in")
    return plan_of(settings_in(folder), sorted((folder / "in").iterdir()))


def certs(plan):  # type: ignore[no-untyped-def]
    return {a.serial: a for a in plan.actions if a.kind == "certificate"}


def tokens(plan, action):  # type: ignore[no-untyped-def]
    return {a.serial: a.token_serial for a in plan.actions
            if a.kind == "token" and a.action == action}


def fields(action) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {k: new for k, _old, new in action.changes}


def test_every_row_of_every_list_is_planned_or_warned(plan):
    got = certs(plan)
    warned = " ".join(w.message for w in plan.warnings)
    rows = [(i.SERIAL[r[0]], r[1]) for r in i.LIST_ROWS]
    rows += [(p[3], p[0]) for p in i.PERSONNEL] + [(d[4], d[0]) for d in i.DECISION_LIST]
    rows += [(f"{s:X}", dict(subj)["CN"]) for _f, s, subj in i.CERTS]
    for serial, name in rows:
        assert serial in got or strip_diacritics(name) in strip_diacritics(warned), (serial, name)
    assert any(w.code == "new_agency_unknown" and "Le Van Nam" in w.message
               for w in plan.warnings)


def test_bình_phước_department_is_paired_with_đồng_nai_s(plan):
    got = certs(plan)
    assert (got["5A01"].action, got["5A01"].rule) == ("revoke", DISTRICT)
    assert tokens(plan, "recall")["5A01"] == "TKBP01"
    # Sở Y tế tỉnh Đồng Nai keeps its name and its certificate: the list's unaccented
    # 'Uy ban nhan dan tinh Dong Nai' is no ground for a Mẫu 04
    assert got["5A0A"].action == "keep" and got["5A0A"].changes == ()
    # its officer: every attribute naming the old province or agency, together, with diacritics
    assert fields(got["5A02"]) == {"OU": i.SYT_DN, "O": i.UB_DN, "ST": i.DN}
    assert got["5A02"].subscriber.name == "Nguyễn Văn Hùng"     # the certificate's spelling


def test_district_bodies_end_and_their_officers_move_or_wait(plan):
    got = certs(plan)
    for serial, token in (("5A03", "TKBP03"), ("5A04", "TKBP04")):   # UBND huyện, its phòng
        assert (got[serial].action, got[serial].rule) == ("revoke", DISTRICT)
        assert tokens(plan, "recall")[serial] == token
    assert (got["5D01"].action, got["5D01"].rule) == ("revoke", DISTRICT)  # certificate alone
    lan = got["5A05"]                                   # the note names her new agency
    assert (lan.action, lan.rule) == ("change_info", MOVED)
    # her list row names the phòng under the district: OU = the phòng, O = the district
    assert fields(lan) == {"OU": i.STC_DN, "O": i.UB_DN, "ST": i.DN}
    assert "5A06" not in got                            # Le Van Nam: new agency unknown


def test_communes_typed_without_diacritics_merge_by_the_2025_data(plan):
    got = certs(plan)
    assert got["5A07"].action == "change_info"
    assert fields(got["5A07"])["CN"] == "Ủy ban nhân dân xã Đồng Phú"
    assert fields(got["5A07"])["O"] == i.UB_DN
    assert got["5A08"].action == "revoke" and tokens(plan, "recall")["5A08"] == "TKBP08"


def test_personnel_csv_moves_by_the_note_and_revokes_who_left(plan):
    got = certs(plan)
    assert (got["5B01"].action, got["5B01"].rule) == ("change_info", MOVED)
    assert fields(got["5B01"])["O"] == i.KHCN_DN
    assert fields(got["5B02"])["O"] == "Sở Nội vụ tỉnh Đồng Nai"
    assert (got["5B03"].action, got["5B03"].rule) == ("revoke", LEFT)
    assert any(w.code == "token_unknown" and "Ngô Thị Hạnh" in w.message for w in plan.warnings)


def test_the_decision_s_articles(plan):
    got = certs(plan)
    assert got["5C01"].action == "revoke" and got["5C03"].action == "revoke"
    assert fields(got["5C02"]) == {"CN": i.NNMT_DN}
    assert got["5C04"].action == "keep"


def test_retired_officer_s_token_goes_to_the_successor_agency(plan):
    got = certs(plan)
    assert (got["5A09"].action, got["5A09"].rule) == ("revoke", LEFT)
    hand = [a for a in plan.actions if a.kind == "token" and a.action == "hand_over"
            and a.serial == "5A09"]
    assert hand and i.STC_DN in hand[0].reason


def test_no_unaccented_agency_name_where_the_right_one_is_known(plan):
    for a in plan.actions:
        for _k, _old, new in a.changes:
            assert new != strip_diacritics(new) or not new.strip(), (a.serial, new)
        if a.kind == "dossier":
            for bare in ("So Y te", "Uy ban nhan dan tinh"):
                assert bare not in a.reason, a.reason


def test_bare_names_take_the_data_s_spelling_or_are_named_in_a_warning(plan):
    got = certs(plan)
    # the district's People's Committee and the communes are in the 2025 data: printed right
    assert got["5A03"].subscriber.name == "Ủy ban nhân dân huyện Đồng Phú"
    assert got["5A08"].subscriber.name == "Ủy ban nhân dân xã Tân Tiến"
    assert got["5A07"].changes[0] == ("CN", "Ủy ban nhân dân xã Tân Lập",
                                      "Ủy ban nhân dân xã Đồng Phú")
    assert ("ST", "Bình Phước", "Đồng Nai") in got["5A05"].changes
    # a person's name and a district phòng are not in any data: said, never silently printed
    bare = [w.message for w in plan.warnings if w.code == "name_unaccented"]
    assert len(bare) == 1
    for name in ("Tran Thi Lan", "Pham Thi Thu", "Phong Tai chinh - Ke hoach huyen Dong Phu"):
        assert bare[0].count(name) == 1
    assert "Nguyen Van Hung" not in bare[0]         # its certificate file spells it


def test_titles_typed_without_diacritics_are_spelled_right(plan):
    got = certs(plan)
    assert got["5A02"].subscriber.title == "Phó Giám đốc"     # the certificate's T
    assert got["5A05"].subscriber.title == "Chuyên viên"      # the common spelling


def test_the_ca_import_row_of_a_moved_district_officer_names_her_new_hierarchy(plan):
    from paperflow.render.context import import_row
    row = import_row(certs(plan)["5A05"])
    assert row["levels"][:2] == ["ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI", "SỞ TÀI CHÍNH"]
    assert row["province"] == "Đồng Nai" and row["title"] == "Chuyên viên"
    hung = import_row(certs(plan)["5A02"])
    assert hung["levels"][:2] == ["ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI", "SỞ Y TẾ"]


def test_a_locality_naming_the_ended_district_and_the_old_province(settings, tmp_path):
    """A commune's certificate with L = 'huyện Đồng Phú, tỉnh Bình Phước': the district is gone
    and the province merged — L changes with CN and O, never left naming Bình Phước."""
    inbox = tmp_path / "in"
    inbox.mkdir()
    i.exported_list(inbox / "ds.xlsx")
    i.certificate(inbox / "xa-tan-lap.cer", 0x5A07, (
        ("CN", "Ủy ban nhân dân xã Tân Lập"), ("O", i.HUYEN),
        ("L", "huyện Đồng Phú, tỉnh Bình Phước"), ("C", "VN")))
    got = certs(plan_of(settings, sorted(inbox.iterdir())))
    assert fields(got["5A07"]) == {"CN": "Ủy ban nhân dân xã Đồng Phú", "O": i.UB_DN,
                                   "L": "Tỉnh Đồng Nai", "superior": i.UB_DN}


def test_an_hr_list_without_serials_places_the_waiting_officer(settings, tmp_path):
    """The personnel office's list (no serials, new agency only in the note, names with their
    diacritics) meets the exported list's 'Le Van Nam': he changes; someone it names who holds
    no certificate is named in a warning."""
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH CÔNG CHỨC BỐ TRÍ SAU SẮP XẾP"])
    ws.append(["STT", "Họ và tên", "Chức vụ", "Đơn vị công tác trước sắp xếp", "Ghi chú"])
    ws.append([1, "Lê Văn Nam", "Chuyên viên", i.PHONG,
               "Bố trí tại Ủy ban nhân dân xã Đồng Phú từ 01/7/2025"])
    ws.append([2, "Nguyễn Thị Không", "Chuyên viên", i.PHONG,
               f"Chuyển công tác đến {i.STC_DN}"])
    wb.save(tmp_path / "nhan-su.xlsx")
    plan = plan_of(settings, [i.exported_list(tmp_path / "x.xlsx"), tmp_path / "nhan-su.xlsx"])
    nam = certs(plan)["5A06"]
    assert (nam.action, nam.rule, nam.subscriber.name) == ("change_info", MOVED, "Lê Văn Nam")
    assert fields(nam) == {"OU": "Ủy ban nhân dân xã Đồng Phú", "O": i.UB_DN, "ST": i.DN}
    assert not any(w.code == "new_agency_unknown" and "Nam" in w.message for w in plan.warnings)
    assert any(w.code == "no_serial" and "Nguyễn Thị Không" in w.message for w in plan.warnings)


def test_the_personnel_csv_without_diacritics_gives_the_same_changes(settings, tmp_path):
    csv = i.personnel_csv(tmp_path / "p.csv")
    csv.write_text(strip_diacritics(csv.read_text(encoding="utf-8-sig")), encoding="utf-8")
    got = certs(plan_of(settings, [csv]))
    assert fields(got["5B01"]) == {"O": i.KHCN_DN}
    assert got["5B01"].changes[0][1] == "Sở Thông tin và Truyền thông tỉnh Bình Phước"
    assert fields(got["5B02"]) == {"O": "Sở Nội vụ tỉnh Đồng Nai"}
    assert (got["5B03"].action, got["5B03"].rule) == ("revoke", LEFT)
