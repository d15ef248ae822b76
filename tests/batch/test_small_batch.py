"""A whole `paperflow run` then `paperflow approve` on a one-file inbox, fast (stub converter
and token, everything else real): one certificate of an agency the example's config merges.
The other tests here run the whole example inbox and are slow; these keep the batch package —
ingest, produce, the line, review and approval, issue, the typed result — in
`pytest -m "not slow"`."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from stubs import Sessions, wrong_pin

from paperflow import sign
from paperflow.batch import NotSigned, approve, run_once
from paperflow.batch.signing import is_failed_login, open_session
from paperflow.config import load_settings
from paperflow.workspace import init_workspace

CERT = "540101010A1B2C3D.cer"


def test_one_certificate_is_reviewed_then_approved_and_signed_in_one_session(tmp_path) -> None:
    ws = init_workspace(tmp_path / "ws", example=True)
    for f in (ws / "inbox").iterdir():
        if f.is_file() and f.name != CERT:
            f.unlink()
    settings = load_settings(ws / "config.toml")        # as made: nothing signed unreviewed
    # the file is in place before the run: the quiet period (1 s; tests/intake checks it) only waits
    settings = replace(settings, intake=replace(settings.intake, quiet_s=0.05))
    first = run_once(settings, sign_now=True, sessions=(untouched := Sessions()))
    assert first.ok and first.exit_code == 0 and not first.errors
    assert first.not_signed == NotSigned.REVIEW and untouched.opened == []
    assert first.plan is not None and first.plan.actions > 0
    assert (first.folder / "XEM-XET.xlsx").is_file()
    assert all(d.number == "" and d.signed_pdf is None for d in first.documents)
    assert not any(p.is_file() for p in (ws / "inbox").iterdir())               # taken …
    assert [p.name for p in (ws / "archive").rglob("*.cer")][0].endswith(CERT)  # … and kept

    sessions = Sessions()
    result = approve(settings, batch=first.batch, sign_now=True, sessions=sessions)
    assert result.ok and result.exit_code == 0 and result.signed > 0
    (session,) = sessions.opened                        # one login for the batch
    assert session.logins_tried == 1 and session.closed
    manifest = json.loads((first.folder / "manifest.json").read_text("utf-8"))
    assert sum(1 for e in manifest if e["signed"]) == result.signed


def test_the_batch_signs_through_the_sign_stage_and_never_retries_a_refused_login(tmp_path: Path):
    settings = load_settings(init_workspace(tmp_path / "ws", example=True) / "config.toml")
    session = open_session(settings)
    try:
        assert isinstance(session, sign.BatchSession) and session.sessions_opened == 0
    finally:
        session.close()
    assert is_failed_login(wrong_pin())
    assert not is_failed_login(sign.TokenAbsent("token_absent", label="officer", extra="", module="x.so"))
