"""The CLI over the batch: every progress event has words, and a failure's kind is the exit
code (a conversion failure is not a signing failure)."""

from __future__ import annotations

from stubs import StubConverter

from paperflow import messages
from paperflow.batch.events import KINDS, Event
from paperflow.cli import main
from paperflow.errors import ExitCode


def test_every_event_kind_has_words() -> None:
    for kind in KINDS:
        assert messages.event(Event(kind, batch="b", count=1)), kind


def test_run_exits_with_the_conversion_code_and_says_which_file(workspace, capsys) -> None:
    StubConverter.failing = {"BC-tong-hop.docx"}
    code = main(["--config", str(workspace / "config.toml"), "run", "--no-sign"])
    out = capsys.readouterr().out
    assert code == ExitCode.CONVERSION
    assert "BC-tong-hop.docx" in out and "'paperflow approve'" in out     # review first


def test_run_then_sign_with_no_such_batch_is_a_usage_error(workspace, capsys) -> None:
    assert main(["--config", str(workspace / "config.toml"), "run", "--no-sign"]) == 0
    code = main(["--config", str(workspace / "config.toml"), "sign", "20990101-x-001"])
    assert code == ExitCode.USAGE
    assert "No batch '20990101-x-001'" in capsys.readouterr().err


def test_plan_warnings_reach_the_terminal_and_status(workspace, capsys) -> None:
    """Issue 15 item 3: the plan's warnings are said where the clerk looks, not only counted."""
    import json

    cfg = str(workspace / "config.toml")
    assert main(["--config", cfg, "run", "--no-sign"]) == 0
    out = capsys.readouterr().out
    plan = json.loads(next((workspace / "outbox").glob("*/plan.json")).read_text("utf-8"))
    warnings = plan["warnings"]
    assert warnings, "the example's plan has warnings to show"
    shown = [w for w in warnings if w["message"] in out]
    assert shown and (len(shown) == len(warnings) or "TOM-TAT-LO.pdf" in out)
    assert main(["--config", cfg, "status"]) == 0
    status = capsys.readouterr().out
    assert f"Cảnh báo của lô {plan['batch']}: {len(warnings)}" in status
    assert warnings[0]["message"] in status
    assert main(["--config", cfg, "status", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["warnings"][plan["batch"]]
    assert [w["message"] for w in listed] == [w["message"] for w in warnings]
