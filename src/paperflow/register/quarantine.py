"""What a later stage could not handle, set aside with its reason (docs/DESIGN.md, 'Quarantine').

One row per thing quarantined:
- `file`: an inbox file whose content made planning or rendering fail. Its records stay in the
  register but no plan sees them (`hidden_sources`, `without_sources`) until a file of the same
  name with a new content is taken — the clerk's corrected copy lifts it (`lift`);
- `request`: one planned action whose document could not be rendered: its request row is
  'quarantined', so no later plan brings it back and no later run tries it again;
- `batch`: a resumed batch that failed again as a whole (migration 0008 moves the earlier
  register_meta 'quarantine:BATCH' rows here).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Connection, DateTime, Integer, String, Text, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import schema as _schema  # noqa: F401 - register_meta first (migration 0008 reads it)
from .base import Base, migration
from .snapshot import RegisterSnapshot

KINDS = ("file", "request", "batch")


class QuarantineRow(Base):
    __tablename__ = "quarantine"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))               # file | request | batch
    name: Mapped[str] = mapped_column(Text)                     # file as dropped / request / batch
    ident: Mapped[str] = mapped_column(String(64), default="")  # file sha256 / request key
    batch: Mapped[str] = mapped_column(String(120), default="")
    stage: Mapped[str] = mapped_column(String(20), default="")  # plan | render | produce
    reason: Mapped[str] = mapped_column(Text, default="")       # Vietnamese, then English
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    lifted: Mapped[str] = mapped_column(Text, default="")       # what lifted it ('' = in force)


@dataclass(frozen=True)
class QuarantineRecord:
    kind: str
    name: str
    batch: str
    stage: str
    reason: str


@migration("0008-quarantine")
def _quarantine_table(conn: Connection) -> None:
    """The batches set aside before this table existed (register_meta 'quarantine:BATCH')."""
    rows = conn.execute(text("SELECT key, value FROM register_meta WHERE key LIKE "
                             "'quarantine:%'")).all()
    now = datetime.now().astimezone()
    for k, value in rows:
        conn.execute(QuarantineRow.__table__.insert().values(
            kind="batch", name=k.removeprefix("quarantine:"), ident="", batch=k.removeprefix(
                "quarantine:"), stage="produce", reason=value, at=now, lifted=""))
    conn.execute(text("DELETE FROM register_meta WHERE key LIKE 'quarantine:%'"))


def add(session: Session, kind: str, name: str, *, ident: str = "", batch: str = "",
        stage: str = "", reason: str = "") -> bool:
    """Record one quarantine (once per kind and name/ident in force); True when new."""
    assert kind in KINDS, kind
    q = select(QuarantineRow).where(QuarantineRow.kind == kind, QuarantineRow.lifted == "")
    q = q.where(QuarantineRow.ident == ident) if ident else q.where(QuarantineRow.name == name)
    if session.scalars(q.limit(1)).first() is not None:
        return False
    session.add(QuarantineRow(kind=kind, name=name, ident=ident, batch=batch, stage=stage,
                              reason=reason[:8000], at=datetime.now().astimezone(), lifted=""))
    return True


def reason_of(session: Session, kind: str, name: str) -> str:
    row = session.scalars(select(QuarantineRow).where(
        QuarantineRow.kind == kind, QuarantineRow.name == name, QuarantineRow.lifted == "")
        .limit(1)).first()
    return row.reason if row is not None else ""


def hidden_sources(session: Session) -> frozenset[str]:
    """The names of the quarantined files in force: no plan sees their records."""
    return frozenset(session.scalars(select(QuarantineRow.name).where(
        QuarantineRow.kind == "file", QuarantineRow.lifted == "")))


def lift(session: Session, names: set[str], *, why: str) -> list[str]:
    """A file of the same name was taken again (new content: the clerk's corrected copy): its
    quarantine ends, its records are planned again. Returns the names lifted."""
    if not names:
        return []
    out = []
    for row in session.scalars(select(QuarantineRow).where(
            QuarantineRow.kind == "file", QuarantineRow.lifted == "",
            QuarantineRow.name.in_(sorted(names)))):
        row.lifted = why[:500]
        out.append(row.name)
    return out


def records(session: Session, batch: str | None = None) -> list[QuarantineRecord]:
    """The quarantines in force (of `batch` when given), oldest first."""
    q = select(QuarantineRow).where(QuarantineRow.lifted == "")
    if batch is not None:
        q = q.where(QuarantineRow.batch == batch)
    return [QuarantineRecord(r.kind, r.name, r.batch, r.stage, r.reason)
            for r in session.scalars(q.order_by(QuarantineRow.id))]


def without_sources(snap: RegisterSnapshot, names: frozenset[str] | set[str]) -> RegisterSnapshot:
    """The snapshot without what these files brought (subscribers, certificates, decisions,
    requests, central dispatches, agencies' received requests whose `source` is one of them)."""
    if not names:
        return snap
    return replace(
        snap,
        subscribers=tuple(x for x in snap.subscribers if x.source not in names),
        certificates=tuple(x for x in snap.certificates if x.source not in names),
        merge_events=tuple(x for x in snap.merge_events if x.source not in names),
        requests=tuple(x for x in snap.requests if x.source not in names),
        central_dispatches=tuple(x for x in snap.central_dispatches if x.source not in names),
        # a list filed apart and joined to its dispatch brings rows of its own source
        received=tuple(replace(x, rows=tuple(r for r in x.rows if r.source not in names))
                       for x in snap.received if x.source not in names))


def sources(snap: RegisterSnapshot) -> list[str]:
    """Every file name the snapshot's records came from, in a stable order."""
    seen: dict[str, None] = {}
    for group in (snap.subscribers, snap.certificates, snap.merge_events, snap.requests,
                  snap.central_dispatches, snap.received):
        for x in group:
            if x.source:
                seen.setdefault(x.source, None)
    return sorted(seen)
