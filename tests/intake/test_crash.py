from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from paperflow.intake.journal import IntakeRecord

DRIVER = Path(__file__).with_name("driver.py")
T = IntakeRecord.__table__


def _archived(ws: Path) -> list[Path]:
    return [p for p in (ws / "archive").rglob("*") if p.is_file()
            and "duplicates" not in p.parts]


def _start(ws: Path, delay: float, group: int = 1) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(DRIVER), str(ws), str(delay), str(group)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


# group 1: each file claimed alone (`take`); group 8: claimed 8 at a time (`take_many`), so a
# kill also leaves files claimed by the dead process but not yet archived.
@pytest.mark.parametrize("group", [1, 8])
def test_kill_9_mid_batch_loses_nothing_and_archives_each_file_once(ws, reg, group):
    contents = {f"{i:02d}.pdf": f"document {i}".encode() * 50 for i in range(60)}
    for name, data in contents.items():
        (ws / "inbox" / name).write_bytes(data)
    # a renamed copy dropped alongside must still give one archived file
    (ws / "inbox" / "copy of 07.pdf").write_bytes(contents["07.pdf"])

    for kill_after in (10, 25):
        proc = _start(ws, delay=0.05, group=group)
        end = time.monotonic() + 60
        while len(_archived(ws)) < kill_after and time.monotonic() < end:
            if proc.poll() is not None:
                break
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode()

    proc = _start(ws, delay=0.0, group=group)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode()

    archived = _archived(ws)
    shas = Counter(hashlib.sha256(p.read_bytes()).hexdigest() for p in archived)
    expected = {hashlib.sha256(d).hexdigest() for d in contents.values()}
    assert set(shas) == expected and max(shas.values()) == 1     # each once, none lost
    assert [p for p in (ws / "inbox").rglob("*") if p.is_file()] == []
    # no half-written copies left visible anywhere
    assert not [p for p in ws.rglob("*.partial")]
    with reg.engine.connect() as conn:
        states = Counter(r.state for r in conn.execute(select(T)))
    assert states == {"done": 60}
    # the kills really interrupted claims (the test would prove nothing otherwise)
    claims = Counter((ws / "claims.log").read_text().split())
    assert sum(claims.values()) >= 60
