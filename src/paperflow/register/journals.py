"""The intake journal and the mail log: tables the register keeps for intake and deliver.

Intake journal (`IntakeRecord`): one row per file content taken from the inbox.

A crash at any point is recoverable from it: a row in state 'taken' whose file is still in the
inbox is retried on restart; 'done' and 'rejected' rows make the same content a duplicate.

Mail log (`MailRecord`): one row per message, keyed by a Message-ID derived from its
content. 'pending' → 'sending' (claimed by one sender) → 'sent' (with the server's answer),
'failed' (the server cannot have it: refused, or cut off before the end of the message) or
'uncertain' (the whole message went out, its answer never came: resent only on the clerk's
word, see deliver/send.py); a message whose row says 'sent' is never sent again. 'held' =
written as .eml but not to be sent (no known address, or the PDFs are not signed yet).

'superseded' = the batch was rendered again (`sign` after `run --no-sign`, a resumed batch): the
.eml at the same place in the batch (`eml`) is a new message with a new Message-ID, and one row
per place stands for it. An earlier row not sent yet is superseded by the new one; a new row
whose place went out already (sent, being sent, or uncertain) is superseded itself — the
recipient has the document. Superseded rows are never sent and never counted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class IntakeRecord(Base):
    __tablename__ = "intake_journal"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text)                 # name relative to inbox/, as dropped
    size: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40), default="")
    state: Mapped[str] = mapped_column(String(20))          # taken | done | rejected
    owner: Mapped[str] = mapped_column(String(120), default="")   # host:pid that claimed it
    reason: Mapped[str] = mapped_column(Text, default="")
    archived_as: Mapped[str] = mapped_column(Text, default="")    # path relative to the workspace
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class MailRecord(Base):
    __tablename__ = "mail_log"
    message_id: Mapped[str] = mapped_column(String(250), primary_key=True)
    batch: Mapped[str] = mapped_column(String(120), index=True)
    eml: Mapped[str] = mapped_column(Text)                  # path relative to outbox/
    recipient: Mapped[str] = mapped_column(Text)            # e-mail address
    recipient_name: Mapped[str] = mapped_column(Text, default="")
    sender_agency: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    # pending | held | sending | sent | failed | uncertain | superseded
    state: Mapped[str] = mapped_column(String(20))
    answer: Mapped[str] = mapped_column(Text, default="")   # the server's reply or the error
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # who set 'sending' and when: a 'sending' row older than the lease was left by a crash
    claimed_by: Mapped[str] = mapped_column(String(200), default="")
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    request: Mapped[str] = mapped_column(String(40), default="")
    number: Mapped[str] = mapped_column(String(80), default="")  # the dispatch's number/symbol
