"""What the desk page tells the clerk to do next, from the workspace's real state."""

from __future__ import annotations

import json

from paperflow.config import Settings
from paperflow.errors import InputRejected
from paperflow.intake import error_note
from paperflow.serve import desk


def _batch(settings: Settings, name: str, *, review: bool, signed: bool = False) -> None:
    folder = settings.outbox / name
    folder.mkdir(parents=True)
    (folder / "plan.json").write_text(json.dumps({"batch": name, "actions": [{"kind": "token",
                                      "action": "recall"}], "warnings": []}), encoding="utf-8")
    if review:
        (folder / "XEM-XET.pdf").write_bytes(b"%PDF-1.7\n%%EOF")
    if signed:
        (folder / "cv.signed.pdf").write_bytes(b"%PDF-1.7\n%%EOF")


def test_a_batch_waiting_for_review_asks_for_approval_then_for_signature(tmp_path):
    s = Settings(workspace=tmp_path)
    _batch(s, "20250701-hung-yen-002", review=True)
    waiting = desk.batch_plan(s.outbox / "20250701-hung-yen-002")
    steps = desk.next_steps(s, [waiting], {}, [])
    assert [x.command for x in steps] == ["paperflow approve 20250701-hung-yen-002"]
    assert "XEM-XET.pdf" in steps[0].vi and "approve" in steps[0].en
    approved = desk.batch_plan(s.outbox / "20250701-hung-yen-002", approved=True)
    assert [x.command for x in desk.next_steps(s, [approved], {}, [])] == \
        ["paperflow sign 20250701-hung-yen-002"]


def test_inbox_files_rejected_files_and_mail_each_make_a_step(tmp_path):
    s = Settings(workspace=tmp_path)
    s.rejected.mkdir(parents=True)
    (s.inbox / "ds.xlsx").write_bytes(b"x")
    (s.inbox / "~$ds.xlsx").write_bytes(b"x")             # Word/Excel's lock file: not a file
    (s.rejected / "a.pdf").write_bytes(b"x")
    (s.rejected / "a.pdf.error.txt").write_text(
        error_note("a.pdf", err := InputRejected("bad_pdf", error_type="PdfReadError")),
        encoding="utf-8")
    _batch(s, "20250701-hung-yen-003", review=False, signed=True)
    rejected = desk.rejected_files(s)
    assert [(r.name, r.reason, r.reason_en) for r in rejected] == \
        [("a.pdf", err.vi, err.en)]
    steps = desk.next_steps(s, [desk.batch_plan(s.outbox / "20250701-hung-yen-003")],
                            {"pending": 2, "failed": 1}, rejected)
    assert [x.command for x in steps] == ["paperflow run", "", "paperflow send",
                                          "paperflow send --retry-failed"]
    assert steps[0].vi.startswith("1 tệp đang chờ")


def test_nothing_waiting_says_so(tmp_path):
    steps = desk.next_steps(Settings(workspace=tmp_path), [], {}, [])
    assert len(steps) == 1 and "Không có việc gì" in steps[0].vi
