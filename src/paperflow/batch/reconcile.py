"""Start-up reconciliation: what a killed process left between the outbox and the register.

- A batch folder renamed into outbox/ whose documents were never recorded (killed between the
  rename and `record_documents`): recorded from its manifest.json — otherwise the register
  says 'planned' for good and `paperflow sign` finds nothing. Also when the folder holds
  signed documents the register does not know yet (a `sign` killed after its swap).
- A swap interrupted between its two renames (`outbox/.<batch>.old` without `outbox/<batch>`):
  finished when the staging folder is complete (it has its manifest, written last), else
  rolled back to the previous version. A leftover `.old` beside its batch is removed.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path

from ..config import Settings
from ..models import RenderedDocument
from ..register import Register
from ..render import SUMMARY_STEM
from .events import Event, Progress, quiet

log = logging.getLogger("paperflow")
# entries that are not documents of the register: mails, the review sheet, numbers.json
SKIPPED = ("mail", "review", "other")


def documents_from_manifest(folder: Path) -> list[RenderedDocument]:
    """The batch's documents as its manifest.json lists them (each rendered file with the PDF
    and signed PDF beside it, when there) — what production records in the register: not the
    lists travelling as attachments (.xlsx), nor the batch's summary (TOM-TAT-LO, no number)."""
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    entries = data.get("files", []) if isinstance(data, dict) else data
    docs: list[RenderedDocument] = []
    for e in entries if isinstance(entries, list) else []:
        path = str(e.get("path", "")) if isinstance(e, dict) else ""
        suffix = Path(path).suffix.lower()
        if ("/" in path or e.get("type") in SKIPPED or suffix not in (".docx", ".xlsx")
                or Path(path).stem == SUMMARY_STEM or e.get("attachment")
                or (e.get("type") == "list" and suffix == ".xlsx")):     # manifests before 'attachment'
            continue
        stem = Path(path).stem
        pdf, signed = folder / f"{stem}.pdf", folder / f"{stem}.signed.pdf"
        docs.append(RenderedDocument(
            path=folder / path, type=str(e.get("type", "")), request=str(e.get("request", "")),
            recipient=str(e.get("recipient", "")), sender=str(e.get("sender", "")),
            number=str(e.get("number", "")), pdf=pdf if pdf.is_file() else None,
            signed_pdf=signed if signed.is_file() else None))
    return docs


def _finish_swap(outbox: Path, name: str) -> str:
    final, old = outbox / name, outbox / f".{name}.old"
    staging = outbox / f".{name}.partial"
    if not final.exists() and old.is_dir():
        if (staging / "manifest.json").is_file():
            os.replace(staging, final)
            what = "finished"
        else:
            os.replace(old, final)
            what = "rolled back"
        log.warning("batch %s: an interrupted swap was %s", name, what)
        return what
    if final.is_dir() and old.exists():
        shutil.rmtree(old, ignore_errors=True)
    return ""


def reconcile(settings: Settings, reg: Register, progress: Progress = quiet) -> list[str]:
    """Put the outbox and the register back in step (see above); the batches touched."""
    touched: list[str] = []
    outbox = settings.outbox
    for name in reg.batch_names():
        if _finish_swap(outbox, name):
            touched.append(name)
        folder = outbox / name
        if not (folder / "manifest.json").is_file():
            continue
        on_disk = documents_from_manifest(folder)
        known = reg.documents(name, outbox)
        signed_known = {d.signed_pdf for d in known if d.signed_pdf}
        if not on_disk or (known and not {d.signed_pdf for d in on_disk if d.signed_pdf}
                           - signed_known):
            continue
        reg.record_documents(name, on_disk, folder=folder)
        log.warning("batch %s: %d documents recorded from its manifest", name, len(on_disk))
        progress(Event("reconciled", batch=name, count=len(on_disk)))
        touched.append(name)
    return touched
