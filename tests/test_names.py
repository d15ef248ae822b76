"""File names a clerk reads: whole words, never a name cut in the middle of a word; an issued
document's files carry its number."""

from __future__ import annotations

import pytest

from paperflow.text import (
    draft_stem,
    names_file,
    number_tag,
    numbered_stem,
    safe_filename,
    slug,
    unique_name,
    whole_words,
)


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


# --- the document number in a file name (issue 18 item 7) ---------------------------------


@pytest.mark.parametrize(("number", "tag"), [
    ("58/SKHCN-CĐS", "So-0058-SKHCN-CDS"),          # the slash and Đ slugged once, case kept
    ("07/BB-SKHCN", "So-0007-BB-SKHCN"),
    ("Số: 1234/BC-SNNMT", "So-1234-BC-SNNMT"),       # as a clerk may type it
    ("", ""),                                        # a draft: no prefix
])
def test_a_number_becomes_a_sortable_prefix(number, tag):
    assert number_tag(number) == tag


def test_numbers_sort_as_numbers_in_a_folder():
    names = [numbered_stem("CV-x", f"{n}/SKHCN-CĐS") for n in (9, 58, 101, 1002)]
    assert sorted(names) == names


def test_a_numbered_stem_is_its_drafts_name_behind_the_number():
    stem = numbered_stem("CV-Mau04-skhcn-gui-Cuc-CTSBMTT", "58/SKHCN-CĐS")
    assert stem == "So-0058-SKHCN-CDS_CV-Mau04-skhcn-gui-Cuc-CTSBMTT"
    assert draft_stem(stem) == "CV-Mau04-skhcn-gui-Cuc-CTSBMTT"
    assert numbered_stem(stem, "58/SKHCN-CĐS") == stem          # the number once
    assert numbered_stem("BC-tong-hop", "") == "BC-tong-hop"
    for draft in ("So-theo-doi-xu-ly", "Template_import_VGCA", "TOM-TAT-LO"):
        assert draft_stem(draft) == draft                       # no number to take off


def test_sign_only_accepts_the_drafts_name_the_file_name_or_the_number():
    stem = "So-0058-SKHCN-CDS_CV-Mau05-skhcn-gui-Cuc-CTSBMTT"
    for wanted in ("CV-Mau05-skhcn-gui-Cuc-CTSBMTT", "CV-Mau05-skhcn-gui-Cuc-CTSBMTT.pdf",
                   "cv-mau05-skhcn-gui-cuc-ctsbmtt.DOCX", f"{stem}.signed.pdf",
                   r"D:\hoso\outbox\lo\CV-Mau05-skhcn-gui-Cuc-CTSBMTT.pdf", "58/SKHCN-CĐS"):
        assert names_file(stem, "58/SKHCN-CĐS", [wanted]), wanted
    for other in ("CV-Mau05-skhcn-gui-Cuc-CTSBMTT-danh-sach", "CV-Mau05", "59/SKHCN-CĐS"):
        assert not names_file(stem, "58/SKHCN-CĐS", [other]), other


def test_unique_names_are_decided_on_the_drafts_part():
    used: set[str] = set()
    first = unique_name("CV-x", ".docx", used)
    second = unique_name(numbered_stem("CV-x", "58/SKHCN-CĐS"), ".docx", used)
    assert (first, second) == ("CV-x.docx", "So-0058-SKHCN-CDS_CV-x-2.docx")
    assert unique_name("cv-X", ".docx", used) == "cv-X-3.docx"         # Windows ignores case


def test_long_names_are_cut_at_whole_words_and_device_names_avoided():
    long = "CV-Mau04-skhcn-gui-" + "-".join(["so-nong-nghiep-va-moi-truong"] * 5)
    name = unique_name(long, ".docx", set())
    assert len(name) <= 95 and long.startswith(name.removesuffix(".docx") + "-")
    assert whole_words("abc-defgh", 6) == "abc" and whole_words("abcdefgh", 4) == "abcd"
    assert safe_filename("CON") == "_CON" and safe_filename("nul.txt") == "_nul.txt"
    assert safe_filename("console") == "console"
