"""Two machines sharing a network folder, simulated as two `paperflow watch` processes on one
workspace (polling intake, as on a share): each file is processed by exactly one of them, each
certificate gets one action, each mail is sent once."""

from __future__ import annotations

import random
import sqlite3
import time
from collections import Counter

import harness as h
import inputs
import pytest

pytestmark = pytest.mark.slow


def test_two_watchers_share_one_inbox(tmp_path):
    rng = random.Random(7)
    mailbox = h.Mailbox()
    with h.smtp_server(mailbox) as port:
        ws = h.make_workspace(tmp_path / "ws", smtp_port=port, polling=True,
                              convert="workers = 1")
        env = h.clean_env(PAPERFLOW_PIN=h.PIN)
        items: list[tuple[str, bytes]] = []
        serials: set[str] = set()
        for u in range(8):
            people = [3 * u + k for k in range(3)]
            items.append((f"ds-{u}.xlsx", inputs.subscriber_xlsx(people, 0x777)))
            for i in people:
                items.append((f"cts-{i}.cer", inputs.certificate_pem(i, 0x777)))
                serials.add(inputs.serial_of(i, 0x777))
        items += inputs.broken_inputs(rng, 5)
        rng.shuffle(items)
        items.insert(0, ("quyet-dinh.docx", inputs.DECISION.read_bytes()))
        items += [(f"lan-2/{n}", d) for n, d in items[1:6]]        # the same files again
        a = h.Watcher(ws, env, tmp_path / "a.log")
        b = h.Watcher(ws, env, tmp_path / "b.log")
        a.start()
        b.start()
        a.wait_ready()
        b.wait_ready()
        drops = h.Drops()
        h.dropper(ws / "inbox", items, 20, drops, rng).join()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and any(
                p.is_file() for p in (ws / "inbox").rglob("*")
                if "rejected" not in p.relative_to(ws / "inbox").parts):
            time.sleep(1)
        time.sleep(3)                      # a batch still being produced finishes
        assert a.stop() == 0 and b.stop() == 0
        h.paperflow(ws, "send", env=env)
        files = h.check_files(ws, drops)
        actions = h.check_actions(ws, serials)
        mail = h.check_mail(ws, mailbox)
    db = sqlite3.connect(ws / "paperflow.db")
    owners = Counter(o.rsplit(":", 2)[1] for (o,) in db.execute("SELECT owner FROM intake_journal"))
    states = Counter(s for (s,) in db.execute("SELECT state FROM intake_journal"))
    db.close()
    assert set(states) <= {"done", "rejected"}, states
    assert sum(states.values()) == len(set(drops.shas()))      # one journal row per content
    for log in ("a.log", "b.log"):
        assert "Traceback" not in (tmp_path / log).read_text("utf-8", "replace")
    h.record("two_watchers", watchers=2, files_dropped=len(drops.files),
             processes_that_took_files=len(owners), **files, **actions, **mail)


def test_processes_opening_a_new_register_at_once_all_succeed(tmp_path):
    """Two machines starting at the same moment on a fresh workspace: both see no tables, one
    creates them first — the other must not fail with 'table already exists'."""
    import subprocess
    import sys

    code = "import sys; from paperflow.register.db import open_engine; open_engine(sys.argv[1])"
    failures = 0
    for n in range(3):
        url = f"sqlite:///{tmp_path}/r{n}.db"
        procs = [subprocess.Popen([sys.executable, "-c", code, url], stderr=subprocess.PIPE)
                 for _ in range(5)]
        failures += sum(1 for p in procs if p.wait() != 0)
        for p in procs:
            p.stderr.close()
    assert failures == 0
    h.record("register_open_race", processes=15, failures=failures)
