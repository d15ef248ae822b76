"""Dates, numbers and symbols as Nghị định 30/2020 writes them."""

from __future__ import annotations

from datetime import date

import pytest

from paperflow.config import Settings
from paperflow.render import context as C


@pytest.mark.parametrize("d, words", [
    (date(2025, 1, 5), "ngày 05 tháng 01 năm 2025"),
    (date(2025, 2, 28), "ngày 28 tháng 02 năm 2025"),
    (date(2025, 3, 1), "ngày 01 tháng 3 năm 2025"),
    (date(2025, 12, 31), "ngày 31 tháng 12 năm 2025"),
])
def test_date_words_leading_zeros(d, words):
    assert C.date_words(d) == words


@pytest.mark.parametrize("name, abbr", [
    ("Sở Tài chính tỉnh Hưng Yên", "STC"),
    ("Sở Nông nghiệp và Môi trường tỉnh Hưng Yên", "SNNMT"),
    ("Sở Y tế tỉnh Thái Bình", "SYT"),
    ("Đài Phát thanh và Truyền hình", "ĐPTTH"),
])
def test_abbreviate(name, abbr):
    assert C.abbreviate(name) == abbr


def test_draft_number_leaves_room_and_issued_number_comes_from_register(tmp_path):
    own = C.own_issuer(Settings(workspace=tmp_path))
    text, issued = C.number_symbol(own, "dispatch", None)
    assert text.endswith("/SKHCN-CĐS") and text.startswith("\u00a0" * 6) and issued == ""
    assert C.number_symbol(own, "handover_tokens", None)[0].endswith("/BB-SKHCN")
    assert C.number_symbol(own, "report", None)[0].endswith("/BC-SKHCN")
    asked = []
    text, issued = C.number_symbol(own, "dispatch", lambda t: asked.append(t) or "07/SKHCN-CĐS")
    assert (text, issued, asked) == ("07/SKHCN-CĐS", "07/SKHCN-CĐS", ["dispatch"])


def test_another_senders_draft_is_never_numbered_by_our_register(tmp_path):
    s = Settings(workspace=tmp_path)
    other = C.issuer_for(s, "Sở Y tế tỉnh Thái Bình", "Ủy ban nhân dân tỉnh Thái Bình")
    assert not other.own and other.managing == "Ủy ban nhân dân tỉnh Thái Bình"
    text, issued = C.number_symbol(other, "dispatch", lambda t: "99/X")
    assert issued == "" and text.endswith("/SYT-VP")
    assert C.issuer_for(s, "", "").own
    assert C.issuer_for(s, "SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH HƯNG YÊN", "").own
