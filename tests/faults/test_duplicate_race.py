"""The race behind the two-watchers failure under CPU load ("two copies of one content counted
as three: 1 archived + 2 duplicates"): both watchers found the second copy a duplicate and
both set it aside — each linked the one inbox file to its own name in archive/duplicates/
before either removed it. Two intake desks (as two watchers) take the same duplicate at the
same instant, many times: each copy must end in archive/duplicates/ exactly once."""

from __future__ import annotations

import threading
from pathlib import Path

from paperflow.config import Settings
from paperflow.intake import Intake
from paperflow.register import Register

ROUNDS = 60


def test_a_duplicate_taken_by_two_watchers_at_once_is_set_aside_once(tmp_path: Path) -> None:
    settings = Settings(workspace=tmp_path / "ws")
    settings.inbox.mkdir(parents=True)
    body = b"the same content, dropped again and again\n" * 50
    with Register.open(settings) as reg:
        first = Intake(settings, reg)
        original = settings.inbox / "ds.xlsx"
        original.write_bytes(body)
        (inc,) = first.take_many([original])
        first.archive(inc)
        desks = [Intake(settings, reg), Intake(settings, reg)]
        for n in range(ROUNDS):
            copy = settings.inbox / f"lan-{n}" / "ds.xlsx"
            copy.parent.mkdir()
            copy.write_bytes(body)
            barrier = threading.Barrier(2)
            got: list[object] = []

            def take(desk: Intake, path: Path = copy, barrier=barrier, got=got) -> None:
                barrier.wait()
                got.append(desk.take_many([path])[0])

            threads = [threading.Thread(target=take, args=(d,)) for d in desks]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert got == [None, None] and not copy.exists()
    dupes = [p for p in (settings.archive / "duplicates").rglob("*") if p.is_file()]
    archived = [p for p in settings.archive.rglob("*")
                if p.is_file() and "duplicates" not in p.parts]
    assert len(archived) == 1
    assert len(dupes) == ROUNDS, f"{len(dupes)} duplicates from {ROUNDS} copies"
    assert all(p.read_bytes() == body for p in dupes)
