"""Intake.archive_many: a group archived with the same journal steps as `archive`."""

from __future__ import annotations

import contextlib
import socket

from intake_files import old, rows

from paperflow.intake import Intake
from paperflow.intake.journal import IntakeRecord

T = IntakeRecord.__table__


def test_a_group_is_archived_once_each_and_journaled_done(settings, reg, ws):
    inbox = ws / "inbox"
    for i in range(5):
        old(inbox / ("sub" if i % 2 else "") / f"cert {i}.cer", f"certificate {i}".encode())
    desk = Intake(settings, reg)
    taken = [desk.take(p) for p in desk.scan()]
    assert all(taken)
    placed = desk.archive_many(taken)
    assert [p.read_bytes() for p in placed] == [inc.path.name.replace("cert", "certificate")
                                               .removesuffix(".cer").encode() for inc in taken]
    assert not [p for p in inbox.rglob("*") if p.is_file()]
    journal = rows(reg, by="name")
    assert {r.state for r in journal.values()} == {"done"}
    assert sorted((ws / r.archived_as) for r in journal.values()) == sorted(placed)
    # the same contents dropped again are duplicates, not processed a second time
    for i in range(5):
        old(inbox / f"again {i}.cer", f"certificate {i}".encode())
    again = Intake(settings, reg)
    assert [again.take(p) for p in again.scan()] == [None] * 5


def test_a_dead_process_with_a_group_placed_but_not_unlinked_is_finished(settings, reg, ws):
    """The crash window of a group: destinations journaled and linked, inbox names not yet
    removed. The next desk (another process) finishes each move: one archived copy each."""
    inbox = ws / "inbox"
    for i in range(3):
        old(inbox / f"c{i}.cer", f"content {i}".encode())
    desk = Intake(settings, reg)
    taken = [desk.take(p) for p in desk.scan()]
    from paperflow.intake import placing as desk_module

    real = desk_module.finish_move
    desk_module.finish_move = lambda *a, **k: (_ for _ in ()).throw(SystemExit("killed"))
    try:
        with contextlib.suppress(SystemExit):
            desk.archive_many(taken)
    finally:
        desk_module.finish_move = real
    assert len(list(inbox.glob("*.cer"))) == 3          # both names exist: nothing lost
    with reg.engine.begin() as conn:                     # as if its owner had died
        conn.execute(T.update().values(owner=f"{socket.gethostname()}:999999999:1"))
    Intake(settings, reg)                                # recovery on start
    assert not list(inbox.glob("*.cer"))
    archived = [p for p in (ws / "archive").rglob("*.cer") if "duplicates" not in p.parts]
    assert sorted(p.read_bytes() for p in archived) == [f"content {i}".encode() for i in range(3)]
    assert {r.state for r in rows(reg, by="name").values()} == {"done"}
