"""Quarantine at the grain of a file or a request (issue 17 item 3): a file whose content makes
planning or rendering fail, or one request whose document cannot be rendered, is set aside with
its reason, the rest of the batch reaches the outbox in the same run, and later runs go on.

The failing stage is a stand-in for the next such bug (the issue's control character, now
stripped at extraction): rendering or planning raises whenever one subscriber's name is in it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from stubs import Crash, StubConverter

import paperflow.plan
from paperflow.batch import run_once
from paperflow.errors import ExitCode
from paperflow.register import Register
from paperflow.render import batch as render_batch_mod

POISON = "Phạm Văn Độc"
HEADER = "STT;Họ và tên;Chức vụ;Cơ quan/đơn vị công tác;Số serial chứng thư;Ghi chú\n"
AGENCY = "Sở Tài chính tỉnh Hưng Yên"


def _list(path: Path, *people: tuple[str, str]) -> Path:
    """A personnel CSV: each (name, certificate serial) leaves the service (a revocation)."""
    rows = [f"{i};{name};Chuyên viên;{AGENCY};{serial};Thôi việc theo nguyện vọng\n"
            for i, (name, serial) in enumerate(people, 1)]
    path.write_text(HEADER + "".join(rows), encoding="utf-8-sig")
    return path


def _names_in_plan(folder: Path) -> set[str]:
    plan = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
    return {a["subscriber"]["name"] for a in plan["actions"] if a.get("subscriber")}


@pytest.fixture
def poisoned_render(monkeypatch):
    """Rendering crashes on any document that names POISON (as lxml does on a character XML
    cannot hold)."""
    real = render_batch_mod.render_docx

    def render_docx(template, context, out):  # type: ignore[no-untyped-def]
        if POISON in repr(context):
            raise ValueError("All strings must be XML compatible: Unicode or ASCII, no NULL "
                             "bytes or control characters")
        return real(template, context, out)

    monkeypatch.setattr(render_batch_mod, "render_docx", render_docx)


def test_a_file_that_breaks_rendering_is_quarantined_and_the_rest_is_produced(
        settings, poisoned_render):
    inbox = settings.inbox
    _list(inbox / "ds-bo-sung.csv", (POISON, "5B99"), ("Lê Thị Lành", "5B98"))
    first = run_once(settings, sign_now=False)

    # the good files reach the outbox in this same run …
    assert first.folder is not None and first.folder.is_dir() and first.documents
    names = _names_in_plan(first.folder)
    assert "Nguyễn Văn An" in names                     # from the example's list
    assert POISON not in names and "Lê Thị Lành" not in names   # nothing of the bad file
    # … the bad one is set aside with its reason, not counted as a failure of the run
    (q,) = first.quarantined
    assert (q.kind, q.name, q.stage) == ("file", "ds-bo-sung.csv", "render")
    assert "ds-bo-sung.csv" in q.error.vi and "XML compatible" in q.error.en
    assert f"ở dòng 2, {POISON}:" in q.error.vi         # the row to correct
    assert first.ok and first.exit_code == ExitCode.OK
    rejected = inbox / "rejected" / "ds-bo-sung.csv"
    assert rejected.read_bytes().startswith(b"\xef\xbb\xbfSTT;")       # the original, intact
    note = (inbox / "rejected" / "ds-bo-sung.csv.error.txt").read_text(encoding="utf-8")
    assert "LÝ DO" in note and "WHY IT WAS NOT PROCESSED" in note and "XML" in note
    summary_warnings = json.loads((first.folder / "plan.json").read_text("utf-8"))["warnings"]
    assert any(w["code"] == "quarantined" for w in summary_warnings)
    with Register.open(settings) as reg:
        assert [r.name for r in reg.quarantines()] == ["ds-bo-sung.csv"]
        from paperflow.register.status import status_report
        warned = status_report(settings, reg).warnings[first.batch]
        assert any(code == "quarantined" for code, _m in warned)
        kept = reg.load_plan(first.batch)           # what `sign` renders again
        assert not any(a.subscriber and a.subscriber.source == "ds-bo-sung.csv"
                       for a in kept.actions)
        assert not any(POISON in m for _c, m in warned if _c != "quarantined")

    # later runs are not wedged: nothing to redo, and a file dropped later is planned
    second = run_once(settings, sign_now=False)
    assert second.ok and not second.quarantined and second.folder is None
    _list(inbox / "ds-moi.csv", ("Hoàng Văn Mới", "5B97"))
    third = run_once(settings, sign_now=False)
    assert third.ok and third.folder is not None
    assert _names_in_plan(third.folder) == {"Hoàng Văn Mới"}

    # the clerk's corrected file (same name, new content) lifts the quarantine
    _list(inbox / "ds-bo-sung.csv", ("Phạm Văn Đức", "5B99"), ("Lê Thị Lành", "5B98"))
    fourth = run_once(settings, sign_now=False)
    assert fourth.ok and not fourth.quarantined and fourth.folder is not None
    assert _names_in_plan(fourth.folder) == {"Phạm Văn Đức", "Lê Thị Lành"}


def test_a_file_that_breaks_planning_is_quarantined_and_the_rest_is_planned(
        settings, monkeypatch):
    real = paperflow.plan.build_plan

    def build_plan(snapshot, settings, *, batch):  # type: ignore[no-untyped-def]
        if any(s.name == POISON for s in snapshot.subscribers):
            raise KeyError("ngày hiệu lực của thuê bao")
        return real(snapshot, settings, batch=batch)

    monkeypatch.setattr(paperflow.plan, "build_plan", build_plan)
    _list(settings.inbox / "ds-bo-sung.csv", (POISON, "5B99"), ("Lê Thị Lành", "5B98"))
    result = run_once(settings, sign_now=False)
    assert result.folder is not None and "Nguyễn Văn An" in _names_in_plan(result.folder)
    (q,) = result.quarantined
    assert (q.kind, q.name, q.stage) == ("file", "ds-bo-sung.csv", "plan")
    assert (settings.inbox / "rejected" / "ds-bo-sung.csv.error.txt").is_file()
    again = run_once(settings, sign_now=False)          # the register hides it from now on
    assert again.ok and not again.quarantined


def test_a_request_whose_document_cannot_be_rendered_is_left_out_of_its_batch(
        settings, monkeypatch):
    """The batch's report (no file brought it) fails to render: it is left out with its
    reason — result, plan warnings, `status` — the batch's other documents are produced, and
    the next run neither retries it nor fails."""
    real = render_batch_mod.render_docx
    tried: list[str] = []

    def render_docx(template, context, out):  # type: ignore[no-untyped-def]
        if out.name.startswith("BC-"):
            tried.append(out.name)
            raise TypeError("'NoneType' object is not subscriptable")
        return real(template, context, out)

    monkeypatch.setattr(render_batch_mod, "render_docx", render_docx)
    result = run_once(settings, sign_now=False)
    assert result.folder is not None and result.folder.is_dir()
    assert any(d.type == "dispatch" for d in result.documents)
    assert not any(d.path.name.startswith("BC-") for d in result.documents)
    (q,) = result.quarantined
    assert (q.kind, q.stage) == ("request", "render") and q.name.startswith("report")
    assert "NoneType" in q.error.en and result.exit_code == ExitCode.OK
    with Register.open(settings) as reg:
        from paperflow.register.status import status_report
        report = status_report(settings, reg)
        assert report.batches[result.batch]["failed"] == 0      # nothing failed to send
        assert any(c == "quarantined" for c, _m in report.warnings[result.batch])
        (listed,) = report.quarantined
        assert (listed["kind"], listed["batch"]) == ("request", result.batch)
        assert "⊘ đề nghị / request report" in report.to_table()
        assert report.to_json()["quarantined"][0]["stage"] == "render"
        assert reg.load_plan(result.batch).letters == tuple(
            a for a in reg.load_plan(result.batch).letters if a.kind != "report")
    tried.clear()
    later = run_once(settings, sign_now=False)          # not retried, not wedged
    assert later.ok and not later.quarantined and tried == []


def test_a_resumed_batch_leaves_out_the_file_that_breaks_it_instead_of_being_set_aside(
        settings, monkeypatch):
    """A batch whose process died is produced again by the next run; if rendering now fails on
    one file's content, that file is quarantined and the batch still appears — not the whole
    batch set aside as before."""
    _list(settings.inbox / "ds-bo-sung.csv", (POISON, "5B99"))
    StubConverter.crash_after = 0
    with pytest.raises(Crash):
        run_once(settings, sign_now=False)              # the process dies while producing
    StubConverter.crash_after = None
    real = render_batch_mod.render_docx

    def render_docx(template, context, out):  # type: ignore[no-untyped-def]
        if POISON in repr(context):
            raise ValueError("ký tự không hợp lệ '\x0b' ở dòng 1")
        return real(template, context, out)

    monkeypatch.setattr(render_batch_mod, "render_docx", render_docx)
    resumed = run_once(settings, sign_now=False)
    (batch,) = resumed.resumed
    assert (settings.outbox / batch / "plan.json").is_file()
    assert POISON not in _names_in_plan(settings.outbox / batch)
    (q,) = resumed.quarantined
    assert (q.kind, q.name) == ("file", "ds-bo-sung.csv") and not resumed.errors
    assert "\x0b" not in q.error.vi and "<U+000B>" in q.error.vi    # printable in the report
    with Register.open(settings) as reg:
        assert reg.quarantined(batch) == ""                 # the batch itself is not set aside


def test_batches_set_aside_before_the_quarantine_table_keep_their_reason(settings):
    """Migration 0008: a register whose batch quarantines were rows of register_meta."""
    from sqlalchemy import delete

    from paperflow.register.base import Migration
    from paperflow.register.db import open_engine
    from paperflow.register.quarantine import QuarantineRow
    from paperflow.register.schema import RegisterMetaRow

    with Register.open(settings):
        pass
    engine = open_engine(settings.register_url)
    with engine.begin() as conn:        # as the register was before migration 0008
        conn.execute(delete(QuarantineRow))
        conn.execute(delete(Migration).where(Migration.name == "0008-quarantine"))
        conn.execute(RegisterMetaRow.__table__.insert().values(
            key="quarantine:20250628-hung-yen-001", value="ValueError: '\\x0b'"))
    engine.dispose()
    with Register.open(settings) as reg:
        assert reg.quarantined("20250628-hung-yen-001") == "ValueError: '\\x0b'"
        assert [(r.kind, r.name) for r in reg.quarantines()] == [
            ("batch", "20250628-hung-yen-001")]


def test_culprits_are_found_by_halving_and_a_failure_of_everyone_is_nobodys():
    from paperflow.batch.quarantine import culprits

    calls = []

    def works(kept):  # type: ignore[no-untyped-def]
        calls.append(len(kept))
        return not ({3, 77} & set(kept))

    assert sorted(culprits(range(100), works)) == [3, 77]
    assert len(calls) <= 2 * 8 + 3                      # about log2(100) tries per culprit
    assert culprits(range(10), lambda kept: not kept) is None      # a template broken for all
    assert culprits(range(10), lambda kept: False) is None         # not the items' doing


def test_a_document_that_cannot_be_converted_is_said_in_the_summary_and_not_retried(settings):
    """Conversion: the document stays a .docx (no PDF, unsigned), typed in the result, named in
    the batch summary's notes; the rest is produced and the next run does not retry it."""
    from docx import Document

    from paperflow.errors import ConversionError

    StubConverter.failing = {"BC-tong-hop.docx"}
    result = run_once(settings, sign_now=False)
    assert [type(e) for e in result.errors] == [ConversionError]
    assert result.folder is not None and any(d.pdf for d in result.documents)
    summary = "\n".join(p.text for p in Document(str(result.folder / "TOM-TAT-LO.docx")).paragraphs)
    assert "not converted to PDF" in summary and "BC-tong-hop.docx" in summary
    made = StubConverter.made
    later = run_once(settings, sign_now=False)
    assert later.ok and later.folder is None and StubConverter.made == made
