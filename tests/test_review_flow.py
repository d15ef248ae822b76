"""Review before numbering end to end, as a clerk does it (issue 15 item 7): real LibreOffice,
the demo SoftHSM token, the CLI in subprocesses. `run` makes drafts and XEM-XET.xlsx/.pdf and
signs nothing; the clerk changes one action and excludes one row in the sheet and drops it
back; `run` revises the plan (citing the decision); `approve` numbers and signs."""

from __future__ import annotations

import json

import openpyxl
import pytest

from clerk import PIN, batches, init, paperflow, pdf_text
from paperflow.render.review import DECISION_COL, HEADER, HEADER_ROW

pytestmark = pytest.mark.slow
ACTION = HEADER.index("Hành động") + 1
CERT = HEADER.index("Chứng thư / thiết bị") + 1


def test_review_edit_drop_back_approve_sign(tmp_path) -> None:
    ws = init(tmp_path / "ws", "--example", "--demo")
    cfg = ws / "config.toml"
    cfg.write_text(cfg.read_text("utf-8").replace("auto_approve = true", "auto_approve = false"),
                   encoding="utf-8")
    run = paperflow(ws, "run", env=PIN)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "paperflow approve" in run.stdout
    (batch,) = batches(ws)
    assert (batch / "XEM-XET.pdf").is_file() and not list(batch.glob("*.signed.pdf"))
    assert "XEM XÉT KẾ HOẠCH" in pdf_text(batch / "XEM-XET.pdf")

    sheet = openpyxl.load_workbook(batch / "XEM-XET.xlsx")
    sh = sheet.active
    rows = [(r, sh.cell(row=r, column=ACTION).value, sh.cell(row=r, column=CERT).value)
            for r in range(HEADER_ROW + 1, sh.max_row + 1) if sh.cell(row=r, column=1).value]
    changed = next(x for x in rows if x[1] == "thay đổi thông tin")
    dropped = next(x for x in rows if x[1] == "thu hồi")
    sh.cell(row=changed[0], column=DECISION_COL, value="thu hồi")
    sh.cell(row=dropped[0], column=DECISION_COL, value="bỏ")
    sheet.save(ws / "inbox" / "XEM-XET-da-sua.xlsx")
    again = paperflow(ws, "run", env=PIN)
    assert again.returncode == 0, again.stdout + again.stderr
    plan = json.loads((batch / "plan.json").read_text("utf-8"))
    revoked = [a for a in plan["actions"] if a.get("serial") == changed[2]]
    assert [a["action"] for a in revoked] == ["revoke"]
    assert "Văn thư quyết định" in revoked[0]["reason"]
    assert dropped[2] not in [a.get("serial") for a in plan["actions"]
                              if a["action"] == "revoke"]
    assert not list(batch.glob("*.signed.pdf"))

    approve = paperflow(ws, "approve", env=PIN)
    assert approve.returncode == 0, approve.stdout + approve.stderr
    signed = sorted(batch.glob("*.signed.pdf"))
    assert signed
    check = paperflow(ws, "verify", *map(str, signed))
    assert check.returncode == 0, check.stdout
