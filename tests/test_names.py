"""File names a clerk reads: whole words, never a name cut in the middle of a word."""

from __future__ import annotations

import pytest

from paperflow.text import slug


@pytest.mark.parametrize(("name", "limit", "expected"), [
    ("Sở Kế hoạch và Đầu tư tỉnh Hưng Yên", 30, "so-ke-hoach-va-dau-tu-tinh"),
    ("Sở Tài nguyên và Môi trường tỉnh Hưng Yên", 30, "so-tai-nguyen-va-moi-truong"),
    ("Sở Tài chính tỉnh Hưng Yên", 30, "so-tai-chinh-tinh-hung-yen"),        # fits: whole
    ("Sở Tài chính", 12, "so-tai-chinh"),                                   # exactly the limit
    ("Ủybannhândântỉnh", 8, "uybannha"),                                   # one long word: cut
])
def test_a_long_name_is_cut_after_a_whole_word(name, limit, expected):
    got = slug(name, limit=limit)
    assert got == expected and len(got) <= limit
