"""manifest.json: every produced file of a batch, for tools (docs/DESIGN.md contract).

Each file is listed once at its own path; the hard links/copies in the recipient folders are
named in its `copies`, so a tool counting documents counts each once. Written atomically.
"""

from __future__ import annotations

import json
import os
from email import message_from_binary_file, policy
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

from ..errors import DeliveryError
from ..models import RenderedDocument
from ..render.review import REVIEW_STEM
from ..render.summary import SUMMARY_STEM
from .hashes import eml_heads, sha256_file

MANIFEST = "manifest.json"


def _eml_headers(path: Path) -> tuple[str, str]:
    """(recipient name, request) of an .eml we wrote."""
    with path.open("rb") as f:
        msg = message_from_binary_file(f, policy=policy.compat32)
    # decode_header joins adjacent encoded words as RFC 2047 says; the default policy's
    # address parser puts a space where a long Vietnamese name was folded.
    to = str(make_header(decode_header(msg.get("To", ""))))
    name = to.rpartition(" <")[0] if to.endswith(">") else to
    return name.strip().strip('"'), str(msg.get("X-Paperflow-Request", ""))


def write_manifest(folder: Path, docs: list[RenderedDocument], mails: list[Path]) -> Path:
    """Write `folder/manifest.json` and return its path."""
    entries: dict[Path, dict[str, Any]] = {}

    def add(path: Path | None, type_: str, request: str, recipient: str, signed: bool,
            sender: str = "", number: str = "", attachment: bool = False) -> None:
        if path is None or path in entries or not path.exists():
            return
        entries[path] = {"path": path.relative_to(folder).as_posix(), "type": type_,
                         "request": request, "recipient": recipient, "signed": signed,
                         "sender": sender, "number": number}
        if attachment:          # travels with its document; not a document of the register
            entries[path]["attachment"] = True

    for d in docs:
        add(d.signed_pdf, d.type, d.request, d.recipient, True, d.sender, d.number)
        add(d.pdf, d.type, d.request, d.recipient, False, d.sender, d.number)
        add(d.path, d.type, d.request, d.recipient, False, d.sender, d.number)
    for d in docs:      # lists only named as attachments (e.g. an .xlsx travelling as is)
        for a in d.attachments:
            add(a, "list", d.request, d.recipient, False, d.sender, d.number, attachment=True)
    for m in mails:
        # just written by prepare_batch in this process: what it put in, without re-parsing
        recipient, request = eml_heads(m) or _eml_headers(m)
        add(m, "mail", request, recipient, False)
    for suffix in (".pdf", ".docx"):
        add(folder / f"{SUMMARY_STEM}{suffix}", "report", "", "", False)
    for suffix in (".xlsx", ".pdf", ".docx"):     # the plan's review sheet (render/review.py)
        add(folder / f"{REVIEW_STEM}{suffix}", "review", "", "", False)

    # Hash each file once; other files with the same inode or content are its copies.
    by_inode: dict[tuple[int, int], Path] = {}
    by_hash: dict[str, Path] = {}
    for path, entry in entries.items():
        st = path.stat()
        entry["sha256"] = sha256_file(path, st)
        entry["copies"] = []
        by_inode[(st.st_dev, st.st_ino)] = path
        by_hash.setdefault(entry["sha256"], path)
    others: list[dict[str, Any]] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder)
        if path in entries or rel.as_posix() in (MANIFEST, "plan.json") \
                or any(part.startswith(".") for part in rel.parts):
            continue
        st = path.stat()
        original = by_inode.get((st.st_dev, st.st_ino))
        if original is None:
            sha = sha256_file(path, st)
            original = by_hash.get(sha)
            if original is None:    # a file no stage declared: still list it, honestly typed
                others.append({"path": rel.as_posix(), "type": "other", "request": "",
                               "recipient": "", "signed": False, "sender": "", "number": "",
                               "sha256": sha, "copies": []})
                continue
        entries[original]["copies"].append(rel.as_posix())

    out = folder / MANIFEST
    tmp = folder / f".{MANIFEST}.tmp"
    try:
        tmp.write_text(json.dumps(list(entries.values()) + others, ensure_ascii=False, indent=2),
                       encoding="utf-8")
        os.replace(tmp, out)
    except OSError as exc:
        raise DeliveryError("manifest_unwritable", folder=folder, strerror=exc.strerror, exc=exc) from exc
    return out
