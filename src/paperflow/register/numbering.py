"""Document numbers (Nghị định 30/2020): from 01 each 1 January, unique in the year per agency.

A dispatch (công văn) has no type name: "07/SKHCN-CĐS" (agency - drafting unit). Documents with a
type name use type-agency: minutes "03/BB-SKHCN", reports "02/BC-SKHCN", lists "05/DS-SKHCN".
Each series counts on its own.

A number is never issued twice. Three sources say what was issued, and the next number is
above all of them:
- the register: the counter per agency, year and series (`document_numbers`) and every issued
  number (`issued_numbers`, which also holds the numbers a clerk entered by hand);
- the batches in outbox/: each keeps the numbers it was given (`numbers.json`), so a register
  deleted or replaced next to them cannot hand out those numbers again;
- the records office: `[numbering] start = {"SKHCN-CĐS" = 57}` in config.toml is the last number
  it issued this year in that series (the next one paperflow gives is 58).

Concurrency: the counter row is UPDATEd before it is read, so the write lock (SQLite) or row lock
(PostgreSQL, held to the commit) serialises processes on several workstations; a lost race on
the first INSERT of a year retries; the unique key of `issued_numbers` is the last guard.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import RegisterError
from .schema import IssuedNumberRow, NumberRow
from .symbols import format_number, symbol_of

SERIES = {
    "dispatch": "CV",
    "list": "DS",
    "org_list": "DS",
    "handover_tokens": "BB",
    "handover_dossiers": "BB",
    "report": "BC",
}
_NUMBER = re.compile(r"^\s*(?:Số:?\s*)?0*(\d{1,6})\s*/\s*(\S+)\s*$")


def _fold(symbol: str) -> str:
    return unicodedata.normalize("NFC", symbol).strip().upper()


def series_of_symbol(symbol: str, abbreviation: str, drafting_unit: str) -> str | None:
    """The series a symbol belongs to in this agency's books, or None (another agency's)."""
    want = _fold(symbol)
    for series in dict.fromkeys(SERIES.values()):
        if _fold(symbol_of(series, abbreviation, drafting_unit)) == want:
            return series
    return None


def parse_number(text: str, abbreviation: str, drafting_unit: str) -> tuple[str, int]:
    """'58/SKHCN-CĐS' → ('CV', 58); a clerk error for anything not in this agency's books."""
    m = _NUMBER.match(unicodedata.normalize("NFC", text))
    series = series_of_symbol(m.group(2), abbreviation, drafting_unit) if m else None
    if m is None or series is None or int(m.group(1)) == 0:
        books = ", ".join(f"NN/{symbol_of(s, abbreviation, drafting_unit)}"
                          for s in dict.fromkeys(SERIES.values()))
        raise RegisterError("bad_number", text=text, books=books)
    return series, int(m.group(1))


def _batch_year(folder: Path, numbers_file: Path) -> int:
    m = re.match(r"^\.?(\d{4})\d{4}-", folder.name)
    if m:
        return int(m.group(1))
    return datetime.fromtimestamp(numbers_file.stat().st_mtime).year


def issued_in_outbox(outbox: Path, abbreviation: str,
                     drafting_unit: str) -> dict[tuple[int, str], set[int]]:
    """The numbers the batches in outbox/ were given, per (year, series) of this agency — hidden
    folders too (a staging or swapped-out folder holds numbers that were issued as well)."""
    found: dict[tuple[int, str], set[int]] = {}
    for f in sorted(outbox.glob("*/numbers.json")) if outbox.is_dir() else ():
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
            year = _batch_year(f.parent, f)
        except (OSError, ValueError):
            continue                # unreadable: the register's own counter still holds
        values = data.values() if isinstance(data, dict) else ()
        for seq in values:
            for text in seq if isinstance(seq, list) else ():
                m = _NUMBER.match(unicodedata.normalize("NFC", str(text)))
                series = m and series_of_symbol(m.group(2), abbreviation, drafting_unit)
                if m and series:
                    found.setdefault((year, series), set()).add(int(m.group(1)))
    return found


def floors(outbox: Path, abbreviation: str, drafting_unit: str, start: dict[str, str],
           year: int) -> dict[tuple[int, str], int]:
    """The highest number known issued outside the register, per (year, series)."""
    out = {k: max(v) for k, v in issued_in_outbox(outbox, abbreviation, drafting_unit).items()}
    for symbol, value in start.items():
        series = series_of_symbol(symbol, abbreviation, drafting_unit)
        try:
            n = int(str(value).strip())
        except ValueError:
            n = -1
        if series is None or n < 0:
            raise RegisterError("bad_start", symbol=symbol, value=value,
                                symbol_of=symbol_of('CV', abbreviation, drafting_unit))
        out[(year, series)] = max(out.get((year, series), 0), n)
    return out


def _counter(session: Session, abbreviation: str, year: int, series: str, floor: int) -> None:
    """The year's counter row exists and stands at `floor` at least."""
    where = (NumberRow.agency == abbreviation, NumberRow.year == year, NumberRow.series == series)
    for _attempt in range(5):
        session.execute(update(NumberRow).where(*where, NumberRow.last < floor)
                        .values(last=floor))
        if session.scalar(select(NumberRow.last).where(*where)) is not None:
            return
        try:
            with session.begin_nested():
                session.add(NumberRow(agency=abbreviation, year=year, series=series,
                                      last=floor))
            return
        except IntegrityError:
            continue        # another process created the year's row first: count on it
    raise _busy()


def _busy() -> RegisterError:
    return RegisterError("number_busy")


def is_issued(session: Session, abbreviation: str, year: int, series: str, n: int) -> bool:
    return session.get(IssuedNumberRow, (abbreviation, year, series, n)) is not None


def _record(session: Session, abbreviation: str, year: int, series: str, n: int, text: str,
            how: str) -> bool:
    try:
        with session.begin_nested():
            session.add(IssuedNumberRow(agency=abbreviation, year=year, series=series, n=n,
                                        number=text, how=how, at=datetime.now(UTC)))
        return True
    except IntegrityError:
        return False


def next_number(session: Session, abbreviation: str, drafting_unit: str, year: int,
                doc_type: str, *, floor: int = 0, hand: int | None = None) -> str:
    """The next number of the series (above `floor`, skipping numbers entered by hand), or the
    hand-entered `hand` — refused when it was issued already."""
    series = SERIES.get(doc_type)
    if series is None:
        raise RegisterError("no_number_series", doc_type=repr(doc_type), known=', '.join(sorted(SERIES)))
    where = (NumberRow.agency == abbreviation, NumberRow.year == year, NumberRow.series == series)
    if hand is not None:
        text = format_number(hand, series, abbreviation, drafting_unit)
        if hand <= floor or not _record(session, abbreviation, year, series, hand, text, "hand"):
            raise already_issued(text)
        _counter(session, abbreviation, year, series, 0)     # the year's row (its lock)
        return text
    _counter(session, abbreviation, year, series, floor)
    for _attempt in range(10000):
        session.execute(update(NumberRow).where(*where).values(last=NumberRow.last + 1))
        n = int(session.scalar(select(NumberRow.last).where(*where)) or 0)
        text = format_number(n, series, abbreviation, drafting_unit)
        if _record(session, abbreviation, year, series, n, text, "auto"):
            return text
        # taken by hand earlier: the next one
    raise _busy()


def already_issued(text: str) -> RegisterError:
    return RegisterError("number_issued", text=text)


def read_numbers_file(path: Path) -> list[str]:
    """`sign --numbers FILE`: one number a line ('58/SKHCN-CĐS'); blank lines and # comments
    are skipped."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise RegisterError("numbers_file_unreadable", path=path, strerror=exc.strerror, exc=exc) from exc
    return [ln.split("#", 1)[0].strip() for ln in lines if ln.split("#", 1)[0].strip()]


def hand_queue(texts: Iterable[str], abbreviation: str,
               drafting_unit: str) -> dict[str, list[int]]:
    """Hand-entered numbers by series, in the order given (the batch's documents of a series
    take them in render order)."""
    queue: dict[str, list[int]] = {}
    seen: set[tuple[str, int]] = set()
    for text in texts:
        series, n = parse_number(text, abbreviation, drafting_unit)
        if (series, n) in seen:
            raise already_issued(format_number(n, series, abbreviation, drafting_unit))
        seen.add((series, n))
        queue.setdefault(series, []).append(n)
    return queue
