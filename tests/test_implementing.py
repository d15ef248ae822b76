"""Issue 5 end to end, as a clerk runs it: the central dispatch 275/BCY-CTSBMTT dropped into
the inbox as .docx becomes a signed provincial implementing dispatch (real LibreOffice, the
demo SoftHSM token, SQLite); a second run, or the same dispatch dropped again, makes nothing."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest

from clerk import batches, init, paperflow, pdf_text

pytestmark = pytest.mark.slow
SEED = Path(__file__).parent / "extract" / "data" / "central" / "275.txt"
SUBJECT = ("tăng cường công tác quản lý, sử dụng dịch vụ chữ ký số chuyên dùng công vụ trong "
           "quá trình sắp xếp tổ chức bộ máy của hệ thống chính trị")


def seed_docx(out: Path, *, extra: str = "") -> Path:
    import docx

    d = docx.Document()
    for line in SEED.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d.add_paragraph(line.strip())
    if extra:
        d.add_paragraph(extra)
    d.save(out)
    return out


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Path:
    ws = init(tmp_path_factory.mktemp("ws"), "--demo")
    seed_docx(ws / "inbox" / "CV 275-BCY-CTSBMTT.docx")
    run = paperflow(ws, "run", "--once")
    assert run.returncode == 0, run.stdout + run.stderr
    return ws


def test_the_implementing_dispatch_is_made_signed_and_held_for_mail(ws):
    (batch,) = batches(ws)
    plan = json.loads((batch / "plan.json").read_text(encoding="utf-8"))
    (action,) = plan["actions"]
    assert (action["kind"], action["action"]) == ("dispatch", "implement")
    assert action["rule"] == "NĐ 30/2020; 275/BCY-CTSBMTT"
    assert action["central"]["date"] == "2025-05-16"
    manifest = json.loads((batch / "manifest.json").read_text(encoding="utf-8"))
    files = manifest.get("files", manifest) if isinstance(manifest, dict) else manifest
    signed = [e for e in files if e["type"] == "dispatch" and e["request"] == "implement"
              and e["path"].endswith(".signed.pdf")]
    assert len(signed) == 1 and signed[0]["signed"]
    text = pdf_text(batch / signed[0]["path"], joined=True)
    assert "Văn bản số 275/BCY-CTSBMTT ngày 16/5/2025 của Ban Cơ yếu Chính phủ" in text
    assert SUBJECT in text
    for point in ("1. Về quản lý, sử dụng chứng thư chữ ký số chuyên dùng công vụ",
                  "1.1. Chứng thư chữ ký số của cơ quan, tổ chức",
                  "2.2. Cán bộ, công chức, viên chức khi không còn nhu cầu",
                  "4. Về sử dụng Hệ thống thông tin đăng ký",
                  "5. Về việc đẩy mạnh phân cấp"):
        assert point in text, point
    assert "- UBND các xã, phường." in text
    # our own number, not the central one
    assert re.search(r"Số: 01/SKHCN-CĐS", text)
    pdfsig = subprocess.run(["pdfsig", str(batch / signed[0]["path"])], capture_output=True,
                            text=True)
    assert "Signature is Valid" in pdfsig.stdout      # pdfsig exits 0 even when it is not
    # no e-mail address for "the province's agencies": the mail is held, not sent
    db = sqlite3.connect(ws / "paperflow.db")
    states = db.execute("select state from mail_log where batch = ?", (batch.name,)).fetchall()
    assert states == [("held",)]


def test_nothing_new_on_a_second_run_or_the_same_dispatch_again(ws):
    again = paperflow(ws, "run", "--once")
    assert again.returncode == 0 and len(batches(ws)) == 1
    # another copy (other bytes, same number and date) is the same central dispatch
    seed_docx(ws / "inbox" / "cv275-ban-chuyen-tiep.docx", extra="(bản chuyển tiếp)")
    third = paperflow(ws, "run", "--once")
    assert third.returncode == 0, third.stdout + third.stderr
    assert len(batches(ws)) == 1
    assert (ws / "archive").exists() and not list((ws / "inbox").glob("*.docx"))
