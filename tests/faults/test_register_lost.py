"""A clerk deletes paperflow.db next to an issued batch: paperflow refuses to start an empty
register silently; with `--new-register` it goes on and numbers after those already issued
(the batches' numbers.json), never reusing one. Real CLI, LibreOffice and demo token."""

from __future__ import annotations

import json
import re

import harness as h
import pytest

pytestmark = pytest.mark.slow


def issued(ws) -> dict[str, set[int]]:
    """Numbers per symbol in every batch's numbers.json."""
    out: dict[str, set[int]] = {}
    for f in (ws / "outbox").glob("*/numbers.json"):
        for seq in json.loads(f.read_text("utf-8")).values():
            for text in seq:
                n, symbol = text.split("/", 1)
                out.setdefault(symbol, set()).add(int(n))
    return out


def test_deleted_register_is_refused_and_numbers_are_never_reused(tmp_path):
    ws = h.make_workspace(tmp_path / "ws")
    env = h.clean_env(PAPERFLOW_PIN=h.PIN, PAPERFLOW_ORG_PIN=h.PIN)
    example = list((h.REPO / "inbox" / "example").iterdir())
    for f in example:
        (ws / "inbox" / f.name).write_bytes(f.read_bytes())
    first = h.paperflow(ws, "run", "--once", env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    before = issued(ws)
    assert before and all(before.values())

    (ws / "paperflow.db").unlink()
    for f in example:                       # the same files dropped again
        (ws / "inbox" / f.name).write_bytes(f.read_bytes())
    refused = h.paperflow(ws, "run", "--once", env=env)
    assert refused.returncode == 9, refused.stdout + refused.stderr
    assert "--new-register" in refused.stderr and "trống" in refused.stderr
    assert sorted(p.name for p in (ws / "inbox").iterdir() if p.is_file()) == sorted(
        f.name for f in example), "files were taken by an empty register"
    assert h.paperflow(ws, "status", env=env).returncode == 9

    again = h.paperflow(ws, "run", "--once", "--new-register", env=env)
    assert again.returncode == 0, again.stdout + again.stderr
    after = issued(ws)
    for symbol, numbers in before.items():
        new = after[symbol] - numbers
        assert new and min(new) > max(numbers), (symbol, sorted(numbers), sorted(after[symbol]))
    # a records-office number already issued is refused before anything is signed
    taken = f"{min(before['SKHCN-CĐS']):02d}/SKHCN-CĐS"
    refused = h.paperflow(ws, "sign", "--number", taken, env=env)
    assert refused.returncode == 9 and "never reused" in refused.stderr, refused.stderr
    batches = [p for p in (ws / "outbox").iterdir() if not p.name.startswith(".")]
    assert len(batches) == 2
    assert re.search(r"\d", (ws / ".paperflow" / "workspace-id").read_text())
    h.record("register_lost", numbers_before=sum(map(len, before.values())),
             numbers_after=sum(map(len, after.values())), reused=0)
