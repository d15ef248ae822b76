"""Child processes never inherit paperflow's secrets (PINs, SMTP login, the register URL).

What another local user or a crash reporter could read is /proc/<pid>/environ of every program
paperflow starts: the LibreOffice UNO workers and their soffice, soffice in batch mode, the OCR
tools. Each is checked on the real process."""

from __future__ import annotations

import os
from pathlib import Path
from secrets import token_hex

import pytest

from paperflow.childenv import child_env, is_secret
from paperflow.convert import Converter
from paperflow.convert._soffice import soffice_env
from paperflow.extract import tools

SECRETS = {
    "PAPERFLOW_PIN": f"Pf{token_hex(5)}",
    "PAPERFLOW_ORG_PIN": f"Po{token_hex(5)}",
    "PAPERFLOW_SMTP_USER": f"clerk{token_hex(3)}",
    "PAPERFLOW_SMTP_PASSWORD": f"Pw{token_hex(6)}",
    "PAPERFLOW_P12_PASSWORD": f"P12{token_hex(4)}",
    "PAPERFLOW_REGISTER_URL": f"postgresql://u:Db{token_hex(4)}@db/paperflow",
    "PGPASSWORD": f"Pg{token_hex(4)}",
}


@pytest.fixture
def secret_env(monkeypatch):
    for k, v in SECRETS.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("LANG", "C.UTF-8")
    return SECRETS


def leaked(environ: bytes) -> list[str]:
    return [k for k, v in SECRETS.items() if v.encode() in environ]


def test_the_child_environment_has_no_secret_and_keeps_the_rest(secret_env):
    env = child_env({"HOME": "/tmp/x"})
    assert not leaked("\0".join(f"{k}={v}" for k, v in env.items()).encode())
    assert env["LANG"] == "C.UTF-8" and env["HOME"] == "/tmp/x" and "PATH" in env
    assert is_secret("GITHUB_TOKEN") and is_secret("PIN") and not is_secret("PINENTRY_X")
    assert not is_secret("SOFTHSM2_CONF") and not is_secret("PATH")
    assert not leaked("\0".join(f"{k}={v}" for k, v in soffice_env(Path("/tmp")).items())
                      .encode())


def test_ocr_tools_run_without_the_secrets(secret_env):
    # `env` stands for pdftoppm/tesseract: started by the same helper, it prints what it got.
    out = tools._run(["env"], timeout=30, what="in môi trường").stdout
    assert b"PATH=" in out
    assert leaked(out) == []


def _descendants(pid: int) -> list[int]:
    kids: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            kids += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return kids + [g for k in kids for g in _descendants(k)]


@pytest.mark.slow
def test_libreoffice_workers_and_soffice_have_no_secret_in_proc_environ(secret_env, tmp_path):
    from paperflow.config import ConvertSettings, Settings

    settings = Settings(workspace=tmp_path, convert=ConvertSettings(workers=1, timeout_s=60.0))
    with Converter(settings) as conv:
        conv.warm_up()
        children = _descendants(os.getpid())
        environs = {}
        for pid in children:
            try:
                environs[pid] = (Path(f"/proc/{pid}/environ").read_bytes(),
                                 Path(f"/proc/{pid}/cmdline").read_bytes())
            except OSError:
                continue
    started = [cmd for _env, cmd in environs.values() if b"soffice" in cmd or b"uno" in cmd]
    assert started, "no LibreOffice process was started"
    assert {pid: leaked(env) for pid, (env, _c) in environs.items() if leaked(env)} == {}
