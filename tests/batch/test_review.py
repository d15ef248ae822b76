"""Review before numbering (issue 15 item 7), the round trip a clerk makes: a run gives the
plan, the drafts and XEM-XET.xlsx/.pdf and numbers and signs nothing; the clerk edits the
decision column (changes an action, excludes a row) and drops the sheet back into the inbox;
the plan is revised and cites the decision; `approve` numbers and signs."""

from __future__ import annotations

import json
import shutil

import openpyxl
import pytest
from stubs import Sessions

from paperflow.batch import NotSigned, approve, run_once
from paperflow.batch.review import read_edits
from paperflow.errors import InputRejected
from paperflow.register import Register
from paperflow.render.review import DECISION_COL, HEADER, HEADER_ROW, NOTE_COL

ACTION = HEADER.index("Hành động") + 1
CERT = HEADER.index("Chứng thư / thiết bị") + 1


def _plan(folder):
    return json.loads((folder / "plan.json").read_text("utf-8"))


def _rows(sheet):
    ws = sheet.active
    return [(r, ws.cell(row=r, column=ACTION).value, ws.cell(row=r, column=CERT).value)
            for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(row=r, column=1).value]


@pytest.fixture
def reviewed(reviewed_settings, monkeypatch):
    monkeypatch.setenv("PAPERFLOW_PIN", "123456")       # a PIN at hand: still nothing signed
    sessions = Sessions()
    first = run_once(reviewed_settings, sessions=sessions)
    return reviewed_settings, first, sessions


def test_a_run_makes_the_review_sheet_and_numbers_and_signs_nothing(reviewed) -> None:
    settings, first, sessions = reviewed
    assert first.not_signed == NotSigned.REVIEW and sessions.opened == []
    assert (first.folder / "XEM-XET.xlsx").is_file() and (first.folder / "XEM-XET.pdf").is_file()
    assert all(d.number == "" and d.signed_pdf is None for d in first.documents)
    sheet = openpyxl.load_workbook(first.folder / "XEM-XET.xlsx")
    rows = _rows(sheet)
    assert len(rows) == len(_plan(first.folder)["actions"])       # every action, one row each
    assert {a for _r, a, _c in rows} >= {"thay đổi thông tin", "thu hồi"}
    manifest = json.loads((first.folder / "manifest.json").read_text("utf-8"))
    assert {e["path"] for e in manifest if e["type"] == "review"} == {"XEM-XET.xlsx",
                                                                       "XEM-XET.pdf"}


def test_an_edited_sheet_dropped_back_revises_the_plan_then_approve_signs(reviewed) -> None:
    settings, first, _sessions = reviewed
    batch = first.batch
    sheet = openpyxl.load_workbook(first.folder / "XEM-XET.xlsx")
    rows = _rows(sheet)
    changed = next((r, c) for r, a, c in rows if a == "thay đổi thông tin")
    dropped = next((r, c) for r, a, c in rows if a == "thu hồi" and r != changed[0])
    ws = sheet.active
    ws.cell(row=changed[0], column=DECISION_COL, value="Thu hồi")
    ws.cell(row=changed[0], column=NOTE_COL, value="Đã nghỉ hưu từ 01/7/2025")
    ws.cell(row=dropped[0], column=DECISION_COL, value="bỏ")
    sheet.save(settings.inbox / "XEM-XET (đã sửa).xlsx")

    again = run_once(settings, sessions=Sessions())
    assert again.revised == (batch,) and again.folder is None     # no second batch
    assert "XEM-XET (đã sửa).xlsx" in again.taken
    plan = _plan(settings.outbox / batch)
    mine = [a for a in plan["actions"] if a.get("serial") == changed[1]]
    assert [a["action"] for a in mine] == ["revoke"]
    assert "Văn thư quyết định 'thu hồi'" in mine[0]["reason"]
    assert f"dòng {changed[0]}" in mine[0]["reason"] and "Đã nghỉ hưu" in mine[0]["reason"]
    assert "quyết định của văn thư" in mine[0]["rule"]
    assert not [a for a in plan["actions"] if a.get("serial") == dropped[1]
                and a["action"] == "revoke"]
    # the new sheet shows the revised plan (rows after an excluded one move up)
    assert ("thu hồi", changed[1]) in [(a, c) for _r, a, c in
                                      _rows(openpyxl.load_workbook(
                                          settings.outbox / batch / "XEM-XET.xlsx"))]

    sessions = Sessions()
    signed = approve(settings, sign_now=True, sessions=sessions)
    assert signed.batch == batch and signed.signed > 0 and len(sessions.opened) == 1
    ours = [d for d in signed.documents if settings.agency.is_us(d.sender) and d.signed_pdf]
    assert ours and all(d.number for d in ours if d.type != "list")     # numbered at last
    with Register.open(settings) as reg:
        assert reg.approved(batch)
        assert reg.awaiting_signature(batch, settings.outbox, settings.agency.is_us) == []


def test_approve_with_edits_applies_them_and_leaves_signing_for_later(reviewed,
                                                                      tmp_path) -> None:
    settings, first, _sessions = reviewed
    sheet = openpyxl.load_workbook(first.folder / "XEM-XET.xlsx")
    row, _a, cert = next(x for x in _rows(sheet) if x[1] == "thay đổi thông tin")
    sheet.active.cell(row=row, column=DECISION_COL, value="giữ nguyên")
    edited = tmp_path / "sua.xlsx"
    sheet.save(edited)
    result = approve(settings, edits=edited, sign_now=False)
    assert result.not_signed == NotSigned.DEFERRED and result.signed == 0
    kept = [a for a in _plan(first.folder)["actions"] if a.get("serial") == cert]
    assert [a["action"] for a in kept] == ["keep"]


def test_a_decision_that_is_no_action_rejects_the_sheet_naming_the_row(reviewed) -> None:
    settings, first, _sessions = reviewed
    sheet = openpyxl.load_workbook(first.folder / "XEM-XET.xlsx")
    row = _rows(sheet)[0][0]
    sheet.active.cell(row=row, column=DECISION_COL, value="để sau tính")
    path = settings.inbox / "XEM-XET.xlsx"
    sheet.save(path)
    with pytest.raises(InputRejected, match=f"row {row}"):
        read_edits(path)
    result = run_once(settings, sessions=Sessions())
    assert [r.name for r in result.rejected] == ["XEM-XET.xlsx"]
    assert (settings.inbox / "rejected" / "XEM-XET.xlsx").is_file()
    shutil.rmtree(settings.inbox / "rejected")


def test_status_leaves_out_what_the_clerk_excluded(reviewed) -> None:
    from paperflow.batch import apply_edits
    from paperflow.batch.review import Edit, Edits
    from paperflow.register.batches import action_key
    from paperflow.register.status import status_report

    settings, first, _sessions = reviewed
    with Register.open(settings) as reg:
        before = status_report(settings, reg).batches[first.batch]
        plan = reg.load_plan(first.batch)
        gone = action_key(plan.actions[0])
        apply_edits(settings, reg, Edits(first.batch, "XEM-XET.xlsx", (Edit(gone, 4, "", ""),)))
        after = status_report(settings, reg).batches[first.batch]
        assert sum(after.values()) < sum(before.values())
        assert gone not in [action_key(a) for a in reg.load_plan(first.batch).actions]


def test_each_row_names_its_source_file_and_the_row_a_clerk_finds_it_at(reviewed) -> None:
    """Issue 15 item 7: 'source file and row' — the row number is the sheet's own (as Excel
    shows it), so a clerk opening the list finds the same person there."""
    from paperflow.text import key

    settings, first, _sessions = reviewed
    ws = openpyxl.load_workbook(first.folder / "XEM-XET.xlsx").active
    col = {h: HEADER.index(h) + 1 for h in ("Thuê bao", "Tệp nguồn", "Dòng")}
    found = 0
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        source = ws.cell(row=r, column=col["Tệp nguồn"]).value or ""
        line = ws.cell(row=r, column=col["Dòng"]).value or ""
        if not source.endswith(".xlsx") or not line:
            continue
        archived = sorted(settings.workspace.joinpath("archive").rglob("*"))
        original = next((p for p in archived if p.name.endswith(source)), None)
        assert original is not None, (source, archived)
        sheet = openpyxl.load_workbook(original, read_only=True).worksheets[0]
        cells = next(sheet.iter_rows(min_row=int(line), max_row=int(line), values_only=True))
        said = key(" ".join(str(c) for c in cells if c is not None))
        assert key(ws.cell(row=r, column=col["Thuê bao"]).value) in said, (source, line, cells)
        found += 1
    assert found >= 3, "the example list's rows carry their row numbers"
