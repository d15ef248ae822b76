"""Documents a clerk sends as they are (issue 14 item 5): read back from the PDF as printed."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from render_plan import HY, NNMT, SYT_TB, UB, person, realistic_plan

from paperflow.models import Action, Plan
from paperflow.render import render_batch


def _text(pdf: Path, *args: str) -> str:
    out = subprocess.run(["pdftotext", *args, str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return " ".join(out.split())


def _pages(pdf: Path) -> list[str]:
    raw = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    return [" ".join(p.split()) for p in raw.split("\f") if p.strip()]


def _doc(rendered, type_, **kw):
    return next(d for d in rendered if d.type == type_
                and all(getattr(d, k) == v for k, v in kw.items()))


def test_mau04_subject_is_the_forms(rendered):
    m04 = _doc(rendered, "dispatch", request="change_info", sender=HY)
    assert m04.subject == ("V/v đề nghị gia hạn, thay đổi nội dung thông tin chứng thư chữ ký "
                           "số chuyên dùng công vụ")


@pytest.mark.slow
def test_reason_columns_speak_the_clerks_language(rendered, pdfs):
    m05 = _doc(rendered, "dispatch", request="revoke")
    table = _text(pdfs[m05.path]).split("Lý do thu hồi", 1)[1]
    assert "Nghỉ hưu" in table and "Cơ quan sáp nhập, hợp nhất" in table
    # neither the plan's sentence nor its rule citation
    assert "thu hồi chứng thư còn lại" not in table and "1.1" not in table
    assert "275/BCY" not in table.split("Nơi nhận")[0]
    recall = next(d for d in rendered if d.type == "handover_tokens"
                  and d.path.name.startswith("BB-thiet-bi"))
    rows = _text(pdfs[recall.path]).split("Lý do", 1)[1]
    assert "Chứng thư đã thu hồi" not in rows and "2.1" not in rows


@pytest.mark.slow
def test_a_draft_for_another_agency_carries_its_header_place_and_signature(rendered, pdfs):
    d = _doc(rendered, "dispatch", sender=SYT_TB)
    text = _text(pdfs[d.path])
    assert "ỦY BAN NHÂN DÂN TỈNH THÁI BÌNH" in text and "SỞ Y TẾ TỈNH THÁI BÌNH" in text
    assert "Thái Bình, ngày 03 tháng 7 năm 2025" in text
    assert "GIÁM ĐỐC" in text and "Nguyễn Văn An" not in text
    # the contact lines are theirs to fill, never our clerk's
    assert "Trần Thị Bình" not in text and "cds.skhcn" not in text


def test_a_commune_draft_is_signed_for_the_peoples_committee(settings, tmp_path):
    from paperflow.render.context import issuer_for, place_of, signature_block
    xa = "Ủy ban nhân dân xã Tân Hưng"
    assert signature_block(xa) == ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    assert place_of(xa) == "Tân Hưng"
    i = issuer_for(settings, xa, UB)
    assert i.managing == "" and i.abbreviation == "UBND" and not i.own
    assert signature_block("Sở Tài chính tỉnh Hưng Yên") == ("", "GIÁM ĐỐC")


@pytest.mark.slow
def test_the_report_goes_to_the_provincial_committee(rendered, pdfs):
    rep = _doc(rendered, "report")
    assert rep.recipient == UB
    text = _text(pdfs[rep.path])
    assert f"Kính gửi: {UB}" in text and "Giám đốc Sở Khoa học" not in text


def test_render_takes_every_recipient_from_the_plan(settings, tmp_path):
    """No report without the plan's report action; the report and a recall's minutes go where
    the plan says, whatever the configured focal points."""
    plan = realistic_plan()
    bare = replace(plan, letters=tuple(a for a in plan.letters if a.kind != "report"))
    assert not any(d.type == "report" for d in render_batch(bare, settings, tmp_path / "a"))
    odd = "Văn phòng Ủy ban nhân dân tỉnh Hưng Yên"
    letters = tuple(replace(a, route_to=odd, to=odd) if a.kind == "report" else a
                    for a in plan.letters)
    docs = render_batch(replace(plan, letters=letters), settings, tmp_path / "b")
    assert _doc(docs, "report").recipient == odd


def test_org_list_is_a_dispatch_numbered_in_the_dispatch_series(settings, tmp_path):
    asked: list[str] = []

    def numbers(doc_type: str) -> str:
        asked.append(doc_type)
        return f"{len(asked):02d}/" + ("SKHCN-CĐS" if doc_type == "dispatch" else
                                      f"{doc_type}-SKHCN")

    docs = render_batch(realistic_plan(), settings, tmp_path, numbers=numbers)
    org = _doc(docs, "org_list")
    assert org.number.endswith("/SKHCN-CĐS") and "DS" not in org.number
    assert "org_list" not in asked and org.subject.startswith("V/v ")


@pytest.mark.slow
def test_dates_are_printed_in_one_style(rendered, pdfs):
    lst = next(d for d in rendered if d.type == "list")
    assert "ngày 03/7/2025" in _text(pdfs[lst.path])
    m04 = _doc(rendered, "list", request="change_info", sender=HY)
    assert "09/3/1980" in _text(pdfs[m04.path])          # a birth date, the same style


@pytest.mark.slow
@pytest.mark.parametrize("officers", [14, 18, 22, 26])
def test_minutes_never_leave_the_signatures_alone_on_a_page(settings, tmp_path, officers):
    """Whatever the number of rows, the last page holds the closing sentence with the
    signatures (no page with only a signature and a stamp)."""
    from paperflow.convert import Converter
    acts = tuple(Action("token", "recall", "275/BCY-CTSBMTT 2.1", "Chứng thư đã thu hồi.",
                        subscriber=person(f"Nguyễn Văn {i:02d}", NNMT, f"77{i:04d}",
                                          token_serial=f"TK{i:04d}"),
                        token_serial=f"TK{i:04d}", sender=NNMT, hand_over_to=HY)
                 for i in range(officers))
    docs = render_batch(Plan("b", acts), settings, tmp_path)
    with Converter(settings) as conv:
        done = conv.convert_documents(docs)
    pages = _pages(done[0].pdf)
    assert len(pages) >= 2
    last = pages[-1]
    assert "ĐẠI DIỆN BÊN NHẬN" in last and "02 bản" in last, last[:300]
