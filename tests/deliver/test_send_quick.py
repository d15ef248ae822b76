"""send_pending over a real SMTP server on 127.0.0.1, without LibreOffice (blank PDFs): each
message arrives once with the manifest's attachments, the agency without an address is held, a
second run sends nothing. The slow test_send.py covers failures, TLS and logins."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path

from deliver_factory import BATCH, Reg, make_batch, make_blank_pdfs, make_register, settings_for
from smtp_servers import Collect, smtp_server

from paperflow.config import Settings
from paperflow.deliver import send_pending


def smtp_settings(settings: Settings, port: int, **kw: object) -> Settings:
    """`settings` sending through the SMTP server on 127.0.0.1:`port` (no TLS unless `security`)."""
    mail = replace(settings.mail, send=True, smtp_host="127.0.0.1", smtp_port=port,
                   security=kw.pop("security", "none"), timeout_s=10, **kw)
    return replace(settings, mail=mail)


def sent_once_each(settings: Settings, reg: Reg,
                   final: Path) -> tuple[EmailMessage, list[EmailMessage]]:
    """Send the batch `final` twice to one collecting server: the first run sends the signed
    dispatches to the CA and to the focal point, each attachment as the manifest has it, and holds
    the one to the agency with no address; the second sends nothing. The CA's message and all
    messages received (test_send.py reads more of them)."""
    manifest = {e["path"]: e for e in json.loads((final / "manifest.json").read_text("utf-8"))}
    handler = Collect()
    with smtp_server(handler) as port:
        s = smtp_settings(settings, port)
        report = send_pending(s, reg)
        again = send_pending(s, reg)
    assert len(report.sent) == 2 and not report.failed and report.held == 1
    assert again.sent == () and len(handler.messages) == 2
    by_to = {m["To"].addresses[0].addr_spec: m for m in handler.messages}
    assert set(by_to) == {"ca@bcy.gov.vn", "vanthu@skhcn.hungyen.gov.vn"}
    ca = by_to["ca@bcy.gov.vn"]
    assert "12/SNV-VP" in ca["Subject"]
    for part in ca.iter_attachments():
        sha = hashlib.sha256(part.get_content()).hexdigest()
        assert manifest[part.get_filename()]["sha256"] == sha
    return ca, handler.messages


def test_each_message_is_sent_once_with_its_attachments(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "ws")
    reg = make_register(tmp_path / "t.db")
    final, _docs, mails = make_batch(settings, reg, make_blank_pdfs(tmp_path / "pdfs"), BATCH)
    assert len(mails) == 3 and all(m.suffix == ".eml" and m.is_file() for m in mails)
    ca, _ = sent_once_each(settings, reg, final)
    attached = [p.get_filename() for p in ca.iter_attachments()]
    assert len(attached) == 3 and any(n.endswith(".xlsx") for n in attached)
