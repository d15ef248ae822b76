from __future__ import annotations

import os
import threading
import time
from collections import Counter

import pytest
from sqlalchemy import select

from paperflow.intake import Intake, watch
from paperflow.intake.journal import IntakeRecord

T = IntakeRecord.__table__


def poll(cond, timeout: float = 60.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


def run_watcher(settings, reg, taken: list[str]):
    lock = threading.Lock()

    def on_arrived() -> None:
        desk = Intake(settings, reg)
        for p in desk.scan():
            inc = desk.take(p)
            if inc is not None:
                with lock:
                    taken.append(inc.sha256)
                desk.archive(inc)

    stop = threading.Event()
    t = threading.Thread(target=watch, args=(settings, on_arrived), kwargs={"stop": stop})
    t.start()
    return stop, t


@pytest.mark.parametrize("polling", [False, True], ids=["inotify", "polling"])
def test_500_files_dropped_at_once_are_each_processed_exactly_once(ws, reg, settings_with,
                                                                    polling):
    settings = settings_with(ws, quiet_s=0.3, polling=polling, rescan_s=2.0)
    taken: list[str] = []
    stop, t = run_watcher(settings, reg, taken)
    try:
        src = ws / "drop"
        src.mkdir()
        expected = {}
        for i in range(500):
            content = f"file {i} ".encode() + os.urandom(64)
            p = src / f"{i:03d}.pdf"
            p.write_bytes(content)
            expected[p.name] = content
        # litter that must never be taken
        (ws / "inbox" / "~$open.xlsx").write_bytes(b"lock")
        (ws / "inbox" / "dl.pdf.part").write_bytes(b"partial")
        for p in sorted(src.iterdir()):          # the clerk's copy: many renames at once
            os.replace(p, ws / "inbox" / p.name)
        assert poll(lambda: len(taken) >= 500 and not any(
            (ws / "inbox").glob("*.pdf")), timeout=120)
        time.sleep(1.0)                          # nothing more may trickle in
    finally:
        stop.set()
        t.join(timeout=10)
    assert not t.is_alive(), "watch() must return promptly once stop is set"
    counts = Counter(taken)
    assert len(counts) == 500 and max(counts.values()) == 1
    archived = [p for p in (ws / "archive").rglob("*.pdf")]
    assert len(archived) == 500
    assert sorted(p.read_bytes() for p in archived) == sorted(expected.values())
    assert sorted(p.name for p in (ws / "inbox").iterdir() if p.is_file()) == [
        "dl.pdf.part", "~$open.xlsx"]
    with reg.engine.connect() as conn:
        states = Counter(r.state for r in conn.execute(select(T)))
    assert states == {"done": 500}


def test_watch_picks_up_files_present_before_start_and_in_subfolders(ws, reg, settings_with):
    settings = settings_with(ws, quiet_s=0.05)
    (ws / "inbox" / "before.pdf").write_bytes(b"before")
    taken: list[str] = []
    stop, t = run_watcher(settings, reg, taken)
    try:
        assert poll(lambda: len(taken) == 1)
        sub = ws / "inbox" / "Sở Tài chính"
        sub.mkdir()
        (sub / "after.pdf").write_bytes(b"after")
        assert poll(lambda: len(taken) == 2)
    finally:
        stop.set()
        t.join(timeout=10)
    assert not t.is_alive()
    assert sorted(p.read_bytes() for p in (ws / "archive").rglob("*.pdf")) == [b"after",
                                                                              b"before"]


def test_a_failing_batch_does_not_stop_the_watcher(ws, reg, settings_with):
    settings = settings_with(ws, quiet_s=0.2, rescan_s=0.5)
    calls: list[int] = []

    def on_arrived() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        desk = Intake(settings, reg)
        for p in desk.scan():
            inc = desk.take(p)
            if inc:
                desk.archive(inc)

    stop = threading.Event()
    t = threading.Thread(target=watch, args=(settings, on_arrived), kwargs={"stop": stop})
    t.start()
    try:
        (ws / "inbox" / "x.pdf").write_bytes(b"x")
        assert poll(lambda: any((ws / "archive").rglob("x.pdf")) or
                    any((ws / "archive").rglob("*-x.pdf")), timeout=30)
    finally:
        stop.set()
        t.join(timeout=10)
    assert len(calls) >= 2
