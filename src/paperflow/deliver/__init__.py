"""deliver: the clerk's outbox, manifest.json, .eml always, SMTP when configured, never twice.

    prepare_batch(settings, reg, batch, docs, folder) -> [.eml paths]   (staging folder)
    write_manifest(folder, docs, mails) -> manifest.json
    send_pending(settings, reg, *, batch=None, retry_failed=False) -> SendReport
"""

from __future__ import annotations

from .manifest import write_manifest
from .outbox import prepare_batch
from .send import SendReport, send_pending

__all__ = ["prepare_batch", "write_manifest", "send_pending", "SendReport"]
