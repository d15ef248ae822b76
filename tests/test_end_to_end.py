"""The main job end to end on the bundled example, as a clerk runs it: real LibreOffice,
a real SoftHSM2 token through PKCS#11, SQLite, checked by pyHanko's validator and poppler's pdfsig.

Runs `paperflow` in a subprocess (SoftHSM reads its config once per process, and this is how a
clerk runs it)."""

from __future__ import annotations

import email
import hashlib
import json
import subprocess
from email import policy

import pytest

from clerk import EXAMPLE, batches, init, paperflow

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    ws = init(tmp_path_factory.mktemp("ws"), "--example", "--demo")
    run = paperflow(ws, "run", "--once")
    return ws, run, batches(ws)


def plan_of(batches):
    return json.loads((batches[0] / "plan.json").read_text(encoding="utf-8"))


def action_for(plan, serial, kind="certificate"):
    return [a for a in plan["actions"] if a["kind"] == kind and a.get("serial") == serial]


def test_run_succeeds_and_makes_one_batch(demo):
    _ws, run, batches = demo
    assert run.returncode == 0, run.stdout + run.stderr
    assert len(batches) == 1
    assert "DEMO" in (run.stdout + run.stderr).upper()


def test_bad_file_is_quarantined_with_a_bilingual_reason(demo):
    ws, _run, _b = demo
    rejected = ws / "inbox" / "rejected" / "bang-tinh-hong.xlsx"
    assert rejected.read_bytes() == (EXAMPLE / "bang-tinh-hong.xlsx").read_bytes()
    reason = (ws / "inbox" / "rejected" / "bang-tinh-hong.xlsx.error.txt").read_text("utf-8")
    assert any(ch in reason for ch in "ăâđêôơư") and any(w in reason.lower() for w in ("file", "workbook"))


def test_originals_archived_unmodified(demo):
    ws, _run, _b = demo
    archived = {hashlib.sha256(p.read_bytes()).hexdigest()
                for p in (ws / "archive").rglob("*") if p.is_file()}
    for f in EXAMPLE.iterdir():
        if f.name != "bang-tinh-hong.xlsx":
            assert hashlib.sha256(f.read_bytes()).hexdigest() in archived, f.name
    left = [p for p in (ws / "inbox").rglob("*") if p.is_file() and "rejected" not in p.parts]
    assert left == []


def test_plan_applies_rules_1_2_and_4(demo):
    _ws, _run, batches = demo
    plan = plan_of(batches)
    # Rule 2: Sở KH&ĐT merged into Sở Tài chính, which keeps its name: revoke KH&ĐT's, keep STC's.
    assert [a["action"] for a in action_for(plan, "540101010A1B2C3D")] == ["revoke"]
    assert all(a["action"] == "keep" for a in action_for(plan, "540101010A1B2C3E"))
    # Rule 1: TN&MT + NN&PTNT → new name; the longest-valid certificate (TN&MT, 2028) changes
    # to the new name, the other is revoked.
    (change,) = action_for(plan, "540101010A1B2C3F")
    assert change["action"] == "change_info"
    assert change["changes"]["CN"][1] == "Sở Nông nghiệp và Môi trường tỉnh Hưng Yên"
    assert [a["action"] for a in action_for(plan, "540101010A1B2C40")] == ["revoke"]
    # Rule 4: the retired officer's certificate is revoked, the others' details change.
    assert [a["action"] for a in action_for(plan, "540101010A1B2C42")] == ["revoke"]
    (lan,) = action_for(plan, "540101010A1B2C41")
    assert lan["action"] == "change_info" and "Sở Tài chính" in lan["changes"]["O"][1]
    for a in plan["actions"]:
        assert a["rule"] and a["reason"]


def test_dispatch_pdf_reads_as_a_state_format_dispatch(demo):
    _ws, _run, batches = demo
    manifest = json.loads((batches[0] / "manifest.json").read_text(encoding="utf-8"))
    files = manifest["files"] if isinstance(manifest, dict) else manifest
    dispatches = [f for f in files if f["type"] == "dispatch" and f["path"].endswith(".pdf")]
    assert dispatches
    text = subprocess.run(["pdftotext", "-layout", str(batches[0] / dispatches[0]["path"]), "-"],
                          capture_output=True, text=True, check=True).stdout
    for part in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số:",
                 "V/v", "Kính gửi", "Nơi nhận", "Như trên"):
        assert part in text, part
    for f in files:
        assert hashlib.sha256((batches[0] / f["path"]).read_bytes()).hexdigest() == f["sha256"]


def signed_pdfs(batches):
    return sorted(p for p in batches[0].rglob("*.signed.pdf"))


def test_signed_pdfs_are_valid_for_pdfsig(demo):
    _ws, _run, batches = demo
    pdfs = signed_pdfs(batches)
    assert pdfs
    for pdf in pdfs:
        out = subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True).stdout
        assert "Signature is Valid" in out, out
        assert "Total document signed" in out, out
        assert "Digest Mismatch" not in out


def test_paperflow_verify_accepts_signed_and_rejects_unsigned(demo):
    ws, _run, batches = demo
    pdfs = signed_pdfs(batches)
    ok = paperflow(ws, "verify", *map(str, pdfs))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    unsigned = next(p for p in batches[0].rglob("*.pdf") if not p.name.endswith(".signed.pdf"))
    bad = paperflow(ws, "verify", str(unsigned))
    assert bad.returncode != 0


def test_a_mail_to_the_ca_carries_the_signed_dispatch(demo):
    _ws, _run, batches = demo
    emls = sorted(batches[0].rglob("*.eml"))
    assert emls
    msgs = [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in emls]
    to_ca = [m for m in msgs if "ca@bcy.gov.vn" in str(m["To"])]
    assert to_ca
    names = [part.get_filename() for part in to_ca[0].iter_attachments()]
    assert any(n and n.endswith(".signed.pdf") for n in names), names


def test_second_run_makes_nothing_new(demo):
    ws, _run, _batches = demo
    again = paperflow(ws, "run", "--once")
    assert again.returncode == 0
    batches = [p for p in (ws / "outbox").iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert len(batches) == 1


def test_status_shows_the_batch(demo):
    ws, _run, _batches = demo
    out = paperflow(ws, "status", "--json")
    assert out.returncode == 0, out.stderr
    json.loads(out.stdout)
