"""The Đồng Nai case through the commands a clerk types (slow: LibreOffice and the demo token):
`run` stops for review, `approve` numbers and signs, `status` counts; the documents carry the
right spellings and the summary every warning."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from clerk import PIN, batches, init, paperflow, pdf_text

from . import inputs as i

pytestmark = pytest.mark.slow


def _dong_nai(ws: Path) -> None:
    """The demo workspace made Sở KHCN tỉnh Đồng Nai, the province's focal point, with review."""
    cfg = ws / "config.toml"
    text = cfg.read_text(encoding="utf-8")
    head, sep, tail = text.partition("[intake]")
    head = head.replace("Hưng Yên", "Đồng Nai").replace("hungyen", "dongnai")
    head = re.sub(r"auto_approve = true.*", "auto_approve = false", head)
    cfg.write_text(head + sep + tail, encoding="utf-8")


def test_run_approve_status_as_a_clerk_of_đồng_nai(tmp_path):
    ws = init(tmp_path / "ws", "--demo")
    _dong_nai(ws)
    i.drop_all(ws / "inbox")
    run = paperflow(ws, "run", env=PIN)
    assert run.returncode == 0, run.stderr
    assert "Đã nhận 7 tệp" in run.stdout and "bị từ chối 0" in run.stdout
    assert "paperflow approve" in run.stdout           # nothing numbered before review
    (folder,) = batches(ws)
    review = pdf_text(folder / "XEM-XET.pdf", joined=True)
    assert "Ủy ban nhân dân huyện Đồng Phú" in review and "Uy ban nhan dan huyen" not in review

    approved = paperflow(ws, "approve", env=PIN)
    assert approved.returncode == 0, approved.stderr
    (folder,) = batches(ws)
    summary = pdf_text(folder / "TOM-TAT-LO.pdf", joined=True)
    assert "Lưu ý của kế hoạch" in summary
    assert "Le Van Nam" in summary and "Tran Thi Lan" in summary
    # the focal point files the revocations with the Cục (rule 18), signed, right spellings
    (mau05,) = folder.glob("**/2-gui-di/So-*_CV-Mau05-*-danh-sach.signed.pdf")   # numbered
    rows = pdf_text(mau05, joined=True)
    for name in ("Ủy ban nhân dân huyện Đồng Phú", "Ủy ban nhân dân huyện Bù Đăng",
                 "Sở Y tế tỉnh Bình Phước", "Ủy ban nhân dân xã Tân Tiến"):
        assert name in rows, name
    assert "Uy ban nhan dan" not in rows and "So Y te" not in rows
    verified = paperflow(ws, "verify", str(mau05))
    assert verified.returncode == 0, verified.stdout + verified.stderr

    status = paperflow(ws, "status")
    assert status.returncode == 0, status.stderr


def test_a_certificate_file_dropped_a_batch_later_supersedes_the_draft(tmp_path):
    ws = init(tmp_path / "ws", "--demo")
    _dong_nai(ws)
    i.exported_list(ws / "inbox" / "xuat.xlsx")
    assert paperflow(ws, "run", env=PIN).returncode == 0        # drafts, awaiting review
    i.certificate(ws / "inbox" / "tran-thi-lan.cer", 0x5A05, (
        ("CN", "Trần Thị Lan"), ("T", "Chuyên viên"), ("OU", i.PHONG), ("O", i.HUYEN),
        ("ST", i.BP), ("C", "VN")))
    second = paperflow(ws, "run", env=PIN)
    assert second.returncode == 0, second.stderr
    first, later = batches(ws)
    plan = json.loads((later / "plan.json").read_text(encoding="utf-8"))
    (lan,) = [a for a in plan["actions"] if a.get("serial") == "5A05"
              and a["kind"] == "certificate"]
    # recomputed from the certificate actually issued: every attribute, right spellings
    assert lan["changes"] == {"OU": [i.PHONG, i.STC_DN], "O": [i.HUYEN, i.UB_DN],
                              "ST": [i.BP, i.DN]}
    assert any(w["code"] == "superseded" and "Trần Thị Lan" in w["message"]
               and first.name in w["message"] for w in plan["warnings"])
