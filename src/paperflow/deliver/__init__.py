"""deliver: the clerk's outbox, manifest.json, .eml always, SMTP when configured, never twice.

    prepare_outbox(settings, reg, batch, docs, folder) -> Outbox (.eml paths, recipient folders)
    write_manifest(folder, docs, mails) -> manifest.json
    send_pending(settings, reg, *, batch=None, retry_failed=False) -> SendReport
"""

from __future__ import annotations

from .manifest import write_manifest
from .outbox import Outbox, prepare_batch, prepare_outbox
from .send import SendReport, send_pending

__all__ = ["Outbox", "prepare_batch", "prepare_outbox", "write_manifest", "send_pending", "SendReport"]
