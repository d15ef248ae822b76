"""A batch interrupted mid-line is produced again by the next run; the watcher stops signing
after a refused login and keeps producing drafts."""

from __future__ import annotations

import shutil

import pytest
from stubs import Crash, Sessions, StubConverter, wrong_pin

from paperflow.batch import NotSigned, run_once
from paperflow.batch.run import Watcher


def test_a_batch_that_died_mid_line_is_produced_again_with_its_plan(settings) -> None:
    StubConverter.crash_after = 3
    with pytest.raises(Crash):
        run_once(settings, sign_now=False)
    (staging,) = [p for p in settings.outbox.iterdir()]
    assert staging.name.startswith(".") and staging.name.endswith(".partial")   # never visible
    StubConverter.crash_after = None
    seen = []
    result = run_once(settings, sign_now=False, progress=seen.append)
    assert len(result.resumed) == 1
    batch = result.resumed[0]
    assert (settings.outbox / batch / "manifest.json").is_file()
    assert ("resumed", batch) in [(e.kind, e.batch) for e in seen]
    assert result.folder is None            # its actions were planned: no second batch
    assert sorted(p.name for p in settings.outbox.iterdir() if not p.name.startswith(".")) \
        == [batch]


def test_the_watcher_stops_signing_after_a_refused_login_and_says_so(settings,
                                                                    monkeypatch) -> None:
    monkeypatch.setenv("PAPERFLOW_PIN", "000000")      # a wrong PIN in the environment
    decision = settings.inbox / "quyet-dinh-sap-xep-co-quan.docx"
    held = shutil.move(decision, settings.workspace / decision.name)     # arrives later
    sessions = Sessions(fail=wrong_pin())
    seen, results = [], []
    w = Watcher(settings, progress=seen.append, on_batch=results.append, sessions=sessions)
    w.batch()
    assert results[-1].not_signed == NotSigned.FAILED and sessions.logins_tried == 1
    assert "sign_paused" in [e.kind for e in seen]
    shutil.move(held, decision)                         # more files arrive: a new batch
    w.batch()
    second = results[-1]
    assert second.batch and second.batch != results[0].batch and second.documents
    assert second.not_signed == NotSigned.STOPPED and second.sign_error is None
    assert sessions.logins_tried == 1 and len(sessions.opened) == 1     # never tried again
    assert all(d.signed_pdf is None for r in results for d in r.documents)
