"""Issuing later: `run --no-sign` leaves drafts; `paperflow sign` issues them (numbers, then
signatures) exactly once — `--only` narrows, a second `sign` re-issues nothing, numbers never
change once given. Real LibreOffice and the demo SoftHSM token, in subprocesses."""

from __future__ import annotations

import json
import re

import pytest

from clerk import PIN, batches, init, paperflow, pdf_text
from paperflow.text import number_tag

pytestmark = pytest.mark.slow
MAU05 = "CV-Mau05-skhcn-gui-Cuc-CTSBMTT"


def number_in(pdf) -> str:
    """The number and symbol after "Số:" ('' before the slash for a draft)."""
    text = pdf_text(pdf)
    m = re.search(r"Số:[ \xa0]*(\d*)[ \xa0]*/(\S+)", text)
    assert m, text[:400]
    return f"{m.group(1)}/{m.group(2)}"


@pytest.fixture(scope="module")
def drafts(tmp_path_factory):
    ws = init(tmp_path_factory.mktemp("ws"), "--example", "--demo")
    run = paperflow(ws, "run", "--once", "--no-sign")
    assert run.returncode == 0, run.stdout + run.stderr
    (batch,) = batches(ws)
    return ws, batch


def test_drafts_have_no_number_and_no_signature(drafts):
    _ws, batch = drafts
    assert not list(batch.glob("*.signed.pdf"))
    assert number_in(batch / f"{MAU05}.pdf") == "/SKHCN-CĐS"


def test_sign_only_then_all_then_again_keeps_numbers(drafts):
    ws, batch = drafts
    first = paperflow(ws, "sign", "--only", MAU05, env=PIN)     # the draft's name, as seen
    assert first.returncode == 0, first.stdout + first.stderr
    (issued,) = [p.name for p in batch.glob("*.signed.pdf")]
    given = number_in(batch / issued)
    assert re.fullmatch(r"\d\d/SKHCN-CĐS", given), given
    assert issued == f"{number_tag(given)}_{MAU05}.signed.pdf"     # So-00NN-SKHCN-CDS_CV-…
    assert not list(batch.glob(f"{MAU05}*"))        # the draft's files went with the draft

    rest = paperflow(ws, "sign", env=PIN)
    assert rest.returncode == 0, rest.stdout + rest.stderr
    signed = sorted(p.name for p in batch.glob("*.signed.pdf"))
    assert issued in signed and len(signed) > 1     # the same name: the number did not move
    assert number_in(batch / issued) == given
    numbers = (batch / "numbers.json").read_text(encoding="utf-8")

    again = paperflow(ws, "sign", env=PIN)
    assert again.returncode == 0
    assert "Signed 0" in again.stdout
    assert (batch / "numbers.json").read_text(encoding="utf-8") == numbers
    assert sorted(p.name for p in batch.glob("*.signed.pdf")) == signed


def test_minutes_between_other_agencies_are_not_numbered_by_us(drafts):
    ws, batch = drafts
    if not (batch / "numbers.json").exists():
        paperflow(ws, "sign", env=PIN)
    numbers = json.loads((batch / "numbers.json").read_text(encoding="utf-8"))
    # the dossier hand-overs of the example are KH&ĐT → Tài chính and TN&MT/NN&PTNT → NN&MT
    assert "handover_dossiers" not in numbers
    assert not list(batch.glob("BB-ho-so-*.signed.pdf"))


def test_unknown_batch_is_a_clerk_error(drafts):
    ws, _batch = drafts
    out = paperflow(ws, "sign", "no-such-batch", env=PIN)
    assert out.returncode != 0 and "no-such-batch" in out.stderr
