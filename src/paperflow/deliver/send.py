"""Sending what the mail log says is pending, exactly once per message as far as SMTP allows.

Each row is claimed with a conditional UPDATE (pending/failed/uncertain → 'sending', rowcount 1 =
ours), so two senders never send the same row. After the server's final answer to DATA the row
becomes 'sent' with that answer, or 'failed' with the error; 'sent' is never sent again.

'failed' means the server cannot have taken the message: it refused it, or the connection broke
before the whole message (with its final '.') was handed over. Once the whole message is out,
a lost connection or a time-out before the server's answer leaves the message 'uncertain': the
server may have queued it. So does a crash between the server accepting the message and the row
becoming 'sent' (a 'sending' row older than the lease). Uncertain mail is never resent by
`--retry-failed`; only `paperflow send --resend-uncertain`, after the clerk has checked the sent
folder or asked the recipient, resends it — with the SAME Message-ID (the .eml bytes on disk), so
the CA's mail system and the clerk's client see one message. A 'sending' row younger than the
lease may belong to a sender still running and is left alone.
"""

from __future__ import annotations

import os
import re
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..config import Settings
from ..errors import DeliveryError
from .journal import MailRecord

LEASE = timedelta(minutes=15)     # longer than any SMTP timeout: older 'sending' = a crash


@dataclass(frozen=True)
class SendReport:
    sent: tuple[str, ...] = ()                      # Message-IDs
    failed: tuple[tuple[str, str], ...] = ()        # (Message-ID, server's answer / error)
    uncertain: tuple[str, ...] = ()                 # may have arrived: not resent unasked
    held: int = 0                                   # written only (no address / unsigned)
    note: str = ""

    @property
    def ok(self) -> bool:
        return not self.failed and not self.uncertain

    def __str__(self) -> str:
        """What `paperflow send` prints: Vietnamese first, English beside it."""
        lines = [f"Đã gửi {len(self.sent)} thư; lỗi {len(self.failed)}; chưa rõ "
                 f"{len(self.uncertain)}; không gửi (thiếu địa chỉ/chưa ký) {self.held}. "
                 f"(sent {len(self.sent)}, failed {len(self.failed)}, uncertain "
                 f"{len(self.uncertain)}, held {self.held})"]
        lines += [f"  LỖI / FAILED {mid}: {answer}" for mid, answer in self.failed]
        lines += [f"  CHƯA RÕ / UNCERTAIN {mid}: máy chủ có thể đã nhận thư (mất kết nối hoặc "
                  "dừng đột ngột trước khi máy chủ trả lời); hỏi nơi nhận hoặc kiểm tra hộp "
                  "thư đã gửi; chỉ khi chắc chắn chưa nhận: 'paperflow send --resend-uncertain' "
                  "(the server may have received it: check before resending)"
                  for mid in self.uncertain]
        if self.failed:
            lines.append("  Gửi lại thư lỗi: paperflow send --retry-failed "
                         "(retry: paperflow send --retry-failed; uncertain mail is not retried)")
        if self.note:
            lines.append("  " + self.note)
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {"sent": list(self.sent), "failed": [list(f) for f in self.failed],
                "uncertain": list(self.uncertain), "held": self.held, "note": self.note}


@dataclass
class _Progress:
    sent: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes even for timezone=True columns.
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _answer(code: int, resp: bytes | str) -> str:
    text = resp.decode("utf-8", "replace") if isinstance(resp, bytes) else str(resp)
    return f"{code} {text}".strip()


def _connect(settings: Settings) -> smtplib.SMTP:
    m = settings.mail
    context = ssl.create_default_context(cafile=settings.resolve(m.ca_file) if m.ca_file else None)
    where = f"{m.smtp_host}:{m.smtp_port}"
    try:
        if m.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(m.smtp_host, m.smtp_port, timeout=m.timeout_s,
                                                  context=context)
        else:
            smtp = smtplib.SMTP(m.smtp_host, m.smtp_port, timeout=m.timeout_s)
        smtp.ehlo()
        if m.security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
    except (OSError, smtplib.SMTPException) as exc:
        if isinstance(exc, smtplib.SMTPResponseException):
            reason = _answer(exc.smtp_code, exc.smtp_error)
        else:
            reason = f"{exc.__class__.__name__}: {exc}"
        raise DeliveryError("smtp_unreachable", where=where, reason=reason) from exc
    user = os.environ.get("PAPERFLOW_SMTP_USER", "")
    if user:
        if m.security == "none" and m.smtp_host not in ("127.0.0.1", "localhost", "::1"):
            smtp.close()
            raise DeliveryError("smtp_insecure")
        try:
            _login(smtp, user, os.environ.get("PAPERFLOW_SMTP_PASSWORD", ""))
        except smtplib.SMTPException as exc:
            smtp.close()
            reason = (_answer(exc.smtp_code, exc.smtp_error)
                      if isinstance(exc, smtplib.SMTPResponseException) else str(exc))
            raise DeliveryError("smtp_auth", reason=reason) from exc
    return smtp


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """One attempt with the best mechanism offered. (smtplib.login tries every mechanism in
    turn; after a refused PLAIN some servers never answer the next one, and a wrong password
    would surface as a time-out instead of 'login refused'.)"""
    if not smtp.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("SMTP AUTH extension not supported by server.")
    offered = smtp.esmtp_features["auth"].upper().split()
    smtp.user, smtp.password = user, password
    for mech in ("CRAM-MD5", "PLAIN", "LOGIN"):
        if mech in offered:
            method = getattr(smtp, "auth_" + mech.lower().replace("-", "_"))
            code, resp = smtp.auth(mech, method, initial_response_ok=True)
            if code not in (235, 503):
                raise smtplib.SMTPAuthenticationError(code, resp)
            return
    raise smtplib.SMTPException(f"no supported AUTH mechanism among {offered}")


def _claim(engine: Any, row: MailRecord, me: str) -> bool:
    with engine.begin() as conn:
        res = conn.execute(
            update(MailRecord)
            .where(MailRecord.message_id == row.message_id, MailRecord.state == row.state,
                   MailRecord.attempts == row.attempts)
            .values(state="sending", claimed_by=me, claimed_at=_now(),
                    attempts=MailRecord.attempts + 1))
        return res.rowcount == 1


def _finish(engine: Any, message_id: str, state: str, answer: str) -> None:
    with engine.begin() as conn:
        conn.execute(update(MailRecord).where(MailRecord.message_id == message_id)
                     .values(state=state, answer=answer[:2000],
                             sent_at=_now() if state == "sent" else None))


def _reset(smtp: smtplib.SMTP) -> None:
    """RSET after a refusal; a server that hung up after refusing keeps its answer as the
    reason (not 'disconnected')."""
    try:
        smtp.rset()
    except (smtplib.SMTPException, OSError):
        smtp.close()


class _Uncertain(Exception):
    """The whole message went out but the server's answer never came back."""


def _transmit(smtp: smtplib.SMTP, sender: str, rcpt: str, payload: bytes) -> str:
    """MAIL, RCPT, DATA by hand so the server's final answer (queue id) is kept, and so that a
    failure after the whole message was handed over is told from one before it."""
    code, resp = smtp.mail(sender)
    if code != 250:
        _reset(smtp)
        raise smtplib.SMTPSenderRefused(code, resp, sender)
    code, resp = smtp.rcpt(rcpt)
    if code not in (250, 251):
        _reset(smtp)
        raise smtplib.SMTPRecipientsRefused({rcpt: (code, resp)})
    smtp.putcmd("data")
    code, resp = smtp.getreply()
    if code != 354:
        _reset(smtp)
        raise smtplib.SMTPDataError(code, resp)
    body = re.sub(rb"(?m)^\.", b"..", payload)     # dot-stuffing, as smtplib.SMTP.data does
    if body[-2:] != b"\r\n":
        body += b"\r\n"
    smtp.send(body + b".\r\n")   # broken here: the final '.' never left, nothing was queued
    try:
        code, resp = smtp.getreply()
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        raise _Uncertain(f"{exc.__class__.__name__}: {exc}") from exc
    if code != 250:
        _reset(smtp)
        raise smtplib.SMTPDataError(code, resp)
    return _answer(code, resp)


def _error_answer(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(_answer(c, r) for c, r in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return _answer(exc.smtp_code, exc.smtp_error)
    return f"{exc.__class__.__name__}: {exc}"


def _left_by_crash(engine: Any, row: MailRecord) -> MailRecord | None:
    """A 'sending' row past its lease: its sender died, perhaps after the server took the
    message. Marked 'uncertain' (conditionally: one process does it); returns the new row."""
    with engine.begin() as conn:
        res = conn.execute(
            update(MailRecord)
            .where(MailRecord.message_id == row.message_id, MailRecord.state == "sending",
                   MailRecord.attempts == row.attempts)
            .values(state="uncertain", answer=(
                "Dừng đột ngột khi đang gửi: máy chủ có thể đã nhận thư "
                "(stopped while sending; the server may have received it)")))
    if res.rowcount != 1:
        return None
    row.state = "uncertain"
    return row


def send_pending(settings: Settings, reg: Any, *, batch: str | None = None,
                 retry_failed: bool = False, resend_uncertain: bool = False) -> SendReport:
    """Send the pending mail over SMTP; failed mail too with `retry_failed`; mail that may have
    arrived already (uncertain) only with `resend_uncertain`."""
    engine = reg.engine
    states = ["pending", "sending", "held", "uncertain"] + (["failed"] if retry_failed else [])
    with Session(engine) as session:
        q = select(MailRecord).where(MailRecord.state.in_(states))
        if batch:
            q = q.where(MailRecord.batch == batch)
        rows = list(session.scalars(q.order_by(MailRecord.created_at, MailRecord.message_id)))
        session.expunge_all()
    held = sum(1 for r in rows if r.state == "held")
    uncertain: list[str] = []
    todo: list[MailRecord] = []
    for r in rows:
        if r.state == "held":
            continue
        if r.state == "sending":
            claimed = _aware(r.claimed_at)
            if claimed is not None and _now() - claimed < LEASE:
                continue                        # another sender is working on it right now
            left = _left_by_crash(engine, r)
            if left is None:
                continue                        # another sender marked or took it
            r = left
        if r.state == "uncertain" and not resend_uncertain:
            uncertain.append(r.message_id)
            continue
        todo.append(r)
    m = settings.mail
    if not todo:
        return SendReport(uncertain=tuple(uncertain), held=held)
    if not (m.send and m.smtp_host):
        return SendReport(uncertain=tuple(uncertain), held=held, note=(
            "Chưa bật gửi thư ([mail] send = true và smtp_host): thư .eml nằm trong outbox "
            "(mail sending not configured: the .eml files wait in outbox/)"))

    me = f"{socket.gethostname()}:{os.getpid()}"
    done = _Progress()
    smtp: smtplib.SMTP | None = None
    try:
        for row in todo:
            eml = settings.outbox / row.eml
            if not eml.is_file() and not (settings.outbox / row.batch).is_dir():
                continue    # another workstation's batch (a shared register): it sends it
            if not eml.is_file():
                if _claim(engine, row, me):
                    _finish(engine, row.message_id, "failed", f"missing file {row.eml}")
                    done.failed.append((row.message_id, f"missing file {row.eml}"))
                continue
            if smtp is None:
                smtp = _connect(settings)   # unreachable/auth → DeliveryError, rows untouched
            if not _claim(engine, row, me):
                continue                    # someone else took it
            try:
                answer = _transmit(smtp, m.from_, row.recipient, eml.read_bytes())
            except _Uncertain as exc:
                _finish(engine, row.message_id, "uncertain", f"{exc} (after the whole message "
                        "was sent, before the server's answer)")
                uncertain.append(row.message_id)
                smtp.close()
                smtp = None
                continue
            except (smtplib.SMTPException, OSError) as exc:
                answer = _error_answer(exc)
                _finish(engine, row.message_id, "failed", answer)
                done.failed.append((row.message_id, answer))
                if (isinstance(exc, smtplib.SMTPServerDisconnected | OSError)
                        or smtp.sock is None):      # hung up after its answer
                    smtp.close()
                    smtp = None             # reconnect for the next message
                continue
            _finish(engine, row.message_id, "sent", answer)
            done.sent.append(row.message_id)
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
    return SendReport(sent=tuple(done.sent), failed=tuple(done.failed),
                      uncertain=tuple(uncertain), held=held)
