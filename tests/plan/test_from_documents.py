"""From the documents a clerk drops to the plan: a decision (.docx, its unaccented copy, its PDF)
read by extract.read, stored with a subscriber list and certificates in a real register, planned.
Rules 16 (a unit transferred) and 14/17 (district officers moved or retired) from the decision's
clauses; superseding of a request not yet issued through the register."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from paperflow import extract
from paperflow.models import Extracted, Incoming, InputKind
from paperflow.plan import build_plan
from paperflow.register import Register
from paperflow.text import strip_diacritics

from .conftest import FOCAL_HY, UB_HY, org, person

UNIT = "Trung tâm Phát triển quỹ đất tỉnh Hưng Yên"
TNMT = "Sở Tài nguyên và Môi trường tỉnh Hưng Yên"
TC = "Sở Tài chính tỉnh Hưng Yên"
TCKH_KX = "Phòng Tài chính - Kế hoạch huyện Kiến Xương"
KX = "Ủy ban nhân dân huyện Kiến Xương"
NV = "Sở Nội vụ tỉnh Hưng Yên"
CLAUSES = (
    f"Điều 1. Chuyển {UNIT} từ {TNMT} về trực thuộc {TC}.",
    f"Điều 2. Điều động ông Nguyễn Văn An, Chuyên viên {TCKH_KX}, đến công tác tại {NV} kể từ "
    "ngày 01/7/2025.",
    f"Điều 3. Bà Trần Thị Bình, Chuyên viên {TCKH_KX}, nghỉ hưu kể từ ngày 01/7/2025.",
)


def ocr_damage(line: str) -> str:
    """What a poor scan does to the clauses: 'Sở' read as 'S6', 'Yên' as 'Yén', marks lost."""
    return line.replace("Sở ", "S6 ").replace("Yên", "Yén").replace("trực thuộc", "truc thuoc")


def make_decision(path: Path, *, bare: bool = False, ocr: bool = False) -> Path:
    import docx
    d = docx.Document()
    for line in ("ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN", "QUYẾT ĐỊNH", "Số: 1520/QĐ-UBND",
                 "Về việc sắp xếp đơn vị sự nghiệp và bố trí công chức", *CLAUSES):
        if line.startswith("Điều"):
            line = strip_diacritics(line) if bare else ocr_damage(line) if ocr else line
        d.add_paragraph(line)
    d.save(path)
    return path


def read(path: Path) -> Extracted:
    data = path.read_bytes()
    return extract.read(Incoming(path=path, sha256=hashlib.sha256(data).hexdigest(),
                                 name=path.name, size=len(data)))


def the_list() -> Extracted:
    pairs = [org(UNIT, "U1", managing=TNMT, token="TU1"),
             person("Vũ Thị Hoa", UNIT, "U2", managing=TNMT),
             person("Nguyễn Văn An", TCKH_KX, "P1", province="Thái Bình", managing=KX,
                    token="TP1"),
             person("Trần Thị Bình", TCKH_KX, "P2", province="Thái Bình", managing=KX,
                    token="TP2")]
    return Extracted(kind=InputKind.SUBSCRIBER_LIST, subscribers=tuple(p[0] for p in pairs),
                     certificates=tuple(p[1] for p in pairs))


def plan_from(settings, decision: Extracted):  # type: ignore[no-untyped-def]
    with Register.open(settings) as reg:
        reg.store(the_list(), source_sha="list", source_name="danh-sach.xlsx")
        reg.store(decision, source_sha="qd", source_name="qd.docx")
        return build_plan(reg.snapshot(), settings, "b")


def check(plan) -> None:  # type: ignore[no-untyped-def]
    got = {a.serial: a for a in plan.actions if a.kind == "certificate"}
    r16 = "275/BCY-CTSBMTT 1.1; 393/BCY-CTSBMTT; NĐ 68/2024 Điều 15"
    assert (got["U1"].action, got["U1"].rule) == ("change_info", r16)
    assert ("O", TNMT, TC) in got["U1"].changes
    assert (got["U2"].action, got["U2"].rule, got["U2"].changes) == (
        "change_info", r16, (("O", TNMT, TC),))
    moved = got["P1"]
    assert (moved.action, moved.rule) == ("change_info", "393/BCY-CTSBMTT; NĐ 68/2024 Điều 15(1)(a)")
    assert dict((k, (o, n)) for k, o, n in moved.changes) == {
        "OU": (TCKH_KX, NV), "O": (KX, UB_HY), "ST": ("Thái Bình", "Hưng Yên")}
    retired = got["P2"]
    assert (retired.action, retired.rule) == ("revoke", "393/BCY-CTSBMTT; NĐ 68/2024 Điều 17(2)(c)")
    toks = {(a.token_serial, a.action): a for a in plan.actions if a.kind == "token"}
    assert set(toks) == {("TP2", "hand_over"), ("TP2", "recall")}
    assert toks[("TP2", "hand_over")].hand_over_to == UB_HY
    assert toks[("TP2", "recall")].hand_over_to == FOCAL_HY


def test_a_decision_docx_through_the_reader_and_the_register(settings, tmp_path):
    check(plan_from(settings, read(make_decision(tmp_path / "qd.docx"))))


@pytest.mark.parametrize("damage", ["bare", "ocr"])
def test_the_unaccented_or_ocr_damaged_copy_gives_the_same_plan(settings, tmp_path, damage):
    clean = plan_from(settings, read(make_decision(tmp_path / "qd.docx")))
    other = settings.__class__(**{**settings.__dict__, "workspace": tmp_path / "w2"})
    (tmp_path / "w2").mkdir()
    copy = plan_from(other, read(make_decision(tmp_path / f"qd-{damage}.docx",
                                               bare=damage == "bare", ocr=damage == "ocr")))
    check(copy)
    assert [(a.kind, a.serial, a.action, a.changes, a.sender, a.rule) for a in copy.actions] == [
        (a.kind, a.serial, a.action, a.changes, a.sender, a.rule) for a in clean.actions]


@pytest.mark.slow
def test_the_pdf_of_the_decision_gives_the_same_plan(settings, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    src = make_decision(tmp_path / "qd.docx")
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(src)],
                   check=True, capture_output=True, timeout=180)
    check(plan_from(settings, read(tmp_path / "pdf" / "qd.pdf")))


def test_a_later_certificate_supersedes_a_request_not_yet_issued(settings):
    from paperflow.models import Certificate, Subscriber
    row = Subscriber("person", "Đỗ Văn Hải", agency="Sở Y tế tỉnh Thái Bình",
                     province="Thái Bình", cert_serial="AB01")
    with Register.open(settings) as reg:
        reg.store(Extracted(kind=InputKind.SUBSCRIBER_LIST, subscribers=(row,)),
                  source_sha="l", source_name="ds.xlsx")
        first = build_plan(reg.snapshot(), settings, "b1")
        assert reg.record_plan(first)
        cert = Certificate("AB01", (("CN", "Đỗ Văn Hải"), ("O", "UBND tỉnh Thái Bình"),
                                    ("ST", "Thái Bình"), ("C", "VN")), "CA", date(2024, 1, 1),
                           date(2029, 1, 1))
        reg.store(Extracted(kind=InputKind.CERTIFICATE, certificates=(cert,)),
                  source_sha="c", source_name="AB01.cer")
        second = build_plan(reg.snapshot(), settings, "b2")
        (a,) = [x for x in second.actions if x.kind == "certificate"]
        assert a.changes == (("O", "UBND tỉnh Thái Bình", UB_HY), ("ST", "Thái Bình", "Hưng Yên"))
        assert any(w.code == "superseded" and "b1" in w.message for w in second.warnings)
        assert reg.record_plan(second)
        from sqlalchemy import select

        from paperflow.register.schema import RequestRow
        with reg.session() as s:
            states = {r.batch: r.state for r in s.scalars(
                select(RequestRow).where(RequestRow.kind == "certificate"))}
        assert states == {"b1": "superseded", "b2": "planned"}
        # signing the earlier batch later issues nothing for that certificate
        assert not [x for x in reg.load_plan("b1").actions if x.serial == "AB01"]
        # the earlier request no longer counts: a third plan repeats nothing, warns nothing
        third = build_plan(reg.snapshot(), settings, "b3")
        assert not any(w.code == "superseded" for w in third.warnings)
