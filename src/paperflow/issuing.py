"""Issuing later: batches produced unsigned (no PIN at hand, token absent) wait in the outbox
until `paperflow sign` numbers, re-renders and signs them with one token session a batch."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from .config import Settings
from .errors import PaperflowError, SigningError
from .production import BatchResult, produce_batch
from .register import Register
from .text import key


def waits_for_signature(folder: Path, settings: Settings) -> bool:
    """True while a PDF that this agency issues has no signed copy yet. Drafts written for other
    agencies (they print and sign them) never make a batch wait."""
    try:
        entries = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    files = entries.get("files", entries) if isinstance(entries, dict) else entries
    ours = key(settings.agency.name)
    for e in files:
        path = str(e.get("path", "")) if isinstance(e, dict) else ""
        if (path.endswith(".pdf") and not path.endswith(".signed.pdf") and "/" not in path
                and e.get("type") not in ("mail", "report", "other")
                and key(e.get("sender", "")) == ours
                and not (folder / path).with_suffix(".signed.pdf").exists()):
            return True
    return False


def unsigned_batches(settings: Settings) -> list[str]:
    """Batches in the outbox with documents of this agency still to be issued and signed."""
    return [m.parent.name for m in sorted(settings.outbox.glob("*/manifest.json"))
            if waits_for_signature(m.parent, settings)]


def sign_pending(
    settings: Settings,
    *,
    batch: str | None = None,
    only: Sequence[str] | None = None,
    progress: Callable[[str], None] = lambda _msg: None,
) -> int:
    """Issue and sign waiting batches: numbers assigned, documents re-rendered, one token session
    per batch; the drafts are replaced by the issued, signed documents atomically."""
    total = 0
    with Register.open(settings) as reg:
        if batch and not (settings.outbox / batch / "manifest.json").exists():
            raise PaperflowError(f"Không tìm thấy lô '{batch}' trong outbox/.",
                                 f"No batch '{batch}' in outbox/.")
        for name in [batch] if batch else unsigned_batches(settings):
            if not waits_for_signature(settings.outbox / name, settings):
                # Issued already: signing again would give the documents new numbers.
                progress(f"{name}: đã ký, không có gì chờ ký (already signed; nothing waits)")
                continue
            the_plan = reg.load_plan(name)
            result = BatchResult(batch=name)
            produce_batch(settings, reg, the_plan, result, sign_now=True, only=only,
                          progress=progress)
            if result.errors:
                raise sign_error(result.errors[0])
            total += result.signed
    return total


def sign_error(message: str) -> PaperflowError:
    vi, _, en = message.partition("\n(")
    return SigningError(vi, en.rstrip(")") or vi)
