from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import unicodedata
from pathlib import Path

import pytest
from intake_files import old, rows
from sqlalchemy import update

from paperflow.errors import InputRejected
from paperflow.intake import Intake
from paperflow.intake.journal import IntakeRecord

T = IntakeRecord.__table__


def archived(ws: Path) -> list[Path]:
    return sorted(p for p in (ws / "archive").rglob("*")
                  if p.is_file() and "duplicates" not in p.parts)


def test_scan_ignores_litter_and_rejected(settings, reg, ws):
    inbox = ws / "inbox"
    keep = ["a.xlsx", "sub/d.pdf", "sub/deeper/cert.cer"]
    litter = ["~$a.xlsx", "b.pdf.part", "c.crdownload", ".hidden.xlsx", "Thumbs.db",
              "desktop.ini", ".DS_Store", "x.xlsx.error.txt", ".dropbox.cache/e.pdf",
              "@eaDir/f.pdf", ".sync/g.pdf", ".stfolder/h.pdf", "rejected/bad.pdf",
              "~WRL0001.tmp", "sub/~$open.docx", ".~lock.a.xlsx#"]
    for n in keep + litter:
        old(inbox / n, n.encode())
    got = [p.relative_to(inbox).as_posix() for p in Intake(settings, reg).scan()]
    assert got == sorted(keep)


def test_scan_waits_for_a_file_still_being_written(settings_with, reg, ws):
    settings = settings_with(ws, quiet_s=0.2)       # ten of the writer's pauses
    growing = ws / "inbox" / "big.pdf"
    growing.write_bytes(b"%PDF-1.4\n")
    old(ws / "inbox" / "done.pdf", b"%PDF-1.4 done")
    stop = threading.Event()

    def writer() -> None:
        with growing.open("ab") as f:
            while not stop.is_set():
                f.write(b"x" * 1000)
                f.flush()
                time.sleep(0.02)

    t = threading.Thread(target=writer)
    t.start()
    try:
        names = [p.name for p in Intake(settings, reg).scan()]
    finally:
        stop.set()
        t.join()
    assert names == ["done.pdf"]
    time.sleep(settings.intake.quiet_s)
    assert [p.name for p in Intake(settings, reg).scan()] == ["big.pdf", "done.pdf"]


def test_same_content_twice_or_renamed_is_processed_once(settings, reg, ws):
    inbox = ws / "inbox"
    old(inbox / "ds.xlsx", b"PK list v1")
    old(inbox / "copy of ds.xlsx", b"PK list v1")
    desk = Intake(settings, reg)
    paths = desk.scan()
    first = desk.take(paths[0])
    assert first is not None
    desk.archive(first)
    assert desk.take(paths[1]) is None
    # the duplicate left the inbox intact, so it is not rescanned forever
    assert desk.scan() == []
    dups = list((ws / "archive" / "duplicates").iterdir())
    assert len(dups) == 1 and dups[0].read_bytes() == b"PK list v1"
    # dropped again later: still a duplicate
    old(inbox / "ds.xlsx", b"PK list v1")
    assert Intake(settings, reg).take(inbox / "ds.xlsx") is None
    assert len(archived(ws)) == 1


def test_changed_file_with_same_name_is_processed_again(settings, reg, ws):
    f = old(ws / "inbox" / "ds.xlsx", b"version 1")
    desk = Intake(settings, reg)
    desk.archive(desk.take(f))
    old(f, b"version 2")
    inc = desk.take(f)
    assert inc is not None and inc.name == "ds.xlsx"
    desk.archive(inc)
    assert sorted(p.read_bytes() for p in archived(ws)) == [b"version 1", b"version 2"]
    assert {r.state for r in rows(reg).values()} == {"done"}


def test_archive_keeps_the_original_unmodified(settings, reg, ws):
    content = os.urandom(3_000_000)
    f = old(ws / "inbox" / "sub" / "Quyết định.pdf", content)
    mtime = f.stat().st_mtime_ns
    desk = Intake(settings, reg)
    inc = desk.take(f)
    assert inc.name == "sub/Quyết định.pdf" and inc.size == len(content)
    placed = desk.archive(inc)
    assert not f.exists()
    assert placed.read_bytes() == content and placed.stat().st_mtime_ns == mtime
    assert placed.name == f"{inc.sha256[:8]}-Quyết định.pdf"
    assert placed.parent.parent.parent == ws / "archive"
    row = rows(reg)[inc.sha256]
    assert row.state == "done" and row.archived_as == placed.relative_to(ws).as_posix()


def test_reject_moves_unmodified_with_bilingual_note_and_no_clobbering(settings, reg, ws):
    desk = Intake(settings, reg)
    err = InputRejected("empty")
    placed = []
    for content in (b"first bad", b"second bad"):
        f = old(ws / "inbox" / "ds.xlsx", content)
        placed.append(desk.reject(desk.take(f), err))
    assert [p.name for p in placed] == ["ds.xlsx", "ds (1).xlsx"]
    assert [p.read_bytes() for p in placed] == [b"first bad", b"second bad"]
    note = (ws / "inbox" / "rejected" / "ds (1).xlsx.error.txt").read_text(encoding="utf-8")
    assert "Tệp rỗng" in note and "The file is empty" in note and "CÁCH XỬ LÝ" in note
    assert {r.state for r in rows(reg).values()} == {"rejected"}
    # the rejected folder is never scanned again
    assert desk.scan() == []


def test_names_from_outside_stay_inside_and_are_nfc(settings, reg, ws):
    nfd = unicodedata.normalize("NFD", "Danh sách thuê bao.xlsx")
    f = old(ws / "inbox" / nfd, b"list")
    evil = old(ws / "inbox" / "..\\..\\evil:name?.xlsx", b"evil")
    desk = Intake(settings, reg)
    inc = desk.take(f)
    assert inc.name == unicodedata.normalize("NFC", "Danh sách thuê bao.xlsx")
    assert unicodedata.is_normalized("NFC", desk.archive(inc).name)
    bad = desk.take(evil)
    for placed in (desk.archive(bad),):
        assert placed.resolve().is_relative_to((ws / "archive").resolve())
        assert "/" not in placed.name and "\\" not in placed.name


def test_oversize_file_is_rejected_with_reason(ws, reg, settings_with):
    settings = settings_with(ws, max_file_mb=1)
    f = old(ws / "inbox" / "scan.pdf", b"%PDF" + b"0" * (2 * 1024 * 1024))
    with pytest.raises(InputRejected) as exc:
        Intake(settings, reg).take(f)
    assert "MB" in exc.value.vi
    assert (ws / "inbox" / "rejected" / "scan.pdf").exists()
    assert (ws / "inbox" / "rejected" / "scan.pdf.error.txt").exists()


def _claim_as(reg, sha: str, owner: str, archived_as: str = "") -> None:
    with reg.engine.begin() as conn:
        conn.execute(update(T).where(T.c.sha256 == sha)
                     .values(owner=owner, archived_as=archived_as))


def test_claim_of_a_live_other_process_is_respected(settings, reg, ws):
    import socket

    f = old(ws / "inbox" / "a.pdf", b"content a")
    inc = Intake(settings, reg).take(f)
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        _claim_as(reg, inc.sha256, f"{socket.gethostname()}:{other.pid}:")
        assert Intake(settings, reg).take(f) is None
        assert f.exists()           # left for the live owner
    finally:
        other.kill()
        other.wait()
    # once that process is gone, its claim is taken over
    again = Intake(settings, reg).take(f)
    assert again is not None and again.sha256 == inc.sha256


def test_crash_after_placing_is_finished_not_redone(settings, reg, ws):
    import shutil
    import socket

    f = old(ws / "inbox" / "a.pdf", b"content a")
    inc = Intake(settings, reg).take(f)
    dest = ws / "archive" / "2025" / "06" / f"{inc.sha256[:8]}-a.pdf"
    dest.parent.mkdir(parents=True)
    shutil.copy2(f, dest)           # the dead process linked it but did not unlink the source
    _claim_as(reg, inc.sha256, f"{socket.gethostname()}:999999999:",
              dest.relative_to(ws).as_posix())
    assert Intake(settings, reg).take(f) is None
    assert not f.exists() and dest.read_bytes() == b"content a"
    assert rows(reg)[inc.sha256].state == "done"


def test_a_claim_left_by_a_failed_batch_of_this_process_is_retried(settings, reg, ws):
    f = old(ws / "inbox" / "a.pdf", b"content a")
    assert Intake(settings, reg).take(f) is not None    # batch dies before archive/reject
    again = Intake(settings, reg).take(f)               # the watcher's next batch
    assert again is not None
    Intake(settings, reg).archive(again)
    assert [p.read_bytes() for p in archived(ws)] == [b"content a"]


def test_same_content_twice_in_one_scan_is_taken_once(settings, reg, ws):
    old(ws / "inbox" / "a.pdf", b"same")
    old(ws / "inbox" / "b.pdf", b"same")
    desk = Intake(settings, reg)
    taken = [inc for p in desk.scan() if (inc := desk.take(p)) is not None]
    assert len(taken) == 1


def test_unreadable_input_goes_to_rejected_with_its_reason(settings, reg, ws):
    from paperflow import extract

    f = old(ws / "inbox" / "trang-web.pdf", b"<html><body>Het phien</body></html>")
    desk = Intake(settings, reg)
    inc = desk.take(f)
    with pytest.raises(InputRejected) as exc:
        extract.read(inc)
    placed = desk.reject(inc, exc.value)
    assert placed.read_bytes() == b"<html><body>Het phien</body></html>"
    note = placed.with_name(placed.name + ".error.txt").read_text(encoding="utf-8")
    assert "HTML" in note and "trang web" in note
