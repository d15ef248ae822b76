"""`paperflow run` through the batch package, with a stub converter and a stub token session:
what a clerk checks — which documents are drafts, which are signed, how many logins, which
exit code a failure gives."""

from __future__ import annotations

import json

import pytest
from stubs import Crash, Sessions, StubConverter, wrong_pin

from paperflow.batch import NotSigned, run_once, sign_pending
from paperflow.errors import ConversionError, ExitCode
from paperflow.register import Register


def _ours(settings, result):
    return [d for d in result.documents if settings.agency.is_us(d.sender) and d.pdf]


def test_one_session_signs_every_document_of_ours_and_only_ours(settings, sessions) -> None:
    result = run_once(settings, sign_now=True, sessions=sessions)
    assert result.ok and result.exit_code == 0
    (session,) = sessions.opened                        # one session for the whole batch
    assert session.closed and session.logins_tried == 1
    assert result.sessions_opened == 2                  # officer + agency, once each
    ours = _ours(settings, result)
    assert ours and all(d.signed_pdf is not None and d.signed_pdf.is_file() for d in ours)
    theirs = [d for d in result.documents if not settings.agency.is_us(d.sender)]
    assert theirs and all(d.signed_pdf is None for d in theirs)     # drafts for others
    assert sorted(session.signed) == sorted(d.signed_pdf.name for d in ours)
    assert session.threads == {"line-sign"}             # one thread uses the token
    assert result.plan is not None and result.plan.actions > 0
    assert (result.folder / "TOM-TAT-LO.pdf").is_file()     # converted on the batch's converter


def test_without_a_pin_the_batch_is_drafts_and_no_session_is_opened(settings, sessions) -> None:
    result = run_once(settings, sign_now=False, sessions=sessions)
    assert result.ok and result.not_signed == NotSigned.DEFERRED
    assert sessions.opened == [] and result.signed == 0
    manifest = json.loads((result.folder / "manifest.json").read_text("utf-8"))
    assert not any(e["signed"] for e in manifest)


def test_a_conversion_failure_keeps_its_class_and_exit_code(settings, sessions) -> None:
    StubConverter.failing = {"BC-tong-hop.docx"}
    result = run_once(settings, sign_now=True, sessions=sessions)
    assert [type(e) for e in result.errors] == [ConversionError]
    assert result.sign_error is None and result.signed > 0      # signing is not blamed
    assert result.exit_code == ExitCode.CONVERSION
    report = next(d for d in result.documents if d.type == "report")
    assert report.pdf is None


def test_a_wrong_pin_is_one_failed_login_and_the_batch_stays_drafts(settings) -> None:
    sessions = Sessions(fail=wrong_pin())
    result = run_once(settings, sign_now=True, sessions=sessions)
    assert type(result.sign_error).__name__ == "WrongPin"
    assert result.exit_code == ExitCode.SIGNING and result.not_signed == NotSigned.FAILED
    assert sessions.logins_tried == 1                   # never tried again in the batch
    assert result.folder is not None and all(d.signed_pdf is None for d in result.documents)


def test_sign_issues_what_waits_from_the_register_then_nothing_waits(settings) -> None:
    drafts = run_once(settings, sign_now=False)
    with Register.open(settings) as reg:
        waiting = reg.awaiting_signature(drafts.batch, settings.outbox, settings.agency.is_us)
    assert waiting
    (settings.outbox / drafts.batch / "manifest.json").unlink()   # the register decides
    sessions = Sessions()
    signed = sign_pending(settings, sessions=sessions)
    assert signed.signed == len(waiting) and len(sessions.opened) == 1
    with Register.open(settings) as reg:
        assert reg.awaiting_signature(drafts.batch, settings.outbox, settings.agency.is_us) == []
    again = Sessions()
    seen = []
    assert sign_pending(settings, batch=drafts.batch, sessions=again,
                        progress=seen.append).signed == 0
    assert "already_issued" in [e.kind for e in seen] and again.logins_tried == 0


def test_sign_names_a_missing_batch_with_a_usage_error(settings) -> None:
    from paperflow.errors import BatchNotFound

    with pytest.raises(BatchNotFound) as caught:
        sign_pending(settings, batch="20990101-nowhere-001", sessions=Sessions())
    assert caught.value.exit_code == ExitCode.USAGE


def test_a_batch_another_process_is_producing_is_not_resumed_here(settings) -> None:
    """The batch lock (.paperflow/locks/batch-<name>.lock) keeps two watchers from producing one
    batch: a planned batch without its folder is left alone while another holds its lock."""
    from paperflow.locks import exclusive

    StubConverter.crash_after = 0
    with pytest.raises(Crash):
        run_once(settings, sign_now=False)
    StubConverter.crash_after = None
    with Register.open(settings) as reg:
        (batch,) = reg.batch_names()
    with exclusive(settings.state / "locks", f"batch-{batch}"):     # another process at work
        assert run_once(settings, sign_now=False).resumed == ()
        assert not (settings.outbox / batch).exists()
    assert run_once(settings, sign_now=False).resumed == (batch,)
    assert (settings.outbox / batch / "manifest.json").is_file()


def test_what_a_reader_warns_about_reaches_the_result(settings) -> None:
    """A date that is no date (31/06/2027) is reported by the list reader: the batch keeps the
    warning, with the file it came from, and the file's reading report."""
    import openpyxl

    path = settings.inbox / "danh-sach-thue-bao-2025.xlsx"
    wb = openpyxl.load_workbook(path)
    wb.active.cell(row=8, column=10).value = "31/06/2027"
    wb.save(path)
    result = run_once(settings, sign_now=False)
    said = [w for w in result.warnings if w.source == path.name]
    assert said and any("31/06/2027" in w.message for w in said), result.warnings
    assert path.name in [r.source for r in result.reports]


def test_a_batch_recorded_again_from_its_manifest_keeps_its_numbered_report(settings,
                                                                          sessions) -> None:
    """A kill between the batch folder's rename and the register's record: reconcile records
    the documents from manifest.json — the numbered report (BC) included, only the batch's
    summary (TOM-TAT-LO, no number) left out."""
    import sqlite3

    from paperflow.batch.reconcile import reconcile

    result = run_once(settings, sign_now=True, sessions=sessions)
    assert result.ok

    def recorded() -> set[tuple[str, str, str, bool]]:
        with Register.open(settings) as reg:
            return {(d.path.name, d.type, d.number, d.signed_pdf is not None)
                    for d in reg.documents(result.batch, settings.outbox)}

    before = recorded()
    assert any(t == "report" and n for _p, t, n, _s in before)     # BC-… numbered, recorded
    assert not any(p.startswith("TOM-TAT-LO") for p, *_ in before)
    db = sqlite3.connect(settings.workspace / "paperflow.db")
    with db:
        db.execute("DELETE FROM documents WHERE batch = ?", (result.batch,))
        db.execute("UPDATE requests SET state = 'planned', document = '' WHERE batch = ?",
                   (result.batch,))
    db.close()
    with Register.open(settings) as reg:
        assert reconcile(settings, reg) == [result.batch]
    assert recorded() == before
