"""send_pending over a real SMTP server on 127.0.0.1, without LibreOffice (blank PDFs): each
message arrives once with the manifest's attachments, the agency without an address is held, a
second run sends nothing. The slow test_send.py covers failures, TLS and logins."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

from deliver_factory import make_batch, make_blank_pdfs, make_register, settings_for
from smtp_servers import Collect, smtp_server

from paperflow.deliver import send_pending

BATCH = "20250701-hung-yen-001"


def test_each_message_is_sent_once_with_its_attachments(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "ws")
    reg = make_register(tmp_path / "t.db")
    final, _docs, mails = make_batch(settings, reg, make_blank_pdfs(tmp_path / "pdfs"), BATCH)
    assert len(mails) == 3 and all(m.suffix == ".eml" and m.is_file() for m in mails)
    manifest = {e["path"]: e for e in json.loads((final / "manifest.json").read_text("utf-8"))}
    handler = Collect()
    with smtp_server(handler) as port:
        s = replace(settings, mail=replace(settings.mail, send=True, smtp_host="127.0.0.1",
                                           smtp_port=port, security="none", timeout_s=10))
        report = send_pending(s, reg)
        again = send_pending(s, reg)
    assert len(report.sent) == 2 and not report.failed and report.held == 1
    assert again.sent == () and len(handler.messages) == 2
    by_to = {m["To"].addresses[0].addr_spec: m for m in handler.messages}
    assert set(by_to) == {"ca@bcy.gov.vn", "vanthu@skhcn.hungyen.gov.vn"}
    ca = by_to["ca@bcy.gov.vn"]
    assert "12/SNV-VP" in ca["Subject"]
    attached = {p.get_filename(): p.get_content() for p in ca.iter_attachments()}
    assert len(attached) == 3 and any(n.endswith(".xlsx") for n in attached)
    for name, data in attached.items():
        assert manifest[name]["sha256"] == hashlib.sha256(data).hexdigest()
