"""A clerk's workspace: init asks or marks blanks, run refuses placeholders and non-workspaces,
dates as clerks write them, Vietnam time whatever the server's zone."""

from __future__ import annotations

import os
import time
import tomllib
from datetime import UTC, date, datetime, timedelta

import pytest
from docx import Document

from paperflow.cli import main
from paperflow.config import Settings, load_settings, unfilled
from paperflow.errors import ConfigError, ExitCode
from paperflow.workspace import AGENCY_FIELDS, init_workspace


def test_init_without_a_terminal_marks_blanks_and_run_refuses_naming_them(tmp_path, monkeypatch,
                                                                            capsys):
    ws = init_workspace(tmp_path / "hoso")
    (ws / "inbox" / "x.cer").write_bytes(b"not read: run stops before intake")
    settings = load_settings(ws / "config.toml")
    assert "agency.name" in unfilled(settings) and "mail.from" in unfilled(settings)
    monkeypatch.chdir(ws)
    assert main(["run"]) == int(ExitCode.CONFIG)
    err = capsys.readouterr().err
    assert "agency.signer_name" in err and "Chưa điền thông tin cơ quan" in err
    assert "not filled in" in err
    assert (ws / "inbox" / "x.cer").is_file() and not list((ws / "outbox").iterdir())


def test_init_at_a_terminal_writes_the_clerks_answers(tmp_path):
    answers = iter(["Sở Nội vụ tỉnh \"Bắc Ninh\"", "Ủy ban nhân dân tỉnh Bắc Ninh", "SNV", "VP",
                    "Bắc Ninh", "Bắc Ninh", "Lê Văn C", "GIÁM ĐỐC", "", "Phạm Thị D",
                    "0222 3 822 822", "snv@bacninh.gov.vn"])
    asked: list[str] = []

    def ask(question: str) -> str:
        asked.append(question)
        return next(answers)

    ws = init_workspace(tmp_path / "hoso", ask=ask)
    assert len(asked) == len(AGENCY_FIELDS) and "Họ tên người ký" in asked[6]
    s = load_settings(ws / "config.toml")
    assert s.agency.name == "Sở Nội vụ tỉnh \"Bắc Ninh\"" and s.agency.signer_title == "GIÁM ĐỐC"
    assert s.mail.from_ == "snv@bacninh.gov.vn"
    assert s.plan.focal_points == {"Bắc Ninh": "Sở Nội vụ tỉnh \"Bắc Ninh\""}
    assert unfilled(s) == ["agency.signer_authority"]        # the one left empty


def test_run_outside_a_workspace_refuses_instead_of_making_one(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["run"]) == int(ExitCode.CONFIG)
    assert "không phải thư mục làm việc" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("written", "expected"), [
    ('"01/07/2025"', date(2025, 7, 1)), ('"1/7/2025"', date(2025, 7, 1)),
    ('"15.08.2025"', date(2025, 8, 15)), ("2025-07-01", date(2025, 7, 1)),
    ('"2025-07-01"', date(2025, 7, 1))])
def test_dates_are_read_as_clerks_write_them(tmp_path, written, expected):
    (tmp_path / "config.toml").write_text(f"[plan]\neffective_date = {written}\n", encoding="utf-8")
    assert load_settings(tmp_path / "config.toml").plan.effective_date == expected


def test_an_impossible_date_is_refused_by_name(tmp_path):
    (tmp_path / "config.toml").write_text('[plan]\neffective_date = "31/02/2025"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_settings(tmp_path / "config.toml")
    assert "plan.effective_date" in exc.value.en


def test_the_example_config_is_plain_toml_with_a_vietnamese_date(tmp_path):
    ws = init_workspace(tmp_path / "hoso", example=True)
    raw = tomllib.loads((ws / "config.toml").read_text(encoding="utf-8"))
    assert raw["plan"]["effective_date"] == "01/07/2025"
    assert unfilled(load_settings(ws / "config.toml")) == []


# Two zones on either side of Vietnam's: at any moment of the day at least one of them has
# another date than Vietnam, so a date taken from the server's clock is caught.
@pytest.mark.parametrize("zone", ["Pacific/Honolulu", "Pacific/Kiritimati", "UTC"])
def test_document_dates_and_summary_times_are_vietnam_time(tmp_path, monkeypatch, zone):
    from paperflow.render.context import today
    from paperflow.render.summary import build_summary_docx

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        vn = datetime.now(UTC) + timedelta(hours=7)
        settings = Settings(workspace=tmp_path)
        assert today(settings) == vn.date()
        docx = build_summary_docx(settings, "20250701-thu-001", tmp_path, [], [])
        text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
        stamp = next(line for line in text.splitlines() if line.startswith("Lập lúc"))
        made = datetime.strptime(stamp, "Lập lúc %H:%M ngày %d/%m/%Y")
        assert abs(made - vn.replace(tzinfo=None, second=0, microsecond=0)) <= timedelta(minutes=2)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert os.environ.get("TZ") != zone
