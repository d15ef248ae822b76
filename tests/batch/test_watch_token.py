"""`watch` with the demo SoftHSM token and a wrong PAPERFLOW_PIN: exactly one failed login
across batches (issue 16: a real token locks after a few), drafts still produced, and the
watcher says signing stopped. Stub converter; the token and its library are real."""

from __future__ import annotations

import shutil
import time

import pytest

from paperflow.batch import NotSigned, Watcher
from paperflow.config import load_settings
from paperflow.sign.demo import ensure_demo_pki
from paperflow.sign.tokens import LOGINS
from paperflow.workspace import init_workspace

pytestmark = pytest.mark.slow


def _lists_first(self, take, done) -> None:
    """The stub converter handing over every list before any letter: the seal's attachments
    reach the signer first (the order a busy machine often gives)."""
    items = []
    while (item := take()) is not None:
        items.append(item)
    lists = [it for it in items if it[1].type == "list"]
    logins = LOGINS.attempts
    for tag, d in lists:
        done(tag, self._one(d))
    deadline = time.monotonic() + 20        # until the signer has taken the lists alone
    while lists and LOGINS.attempts == logins and time.monotonic() < deadline:
        time.sleep(0.02)
    for tag, d in items:
        if d.type != "list":
            done(tag, self._one(d))


@pytest.mark.parametrize("order", ["as_rendered", "lists_first"])
def test_a_wrong_pin_is_one_failed_login_for_the_whole_watch(tmp_path, monkeypatch, order,
                                                             stub_converter) -> None:
    if order == "lists_first":
        monkeypatch.setattr(stub_converter, "convert_stream", _lists_first)
    ws = init_workspace(tmp_path / "ws", example=True, demo=True)
    settings = load_settings(ws / "config.toml")
    assert settings.plan.auto_approve               # the demo signs at once
    monkeypatch.delenv("PAPERFLOW_PIN", raising=False)
    ensure_demo_pki(settings)                       # the token made with its own PIN first
    monkeypatch.setenv("PAPERFLOW_PIN", "000000")
    decision = settings.inbox / "quyet-dinh-sap-xep-co-quan.docx"
    held = shutil.move(decision, ws / decision.name)
    seen, results = [], []
    watcher = Watcher(settings, progress=seen.append, on_batch=results.append)
    start = (LOGINS.attempts, LOGINS.failed)
    watcher.batch()
    shutil.move(held, decision)                     # more files: a second batch
    watcher.batch()
    failed = LOGINS.failed - start[1]
    succeeded = LOGINS.attempts - start[0] - failed
    # one refused login of the officer's token over both batches; the seal's token (its own
    # PIN) logs in once when its attachments reach the line first
    # (as rendered, a list may still reach the signer first by timing: then the seal logs in)
    assert failed == 1 and (succeeded == 1 if order == "lists_first" else succeeded <= 1), (
        failed, succeeded)
    first = results[0].sign_error
    assert type(first).__name__ == "WrongPin", (first, repr(first.__cause__))
    # the second batch is planned and produced as a draft, also after the seal signed lists
    # (their signed copies must not make the first batch's requests look signed)
    assert [r.not_signed for r in results] == [NotSigned.FAILED, NotSigned.STOPPED], [
        " ".join(e.kind for e in seen if e.kind != "step")]
    assert all(r.documents and r.signed == 0 for r in results)
    assert [e.kind for e in seen].count("sign_paused") == 2
