"""External tools failing under a real batch (the bundled example inbox): LibreOffice hanging,
the token unplugged mid-batch, the SMTP server unreachable, the disk full while writing output.
Each must give a clear error, leave nothing half-written visible, and resume."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import harness as h
import pytest

pytestmark = pytest.mark.slow
EXAMPLE = h.REPO / "inbox" / "example"


def example_workspace(tmp_path: Path, **kw) -> Path:
    ws = h.make_workspace(tmp_path / "ws", **kw)
    for f in EXAMPLE.iterdir():
        shutil.copy2(f, ws / "inbox" / f.name)
    return ws


def batches(ws: Path) -> list[Path]:
    return sorted(p for p in (ws / "outbox").iterdir() if p.is_dir() and h.visible(p, ws / "outbox"))


def soffice_bins(ws: Path) -> list[int]:
    return [pid for pid in h.processes_mentioning(ws / ".paperflow" / "lo")
            if Path(f"/proc/{pid}/exe").resolve().name == "soffice.bin"]


def test_libreoffice_hanging_on_a_document(tmp_path):
    """soffice stops answering in the middle of the batch (SIGSTOP, as a hung dialog does):
    the document times out, soffice is killed and restarted, the others are produced, and
    the batch reports the one that failed."""
    ws = example_workspace(tmp_path, convert="workers = 1\ntimeout_s = 8")
    stopped: list[int] = []

    def freeze_once() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not stopped:
            staged = [p for p in (ws / "outbox").glob(".*.partial/*.pdf")]
            if staged:
                for pid in soffice_bins(ws):
                    os.kill(pid, signal.SIGSTOP)
                    stopped.append(pid)
            time.sleep(0.02)

    t = threading.Thread(target=freeze_once)
    t.start()
    run = h.paperflow(ws, "run", "--once")
    t.join()
    for pid in stopped:            # already killed by the converter; never leave one frozen
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    assert stopped, "the test did not manage to freeze soffice"
    out = run.stdout + run.stderr
    assert run.returncode != 0, out
    assert "treo" in out and "hung" in out, out
    (batch,) = batches(ws)
    docx = sorted(batch.glob("*.docx"))
    pdfs = [p for p in batch.glob("*.pdf") if not p.name.endswith(".signed.pdf")]
    assert len(pdfs) == len(docx) - 1, (docx, pdfs)
    assert h.processes_mentioning(ws) == []
    h.record("libreoffice_hang", faults=1, documents=len(docx), produced=len(pdfs))


SIGN_WITH_UNPLUG = """
import os, shutil, sys
from pathlib import Path
from paperflow.config import load_settings
from paperflow import batch
from paperflow.sign import signing
s = load_settings(sys.argv[1])
real, calls = signing.BatchSigner._sign, [0]
def unplug_on_third(self, *a, **k):
    calls[0] += 1
    if calls[0] == 3:      # SoftHSM's token store vanishes: the token is gone for the library
        shutil.move(s.state / "demo-pki" / "tokens", s.state / "demo-pki" / "unplugged")
    return real(self, *a, **k)
signing.BatchSigner._sign = unplug_on_third
r = batch.run_once(s)
print("ERRORS", [e.clerk_message() for e in r.failures])
print("SIGNED", r.signed)
"""


def test_token_unplugged_mid_batch(tmp_path):
    ws = example_workspace(tmp_path)
    env = h.clean_env(PAPERFLOW_PIN=h.PIN)
    run = subprocess.run([sys.executable, "-c", SIGN_WITH_UNPLUG, str(ws / "config.toml")],
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "token" in run.stdout.lower() and "unplugged" in run.stdout, run.stdout
    (batch,) = batches(ws)
    unsigned = [p for p in batch.glob("*.pdf") if not p.name.endswith(".signed.pdf")]
    assert unsigned
    for pdf in unsigned:            # the unsigned PDFs are intact
        assert subprocess.run(["pdfinfo", str(pdf)], capture_output=True).returncode == 0
    assert not [p for p in (ws / "outbox").rglob("*") if h.visible(p, ws / "outbox")
                and (".part" in p.name or ".tmp" in p.name)]
    pki = ws / ".paperflow" / "demo-pki"
    shutil.move(pki / "unplugged", pki / "tokens")             # plugged back in
    sign = h.paperflow(ws, "sign", env=env)
    assert sign.returncode == 0, sign.stdout + sign.stderr
    (batch,) = batches(ws)
    signed = sorted(batch.glob("*.signed.pdf"))
    assert signed
    for pdf in signed:
        out = subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True).stdout
        assert "Signature is Valid" in out and "Digest Mismatch" not in out, out
    h.record("token_unplugged", faults=1, signed_after_resume=len(signed))


def test_smtp_server_unreachable_then_back(tmp_path):
    port = h.free_port()                        # nothing listens there yet
    ws = example_workspace(tmp_path, smtp_port=port)
    run = h.paperflow(ws, "run", "--once")
    out = run.stdout + run.stderr
    assert run.returncode != 0 and "Cannot reach the mail server" in out, out
    assert "Không kết nối được máy chủ thư" in out, out
    mailbox = h.Mailbox()
    with h.smtp_server(mailbox, port=port):
        first = h.paperflow(ws, "send")
        again = h.paperflow(ws, "send")
    assert first.returncode == 0, first.stdout + first.stderr
    assert again.returncode == 0 and "Đã gửi 0 thư" in again.stdout, again.stdout
    mail = h.check_mail(ws, mailbox)
    assert mail["mails_sent"] > 0 and mail["mails_pending"] == 0
    h.record("smtp_unreachable", faults=1, **mail)


def _run_on_full_disk(tmp_path: Path) -> tuple[Path, str, list[Path], list[str]]:
    ws = example_workspace(tmp_path)
    outbox = ws / "outbox"
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(outbox)],
                           capture_output=True, text=True)
    if mount.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {mount.stderr.strip()}")
    try:
        run = h.paperflow(ws, "run", "--once")
        out = run.stdout + run.stderr
        visible = [p for p in outbox.rglob("*") if h.visible(p, outbox)]
        left_hidden = [p.name for p in outbox.iterdir() if not h.visible(p, outbox)]
    finally:
        subprocess.run(["umount", str(outbox)], check=True)
    assert run.returncode != 0, out
    return ws, out, visible, left_hidden


def test_disk_full_leaves_nothing_visible_and_resumes(tmp_path):
    """A 1 MB tmpfs as outbox/ (the batch needs ~3.5 MB): the run fails, no batch folder or
    half-written file is visible, and once there is space the next run produces the batch."""
    ws, out, visible, hidden = _run_on_full_disk(tmp_path)
    assert visible == [], f"half-written output visible: {visible}"
    again = h.paperflow(ws, "run", "--once")          # space freed: the batch is produced
    assert again.returncode == 0, again.stdout + again.stderr
    (batch,) = batches(ws)
    assert (batch / "manifest.json").is_file() and list(batch.glob("*.signed.pdf"))
    h.record("disk_full", faults=1, hidden_left_while_full=len(hidden))


def test_disk_full_gives_a_clear_bilingual_error(tmp_path):
    _ws, out, _visible, _hidden = _run_on_full_disk(tmp_path)
    assert "Internal error" not in out and "Traceback" not in out, out
    assert "full" in out.lower() and ("đầy" in out or "dung lượng" in out), out
