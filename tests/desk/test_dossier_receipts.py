"""Issue 14 item 2 (rule 7; 275/BCY-CTSBMTT §3.2): the receiving agency's receipt of the
dossiers a merged agency handed over is recorded (`paperflow desk receipt`), kept in the
register, and `status` and the web page list the hand-overs still waiting for one."""

from __future__ import annotations

import json
import threading
import urllib.request
from dataclasses import replace
from datetime import date
from pathlib import Path

from sqlalchemy import text
from test_desk_lists import focal_workspace

from paperflow.cli import main
from paperflow.config import load_settings
from paperflow.models import Certificate, MergeEvent, MergeKind, Subscriber
from paperflow.plan import build_plan
from paperflow.register import Register
from paperflow.register.snapshot import RegisterSnapshot
from paperflow.render import render_batch

UB = "Ủy ban nhân dân tỉnh Hưng Yên"
KHDT, STC = "Sở Kế hoạch và Đầu tư tỉnh Hưng Yên", "Sở Tài chính tỉnh Hưng Yên"


def org(name: str, serial: str) -> tuple[Subscriber, Certificate]:
    s = Subscriber("organization", name, agency=name, managing_agency=UB, province="Hưng Yên",
                   cert_serial=serial)
    return s, Certificate(serial, (("CN", name), ("O", UB), ("L", "Hưng Yên")), "CA",
                          date(2023, 1, 1), date(2028, 1, 1))


def handed_over(tmp_path: Path) -> tuple[Path, object]:
    """A batch whose plan hands Sở KH&ĐT's dossiers over to Sở Tài chính (rule 2 + rule 7),
    rendered, numbered and recorded as the batch records it."""
    ws, settings = focal_workspace(tmp_path)
    settings = replace(settings, agency=replace(settings.agency, name=STC, abbreviation="STC"))
    pairs = [org(KHDT, "A1"), org(STC, "A2")]
    snap = RegisterSnapshot(
        subscribers=tuple(p[0] for p in pairs), certificates=tuple(p[1] for p in pairs),
        merge_events=(MergeEvent(MergeKind.MERGE_KEEP, (KHDT, STC), STC,
                                 decision="QĐ 1/QĐ-UBND"),))
    plan = build_plan(snap, settings, "b1")
    assert [a for a in plan.actions if a.kind == "dossier" and a.action == "hand_over"]
    given = iter(range(5, 99))
    folder = settings.outbox / "b1"
    docs = render_batch(plan, settings, folder, numbers=lambda t: f"{next(given):02d}/X-STC")
    with Register.open(settings) as reg:
        reg.record_plan(plan)
        reg.record_documents("b1", docs, folder)
    (minutes,) = [d for d in docs if d.type == "handover_dossiers"]
    return ws, minutes


def page(settings_path: Path) -> str:
    from paperflow.serve import make_server
    srv = make_server(load_settings(settings_path), host="127.0.0.1", port=0)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        port = srv.server_address[1]
        req = urllib.request.Request(f"http://127.0.0.1:{port}/",
                                     headers={"Host": f"127.0.0.1:{port}"})
        return urllib.request.urlopen(req, timeout=30).read().decode()
    finally:
        srv.shutdown()
        srv.server_close()


def test_a_hand_over_waits_for_its_receipt_until_recorded(tmp_path, capsys):
    ws, minutes = handed_over(tmp_path)
    cfg = ["--config", str(ws / "config.toml")]
    assert main([*cfg, "status"]) == 0
    out = capsys.readouterr().out
    assert "Bàn giao hồ sơ chờ cơ quan nhận xác nhận: 1" in out and minutes.number in out
    assert main([*cfg, "status", "--json"]) == 0
    (waiting,) = json.loads(capsys.readouterr().out)["awaiting_receipt"]
    assert waiting["number"] == minutes.number and waiting["receiver"] == STC
    assert "chờ cơ quan nhận xác nhận" in page(ws / "config.toml")

    assert main([*cfg, "desk", "receipt", "b1", "--by", "Lê Thị Nhận",
                 "--date", "31/02/2025"]) != 0                      # no such day
    assert "không đúng dạng" in capsys.readouterr().err
    assert main([*cfg, "desk", "receipt", minutes.number, "--by", "Lê Thị Nhận",
                 "--date", "15/07/2025"]) == 0
    assert "Lê Thị Nhận" in capsys.readouterr().out
    with Register.open(load_settings(ws / "config.toml")) as reg, reg.engine.connect() as c:
        got = c.execute(text("SELECT number, receiver, received_by, received_on FROM "
                             "dossier_receipts")).all()
    assert [(n, r, b, str(d)) for n, r, b, d in got] == [
        (minutes.number, STC, "Lê Thị Nhận", "2025-07-15")]
    assert main([*cfg, "status"]) == 0
    assert "chờ cơ quan nhận xác nhận" not in capsys.readouterr().out
    assert "chờ cơ quan nhận xác nhận" not in page(ws / "config.toml")


def test_an_unknown_hand_over_is_said(tmp_path, capsys):
    ws, _minutes = handed_over(tmp_path)
    assert main(["--config", str(ws / "config.toml"), "desk", "receipt", "99/BB-X", "--by",
                 "A", "--date", "15/07/2025"]) != 0
    err = capsys.readouterr().err
    assert "Không có biên bản bàn giao hồ sơ" in err and "b1" in err
