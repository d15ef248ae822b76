"""Secrets: a full batch with known PINs and SMTP password; neither may appear in any log,
output, database, token store or temporary file (plain, UTF-16, base64, AUTH PLAIN forms).
They travel only where they must: to the token library and in the SMTP AUTH exchange."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from secrets import token_hex

import harness as h
import pytest
from aiosmtpd.smtp import AuthResult

pytestmark = pytest.mark.slow

# Made at run time, so no source file (nor a copy of this one in /tmp) holds them.
PIN, ORG_PIN = f"Pf{token_hex(5)}", f"Po{token_hex(5)}"
USER, PASSWORD = "clerk-cds", f"Pw-{token_hex(6)}-vn"


def forms(secret: str) -> list[bytes]:
    raw = secret.encode()
    plain = f"\0{USER}\0{secret}".encode()
    return [raw, secret.encode("utf-16-le"), base64.b64encode(raw), base64.b64encode(plain),
            base64.b64encode(raw).rstrip(b"=")]


def files_under(root: Path) -> list[Path]:
    out = []
    for dirpath, _dirs, names in os.walk(root):
        for n in names:
            p = Path(dirpath) / n
            if p.is_file() and not p.is_symlink():
                out.append(p)
    return out


def test_no_secret_is_written_anywhere(tmp_path):
    logins: list[str] = []

    def check(server, session, envelope, mechanism, auth_data):  # aiosmtpd authenticator
        ok = auth_data.login.decode() == USER and auth_data.password.decode() == PASSWORD
        logins.append(mechanism)
        return AuthResult(success=ok, handled=False)

    mailbox = h.Mailbox()
    env = h.clean_env(PAPERFLOW_PIN=PIN, PAPERFLOW_ORG_PIN=ORG_PIN, PAPERFLOW_SMTP_USER=USER,
                      PAPERFLOW_SMTP_PASSWORD=PASSWORD)
    tmp = Path(tempfile.gettempdir())
    before = {p for p in tmp.iterdir()}
    started = time.time()
    with h.smtp_server(mailbox, authenticator=check, auth_require_tls=False) as port:
        ws = h.make_workspace(tmp_path / "ws", smtp_port=port, env=env)   # PKI with these PINs
        for f in (h.REPO / "inbox" / "example").iterdir():
            (ws / "inbox" / f.name).write_bytes(f.read_bytes())
        run = h.paperflow(ws, "run", "--once", env=env)
        sign = h.paperflow(ws, "sign", env=env)
        status = h.paperflow(ws, "status", env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert logins and mailbox.ids, "the batch was not mailed with SMTP AUTH"
    assert list((ws / "outbox").rglob("*.signed.pdf")), "nothing was signed with the PINs"

    where: list[Path] = files_under(ws)
    for p in tmp.iterdir():         # what appeared in /tmp during the run (other than ours)
        if p in before or p == tmp_path or tmp_path.is_relative_to(p):
            continue
        try:
            if p.stat().st_mtime >= started - 1:
                where += files_under(p) if p.is_dir() else [p]
        except OSError:
            continue
    secrets = {name: forms(value) for name, value in
               (("PIN", PIN), ("ORG_PIN", ORG_PIN), ("SMTP password", PASSWORD))}
    found = []
    scanned = 0
    for p in where:
        try:
            data = p.read_bytes()
        except OSError:
            continue
        scanned += 1
        for name, variants in secrets.items():
            if any(v in data for v in variants):
                found.append((name, str(p)))
    streams = run.stdout + run.stderr + sign.stdout + sign.stderr + status.stdout + status.stderr
    for name, value in (("PIN", PIN), ("ORG_PIN", ORG_PIN), ("SMTP password", PASSWORD)):
        if value in streams:
            found.append((name, "stdout/stderr"))
    assert not found, found
    assert (ws / "paperflow.db").is_file() and any(p.suffix == ".log" for p in where)
    h.record("secrets", files_scanned=scanned, secrets=3, forms_each=len(forms(PIN)),
             found=len(found))


def test_processes_show_no_pin_in_their_command_line(tmp_path):
    """What `ps` shows other users while paperflow runs: no PIN in any of its processes'
    argument lists (the demo PKI is made beforehand; its softhsm2-util calls are the demo's)."""
    env = h.clean_env(PAPERFLOW_PIN=PIN, PAPERFLOW_ORG_PIN=ORG_PIN)
    ws = h.make_workspace(tmp_path / "ws", env=env)
    for f in (h.REPO / "inbox" / "example").iterdir():
        (ws / "inbox" / f.name).write_bytes(f.read_bytes())
    proc = subprocess.Popen([sys.executable, "-m", "paperflow.cli", "--config",
                             str(ws / "config.toml"), "run", "--once"], cwd=ws, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = 0
    while proc.poll() is None:
        for pid in h.processes_mentioning(ws) + [proc.pid]:
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            seen += 1
            assert PIN.encode() not in cmd and ORG_PIN.encode() not in cmd, cmd
        time.sleep(0.05)
    assert proc.returncode == 0, proc.stderr.read().decode()[-2000:]
    h.record("secrets_ps", process_snapshots=seen)
