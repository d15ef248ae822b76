"""Numbers are never reused and the register knows its workspace (real SQLite files).

A register deleted or replaced next to existing batches is refused with a clear message; with
`--new-register` numbering continues after the numbers the batches in outbox/ were given. The
records office's current number ([numbering] start) and numbers entered at signing
(`sign --number`) are honoured and never issued twice."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import pytest

from paperflow.config import NumberingSettings, PlanSettings, Settings
from paperflow.errors import RegisterError
from paperflow.register import Register
from paperflow.register.numbering import read_numbers_file

BATCH = "20250702-hung-yen-001"


def settings_for(ws: Path, **kw) -> Settings:  # type: ignore[no-untyped-def]
    ws.mkdir(parents=True, exist_ok=True)
    return Settings(workspace=ws, plan=PlanSettings(today=date(2025, 7, 2)), **kw)


def issue(settings: Settings, *types: str) -> list[str]:
    with Register.open(settings) as reg:
        fresh = reg.numberer(settings)
        return [fresh(t) for t in types]


def write_batch(settings: Settings, numbers: dict[str, list[str]], name: str = BATCH) -> None:
    """What a produced batch leaves in outbox/: its manifest and the numbers it was given."""
    folder = settings.outbox / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text("[]", encoding="utf-8")
    (folder / "numbers.json").write_text(json.dumps(numbers, ensure_ascii=False), "utf-8")


def test_a_deleted_register_is_refused_then_continues_after_the_outbox_numbers(tmp_path):
    s = settings_for(tmp_path / "ws")
    given = issue(s, "dispatch", "dispatch", "handover_tokens")
    assert given == ["01/SKHCN-CĐS", "02/SKHCN-CĐS", "01/BB-SKHCN"]
    write_batch(s, {"dispatch": given[:2], "handover_tokens": given[2:]})
    (s.workspace / "paperflow.db").unlink()

    with pytest.raises(RegisterError) as err:
        issue(s, "dispatch")
    assert err.value.code == "register_mismatch"
    assert "--new-register" in err.value.vi and "--new-register" in err.value.en
    assert "outbox/" + BATCH in err.value.en and "trống" in err.value.vi

    renewed = dataclasses.replace(s, new_register=True)
    assert issue(renewed, "dispatch", "handover_tokens") == ["03/SKHCN-CĐS", "02/BB-SKHCN"]
    assert issue(s, "dispatch") == ["04/SKHCN-CĐS"]        # accepted once: the id is kept


def test_a_new_workspace_and_an_old_register_without_identity_are_accepted(tmp_path):
    s = settings_for(tmp_path / "ws")
    assert issue(s, "dispatch") == ["01/SKHCN-CĐS"]
    ident = (s.state / "workspace-id").read_text().strip()
    (s.state / "workspace-id").unlink()            # .paperflow/ cleaned: the register's id back
    write_batch(s, {"dispatch": ["01/SKHCN-CĐS"]})
    assert issue(s, "dispatch") == ["02/SKHCN-CĐS"]
    assert (s.state / "workspace-id").read_text().strip() == ident


def test_another_workspaces_register_is_refused(tmp_path):
    a, b = settings_for(tmp_path / "a"), settings_for(tmp_path / "b")
    issue(a, "dispatch")
    issue(b, "dispatch")
    (b.workspace / "paperflow.db").unlink()
    (a.workspace / "paperflow.db").rename(b.workspace / "paperflow.db")
    with pytest.raises(RegisterError) as err:
        issue(b, "dispatch")
    assert "another workspace" in err.value.en and "thư mục làm việc khác" in err.value.vi


def test_numbering_starts_after_the_records_offices_current_number(tmp_path):
    s = settings_for(tmp_path / "ws", numbering=NumberingSettings(
        start={"SKHCN-CĐS": "57", "BB-SKHCN": "4"}))
    assert issue(s, "dispatch", "handover_tokens", "report") == [
        "58/SKHCN-CĐS", "05/BB-SKHCN", "01/BC-SKHCN"]
    bad = dataclasses.replace(s, numbering=NumberingSettings(start={"XYZ": "3"}))
    with pytest.raises(RegisterError) as err:
        issue(bad, "dispatch")
    assert "[numbering] start" in err.value.en


def test_a_number_entered_by_hand_is_used_once_and_skipped_by_the_counter(tmp_path):
    s = settings_for(tmp_path / "ws")
    assert issue(s, "dispatch") == ["01/SKHCN-CĐS"]
    with Register.open(s) as reg:
        reg.check_hand_numbers(s, ["Số: 03/SKHCN-CĐS"])
        fresh = reg.numberer(s)
        assert [fresh("dispatch"), fresh("dispatch"), fresh("dispatch")] == [
            "03/SKHCN-CĐS", "02/SKHCN-CĐS", "04/SKHCN-CĐS"]
        for taken in ("03/SKHCN-CĐS", "1/SKHCN-CĐS"):
            with pytest.raises(RegisterError) as err:
                reg.check_hand_numbers(s, [taken])
            assert err.value.code == "number_issued" and "never reused" in err.value.en
        with pytest.raises(RegisterError) as err:
            reg.check_hand_numbers(s, ["12/UBND-VP"])          # another agency's book
        assert err.value.code == "bad_number"
    write_batch(s, {"dispatch": ["09/SKHCN-CĐS"]})                # issued, per outbox/
    with Register.open(s) as reg, pytest.raises(RegisterError):
        reg.check_hand_numbers(s, ["08/SKHCN-CĐS"])


def test_numbers_file(tmp_path):
    f = tmp_path / "so.txt"
    f.write_text("\ufeff# văn thư cấp ngày 02/7\n58/SKHCN-CĐS\n\n06/BB-SKHCN  # biên bản\n",
                 encoding="utf-8")
    assert read_numbers_file(f) == ["58/SKHCN-CĐS", "06/BB-SKHCN"]
