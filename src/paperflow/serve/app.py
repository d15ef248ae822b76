"""The WSGI application behind `paperflow serve`: the clerk's desk (read-only).

Only GET/HEAD. Every file path is resolved inside outbox/ and refused otherwise (no '..',
no hidden staging folders, no symlink leading out). The Host header must name the address we
listen on, so a web page elsewhere cannot reach this server through DNS rebinding.
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import clock
from ..config import Settings
from ..deliver.journal import MailRecord
from ..errors import PaperflowError
from ..register.db import open_engine
from ..render.summary import SUMMARY_STEM
from . import desk, pages

StartResponse = Callable[..., Any]
SAFE_HEADERS = [
    ("X-Content-Type-Options", "nosniff"),
    ("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                                "frame-ancestors 'self'"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
]


class NotFound(Exception):
    pass


def safe_path(root: Path, rel: str, *, directory: bool = False) -> Path:
    """`rel` (URL-decoded, '/'-separated) as a file (or folder) inside `root`, or NotFound."""
    parts = rel.split("/")
    if not rel or any(p in ("", ".", "..") or p.startswith(".") or "\\" in p or "\x00" in p
                      for p in parts):
        raise NotFound(rel)
    base = root.resolve()
    target = (base / Path(*parts)).resolve()
    found = target.is_dir() if directory else target.is_file()
    if not target.is_relative_to(base) or not found:
        raise NotFound(rel)
    return target


class App:
    def __init__(self, settings: Settings, *, allowed_hosts: Iterable[str] = ()) -> None:
        self.settings = settings
        self.engine = open_engine(settings.register_url)
        self.allowed_hosts = {h.lower() for h in allowed_hosts}

    # ---- data ---------------------------------------------------------------------------
    def mail(self) -> tuple[dict[str, int], list[dict[str, Any]]]:
        with Session(self.engine) as s:
            counts = dict(s.execute(select(MailRecord.state, func.count())
                                    .group_by(MailRecord.state)).all())
            recs = s.scalars(select(MailRecord).order_by(MailRecord.created_at.desc())
                             .limit(200)).all()
            rows = [{"batch": r.batch, "number": r.number, "recipient_name": r.recipient_name,
                     "recipient": r.recipient, "state": r.state, "answer": r.answer,
                     "subject": r.subject, "message_id": r.message_id} for r in recs]
        return {k: int(v) for k, v in counts.items()}, rows

    def report(self) -> tuple[Any, str]:
        """The register's status report when its module is there; else the mail log alone."""
        try:
            from ..register import Register
            from ..register.status import status_report
        except ImportError:
            return None, ("Báo cáo tình trạng của sổ đăng ký chưa có trong phiên bản này; "
                          "đang hiển thị nhật ký thư và các lô.")
        try:
            return status_report(self.settings, Register(self.engine)).to_json(), ""
        except PaperflowError as exc:
            return None, exc.vi

    def batches(self) -> list[dict[str, Any]]:
        out = []
        outbox = self.settings.outbox
        if not outbox.is_dir():
            return out
        for d in sorted((p for p in outbox.iterdir() if p.is_dir()
                         and not p.name.startswith(".")), key=lambda p: p.name, reverse=True):
            entries = self.manifest(d)
            out.append({
                "name": d.name,
                "actions": len(desk.batch_plan(d).actions),
                "files": len(entries),
                "mails": sum(1 for x in entries if x.get("type") == "mail"),
                "signed": sum(1 for x in entries if x.get("signed")),
                "modified": clock.from_timestamp(d.stat().st_mtime).strftime("%d/%m/%Y %H:%M"),
            })
        return out

    @staticmethod
    def manifest(folder: Path) -> list[dict[str, Any]]:
        try:
            data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            # A batch without a manifest: list its files so nothing is hidden from the clerk.
            return [{"path": p.relative_to(folder).as_posix(), "type": "other"}
                    for p in sorted(folder.rglob("*")) if p.is_file()
                    and not any(x.startswith(".") for x in p.relative_to(folder).parts)]
        return [x for x in data if isinstance(x, dict) and isinstance(x.get("path"), str)]

    def plans(self, limit: int = 10) -> list[desk.BatchPlan]:
        """The newest batches' plans (their warnings and what waits on them)."""
        outbox = self.settings.outbox
        if not outbox.is_dir():
            return []
        folders = sorted((p for p in outbox.iterdir() if p.is_dir() and not p.name.startswith(".")),
                         key=lambda p: p.name, reverse=True)
        return [desk.batch_plan(f, approved=self._approved(f.name)) for f in folders[:limit]]

    def _approved(self, batch: str) -> bool:
        try:
            from ..register import Register

            return Register(self.engine).approved(batch)
        except Exception:  # noqa: BLE001 - an older register without approvals: not approved
            return False

    def index_page(self) -> bytes:
        counts, rows = self.mail()
        report, note = self.report()
        plans = self.plans()
        rejected = desk.rejected_files(self.settings)
        return pages.index(agency=self.settings.agency.name,
                           steps=desk.next_steps(self.settings, plans, counts, rejected),
                           report=report, report_note=note, plans=plans, rejected=rejected,
                           mail_counts=counts, mails=rows, batches=self.batches())

    # ---- WSGI ---------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        host = environ.get("HTTP_HOST", "").rsplit(":", 1)[0].strip("[]").lower()
        try:
            if self.allowed_hosts and host not in self.allowed_hosts:
                return self._send(start, "403 Forbidden", b"Host not allowed", "text/plain")
            if method not in ("GET", "HEAD"):
                return self._send(start, "405 Method Not Allowed", b"", "text/plain",
                                  [("Allow", "GET, HEAD")])
            body = self.route(environ, start)
            return [] if method == "HEAD" else body
        except NotFound:
            return self._send(start, "404 Not Found", pages.not_found(self.settings.agency.name))

    def route(self, environ: dict[str, Any], start: StartResponse) -> list[bytes]:
        raw = environ.get("PATH_INFO", "/")
        # WSGI hands PATH_INFO decoded as latin-1; the URL was UTF-8.
        path = unquote(raw.encode("latin-1").decode("utf-8", "replace"))
        agency = self.settings.agency.name
        if path == "/":
            return self._send(start, "200 OK", self.index_page())
        if path == "/api/status":
            counts, rows = self.mail()
            report, note = self.report()
            rejected = desk.rejected_files(self.settings)
            data = {"mail": {"counts": counts, "messages": rows}, "status": report,
                    "note": note, "batches": self.batches(),
                    "rejected": [{"name": r.name, "reason": r.reason, "reason_en": r.reason_en}
                                 for r in rejected],
                    "next_steps": [{"vi": s.vi, "en": s.en, "command": s.command} for s in
                                   desk.next_steps(self.settings, self.plans(), counts, rejected)]}
            return self._send(start, "200 OK",
                              json.dumps(data, ensure_ascii=False, default=str).encode("utf-8"),
                              "application/json; charset=utf-8")
        if path.startswith("/lo/"):
            name = path[len("/lo/"):].strip("/")
            folder = safe_path(self.settings.outbox, name, directory=True)
            summary = next((f"{SUMMARY_STEM}{s}" for s in (".pdf", ".docx")
                            if (folder / f"{SUMMARY_STEM}{s}").is_file()), "")
            html = pages.batch(agency=agency, plan=desk.batch_plan(folder,
                                                                   approved=self._approved(name)),
                               entries=self.manifest(folder), summary=summary)
            return self._send(start, "200 OK", html)
        if path.startswith("/tep/"):
            target = safe_path(self.settings.outbox, path[len("/tep/"):])
            download = "tai" in parse_qs(environ.get("QUERY_STRING", ""))
            return self._file(start, target, download=download)
        raise NotFound(path)

    def _file(self, start: StartResponse, target: Path, *, download: bool) -> list[bytes]:
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        inline = ctype == "application/pdf" and not download
        ascii_name = target.name.encode("ascii", "replace").decode().replace('"', "_")
        disposition = (f"{'inline' if inline else 'attachment'}; filename=\"{ascii_name}\"; "
                       f"filename*=UTF-8''{quote(target.name)}")
        return self._send(start, "200 OK", target.read_bytes(), ctype,
                          [("Content-Disposition", disposition)])

    @staticmethod
    def _send(start: StartResponse, status: str, body: bytes,
              ctype: str = "text/html; charset=utf-8",
              extra: list[tuple[str, str]] | None = None) -> list[bytes]:
        headers = [("Content-Type", ctype), ("Content-Length", str(len(body))), *SAFE_HEADERS,
                   *(extra or [])]
        start(status, headers)
        return [body]
