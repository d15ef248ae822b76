"""Docs stay true mechanically: every command has help, and the README documents it."""

from pathlib import Path

import pytest

from paperflow.cli import COMMANDS, build_parser, main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help_and_a_readme_entry(command, capsys):
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args([command, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert len(out) > 80
    assert f"paperflow {command}" in README, f"README does not document 'paperflow {command}'"


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "paperflow" in capsys.readouterr().out


def test_config_errors_are_clerk_messages(tmp_path, capsys):
    cfg = tmp_path / "config.toml"
    cfg.write_text("[signing]\nbogus = 1\n", encoding="utf-8")
    assert main(["--config", str(cfg), "status"]) == 3
    err = capsys.readouterr().err
    assert "bogus" in err and "LỖI" in err and "ERROR" in err
