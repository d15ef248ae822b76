"""Reading reports in the register: how each stored file was read, for the later stages.

One row per file content (sha256), written in the same transaction as what the file yielded.
A row belongs to no batch until a plan records its batch (`assign_reports`): the reports of the
files taken since the last batch then become that batch's. `reading_reports(engine, batch)` is
what the batch result, the summary, `status` and the web page read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Connection, DateTime, Integer, String, Text, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..models import ReadingReport, SheetReport
from . import schema as _schema  # noqa: F401 - its migrations (0001, 0002) register first
from .base import Base, migration


class ReadingReportRow(Base):
    __tablename__ = "reading_reports"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(Text, default="")            # name as dropped
    kind: Mapped[str] = mapped_column(String(40), default="")
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_stored: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)        # how many, for listings
    report: Mapped[dict] = mapped_column(JSON)                       # report_to_dict
    batch: Mapped[str | None] = mapped_column(String(120), nullable=True, index=True)
    stored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@migration("0003-reading-reports")
def _reading_reports(conn: Connection) -> None:
    # Registers made before reading reports get the table (create_all makes it for new ones).
    ReadingReportRow.__table__.create(conn, checkfirst=True)


def report_to_dict(r: ReadingReport) -> dict[str, Any]:
    return {"source": r.source, "kind": r.kind, "warnings": list(r.warnings),
            "sheets": [{"sheet": s.sheet, "header_rows": list(s.header_rows),
                        "columns": [list(c) for c in s.columns], "missing": list(s.missing),
                        "rows_read": s.rows_read, "rows_stored": s.rows_stored,
                        "skipped": [list(x) for x in s.skipped], "kind": s.kind}
                       for s in r.sheets],
            "parts": [report_to_dict(p) for p in r.parts]}


def report_from_dict(d: dict[str, Any]) -> ReadingReport:
    return ReadingReport(
        source=d.get("source", ""), kind=d.get("kind", ""),
        warnings=tuple(d.get("warnings", ())),
        sheets=tuple(SheetReport(
            sheet=s.get("sheet", ""), header_rows=tuple(s.get("header_rows", ())),
            columns=tuple((m, t) for m, t in s.get("columns", ())),
            missing=tuple(s.get("missing", ())), rows_read=s.get("rows_read", 0),
            rows_stored=s.get("rows_stored", 0),
            skipped=tuple((int(n), why) for n, why in s.get("skipped", ())),
            kind=s.get("kind", "")) for s in d.get("sheets", ())),
        parts=tuple(report_from_dict(p) for p in d.get("parts", ())))


def store_report(session: Session, report: ReadingReport, *, sha256: str, name: str) -> None:
    """Keep a file's report (the same content stored again replaces it, batch unchanged)."""
    values = {"source": name, "kind": report.kind, "rows_read": report.rows_read,
              "rows_stored": report.rows_stored, "warnings": len(report.all_warnings()),
              "report": report_to_dict(report), "stored_at": datetime.now().astimezone()}
    row = session.get(ReadingReportRow, sha256)
    if row is None:
        session.add(ReadingReportRow(sha256=sha256, batch=None, **values))
    else:
        for k, v in values.items():
            setattr(row, k, v)


def assign_reports(session: Session, batch: str) -> int:
    """The reports of files taken since the last batch become `batch`'s; returns how many."""
    res = session.execute(update(ReadingReportRow).where(ReadingReportRow.batch.is_(None))
                          .values(batch=batch))
    return res.rowcount or 0


def reading_reports(engine: Engine, batch: str | None = None) -> list[ReadingReport]:
    """The reading reports of `batch`'s files (None: of the files taken since the last batch),
    in the order the files were stored. Each report's `lines()` and `all_warnings()` give the
    text to show."""
    with Session(engine) as s:
        q = select(ReadingReportRow.report).order_by(ReadingReportRow.stored_at,
                                                      ReadingReportRow.source)
        q = q.where(ReadingReportRow.batch.is_(None) if batch is None
                    else ReadingReportRow.batch == batch)
        return [report_from_dict(d) for d in s.scalars(q)]
