"""Each message reaches its recipient at most once across every sequence a clerk can cause:
`run --no-sign` (the import sheet, sendable unsigned, goes out at once) → `sign` with a wrong
PIN → `sign` → `send` → `send --retry-failed`. Each render of a batch writes new .eml files
(signed PDFs change the content, so the Message-IDs); the earlier mail rows of the batch are
superseded, never sent, never counted by `status`. A real SMTP server counts the arrivals."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter

import harness as h
import pytest

pytestmark = pytest.mark.slow


def arrivals(mailbox: h.Mailbox) -> Counter[tuple[str, str]]:
    """(recipient, subject) of each message received: one document to one recipient."""
    from email import message_from_bytes, policy

    got: Counter[tuple[str, str]] = Counter()
    for raw in mailbox.raw:
        msg = message_from_bytes(raw, policy=policy.default)
        got[(str(msg["To"]), str(msg["Subject"]))] += 1
    return got


def clerk_types_the_pin(ws) -> None:
    """After a wrong PIN the token says few tries are left and paperflow no longer uses
    PAPERFLOW_PIN; one correct login (the clerk typing the PIN) makes the token normal."""
    import subprocess
    import sys

    code = ("import sys, pkcs11; from paperflow.config import load_settings; "
            "from paperflow.sign.demo import ensure_demo_pki; s = load_settings(sys.argv[1]); "
            "ensure_demo_pki(s); lib = pkcs11.lib(s.signing.pkcs11_module); "
            "labels = [s.signing.token_label] + ([s.signing.organization.token_label] "
            "if s.signing.organization else []); "
            "[lib.get_token(token_label=t).open(user_pin=sys.argv[2]).close() for t in labels]")
    done = subprocess.run([sys.executable, "-c", code, str(ws / "config.toml"), h.PIN],
                          capture_output=True, text=True, env=h.clean_env(), timeout=60)
    assert done.returncode == 0, done.stderr


def test_run_unsigned_wrong_pin_sign_send_sends_each_mail_once(tmp_path):
    mailbox = h.Mailbox()
    with h.smtp_server(mailbox) as port:
        ws = h.make_workspace(tmp_path / "ws", smtp_port=port)
        for f in (h.REPO / "inbox" / "example").iterdir():
            (ws / "inbox" / f.name).write_bytes(f.read_bytes())
        run = h.paperflow(ws, "run", "--once", "--no-sign", env=h.clean_env())
        assert run.returncode == 0, run.stdout + run.stderr
        unsigned = len(mailbox.ids)
        assert unsigned >= 1, "the import sheet (sendable unsigned) was not mailed at once"

        wrong = h.paperflow(ws, "sign", env=h.clean_env(PAPERFLOW_PIN="999999",
                                                         PAPERFLOW_ORG_PIN="999999"))
        assert wrong.returncode != 0 and not list((ws / "outbox").rglob("*.signed.pdf"))
        clerk_types_the_pin(ws)
        sign = h.paperflow(ws, "sign", env=h.clean_env(PAPERFLOW_PIN=h.PIN,
                                                        PAPERFLOW_ORG_PIN=h.PIN))
        assert sign.returncode == 0, sign.stdout + sign.stderr
        for extra in ((), ("--retry-failed",), ("--resend-uncertain",)):
            again = h.paperflow(ws, "send", *extra, env=h.clean_env())
            assert again.returncode == 0, again.stdout + again.stderr
        status = h.paperflow(ws, "status", "--json", env=h.clean_env())

    twice = {k: n for k, n in arrivals(mailbox).items() if n > 1}
    assert not twice, f"the same document reached its recipient more than once: {twice}"
    assert Counter(mailbox.ids).most_common(1)[0][1] == 1
    db = sqlite3.connect(ws / "paperflow.db")
    try:
        rows = db.execute("SELECT message_id, state, eml FROM mail_log").fetchall()
    finally:
        db.close()
    live = [r for r in rows if r[1] != "superseded"]
    # one live row per .eml of the batch, and every sendable one was sent
    assert len({r[2] for r in live}) == len(live), live
    assert {r[1] for r in live} <= {"sent", "held"}, live
    assert {r[0] for r in live if r[1] == "sent"} == set(mailbox.ids) - {
        r[0] for r in rows if r[1] == "superseded" and r[0] in mailbox.ids}
    assert len(rows) > len(live), "the unsigned render's rows were not kept as superseded"
    # what the clerk is told waits: only the live rows (drafts other agencies sign by hand)
    held = int(re.search(r"held (\d+)\)", again.stdout).group(1))
    assert held == sum(1 for r in live if r[1] == "held"), again.stdout
    (batch,) = json.loads(status.stdout)["batches"].values()
    assert batch["failed"] == 0 and batch["signed"] > 0, batch
    h.record("mail_once", renders=3, mails_received=len(mailbox.ids),
             superseded=len(rows) - len(live))
