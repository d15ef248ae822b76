"""The crash test: `paperflow watch` under a stream of drops, killed with SIGKILL at random
moments (power cut, clerk restarting the machine mid-batch), restarted each time.

Intake uses inotify (`[intake] polling = false`, the default) plus the periodic rescan every
5 s. The watcher signs with the demo SoftHSM token (PAPERFLOW_PIN) and sends every mail over
SMTP to aiosmtpd on 127.0.0.1. At the end (after a last clean `run --once` and `send` to drain)
the promise is checked against archive/, inbox/rejected/, outbox/, the register and the mail the
SMTP server received.
"""

from __future__ import annotations

import os
import random
import time

import harness as h
import inputs
import pytest

pytestmark = pytest.mark.slow

DROP_SECONDS = float(os.environ.get("PAPERFLOW_FAULTS_DROP_S", "70"))
UNITS = int(os.environ.get("PAPERFLOW_FAULTS_UNITS", "45"))     # 3 people each: 4 files
KILLS = int(os.environ.get("PAPERFLOW_FAULTS_KILLS", "4"))


def stream(rng: random.Random) -> tuple[list[tuple[str, bytes]], set[str]]:
    """The decision first, then subscriber lists and certificate files in random order,
    broken files and second copies of the same content under other names among them."""
    items: list[tuple[str, bytes]] = []
    serials: set[str] = set()
    series = rng.randrange(1, 0xFFE)
    for u in range(UNITS):
        people = [3 * u + k for k in range(3)]
        items.append((f"don-vi-{u:03d}/danh-sach-thue-bao.xlsx",
                      inputs.subscriber_xlsx(people, series)))
        for i in people:
            items.append((f"cts-{i:04d}.cer", inputs.certificate_pem(i, series)))
            serials.add(inputs.serial_of(i, series))
    items += inputs.broken_inputs(rng, 15)
    rng.shuffle(items)
    for name, data in rng.sample(items, 10):        # the same folder dropped twice
        items.insert(rng.randrange(len(items) // 2, len(items)), (f"ban-sao/{name}", data))
    items.insert(0, ("quyet-dinh-sap-xep.docx", inputs.DECISION.read_bytes()))
    return items, serials


def test_watch_killed_at_random_keeps_the_promise(tmp_path):
    rng = random.Random(int(os.environ.get("PAPERFLOW_FAULTS_SEED", "0")) or None)
    mailbox = h.Mailbox()
    with h.smtp_server(mailbox) as port:
        ws = h.make_workspace(tmp_path / "ws", smtp_port=port)
        env = h.clean_env(PAPERFLOW_PIN=h.PIN)
        items, serials = stream(rng)
        watcher = h.Watcher(ws, env, tmp_path / "watch.log")
        drops = h.Drops()
        watcher.start()
        thread = h.dropper(ws / "inbox", items, DROP_SECONDS, drops, rng)
        # kill moments spread over the stream, each at a random point of its slot
        slot = (DROP_SECONDS + 10) / KILLS
        moments = [k * slot + rng.uniform(0.3, 0.9) * slot for k in range(KILLS)]
        start, kills = time.monotonic(), 0
        for when in moments:
            time.sleep(max(0.0, start + when - time.monotonic()))
            watcher.kill()
            kills += 1
            time.sleep(rng.uniform(0.1, 2.0))
            watcher.start()
        thread.join()
        # let the last watcher take what is left, then stop it cleanly
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and any(
                p.is_file() for p in (ws / "inbox").rglob("*")
                if "rejected" not in p.relative_to(ws / "inbox").parts):
            time.sleep(1)
        assert watcher.stop() == 0, (tmp_path / "watch.log").read_text("utf-8", "replace")
        drain = h.paperflow(ws, "run", "--once", env=env)
        send = h.paperflow(ws, "send", env=env)
        assert h.processes_mentioning(ws) == []

        log = (tmp_path / "watch.log").read_text("utf-8", "replace")
        files = h.check_files(ws, drops)
        actions = h.check_actions(ws, serials)
        mail = h.check_mail(ws, mailbox)
    assert "Traceback" not in log, log[-3000:]
    assert drain.returncode == 0, drain.stdout + drain.stderr
    assert mail["mails_sent"] > 0, send.stdout + send.stderr
    h.record("crash_watch", kills=kills, files_dropped=len(drops.files),
             certificates=len(serials), **files, **actions, **mail)
