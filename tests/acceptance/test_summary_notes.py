"""The batch summary TOM-TAT-LO carries every warning of the plan (issue 15 item 3): the clerk who
only reads the summary still learns that Le Van Nam waits for his new agency."""

from __future__ import annotations

import json

import docx

from paperflow import render

from .conftest import settings_in


def test_every_plan_warning_is_in_the_summary(tmp_path):
    warnings = [{"code": "new_agency_unknown", "message": "Le Van Nam: chưa rõ cơ quan mới."},
                {"code": "name_unaccented", "message": "2 tên không dấu: Tran Thi Lan; Pham Thi Thu."}]
    (tmp_path / "plan.json").write_text(json.dumps(
        {"batch": "b", "actions": [], "warnings": warnings, "letters": []}), encoding="utf-8")
    out = render.build_summary_docx(settings_in(tmp_path), "b", tmp_path, [], [])
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "4. Lưu ý của kế hoạch (2 cảnh báo" in text
    for w in warnings:
        assert w["message"] in text
