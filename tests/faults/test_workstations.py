"""Several workstations: two `paperflow watch` processes, each with its own workspace folder
(outbox, archive, .paperflow), sharing one PostgreSQL register and one inbox folder (a network
share). Claims and numbering are in the database (journal rows, advisory locks, the counter
row lock) — no lock file can see the other machine. One of the two is SIGKILLed mid-stream and
restarted. Each file is taken once, every number is unique, no mail arrives twice.

Runs against PAPERFLOW_TEST_PG_URL (skipped when unset), in a schema of its own."""

from __future__ import annotations

import json
import os
import random
import shutil
import time
import uuid
from collections import Counter
from pathlib import Path

import harness as h
import inputs
import pytest

URL = os.environ.get("PAPERFLOW_TEST_PG_URL", "")
pytestmark = pytest.mark.skipif(not URL, reason="PAPERFLOW_TEST_PG_URL not set")


@pytest.fixture
def pg_url():
    """A fresh schema: the test's register, dropped afterwards."""
    import sqlalchemy as sa

    schema = f"pf_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in URL else "?"
    try:
        yield f"{URL}{sep}options=-csearch_path%3D{schema}", admin, schema
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def workstation(path: Path, url: str, port: int, inbox: Path | None) -> Path:
    ws = h.make_workspace(path, smtp_port=port, polling=True, convert="workers = 1")
    cfg = ws / "config.toml"
    text = cfg.read_text(encoding="utf-8")
    text = text.replace("[register]", f"[register]\nurl = \"{url}\"\n#", 1) if "[register]" in text \
        else text + f"\n[register]\nurl = \"{url}\"\n"
    cfg.write_text(text, encoding="utf-8")
    if inbox is not None:                       # the shared folder
        shutil.rmtree(ws / "inbox")
        (ws / "inbox").symlink_to(inbox, target_is_directory=True)
    return ws


def test_two_copies_of_one_content_are_claimed_once_on_postgresql(tmp_path, pg_url):
    """The claim is INSERT … ON CONFLICT DO NOTHING; PostgreSQL's driver reports rowcount -1
    for it, which was read as 'inserted': both copies were taken (and archived twice)."""
    from paperflow.config import RegisterSettings, Settings
    from paperflow.intake import Intake
    from paperflow.register import Register

    url, _admin, _schema = pg_url
    ws = tmp_path / "ws"
    (ws / "inbox" / "lan-2").mkdir(parents=True)
    for p in (ws / "inbox" / "x.cer", ws / "inbox" / "lan-2" / "x.cer"):
        p.write_bytes(b"one content, two copies\n" * 20)
    s = Settings(workspace=ws, register=RegisterSettings(url=url))
    with Register.open(s) as reg:
        got = Intake(s, reg).take_many([ws / "inbox" / "x.cer", ws / "inbox" / "lan-2" / "x.cer"])
        assert [g is not None for g in got] == [True, False]


@pytest.mark.slow
def test_two_workstations_share_one_postgresql_register_and_inbox(tmp_path, pg_url):
    import sqlalchemy as sa

    url, admin, schema = pg_url
    rng = random.Random(11)
    mailbox = h.Mailbox()
    items: list[tuple[str, bytes]] = []
    serials: set[str] = set()
    for u in range(6):
        people = [3 * u + k for k in range(3)]
        items.append((f"ds-{u}.xlsx", inputs.subscriber_xlsx(people, 0x919)))
        for i in people:
            items.append((f"cts-{i}.cer", inputs.certificate_pem(i, 0x919)))
            serials.add(inputs.serial_of(i, 0x919))
    items += inputs.broken_inputs(rng, 3)
    rng.shuffle(items)
    items.insert(0, ("quyet-dinh.docx", inputs.DECISION.read_bytes()))
    items += [(f"lan-2/{n}", d) for n, d in items[1:4]]        # the same files again
    env = h.clean_env(PAPERFLOW_PIN=h.PIN, PAPERFLOW_ORG_PIN=h.PIN)
    with h.smtp_server(mailbox) as port:
        a_ws = workstation(tmp_path / "a", url, port, None)
        b_ws = workstation(tmp_path / "b", url, port, a_ws / "inbox")
        a = h.Watcher(a_ws, env, tmp_path / "a.log")
        b = h.Watcher(b_ws, env, tmp_path / "b.log")
        a.start()
        a.wait_ready()
        b.start()
        b.wait_ready()
        drops = h.Drops()
        dropping = h.dropper(a_ws / "inbox", items, 16, drops, rng)
        time.sleep(rng.uniform(5, 9))
        if not os.environ.get("ONCE_NO_KILL"):
            b.kill()                               # a power cut on workstation B
            b.start()
        dropping.join()
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and any(
                p.is_file() for p in (a_ws / "inbox").rglob("*")
                if "rejected" not in p.relative_to(a_ws / "inbox").parts
                and not p.name.startswith(".")):
            time.sleep(1)
        time.sleep(3)
        assert a.stop() == 0 and b.stop() == 0
        for ws in (a_ws, b_ws):                    # what a killed batch left: finished
            done = h.paperflow(ws, "run", "--once", env=env)
            assert done.returncode in (0, 1), done.stdout + done.stderr
            h.paperflow(ws, "send", env=env)

    # each content once: in one workstation's archive or in the shared rejected/
    dropped = drops.shas()
    finals: Counter[str] = Counter()
    dupes: Counter[str] = Counter()
    where: dict[str, list[str]] = {}
    for ws in (a_ws, b_ws):
        for p in (ws / "archive").rglob("*"):
            if p.is_file() and not p.name.startswith("."):
                (dupes if "duplicates" in p.parts else finals)[h.sha(p)] += 1
                where.setdefault(h.sha(p)[:8], []).append(str(p.relative_to(tmp_path)))
    rejected = a_ws / "inbox" / "rejected"
    for p in rejected.iterdir():
        if p.is_file() and not p.name.endswith(".error.txt"):
            finals[h.sha(p)] += 1
    wrong = {s[:8]: (n, finals[s], dupes[s]) for s, n in dropped.items()
             if finals[s] != 1 or finals[s] + dupes[s] != n}
    if wrong:
        with admin.connect() as conn:
            conn.execute(sa.text(f"SET search_path TO {schema}"))
            rows = [tuple(r) for r in conn.execute(sa.text(
                "SELECT sha256, name, state, owner, archived_as FROM intake_journal"))
                if r[0][:8] in wrong]
    assert not wrong, ("(dropped, final, duplicates) per content: "
                       f"{ {k: (v, where.get(k)) for k, v in wrong.items()} } journal {rows}")

    with admin.connect() as conn:
        conn.execute(sa.text(f"SET search_path TO {schema}"))
        journal = Counter(s for (s,) in conn.execute(sa.text(
            "SELECT state FROM intake_journal")))
        owners = {o.rsplit(":", 2)[0] for (o,) in conn.execute(sa.text(
            "SELECT owner FROM intake_journal"))}
        per_serial = Counter(s for (s,) in conn.execute(sa.text(
            "SELECT serial FROM requests WHERE kind = 'certificate'")))
        numbers = [n for (n,) in conn.execute(sa.text(
            "SELECT number FROM documents WHERE number <> ''"))]
        batches = [b for (b,) in conn.execute(sa.text("SELECT batch FROM batches"))]
    assert set(journal) <= {"done", "rejected"} and sum(journal.values()) == len(dropped)
    assert {s for s, n in per_serial.items() if n > 1} == set()
    assert serials <= set(per_serial), sorted(serials - set(per_serial))[:5]
    # every number given once, across both workstations' batches
    given = Counter(n for ws in (a_ws, b_ws) for f in (ws / "outbox").glob("*/numbers.json")
                    for seq in json.loads(f.read_text("utf-8")).values()
                    for n in seq)
    assert given and max(given.values()) == 1, given.most_common(3)
    assert numbers, "no document was numbered"
    produced = [b for b in batches if any((ws / "outbox" / b / "plan.json").is_file()
                                          for ws in (a_ws, b_ws))]
    assert sorted(produced) == sorted(batches), "a planned batch was never produced"
    twice = {m: n for m, n in Counter(mailbox.ids).items() if n > 1}
    assert not twice, f"mail received twice: {twice}"
    for log in ("a.log", "b.log"):
        assert "Traceback" not in (tmp_path / log).read_text("utf-8", "replace")
    h.record("workstations", workstations=2, kills=1, files_dropped=len(drops.files),
             batches=len(batches), numbers=sum(given.values()),
             mails_received=len(mailbox.ids), journal_owners=len(owners))
