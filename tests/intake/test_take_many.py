"""take_many: a group of files claimed in one journal transaction, with take's guarantees."""

from __future__ import annotations

import hashlib
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path

from intake_files import old, rows
from sqlalchemy import update

from paperflow.errors import InputRejected
from paperflow.intake import Intake
from paperflow.intake.journal import IntakeRecord

T = IntakeRecord.__table__
DRIVER = Path(__file__).with_name("driver.py")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_group_is_claimed_once_each_with_one_result_per_path(settings, reg, ws):
    files = [old(ws / "inbox" / f"{i:02d}.cer", f"cert {i}".encode()) for i in range(20)]
    desk = Intake(settings, reg)
    got = desk.take_many(files)
    assert [inc.path for inc in got] == files
    assert [inc.sha256 for inc in got] == [sha(f"cert {i}".encode()) for i in range(20)]
    journal = rows(reg)
    assert {r.state for r in journal.values()} == {"taken"} and len(journal) == 20
    assert {r.owner for r in journal.values()} == {desk.me}
    # claimed, not moved: the files wait in the inbox until archived or rejected
    assert all(f.exists() for f in files)
    placed = desk.archive_many(got)
    assert [p.read_bytes() for p in placed] == [f"cert {i}".encode() for i in range(20)]
    assert {r.state for r in rows(reg).values()} == {"done"}


def test_duplicates_in_the_group_and_in_the_journal_are_not_taken(settings, reg, ws):
    first = old(ws / "inbox" / "a.cer", b"same")
    Intake(settings, reg).archive(Intake(settings, reg).take(first))
    again = old(ws / "inbox" / "a again.cer", b"same")          # already done
    b1 = old(ws / "inbox" / "b.cer", b"other")
    b2 = old(ws / "inbox" / "b copy.cer", b"other")             # twice in this group
    got = Intake(settings, reg).take_many([again, b1, b2])
    assert got[0] is None and got[2] is None
    assert got[1] is not None and got[1].sha256 == sha(b"other")
    assert not again.exists()                                   # set aside, intact
    aside = list((ws / "archive" / "duplicates").iterdir())
    assert [p.read_bytes() for p in aside] == [b"same"]
    assert b2.exists()                                          # the next pass decides


def test_an_oversize_file_is_returned_rejected_and_the_others_taken(ws, reg, settings_with):
    settings = settings_with(ws, max_file_mb=1)
    big = old(ws / "inbox" / "scan.pdf", b"%PDF" + b"0" * (2 * 1024 * 1024))
    small = old(ws / "inbox" / "a.cer", b"small")
    gone = ws / "inbox" / "vanished.cer"                        # moved by someone meanwhile
    got = Intake(settings, reg).take_many([big, small, gone])
    assert isinstance(got[0], InputRejected) and "MB" in got[0].vi
    assert (ws / "inbox" / "rejected" / "scan.pdf.error.txt").exists()
    assert got[1] is not None and got[1].name == "a.cer"
    assert got[2] is None
    assert rows(reg)[sha(b"small")].state == "taken"


def test_live_claims_are_respected_and_dead_ones_taken_over(settings, reg, ws):
    a = old(ws / "inbox" / "a.cer", b"content a")
    b = old(ws / "inbox" / "b.cer", b"content b")
    Intake(settings, reg).take_many([a, b])
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    host = socket.gethostname()
    with reg.engine.begin() as conn:
        conn.execute(update(T).where(T.c.sha256 == sha(b"content a"))
                     .values(owner=f"{host}:{other.pid}:"))          # alive
        conn.execute(update(T).where(T.c.sha256 == sha(b"content b"))
                     .values(owner=f"{host}:999999999:"))             # dead
    try:
        desk = Intake(settings, reg)
        got = desk.take_many([a, b])
        assert got[0] is None and a.exists()
        assert got[1] is not None and rows(reg)[sha(b"content b")].owner == desk.me
    finally:
        other.kill()
        other.wait()


def test_two_processes_claiming_groups_of_one_inbox_take_each_file_once(ws, reg):
    contents = {f"{i:03d}.cer": f"certificate {i}".encode() * 20 for i in range(120)}
    for name, data in contents.items():
        old(ws / "inbox" / name, data)
    # 20 ms of "extraction" a file: both are still at work when the other starts
    procs = [subprocess.Popen([sys.executable, str(DRIVER), str(ws), "0.02", "16"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    took = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
        took.append(int(out.split()[-1]))
    assert min(took) > 0 and sum(took) == 120           # both really shared the inbox
    claims = Counter((ws / "claims.log").read_text().split())
    assert set(claims) == {sha(d) for d in contents.values()}
    assert max(claims.values()) == 1                    # no file claimed by both
    archived = [p for p in (ws / "archive").rglob("*") if p.is_file()]
    assert sorted(p.read_bytes() for p in archived) == sorted(contents.values())
    assert {r.state for r in rows(reg).values()} == {"done"}
