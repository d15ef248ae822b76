"""Issue 14 item 1: a received request whose list of subscribers came as a file of its own
("CV-123-SYT.pdf" and "DS-kem-CV-123-SYT.xlsx", or a list whose title names the dispatch) is
joined to it — not listed as `no_rows` — and a list that names no dispatch received, or several,
is said to the clerk, never joined by a guess. Real readers, a real register, the import sheet
read back (no LibreOffice)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date
from pathlib import Path

import docx
from openpyxl import Workbook, load_workbook

from paperflow import extract
from paperflow.config import AgencySettings, PlanSettings, Settings
from paperflow.extract.received import list_reference, same_dispatch
from paperflow.models import Incoming
from paperflow.plan import build_plan
from paperflow.register import Register
from paperflow.render import render_batch

FOCAL = "Sở Khoa học và Công nghệ tỉnh Hưng Yên"
SYT = "Sở Y tế tỉnh Hưng Yên"
STC = "Sở Tài chính tỉnh Hưng Yên"


def focal_settings(ws: Path) -> Settings:
    return Settings(workspace=ws, agency=AgencySettings(
        name=FOCAL, managing="Ủy ban nhân dân tỉnh Hưng Yên", abbreviation="SKHCN",
        drafting_unit="CĐS", place="Hưng Yên", province="Hưng Yên", signer_name="Nguyễn Văn An",
        signer_title="GIÁM ĐỐC", contact_name="Trần Thị Bình", contact_phone="0221",
        contact_email="cds@hungyen.gov.vn"),
        plan=PlanSettings(today=date(2025, 7, 4), focal_points={"Hưng Yên": FOCAL}))


def dispatch(path: Path, sender: str, number: str) -> Path:
    """A Mẫu 04 dispatch whose table is not in it ("danh sách kèm theo")."""
    d = docx.Document()
    caps = sender.upper()
    for line in ("ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN", caps, f"Số: {number}",
                 "V/v đề nghị gia hạn, thay đổi nội dung thông tin chứng thư chữ ký số",
                 "Hưng Yên, ngày 01 tháng 7 năm 2025",
                 f"Kính gửi: {FOCAL}",
                 f"{sender} đề nghị thay đổi nội dung thông tin chứng thư chữ ký số của các thuê "
                 "bao theo danh sách kèm theo.",
                 f"{sender} cam kết các thông tin nêu trên là đúng sự thật./.",
                 "GIÁM ĐỐC", "Đỗ Thị Y"):
        d.add_paragraph(line)
    d.save(str(path))
    return path


def attached_list(path: Path, title: str | None, rows: list[tuple[str, str, str]]) -> Path:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append(["DANH SÁCH ĐỀ NGHỊ THAY ĐỔI NỘI DUNG THÔNG TIN"])
        ws.append([title])
    ws.append(["STT", "Họ và tên", "Số serial chứng thư số", "Cơ quan", "Nội dung đề nghị"])
    for n, (name, serial, what) in enumerate(rows, start=1):
        ws.append([str(n), name, serial, SYT, what])
    wb.save(path)
    return path


def store(reg: Register, files: list[Path], *, signed: bool = True) -> None:
    """As intake stores them; a dispatch counts as signed by its head and seal (the check the
    slow tests make with real signatures: verify_received keeps "no_rows" with the signer)."""
    for f in files:
        data = f.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        got = extract.read(Incoming(path=f, sha256=sha, name=f.name, size=len(data)))
        if signed and got.received and got.received[0].check == "no_rows":
            got = replace(got, received=(replace(got.received[0], signer="Đỗ Thị Y"),))
        reg.store(got, source_sha=sha, source_name=f.name)


def test_the_reference_a_list_carries():
    assert list_reference("DS-kem-CV-123-SYT") == "123/SYT"
    assert list_reference("(Kèm theo Công văn số 123/SYT-VP ngày 01/7/2025 của Sở Y tế)") \
        == "123/SYT-VP"
    assert list_reference("Danh sach kem theo 45") == "45"
    assert list_reference("Danh sách thuê bao tháng 7") == ""
    assert same_dispatch("123/SYT", "123/SYT-VP") and same_dispatch("123", "123/SYT-VP")
    assert not same_dispatch("123/STC", "123/SYT-VP") and not same_dispatch("12/SYT", "123/SYT-VP")


def test_a_list_filed_apart_is_joined_to_its_dispatch(tmp_path):
    settings = focal_settings(tmp_path)
    files = [dispatch(tmp_path / "CV-123-SYT.docx", SYT, "123/SYT-VP"),
             attached_list(tmp_path / "DS-kem-CV-123-SYT.xlsx", None, [
                 ("Vũ Thị Lan", "6601C2", "Thay đổi thông tin: Đơn vị: Phòng A → Phòng B"),
                 ("Lê Văn Hưu", "6601C1", "Gia hạn")])]
    with Register.open(settings) as reg:
        store(reg, files)
        (got,) = reg.snapshot().received
        plan = build_plan(reg.snapshot(), settings, "b1")
    assert got.check == "valid" and got.number == "123/SYT-VP"
    assert [(q.request, q.subscriber.name) for q in got.rows] == [
        ("change_info", "Vũ Thị Lan"), ("renew", "Lê Văn Hưu")]
    assert got.source == "CV-123-SYT.docx"
    assert {q.source for q in got.rows} == {"DS-kem-CV-123-SYT.xlsx"}
    assert not [w for w in plan.warnings if w.code in ("received_follow_up", "received_list")]
    (desk,) = [a for a in plan.actions if a.kind == "desk"]
    assert desk.action == "carried_out" and desk.to == SYT
    docs = render_batch(plan, settings, tmp_path / "out")
    sheet = next(d.path for d in docs if d.path.name == "Template_import_VGCA.xlsx")
    names = {r[1] for r in load_workbook(sheet).active.iter_rows(min_row=2, values_only=True)}
    assert names == {"Vũ Thị Lan", "Lê Văn Hưu"}


def test_a_list_whose_title_names_the_dispatch_may_come_first(tmp_path):
    settings = focal_settings(tmp_path)
    lst = attached_list(tmp_path / "danh-sach.xlsx",
                        "(Kèm theo Công văn số 123/SYT-VP ngày 01/7/2025 của Sở Y tế)",
                        [("Vũ Thị Lan", "6601C2", "Gia hạn")])
    with Register.open(settings) as reg:
        store(reg, [lst])                       # the list alone: it waits, said once a run
        plan = build_plan(reg.snapshot(), settings, "b1")
        (w,) = [w for w in plan.warnings if w.code == "received_list"]
        assert "chưa nhận được công văn số 123/SYT-VP" in w.message
        store(reg, [dispatch(tmp_path / "CV-123.docx", SYT, "123/SYT-VP")])
        (got,) = reg.snapshot().received
    assert got.check == "valid" and [q.subscriber.name for q in got.rows] == ["Vũ Thị Lan"]


def test_an_ambiguous_list_is_said_not_guessed(tmp_path):
    settings = focal_settings(tmp_path)
    files = [dispatch(tmp_path / "CV-123-SYT.docx", SYT, "123/SYT-VP"),
             dispatch(tmp_path / "CV-123-STC.docx", STC, "123/STC-VP"),
             attached_list(tmp_path / "DS-kem-CV-123.xlsx", None,
                           [("Vũ Thị Lan", "6601C2", "Gia hạn")])]
    with Register.open(settings) as reg:
        store(reg, files)
        snap = reg.snapshot()
        plan = build_plan(snap, settings, "b1")
    assert sorted(r.check for r in snap.received) == ["list", "no_rows", "no_rows"]
    (w,) = [w for w in plan.warnings if w.code == "received_list"]
    assert "khớp nhiều công văn" in w.message and "123/STC-VP" in w.message
    assert not [a for a in plan.actions if a.kind == "certificate"]
    follow = [w for w in plan.warnings if w.code == "received_follow_up"]
    assert len(follow) == 2 and all("DS-kem-CV-123-SYT" in w.message for w in follow)


def test_an_unsigned_dispatch_stays_unsigned_when_its_list_joins(tmp_path):
    settings = focal_settings(tmp_path)
    files = [dispatch(tmp_path / "CV-123-SYT.docx", SYT, "123/SYT-VP"),
             attached_list(tmp_path / "DS-kem-CV-123-SYT.xlsx", None,
                           [("Vũ Thị Lan", "6601C2", "Gia hạn")])]
    with Register.open(settings) as reg:
        store(reg, files, signed=False)
        (got,) = reg.snapshot().received
    assert got.rows and got.check == "no_rows"     # not verified as signed: never carried out


def test_an_agency_s_own_list_stays_its_list(tmp_path):
    settings = replace(focal_settings(tmp_path), agency=AgencySettings(
        name=SYT, abbreviation="SYT", province="Hưng Yên", place="Hưng Yên"))
    lst = attached_list(tmp_path / "ds.xlsx", "(Kèm theo Công văn số 12/SYT-VP)",
                        [("Vũ Thị Lan", "6601C2", "Gia hạn")])
    with Register.open(settings) as reg:
        store(reg, [lst])
        snap = reg.snapshot()
        plan = build_plan(snap, settings, "b1")
    assert [s.name for s in snap.subscribers] == ["Vũ Thị Lan"]
    assert not [w for w in plan.warnings if w.code.startswith("received")]


def focal_config(signer_title: str = "GIÁM ĐỐC", signer_authority: str | None = None,
                 more: str = "") -> str:
    """The Hưng Yên focal point's config.toml (test_focal_desk.py adds its signer's authority and
    the signing and mail sections as `more`)."""
    authority = f'signer_authority = "{signer_authority}"\n' if signer_authority else ""
    return f"""
[agency]
name = "Sở Khoa học và Công nghệ tỉnh Hưng Yên"
managing = "Ủy ban nhân dân tỉnh Hưng Yên"
abbreviation = "SKHCN"
drafting_unit = "CĐS"
place = "Hưng Yên"
province = "Hưng Yên"
signer_name = "Nguyễn Văn An"
signer_title = "{signer_title}"
{authority}contact_name = "Trần Thị Bình"
contact_phone = "0221 3 888 999"
contact_email = "cds.skhcn@hungyen.gov.vn"

[plan]
today = 2025-07-04

[plan.focal_points]
"Hưng Yên" = "Sở Khoa học và Công nghệ tỉnh Hưng Yên"
{more}"""


def focal_workspace(tmp_path: Path) -> tuple[Path, Settings]:
    from paperflow.config import load_settings
    from paperflow.workspace import init_workspace
    ws = init_workspace(tmp_path / "ws")
    (ws / "config.toml").write_text(focal_config(), encoding="utf-8")
    return ws, load_settings(ws / "config.toml")


def store_scan(reg: Register, path: Path) -> None:
    """A hand-signed, stamped request as a scan: the text OCR gives (read_received sees
    doc.ocr and decides "scan" from it)."""
    from paperflow.extract.documents import read_docx
    from paperflow.extract.received import read_received
    from paperflow.models import Extracted, InputKind
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    doc = replace(read_docx(path), ocr=True)
    got = read_received(doc, source=path.name, sha256=sha)
    reg.store(Extracted(kind=InputKind.RECEIVED_REQUEST, received=(got,)), source_sha=sha,
              source_name=path.name)


def test_a_scan_waits_for_the_clerk_then_is_carried_out(tmp_path, capsys):
    from sqlalchemy import text

    from paperflow.cli import main
    ws, settings = focal_workspace(tmp_path)
    scan = dispatch(tmp_path / "CV-45-SYT-scan.docx", SYT, "45/SYT-VP")
    lst = attached_list(tmp_path / "DS-kem-CV-45-SYT.xlsx", None,
                        [("Vũ Thị Lan", "6601C2", "Gia hạn")])
    with Register.open(settings) as reg:
        store_scan(reg, scan)
        store(reg, [lst])
        before = build_plan(reg.snapshot(), settings, "b1")
    assert not [a for a in before.actions if a.kind == "certificate"]      # never by itself
    (follow,) = [w.message for w in before.warnings if w.code == "received_follow_up"]
    assert "bản quét" in follow
    cfg = ["--config", str(ws / "config.toml")]
    assert main([*cfg, "desk", "list"]) == 0
    listed = capsys.readouterr().out
    assert "45/SYT-VP" in listed and "bản quét, chờ đối chiếu" in listed and "desk accept" in listed
    assert "danh sách kèm theo / list filed apart: DS-kem-CV-45-SYT.xlsx" in listed
    assert main([*cfg, "desk", "accept", "45/STC-VP"]) != 0               # no such request
    assert "Không có văn bản" in capsys.readouterr().err
    assert main([*cfg, "desk", "accept", "45", "--by", "Nguyễn Thị Văn Thư"]) == 0
    assert "Nguyễn Thị Văn Thư đối chiếu văn bản số 45/SYT-VP" in capsys.readouterr().out
    with Register.open(settings) as reg:
        with reg.engine.connect() as c:
            by, at = c.execute(text("SELECT accepted_by, accepted_at FROM received_requests "
                                    "WHERE number = '45/SYT-VP'")).one()
        assert by == "Nguyễn Thị Văn Thư" and at is not None
        after = build_plan(reg.snapshot(), settings, "b2")
    (desk,) = [a for a in after.actions if a.kind == "desk"]
    assert desk.action == "carried_out"
    check = desk.changes[2]
    assert check[:2] == ("check", "accepted") and "Nguyễn Thị Văn Thư" in check[2]
    docs = render_batch(after, settings, tmp_path / "out")
    sheet = next(d.path for d in docs if d.path.name == "Template_import_VGCA.xlsx")
    names = [r[1] for r in load_workbook(sheet).active.iter_rows(min_row=2, values_only=True)]
    assert names == ["Vũ Thị Lan"]
    book = next(d.path for d in docs if d.type == "register")
    book_text = " ".join(p.text for t in docx.Document(str(book)).tables for r in t.rows
                         for p in r.cells)
    assert "văn thư đã đối chiếu bản giấy (Nguyễn Thị Văn Thư" in book_text


def test_only_a_scan_can_be_accepted(tmp_path, capsys):
    from paperflow.cli import main
    ws, settings = focal_workspace(tmp_path)
    with Register.open(settings) as reg:
        store(reg, [dispatch(tmp_path / "CV-7-STC.docx", STC, "7/STC-VP")], signed=False)
    assert main(["--config", str(ws / "config.toml"), "desk", "accept", "7/STC-VP"]) != 0
    assert "không phải bản quét" in capsys.readouterr().err
