"""The pure readers behind rules 14, 15 and 17: which bodies ended with the district level, what a
province-level agency becomes, what a note says about a person and where they move to."""

from __future__ import annotations

import pytest

from paperflow.plan import load_2025
from paperflow.plan.agencies import district_place, load_names, successor
from paperflow.plan.people import Need, classify, new_agency_in


@pytest.mark.parametrize(("name", "district"), [
    ("Ủy ban nhân dân huyện Kiến Xương", "huyện Kiến Xương"),
    ("UBND huyện Kiến Xương", "huyện Kiến Xương"),
    ("Uy ban nhan dan huyen Kien Xuong", "huyện Kiến Xương"),
    ("Hội đồng nhân dân huyện Vũ Thư", "huyện Vũ Thư"),
    ("Văn phòng HĐND và UBND huyện Vũ Thư", "huyện Vũ Thư"),
    ("Phòng Tài chính - Kế hoạch huyện Kiến Xương", "huyện Kiến Xương"),
    ("Huyện ủy Kiến Xương", "huyện Kiến Xương"),
    ("Ủy ban nhân dân thành phố Thái Bình", "thành phố Thái Bình"),   # a provincial city
    ("Thành ủy Thái Bình", "thành phố Thái Bình"),
    ("Ủy ban nhân dân thị xã Mỹ Hào", "thị xã Mỹ Hào"),
    ("Ủy ban nhân dân thành phố Hà Nội", ""),          # a centrally-run city goes on
    ("Thành ủy Hà Nội", ""),
    ("Ủy ban nhân dân xã Bình Minh", ""),
    ("Ủy ban nhân dân tỉnh Thái Bình", ""),
    ("Trung tâm Y tế huyện Kiến Xương", ""),            # not a body of the district's government
    ("Sở Y tế tỉnh Thái Bình", ""),
])
def test_bodies_that_ended_with_the_district_level(name, district):
    assert district_place(load_names(), load_2025(), name) == district


@pytest.mark.parametrize(("old", "new", "kept"), [
    ("Sở Y tế tỉnh Thái Bình", "Sở Y tế tỉnh Hưng Yên", True),
    ("So Y te tinh Thai Binh", "Sở Y tế tỉnh Hưng Yên", True),
    ("UBND tỉnh Thái Bình", "Ủy ban nhân dân tỉnh Hưng Yên", True),
    ("Văn phòng UBND tỉnh Thái Bình", "Văn phòng Ủy ban nhân dân tỉnh Hưng Yên", True),
    ("Thanh tra tỉnh Thái Bình", "Thanh tra tỉnh Hưng Yên", True),
    ("Sở Kế hoạch và Đầu tư tỉnh Hưng Yên", "Sở Tài chính tỉnh Hưng Yên", True),
    ("Sở KH&ĐT tỉnh Thái Bình", "Sở Tài chính tỉnh Hưng Yên", True),
    ("Sở Giao thông vận tải tỉnh Bắc Giang", "Sở Xây dựng tỉnh Bắc Ninh", True),
    ("Sở Tài nguyên và Môi trường tỉnh Thái Bình", "Sở Nông nghiệp và Môi trường tỉnh Hưng Yên",
     False),
    ("Sở Thông tin và Truyền thông tỉnh Kiên Giang", "Sở Khoa học và Công nghệ tỉnh An Giang", True),
    ("Sở Lao động - Thương binh và Xã hội tỉnh Hà Nam", "Sở Nội vụ tỉnh Ninh Bình", True),
    ("Sở Y tế tỉnh Bà Rịa - Vũng Tàu", "Sở Y tế thành phố Hồ Chí Minh", True),
])
def test_what_a_province_level_agency_becomes(old, new, kept):
    got = successor(load_names(), load_2025(), old)
    assert got is not None and (got.new, got.kept) == (new, kept)


@pytest.mark.parametrize("name", ["Sở Y tế tỉnh Hưng Yên", "Sở Y tế thành phố Hà Nội",
                                  "Trung tâm Y tế tỉnh Thái Bình", "Ủy ban nhân dân xã Vũ Hội"])
def test_agencies_that_go_on_unchanged_or_are_not_known(name):
    assert successor(load_names(), load_2025(), name) is None


@pytest.mark.parametrize(("note", "need", "agency"), [
    ("Điều động về Sở Nội vụ tỉnh Hưng Yên từ 01/7/2025", Need.MOVE, "Sở Nội vụ tỉnh Hưng Yên"),
    ("Dieu dong ve So Noi vu tinh Hung Yen tu 01/7/2025", Need.MOVE, "So Noi vu tinh Hung Yen"),
    ("Chuyển công tác đến UBND xã Thư Vũ", Need.MOVE, "UBND xã Thư Vũ"),
    ("Bố trí tại Văn phòng UBND tỉnh Hưng Yên từ ngày 01/7/2025", Need.MOVE,
     "Văn phòng UBND tỉnh Hưng Yên"),
    ("Luân chuyển sang Sở Tài chính tỉnh Hưng Yên (QĐ 12/QĐ-UBND)", Need.MOVE,
     "Sở Tài chính tỉnh Hưng Yên"),
    ("Sau sắp xếp bố trí công tác tại Sở Y tế tỉnh Hưng Yên.", Need.MOVE, "Sở Y tế tỉnh Hưng Yên"),
    ("chuyển công tác", Need.MOVE, ""),
    ("Nghỉ hưu từ 01/7/2025", Need.LEAVE, ""),
    ("nghi huu", Need.LEAVE, ""),
    ("Thôi việc", Need.LEAVE, ""),
    ("Từ trần", Need.LEAVE, ""),
    ("Hết nhu cầu", Need.NO_LONGER, ""),
    ("Không còn nhu cầu sử dụng", Need.NO_LONGER, ""),
    ("Thôi giữ chức vụ", Need.POSITION, ""),
    ("", Need.NONE, ""),
])
def test_what_a_note_says(note, need, agency):
    assert classify(note) == need
    assert new_agency_in(note) == agency
