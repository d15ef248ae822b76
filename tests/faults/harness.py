"""The system under test, as clerks run it: `paperflow` processes on a real workspace (demo
SoftHSM token, LibreOffice, SQLite), a real SMTP server (aiosmtpd) on 127.0.0.1, files dropped
into inbox/ by another thread, and the checks of the promise against what is on disk.

Counters of what was tried go to $PAPERFLOW_FAULTS_REPORT (JSON lines) for
scripts/reliability.py, which writes docs/RELIABILITY.md from them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller

REPO = Path(__file__).resolve().parents[2]
PIN = "123456"


def record(test: str, **counts: object) -> None:
    """Append what a test tried and survived to the reliability report (when one is kept)."""
    target = os.environ.get("PAPERFLOW_FAULTS_REPORT")
    if not target:
        return
    with open(target, "a", encoding="utf-8") as f:
        f.write(json.dumps({"test": test, **counts}, ensure_ascii=False) + "\n")


# ---- SMTP --------------------------------------------------------------------------------

class Mailbox:
    """What the SMTP server accepted: Message-IDs in arrival order (repeats kept)."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.raw: list[bytes] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook)
        msg = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.ids.append(str(msg["Message-ID"]).strip().strip("<>"))
            self.raw.append(envelope.content)
        return "250 2.0.0 Ok: queued"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def smtp_server(mailbox: Mailbox, port: int | None = None, **kwargs: object) -> Iterator[int]:
    port = port or free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


# ---- workspace ---------------------------------------------------------------------------

ADDRESSES = {
    "Sở Tài chính tỉnh Hưng Yên": "stc@hungyen.gov.vn",
    "Sở Nông nghiệp và Môi trường tỉnh Hưng Yên": "snnmt@hungyen.gov.vn",
    "Sở Khoa học và Công nghệ tỉnh Hưng Yên": "cds.skhcn@hungyen.gov.vn",
    "Ủy ban nhân dân tỉnh Hưng Yên": "ubnd@hungyen.gov.vn",
}


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERFLOW_")}
    env.update(extra)
    return env


def paperflow(ws: Path, *args: str, env: dict[str, str] | None = None,
              timeout: float = 600) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "paperflow.cli", "--config", str(ws / "config.toml"), *args]
    return subprocess.run(cmd, cwd=ws, capture_output=True, text=True, timeout=timeout,
                          env=env if env is not None else clean_env(PAPERFLOW_PIN=PIN))


def make_workspace(ws: Path, *, smtp_port: int | None = None, polling: bool = False,
                   convert: str = "", make_pki: bool = True,
                   env: dict[str, str] | None = None) -> Path:
    """`paperflow init --demo`, tuned for tests: quick intake, SMTP on 127.0.0.1 if given."""
    done = subprocess.run([sys.executable, "-m", "paperflow.cli", "init", str(ws), "--demo"],
                          capture_output=True, text=True, cwd=REPO, env=clean_env())
    assert done.returncode == 0, done.stderr
    cfg = ws / "config.toml"
    text = cfg.read_text(encoding="utf-8")
    text = text.replace(
        "polling = false ",
        f"polling = {'true' if polling else 'false'}\npoll_interval_s = 0.5\nquiet_s = 0.5\n"
        "rescan_s = 5\n#")
    if convert:
        text = text.replace("workers = 2", convert)
    if smtp_port:
        text = (text.replace("send = false", "send = true")
                .replace('smtp_host = ""', 'smtp_host = "127.0.0.1"')
                .replace("smtp_port = 587", f"smtp_port = {smtp_port}")
                .replace('security = "starttls"', 'security = "none"\ntimeout_s = 10'))
        text += "\n[mail.addresses]\n" + "".join(f'"{k}" = "{v}"\n'
                                                 for k, v in ADDRESSES.items())
    cfg.write_text(text, encoding="utf-8")
    if make_pki:        # the demo token exists before the first kill, as on a clerk's machine
        code = ("import sys; from paperflow.config import load_settings; "
                "from paperflow.sign.demo import ensure_demo_pki; "
                "ensure_demo_pki(load_settings(sys.argv[1]))")
        done = subprocess.run([sys.executable, "-c", code, str(cfg)], capture_output=True,
                              text=True, env=env or clean_env(), timeout=120)
        assert done.returncode == 0, done.stderr
    return ws


# ---- processes ---------------------------------------------------------------------------

def processes_mentioning(folder: Path) -> list[int]:
    """Live (non-zombie) processes whose command line names `folder` (soffice profiles,
    UNO workers of a killed watcher)."""
    found = []
    me = str(folder).encode()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes()
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if me in cmd and state != "Z" and int(proc.name) != os.getpid():
            found.append(int(proc.name))
    return found


class Watcher:
    """`paperflow watch` in its own process group (its soffice children die with it)."""

    def __init__(self, ws: Path, env: dict[str, str], log: Path) -> None:
        self.ws, self.env, self.log = ws, env, log
        self.proc: subprocess.Popen[bytes] | None = None
        self._started = 0

    def start(self) -> None:
        out = self.log.open("ab")
        self._started = self._markers()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "paperflow.cli", "--config", str(self.ws / "config.toml"),
             "watch"], cwd=self.ws, env=self.env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)
        out.close()

    def _markers(self) -> int:
        try:
            return self.log.read_bytes().count("Đang theo dõi".encode())
        except FileNotFoundError:
            return 0

    def wait_ready(self, timeout: float = 60) -> None:
        """Until this process has said it is watching (its SIGTERM handler is in place)."""
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            if self._markers() > self._started:
                return
            time.sleep(0.05)
        raise AssertionError(self.log.read_text("utf-8", "replace")[-3000:])

    def kill(self) -> None:
        """SIGKILL the whole group, then whatever it started in sessions of their own (the
        UNO workers): a power cut takes them all."""
        assert self.proc is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        for pid in processes_mentioning(self.ws):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def stop(self, timeout: float = 120) -> int:
        assert self.proc is not None
        self.wait_ready()
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return -9


# ---- dropping files ----------------------------------------------------------------------

@dataclass
class Drops:
    """Everything dropped: name → content, in drop order."""

    files: list[tuple[str, bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def shas(self) -> Counter[str]:
        with self.lock:
            return Counter(hashlib.sha256(b).hexdigest() for _n, b in self.files)


def drop(inbox: Path, name: str, data: bytes) -> None:
    """As a careful copy tool does: a hidden temporary name, then one rename into place."""
    target = inbox / name
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def dropper(inbox: Path, items: list[tuple[str, bytes]], seconds: float, drops: Drops,
            rng: random.Random) -> threading.Thread:
    """A thread dropping `items` in small bursts spread over `seconds`."""

    def run() -> None:
        start = time.monotonic()
        i = 0
        while i < len(items):
            burst = rng.randint(1, 8)
            for name, data in items[i:i + burst]:
                drop(inbox, name, data)
                with drops.lock:
                    drops.files.append((name, data))
            i += burst
            due = start + seconds * i / len(items)
            time.sleep(max(0.0, due - time.monotonic()))

    t = threading.Thread(target=run, name="dropper", daemon=True)
    t.start()
    return t


# ---- the promise -------------------------------------------------------------------------

def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def visible(p: Path, root: Path) -> bool:
    return not any(part.startswith(".") for part in p.relative_to(root).parts)


def check_files(ws: Path, drops: Drops) -> dict[str, int]:
    """Every dropped content ends once in archive/ or inbox/rejected/ (with its reason);
    extra copies of the same content are set aside in archive/duplicates/; the inbox is
    empty; nothing half-written is visible in outbox/."""
    dropped = drops.shas()
    archived = Counter(sha(p) for p in (ws / "archive").rglob("*")
                       if p.is_file() and "duplicates" not in p.parts)
    dupes = Counter(sha(p) for p in (ws / "archive" / "duplicates").rglob("*") if p.is_file())
    rejected_dir = ws / "inbox" / "rejected"
    rejected = Counter()
    for p in rejected_dir.iterdir():
        if p.is_file() and not p.name.endswith(".error.txt"):
            note = p.with_name(p.name + ".error.txt")
            assert note.is_file(), f"{p.name} rejected without a reason"
            text = note.read_text(encoding="utf-8")
            assert "LÝ DO" in text and "WHY" in text, text
            rejected[sha(p)] += 1
    problems = []
    for s, n in dropped.items():
        finals = archived[s] + rejected[s]
        if finals != 1 or finals + dupes[s] != n:
            problems.append((s[:8], n, archived[s], rejected[s], dupes[s]))
    assert not problems, f"(sha, dropped, archived, rejected, duplicates): {problems}"
    assert set(archived) | set(rejected) | set(dupes) <= set(dropped), "unknown files appeared"
    left = [p for p in (ws / "inbox").rglob("*")
            if p.is_file() and rejected_dir not in p.parents]
    assert left == [], f"left in the inbox: {left}"
    outbox = ws / "outbox"
    half = [p for p in outbox.rglob("*") if visible(p, outbox)
            and any(t in p.name for t in (".partial", ".tmp", ".old", ".part"))]
    assert half == [], f"half-written output visible: {half}"
    return {"archived": sum(archived.values()), "rejected": sum(rejected.values()),
            "duplicates": sum(dupes.values())}


def plan_actions(ws: Path) -> list[tuple[str, dict]]:
    """(batch, action) of every plan.json in the visible outbox."""
    out = []
    for plan in sorted((ws / "outbox").glob("*/plan.json")):
        if not visible(plan, ws / "outbox"):
            continue
        for a in json.loads(plan.read_text(encoding="utf-8"))["actions"]:
            out.append((plan.parent.name, a))
    return out


def check_actions(ws: Path, expected_serials: set[str]) -> dict[str, int]:
    """Each certificate that needs one has exactly one action across every batch; every
    action the register planned is in a visible batch (none lost with a killed process)."""
    per_serial: Counter[str] = Counter()
    for _batch, a in plan_actions(ws):
        if a["kind"] == "certificate":
            per_serial[a["serial"]] += 1
    twice = {s: n for s, n in per_serial.items() if n > 1}
    assert not twice, f"certificates with more than one action: {twice}"
    missing = sorted(expected_serials - set(per_serial))
    assert not missing, f"{len(missing)} certificates without an action: {missing[:5]}"
    db = sqlite3.connect(ws / "paperflow.db")
    try:
        batches = {b for (b,) in db.execute("SELECT DISTINCT batch FROM requests")}
    finally:
        db.close()
    lost = sorted(b for b in batches if not (ws / "outbox" / b / "plan.json").is_file())
    assert not lost, f"batches planned in the register but never produced: {lost}"
    return {"certificate_actions": sum(per_serial.values()), "batches": len(batches)}


def check_mail(ws: Path, mailbox: Mailbox) -> dict[str, int]:
    """Each mail the log says was sent arrived exactly once; nothing arrived twice; nothing
    arrived that the log does not know."""
    db = sqlite3.connect(ws / "paperflow.db")
    try:
        rows = dict(db.execute("SELECT message_id, state FROM mail_log").fetchall())
    finally:
        db.close()
    got = Counter(mailbox.ids)
    twice = {m: n for m, n in got.items() if n > 1}
    assert not twice, f"received more than once: {twice}"
    unknown = set(got) - set(rows)
    assert not unknown, f"received but not in the mail log: {unknown}"
    sent = {m for m, s in rows.items() if s == "sent"}
    not_received = sent - set(got)
    assert not not_received, f"logged as sent, never received: {not_received}"
    wrong = {m: rows[m] for m in got if rows[m] not in ("sent", "sending", "uncertain")}
    assert not wrong, f"received but logged as {wrong}"
    states = Counter(rows.values())
    return {"mails_sent": len(sent), "mails_received": len(got),
            "mails_uncertain": states.get("sending", 0) + states.get("uncertain", 0),
            "mails_superseded": states.get("superseded", 0), "mails_held": states.get("held", 0),
            "mails_pending": states.get("pending", 0), "mails_failed": states.get("failed", 0)}
