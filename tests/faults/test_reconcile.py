"""What a SIGKILL between two steps leaves is put right at the next start (real CLI,
LibreOffice, demo token):
- killed after the batch folder was renamed into outbox/ but before its documents were
  recorded: the register said 'planned' for good and `sign` found nothing to sign;
- killed between `sign`'s two renames: only the hidden `.<batch>.old` folder was left, and
  `sign` failed on it.
Both states are made exactly as the kill leaves them, then `paperflow sign` must sign."""

from __future__ import annotations

import sqlite3

import harness as h
import pytest

pytestmark = pytest.mark.slow


def test_unrecorded_folder_and_interrupted_swap_are_reconciled(tmp_path):
    ws = h.make_workspace(tmp_path / "ws")
    env = h.clean_env(PAPERFLOW_PIN=h.PIN, PAPERFLOW_ORG_PIN=h.PIN)
    for f in (h.REPO / "inbox" / "example").iterdir():
        (ws / "inbox" / f.name).write_bytes(f.read_bytes())
    run = h.paperflow(ws, "run", "--once", "--no-sign", env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    (batch,) = [p for p in (ws / "outbox").iterdir() if not p.name.startswith(".")]

    # 1. the kill between the rename and record_documents
    db = sqlite3.connect(ws / "paperflow.db")
    with db:
        db.execute("DELETE FROM documents WHERE batch = ?", (batch.name,))
        db.execute("UPDATE requests SET state = 'planned', document = '' WHERE batch = ?",
                   (batch.name,))
    db.close()
    # 2. the kill between the swap's two renames: only the previous version, hidden
    batch.rename(batch.with_name(f".{batch.name}.old"))

    sign = h.paperflow(ws, "sign", env=env)
    assert sign.returncode == 0, sign.stdout + sign.stderr
    assert batch.is_dir() and not batch.with_name(f".{batch.name}.old").exists()
    signed = list(batch.glob("*.signed.pdf"))
    assert signed, sign.stdout
    db = sqlite3.connect(ws / "paperflow.db")
    try:
        states = dict(db.execute("SELECT state, COUNT(*) FROM requests GROUP BY state"))
        docs = db.execute("SELECT COUNT(*) FROM documents WHERE signed_pdf <> ''").fetchone()[0]
    finally:
        db.close()
    assert "planned" not in states and states.get("signed", 0) > 0, states
    assert docs == len(signed)
    h.record("reconcile", unrecorded_batches=1, interrupted_swaps=1, signed=len(signed))
