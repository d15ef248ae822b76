"""The intake journal: one row per file content taken from the inbox.

A crash at any point is recoverable from it: a row in state 'taken' whose file is still in the
inbox is retried on restart; 'done' and 'rejected' rows make the same content a duplicate.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..register.db import Base


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
