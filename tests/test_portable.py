"""What paperflow needs from the platform: nothing Linux-only (Windows clerks' PCs).

The CI runs the whole suite a second time as on Windows (.ci/run, tests/portable/sitecustomize.py);
these tests check the pieces that differ: the locks, the liveness of a claim's owner, the
read-ahead helper dying with its parent whatever the start method.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from paperflow.intake import owner
from paperflow.locks import exclusive, try_lock

SRC = Path(__file__).resolve().parents[1] / "src" / "paperflow"


# the two places that kill a process group, each with a Windows branch beside it
KILLPG_OK = {"convert/_soffice.py", "convert/_uno_worker.py"}


def test_no_paperflow_module_imports_fcntl_reads_proc_or_kills_a_group_itself():
    offenders = []
    for py in SRC.rglob("*.py"):
        text = py.read_text(encoding="utf-8")
        rel = py.relative_to(SRC).as_posix()
        if re.search(r"^\s*(import fcntl|from fcntl)", text, re.M) or re.search(r"[\"']/proc/", text) \
                or (rel not in KILLPG_OK and "os.killpg(" in text):
            offenders.append(rel)
    assert offenders == []


def _hold(path: Path) -> subprocess.Popen:
    code = textwrap.dedent(f"""
        import sys, time
        from paperflow.locks import try_lock
        held = try_lock(__import__("pathlib").Path({str(path)!r}))
        print("held" if held else "busy", flush=True)
        sys.stdin.read()
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_lock_held_by_another_process_is_refused_then_free_when_it_dies(tmp_path):
    proc = _hold(tmp_path / "locks" / "plan.lock")
    try:
        with exclusive(tmp_path / "locks", "plan", wait=False) as mine:
            assert mine is False
    finally:
        proc.kill()                             # killed, not released: the OS drops the lock
        proc.wait()
    with exclusive(tmp_path / "locks", "plan", wait=False) as mine:
        assert mine is True


def test_two_lock_objects_in_one_process_exclude_each_other(tmp_path):
    first = try_lock(tmp_path / "slot0.flock")
    assert first is not None
    assert try_lock(tmp_path / "slot0.flock") is None
    first.release()
    again = try_lock(tmp_path / "slot0.flock")
    assert again is not None
    again.release()


def test_a_claim_is_alive_while_its_process_lives_and_dead_after():
    assert not owner.is_dead(owner.me(), None)
    proc = subprocess.Popen([sys.executable, "-c",
                             "from paperflow.intake import owner; print(owner.me(), flush=True);"
                             "import sys; sys.stdin.read()"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    theirs = proc.stdout.readline().strip()
    assert not owner.is_dead(theirs, None)
    host, pid, start = theirs.split(":")
    assert int(pid) == proc.pid and start
    # the same pid with another start time is another process (a recycled pid)
    assert owner.is_dead(f"{host}:{pid}:{int(start) - 100}", None)
    proc.kill()
    proc.wait()
    assert owner.is_dead(theirs, None)


@pytest.mark.parametrize("method", ["spawn", "fork"] if sys.platform.startswith("linux")
                         else ["spawn"])
def test_the_read_ahead_helper_dies_with_a_killed_parent(tmp_path, method):
    cert = tmp_path / "c.cer"
    cert.write_bytes(b"not a certificate")
    code = textwrap.dedent(f"""
        import multiprocessing, sys, time
        from pathlib import Path
        if __name__ == "__main__":
            multiprocessing.set_start_method({method!r}, force=True)
            from paperflow.extract.ahead import ReadAhead
            from paperflow.models import Incoming
            ahead = ReadAhead(enabled=True)
            p = Path({str(cert)!r})
            get = ahead.submit(Incoming(path=p, sha256="0" * 64, name=p.name, size=p.stat().st_size))
            try:
                get()
            except Exception:
                pass
            print(*[c.pid for c in __import__("psutil").Process().children()], flush=True)
            time.sleep(600)
    """)
    script = tmp_path / "parent.py"
    script.write_text(code, encoding="utf-8")
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        helpers = [psutil.Process(int(p)) for p in parent.stdout.readline().split()]
        assert helpers, "no helper process was started"
    finally:
        parent.kill()                           # SIGKILL / End task: no cleanup runs
        parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_running(h) for h in helpers):
        time.sleep(0.1)
    assert not any(_running(h) for h in helpers)


def _running(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_the_portable_switch_really_blocks_fcntl_and_proc(tmp_path):
    """The CI step proves nothing if its switch does nothing."""
    code = textwrap.dedent("""
        import multiprocessing, types
        mod = types.ModuleType("paperflow._probe")
        out = [multiprocessing.get_start_method()]
        for stmt in ("import fcntl", "open('/proc/self/stat').read()"):
            try:
                exec(stmt, mod.__dict__)
                out.append("allowed")
            except (ImportError, PermissionError):
                out.append("blocked")
        print(*out)
    """)
    env = {**os.environ, "PAPERFLOW_PORTABLE_CHECK": "1",
           "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent / "portable"),
                                          os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["spawn", "blocked", "blocked"]
