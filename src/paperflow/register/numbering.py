"""Document numbers (Nghị định 30/2020): from 01 each 1 January, unique in the year per agency.

A dispatch (công văn) has no type name: "07/SKHCN-CĐS" (agency - drafting unit). Documents with a
type name use type-agency: minutes "03/BB-SKHCN", reports "02/BC-SKHCN", lists "05/DS-SKHCN".
Each series counts on its own. Concurrency: the counter row is UPDATEd before it is read, so the
write lock (SQLite) or row lock (PostgreSQL) serialises two processes; a lost race on the first
INSERT of a year retries.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import RegisterError
from .schema import NumberRow

SERIES = {
    "dispatch": "CV",
    "list": "DS",
    "org_list": "DS",
    "handover_tokens": "BB",
    "handover_dossiers": "BB",
    "report": "BC",
}


def format_number(n: int, series: str, abbreviation: str, drafting_unit: str) -> str:
    if series == "CV":
        symbol = f"{abbreviation}-{drafting_unit}" if drafting_unit else abbreviation
    else:
        symbol = f"{series}-{abbreviation}"
    return f"{n:02d}/{symbol}"


def next_number(session: Session, abbreviation: str, drafting_unit: str, year: int,
                doc_type: str) -> str:
    series = SERIES.get(doc_type)
    if series is None:
        raise RegisterError(
            f"Loại văn bản không có sổ đăng ký số: {doc_type!r}.",
            f"No numbering series for document type {doc_type!r}; "
            f"known: {', '.join(sorted(SERIES))}.",
        )
    where = (NumberRow.agency == abbreviation, NumberRow.year == year, NumberRow.series == series)
    for _attempt in range(5):
        done = session.execute(update(NumberRow).where(*where).values(last=NumberRow.last + 1))
        if done.rowcount:
            n = session.scalar(select(NumberRow.last).where(*where))
            return format_number(int(n or 0), series, abbreviation, drafting_unit)
        try:
            with session.begin_nested():
                session.add(NumberRow(agency=abbreviation, year=year, series=series, last=1))
            return format_number(1, series, abbreviation, drafting_unit)
        except IntegrityError:
            continue        # another process created the year's row first: count on it
    raise RegisterError(
        "Không cấp được số văn bản (cơ sở dữ liệu bận). Chạy lại.",
        "Could not allocate a document number (register busy). Run again.",
    )
