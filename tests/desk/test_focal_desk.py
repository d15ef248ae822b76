"""Issue 14 item 1 (rule 18): a focal-point workspace fed with the requests of several agencies
carries out changes, renewals and restorations at its desk (import sheet, processing register,
a reply to each agency) and aggregates revocations with their tokens into one Mẫu 05 to the Cục;
a request that is not signed as the form requires is listed for follow-up, never carried out.
An agency's own workspace sends its requests to the focal point.

Real parts: LibreOffice renders and converts, pyHanko signs and verifies, the pipeline runs in a
subprocess as a clerk runs it; the results are read back from the PDFs and the sheets."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from desk_sample import FOCAL, STC, SXD, SYT, XA, agency_requests, make_pki
from openpyxl import Workbook, load_workbook
from test_desk_lists import focal_config

pytestmark = pytest.mark.slow
logging.getLogger("pyhanko").setLevel(logging.CRITICAL)


# the focal point's config, its signer signing on behalf of the director, with a CA to trust
MORE = """
[signing]
trust_roots = ["{ca}"]

[mail]
from = "cds.skhcn@hungyen.gov.vn"
ca = "ca@bcy.gov.vn"
"""


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return " ".join(out.split())


def _register_list(path: Path) -> Path:
    """The focal point's own records: the province's subscribers with their tokens and CCCD."""
    wb = Workbook()
    ws = wb.active
    ws.append(["STT", "Họ và tên", "Ngày sinh", "Số CCCD", "Cơ quan", "Chức vụ",
               "Số serial chứng thư", "Số serial thiết bị", "Tỉnh/Thành phố"])
    for n, (name, born, cccd, agency, title, serial, token) in enumerate([
            ("Trần Văn Minh", "09/3/1985", "034085001234", STC, "Phó Giám đốc", "5402B1",
             "TK5401"),
            ("Phạm Quốc Bảo", "01/02/1990", "033099004321", STC, "Trưởng phòng", "5402B3",
             "TK5403"),
            ("Lê Văn Hưu", "05/5/1965", "034065000111", SYT, "Chuyên viên", "6601C1", "TK6601"),
            ("Vũ Thị Lan", "07/7/1988", "034188000222", SYT, "Kế toán", "6601C2", "TK6602"),
            ("Mai Văn Thôi", "08/8/1970", "034070000333", SXD, "Chuyên viên", "8801E1",
             "TK8801")], start=1):
        ws.append([n, name, born, cccd, agency, title, serial, token, "Hưng Yên"])
    for row in ws.iter_rows(min_row=2):
        for c in row:
            c.number_format = "@"
            c.value = str(c.value)
    wb.save(path)
    return path


def _paperflow(ws: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERFLOW_")}
    return subprocess.run([sys.executable, "-m", "paperflow.cli", "--config",
                           str(ws / "config.toml"), *args], cwd=ws, capture_output=True,
                          text=True, timeout=900, env=env)


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    root = tmp_path_factory.mktemp("desk")
    pki = make_pki(root / "pki")
    files = agency_requests(root / "agencies", pki)
    ws = root / "ws"
    init = subprocess.run([sys.executable, "-m", "paperflow.cli", "init", str(ws)],
                          capture_output=True, text=True)
    assert init.returncode == 0, init.stderr
    config = focal_config("PHÓ GIÁM ĐỐC", "KT. GIÁM ĐỐC", MORE.format(ca=pki.ca_pem))
    (ws / "config.toml").write_text(config, encoding="utf-8")
    _register_list(ws / "inbox" / "so-quan-ly-thue-bao.xlsx")
    run = _paperflow(ws, "run", "--once", "--no-sign")
    assert run.returncode == 0, run.stdout + run.stderr
    for f in files:
        (ws / "inbox" / f.name).write_bytes(f.read_bytes())
    run = _paperflow(ws, "run", "--once", "--no-sign")
    assert run.returncode == 0, run.stdout + run.stderr
    batches = sorted(p for p in (ws / "outbox").iterdir() if p.is_dir()
                     and not p.name.startswith("."))
    return ws, batches[-1]


def test_changes_renewals_restorations_are_imported_not_refiled(desk):
    _ws, batch = desk
    names = {p.name for p in batch.iterdir()}
    assert not any(n.startswith(("CV-Mau04", "CV-Mau06")) for n in names), names
    ws = load_workbook(batch / "Template_import_VGCA.xlsx").active
    rows = {r[1]: r for r in ([c.value for c in row] for row in ws.iter_rows(min_row=2))}
    assert set(rows) == {"Trần Văn Minh", "Phạm Quốc Bảo", "Vũ Thị Lan"}
    minh = rows["Trần Văn Minh"]
    assert minh[3] == "034085001234" and minh[2] == "09/3/1985"       # from the register
    assert minh[7:10] == ["ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN", "SỞ TÀI CHÍNH",
                          "PHÒNG KẾ HOẠCH - TÀI CHÍNH"]
    assert rows["Phạm Quốc Bảo"][18] == "Gia hạn"
    assert rows["Vũ Thị Lan"][18] == "Khôi phục thiết bị lưu khóa bí mật"
    assert "Bùi Thị Xuân" not in rows and "Mai Văn Thôi" not in rows   # not carried out


def test_one_mau05_to_the_ca_with_its_tokens(desk):
    _ws, batch = desk
    m05 = sorted(batch.glob("CV-Mau05-*.pdf"))
    m05 = [p for p in m05 if "danh-sach" not in p.name]
    assert len(m05) == 1 and "Cuc-CTSBMTT" in m05[0].name
    text = _text(m05[0])
    assert "Kính gửi: Cục Chứng thực số và Bảo mật thông tin" in text
    assert "Lê Văn Hưu" in text and "6601C1" in text
    assert "Mai Văn Thôi" not in text                 # Sở Xây dựng's request is untrusted
    (minutes,) = [p for p in batch.glob("BB-thiet-bi-*.pdf") if ".signed" not in p.name]
    mt = _text(minutes)
    assert "TK6601" in mt and f"Bên giao: {FOCAL}" in mt and "Cục Chứng thực số" in mt


def test_a_reply_to_each_requesting_agency(desk):
    _ws, batch = desk
    replies = {p: _text(p) for p in batch.glob("CV-tra-loi-*.pdf")}
    assert len(replies) == 5                          # one per request received
    by = {a: [t for t in replies.values() if f"Kính gửi: {a}" in t] for a in (STC, SYT, XA, SXD)}
    assert len(by[STC]) == 1 and len(by[SYT]) == 2 and len(by[XA]) == 1 and len(by[SXD]) == 1
    stc = by[STC][0]
    assert "thông báo kết quả thực hiện đề nghị" in stc and "Số: " in stc
    assert "Đã gia hạn trên Hệ thống đăng ký" in stc and "Trần Văn Minh" in stc
    assert "chưa thực hiện" in by[XA][0] and "không có chữ ký số" in by[XA][0]
    assert "không tin cậy" in by[SXD][0]
    plan = json.loads((batch / "plan.json").read_text(encoding="utf-8"))
    follow = [w["message"] for w in plan["warnings"] if w["code"] == "received_follow_up"]
    assert len(follow) == 2 and any("Xây dựng" in m for m in follow)


def test_the_processing_register_records_each_request(desk):
    _ws, batch = desk
    ws = load_workbook(batch / "So-theo-doi-xu-ly.xlsx").active
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=5)]
    assert len(rows) == 6                             # one per subscriber row received
    by_name = {r[5]: r for r in rows}
    assert by_name["Trần Văn Minh"][1] == STC and by_name["Trần Văn Minh"][2].endswith("/STC-VP")
    assert by_name["Lê Văn Hưu"][7].startswith("Đã tổng hợp đề nghị thu hồi")
    assert by_name["Bùi Thị Xuân"][7] == "Chưa thực hiện"
    assert all(r[8] == "04/7/2025" and r[9] == "Trần Thị Bình" for r in rows)   # when, by whom
    book = _text(batch / "So-theo-doi-xu-ly.pdf")
    assert "SỔ THEO DÕI" in book and "Chưa thực hiện" in book and "Hợp lệ" in book


def test_the_register_keeps_what_was_received_and_done(desk):
    ws, _batch = desk
    from sqlalchemy import create_engine, text
    eng = create_engine(f"sqlite:///{ws / 'paperflow.db'}")
    with eng.connect() as c:
        got = dict(c.execute(text("SELECT sender || ' ' || number, \"check\" "
                                  "FROM received_requests")).all())
        done = c.execute(text("SELECT outcome, done_by FROM processing_register")).all()
    assert got[f"{STC} 12/STC-VP"] == "valid" and got[f"{XA} 16/UBND-VP"] == "unsigned"
    assert len(got) == 5 and sorted(o for o, _ in done).count("follow_up") == 2


def test_an_agency_workspace_sends_its_requests_to_the_focal_point(tmp_path):
    from paperflow.config import AgencySettings, PlanSettings, Settings
    from paperflow.models import Certificate, Subscriber
    from paperflow.plan import build_plan
    from paperflow.register.snapshot import RegisterSnapshot
    from paperflow.render import render_batch
    settings = Settings(workspace=tmp_path, agency=AgencySettings(
        name=STC, abbreviation="STC", province="Hưng Yên", place="Hưng Yên"),
        plan=PlanSettings(today=date(2025, 7, 4), renew_within_days=60,
                          focal_points={"Hưng Yên": FOCAL}))
    s = Subscriber("person", "Phạm Quốc Bảo", agency=STC, province="Hưng Yên",
                   cert_serial="5402B3")
    c = Certificate("5402B3", (("CN", s.name), ("O", STC), ("ST", "Hưng Yên")), "CA",
                    date(2023, 1, 1), date(2025, 8, 1))
    plan = build_plan(RegisterSnapshot(subscribers=(s,), certificates=(c,)), settings, "b")
    (renew,) = [a for a in plan.actions if a.action == "renew"]
    assert renew.route_to == FOCAL and renew.sender == STC
    docs = render_batch(plan, settings, tmp_path / "out")
    m04 = next(d for d in docs if d.type == "dispatch")
    assert m04.recipient == FOCAL and m04.path.name.startswith("CV-Mau04-stc-gui")
    assert not any(d.type in ("register",) or d.request == "reply" for d in docs)
