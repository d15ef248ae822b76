"""Issue 14 item 4: the provincial implementing dispatch — for the UBND tỉnh to sign or for
the Sở KHCN, adapted (routed through the focal point, its contact, the province's date, the Tỉnh
ủy office), made from the clean copy, an OCR copy never numbered or signed without review."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from docx import Document

from paperflow.config import AgencySettings, PlanSettings, Settings
from paperflow.models import CentralDispatch
from paperflow.plan import build_plan
from paperflow.register.snapshot import RegisterSnapshot
from paperflow.render import render_batch

FOCAL = "Sở Khoa học và Công nghệ tỉnh Hưng Yên"
C275 = CentralDispatch(
    "275/BCY-CTSBMTT", date(2025, 5, 16), "Ban Cơ yếu Chính phủ",
    "quản lý chứng thư chữ ký số khi sắp xếp tổ chức bộ máy",
    (("1.", "Về chứng thư của cơ quan, tổ chức …"), ("2.", "Về thiết bị lưu khóa bí mật …")),
    source="275.docx")
C275_OCR = replace(C275, points=(("1.", "Ve chung thu cua co quan …"),), source="275-scan.pdf",
                   ocr=True)


def settings(tmp_path: Path, **plan) -> Settings:
    return Settings(workspace=tmp_path, agency=AgencySettings(
        name=FOCAL, managing="Ủy ban nhân dân tỉnh Hưng Yên", abbreviation="SKHCN",
        drafting_unit="CĐS", place="Hưng Yên", province="Hưng Yên", signer_name="Nguyễn Văn An",
        signer_title="PHÓ GIÁM ĐỐC", signer_authority="KT. GIÁM ĐỐC", contact_name="Trần Thị Bình",
        contact_phone="0221 3 888 999", contact_email="cds.skhcn@hungyen.gov.vn"),
        plan=PlanSettings(today=date(2025, 7, 2), focal_points={"Hưng Yên": FOCAL}, **plan))


def _text(path: Path) -> str:
    d = Document(str(path))
    return " ".join([p.text for p in d.paragraphs]
                    + [c.text for t in d.tables for r in t.rows for c in r.cells])


def _numbers(_t: str) -> str:
    return "07/SKHCN-CĐS"


def test_the_clean_copy_is_passed_on_when_both_are_dropped(tmp_path):
    s = settings(tmp_path)
    plan = build_plan(RegisterSnapshot(central_dispatches=(C275_OCR, C275)), s, "b")
    (a,) = [x for x in plan.actions if x.kind == "dispatch"]
    assert not a.central.ocr and a.central.source == "275.docx"
    assert not [w for w in plan.warnings if w.code == "central_ocr"]
    (doc,) = [d for d in render_batch(plan, s, tmp_path / "o", numbers=_numbers)]
    assert doc.number == "07/SKHCN-CĐS" and s.agency.is_us(doc.sender)


def test_an_ocr_copy_alone_is_a_draft_for_review(tmp_path):
    s = settings(tmp_path)
    plan = build_plan(RegisterSnapshot(central_dispatches=(C275_OCR,)), s, "b")
    assert [w for w in plan.warnings if w.code == "central_ocr"]
    (doc,) = render_batch(plan, s, tmp_path / "o", numbers=_numbers)
    assert doc.number == ""                              # never numbered …
    assert not s.agency.is_us(doc.sender)                # … nor signed (not ours as it is)
    text = _text(doc.path)
    assert "BẢN NHÁP TỪ BẢN QUÉT (OCR)" in text and "07/SKHCN" not in text


def test_drafted_for_the_provincial_committee_to_sign(tmp_path):
    s = settings(tmp_path, implementing_signer="ubnd")
    plan = build_plan(RegisterSnapshot(central_dispatches=(C275,)), s, "b")
    (a,) = plan.actions
    assert a.sender == "Ủy ban nhân dân tỉnh Hưng Yên"
    (doc,) = render_batch(plan, s, tmp_path / "o", numbers=_numbers)
    assert doc.number == "" and doc.sender == "Ủy ban nhân dân tỉnh Hưng Yên"
    text = _text(doc.path)
    assert "TM. ỦY BAN NHÂN DÂN" in text and "KT. CHỦ TỊCH" in text and "PHÓ CHỦ TỊCH" in text
    assert "/UBND-" in text and "Hưng Yên, ngày 02 tháng 7 năm 2025" in text
    # adapted: routed through the focal point, its contact, the province's date, the Tỉnh ủy
    assert f"giao {FOCAL} là đầu mối" in text and "Trần Thị Bình" in text
    assert "0221 3 888 999" in text and "từ ngày 01/7/2025" in text
    assert "Văn phòng Tỉnh ủy" in text and f"{FOCAL} (đầu mối)" in text
    assert "Nguyễn Văn An" not in text                   # the UBND's signer fills it in


def test_issued_by_the_focal_point_itself_by_default(tmp_path):
    s = settings(tmp_path)
    (doc,) = render_batch(build_plan(RegisterSnapshot(central_dispatches=(C275,)), s, "b"), s,
                          tmp_path / "o", numbers=_numbers)
    text = _text(doc.path)
    assert "KT. GIÁM ĐỐC" in text and "Nguyễn Văn An" in text and "Số: 07/SKHCN-CĐS" in text
    assert "Trần Thị Bình" in text and "Văn phòng Tỉnh ủy" in text
