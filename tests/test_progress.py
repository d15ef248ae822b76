"""The clerk's words while a batch runs: bars at a terminal, plain lines in a log, Vietnamese
first with the English beside it."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from paperflow import messages
from paperflow.batch import Event
from paperflow.batch.events import KINDS
from paperflow.cli import build_parser
from paperflow.errors import InputRejected
from paperflow.progress import LONG, Display

VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùý]", re.I)


@pytest.mark.parametrize("kind", KINDS)
def test_every_progress_line_is_vietnamese_with_the_english_beside_it(kind):
    err = InputRejected("empty")
    line = messages.event(Event(kind, batch="20250701-hung-yen-001", count=3, other=1, error=err,
                                stage="read"))
    assert line is not None and VIETNAMESE.search(line), line
    assert "(" in line and re.search(r"\([A-Za-z]", line), line


def _steps(display: Display, n: int, stage: str = "read") -> None:
    for i in range(1, n + 1):
        display(Event("step", stage=stage, count=i, other=n))


def test_without_a_terminal_a_long_stage_is_a_few_plain_lines():
    out = io.StringIO()
    with Display(stream=out, bars=False) as say:
        _steps(say, 500)
        say(Event("rendered", count=12))
    lines = out.getvalue().splitlines()
    # the first step, the last, then the next event: no bar, no carriage return, no flood
    assert lines == ["· đọc tệp (reading files): 1/500", "· đọc tệp (reading files): 500/500",
                     "· soạn văn bản: 12 văn bản (render: 12 documents)"]


def test_at_a_terminal_a_long_stage_is_a_bar_closed_before_the_next_line():
    out = io.StringIO()
    with Display(stream=out, bars=True) as say:
        _steps(say, 300, "convert")
        say(Event("converted", count=300))
    text = out.getvalue()
    assert "chuyển sang PDF (converting to PDF)" in text and "300/300" in text and "\r" in text
    assert text.rstrip().endswith("· chuyển PDF: 300 tệp (convert: 300 PDFs)")


def test_a_short_batch_shows_no_progress_and_quiet_shows_nothing():
    out = io.StringIO()
    with Display(stream=out, bars=True) as say:
        _steps(say, LONG - 1)
    assert out.getvalue() == ""
    with Display(stream=out, bars=False, quiet=True) as say:
        _steps(say, 500)
        say(Event("rendered", count=3))
    assert out.getvalue() == ""


def _cert(serial: int, cn: str) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(serial)
            .not_valid_before(datetime(2024, 7, 1, tzinfo=UTC))
            .not_valid_after(datetime(2027, 6, 30, tzinfo=UTC)).sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM)


def test_intake_reports_a_step_for_every_file_taken_rejected_or_duplicate(tmp_path):
    from paperflow.batch.ingest import ingest
    from paperflow.config import Settings
    from paperflow.register import Register

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(24):
        (inbox / f"cts-{i:02d}.cer").write_bytes(_cert(0x7700 + i, f"Cán bộ {i}"))
    (inbox / "hong.xlsx").write_bytes(b"PK\x03\x04 broken" * 10)
    events: list[Event] = []
    settings = Settings(workspace=tmp_path)
    with Register.open(settings) as reg:
        tally = ingest(settings, reg, progress=events.append)
    steps = [(e.count, e.other) for e in events if e.kind == "step" and e.stage == "read"]
    assert steps == [(i, 25) for i in range(1, 26)]
    assert len(tally.taken) == 24 and len(tally.rejected) == 1


def test_help_is_vietnamese_with_the_english_beside_it(capsys):
    parser = build_parser()
    for argv in (["--help"], ["run", "--help"], ["serve", "--help"]):
        with pytest.raises(SystemExit):
            parser.parse_args(argv)
        text = capsys.readouterr().out
        assert text.startswith("Cách dùng / usage:") and "tùy chọn / options" in text
        assert "show this help message" not in text
        for line in text.splitlines():
            if line.strip().startswith("--"):
                assert "/" in line or "(" in line, line     # every option says it both ways
