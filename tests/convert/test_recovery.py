"""Hangs, crashes and shutdown: a bad night for LibreOffice must not lose the batch."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

from convert_factory import make_docx, make_settings, pdf_text, processes_under, zombie_children

from paperflow.convert import Converter

# ~1,000 table rows take LibreOffice several seconds to lay out; small dispatches take ~0.1 s.
SLOW_ROWS = 1000


def soffice_bins(profile: Path) -> list[int]:
    """PIDs of the soffice.bin running with this profile."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if cmd and cmd[0].endswith(b"soffice.bin") and str(profile).encode() in b" ".join(cmd):
            pids.append(int(proc.name))
    return pids


def test_killed_listener_is_restarted_and_the_rest_converts(tmp_path):
    settings = make_settings(tmp_path / "ws")
    outbox = tmp_path / "outbox"
    paths = [make_docx(outbox / f"cv-{i:02d}.docx", body=f"Văn bản thứ {i}") for i in range(12)]
    killed: list[int] = []

    def kill_first_listener() -> None:
        # As soon as the batch is under way, kill worker 0's soffice like the OOM killer would.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any(p.with_suffix(".pdf").exists() for p in paths):
                for pid in soffice_bins(settings.state / "lo" / "slot0" / "0"):
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
                return
            time.sleep(0.01)

    with Converter(settings) as conv:
        killer = threading.Thread(target=kill_first_listener)
        killer.start()
        made = conv.convert(paths)
        killer.join()
        assert killed, "the test did not manage to kill a listener"
        assert made == [p.with_suffix(".pdf") for p in paths]
        assert conv.failures == []
        assert conv.stats()["restarts"] >= 1
        assert "Văn bản thứ 11" in pdf_text(made[-1])
    assert list(Path("/tmp").glob(f"OSL_PIPE_*_paperflow-{os.getpid()}-*")) == []
    assert sorted(p.suffix for p in outbox.iterdir()) == [".docx"] * 12 + [".pdf"] * 12


def test_a_hanging_document_times_out_and_the_others_convert(tmp_path):
    settings = make_settings(tmp_path / "ws", timeout_s=2.0)
    outbox = tmp_path / "outbox"
    small = [make_docx(outbox / f"nho-{i}.docx") for i in range(6)]
    slow = make_docx(outbox / "rat-dai.docx", table_rows=SLOW_ROWS)
    with Converter(settings) as conv:
        made = conv.convert([*small[:3], slow, *small[3:]])
        assert made == [p.with_suffix(".pdf") for p in small]
        assert [p for p, _e in conv.failures] == [slow]
        err = conv.failures[0][1]
        assert "hung for more than 2 s" in err.en and "treo" in err.vi
        assert conv.stats()["restarts"] >= 1
        # The restarted listener still works.
        again = make_docx(outbox / "sau-khi-treo.docx")
        assert conv.convert([again]) == [again.with_suffix(".pdf")]
    assert not slow.with_suffix(".pdf").exists()
    assert not [p.name for p in outbox.iterdir() if p.suffix not in (".docx", ".pdf")]


def test_recycling_and_exit_leave_no_process_zombie_or_lock(tmp_path):
    settings = make_settings(tmp_path / "ws", workers=1)
    outbox = tmp_path / "outbox"
    paths = [make_docx(outbox / f"cv-{i}.docx") for i in range(3)]
    with Converter(settings, recycle_after=2) as conv:
        assert conv.convert(paths) == [p.with_suffix(".pdf") for p in paths]
        assert conv.stats()["recycled"] == 1                    # after 2 documents
        assert processes_under(settings.state)                  # the new listener is up
    assert processes_under(settings.state) == []
    assert zombie_children() == []
    assert list(Path("/tmp").glob(f"OSL_PIPE_*_paperflow-{os.getpid()}-*")) == []
    profiles = settings.state / "lo"
    assert [p for p in profiles.rglob("*") if p.name == ".lock" or ".~lock" in p.name] == []
    assert not [p.name for p in outbox.iterdir() if p.suffix not in (".docx", ".pdf")]


def test_two_converters_at_once_use_separate_profiles(tmp_path):
    settings = make_settings(tmp_path / "ws", workers=1)
    outbox = tmp_path / "outbox"
    a, b = make_docx(outbox / "a.docx"), make_docx(outbox / "b.docx")
    with Converter(settings) as first, Converter(settings) as second:
        assert first.convert([a]) == [a.with_suffix(".pdf")]
        assert second.convert([b]) == [b.with_suffix(".pdf")]
        roots = (first.root, second.root)
        assert roots[0] != roots[1]
    # Slots are free again: the next converter reuses the first one's profiles.
    with Converter(settings) as third:
        third.convert([a])
        assert third.root == roots[0]


def test_a_converter_that_never_converts_starts_nothing(tmp_path):
    settings = make_settings(tmp_path / "ws")
    with Converter(settings) as conv:
        assert conv.convert_documents([]) == []
    assert processes_under(settings.state) == []
