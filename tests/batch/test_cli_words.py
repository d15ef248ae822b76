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
