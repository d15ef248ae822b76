"""The rows one store group reads and writes, looked up once instead of one SELECT per row.

`Register.store_many` stores a group of files in one transaction. Looking every row up with
`session.get` (or a query) made SQLAlchemy flush the previous row's INSERT first, so each stored
row cost several single-row round trips. A `GroupRows` instead reads the rows the group can
touch in a few IN queries up front (by primary key, and subscribers by the index columns
`store._same_person` compares), runs the group without autoflush and remembers every row added,
changed or deleted since; the INSERTs go out together at the end (one executemany per table).

Why the pending rows are kept here: before a flush, a row added to the session is not in its
identity map, so `session.get` would miss it and the group would insert the same key twice.
Anything `GroupRows` has not seen is looked up in the session as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from .schema import OrganisationHistoryRow, SubscriberRow

T = TypeVar("T")
CHUNK = 500     # keys per IN query: under every SQLite's bound-parameter limit


class GroupRows:
    def __init__(self, session: Session) -> None:
        self.session = session
        # (table class, primary key) -> the row, or None: known not to exist (or deleted)
        self._rows: dict[tuple[type, object], Any] = {}
        # subscribers by match_key and by id_number, as the rows read NOW (not as stored)
        self._by_match: dict[str, dict[int, SubscriberRow]] = {}
        self._by_id: dict[str, dict[int, SubscriberRow]] = {}
        self._indexed: dict[int, tuple[str, str]] = {}
        # organisation_history (org_key, field, old, new) for the org keys read so far
        self._history: set[tuple[str, str, str, str]] = set()
        self._history_keys: set[str] = set()

    # --- reading ahead --------------------------------------------------------------------
    def prefetch(self, cls: type, column: Any, keys: Iterable[object]) -> None:
        """Read the rows whose `column` is one of `keys`; for a primary key column, note the
        keys not found as absent (no SELECT for them later)."""
        wanted = sorted({k for k in keys if k is not None and k != ""}, key=str)
        for part in _chunks(wanted):
            for row in self.session.scalars(select(cls).where(column.in_(part))):
                self._remember(row)
        if column.primary_key:
            for k in wanted:
                self._rows.setdefault((cls, k), None)

    def prefetch_subscribers(self, idents: Iterable[str], match_keys: Iterable[str],
                             id_numbers: Iterable[str]) -> None:
        # every row _same_person could find for this group's holders is read here and indexed;
        # a row not read cannot match (its match_key and id_number are none of these) unless
        # the group changes it, and the group only changes rows it has read
        self.prefetch(SubscriberRow, SubscriberRow.ident, idents)
        self.prefetch(SubscriberRow, SubscriberRow.match_key, match_keys)
        self.prefetch(SubscriberRow, SubscriberRow.id_number, id_numbers)

    def prefetch_history(self, org_keys: Iterable[str]) -> None:
        wanted = sorted({k for k in org_keys if k and k not in self._history_keys})
        for part in _chunks(wanted):
            t = OrganisationHistoryRow
            for h in self.session.execute(select(t.org_key, t.field, t.old, t.new)
                                          .where(t.org_key.in_(part))):
                self._history.add(tuple(h))
        self._history_keys.update(wanted)

    def _remember(self, row: Any) -> None:
        pk = inspect(row).identity[0]
        if (type(row), pk) not in self._rows:
            self._rows[(type(row), pk)] = row
            if isinstance(row, SubscriberRow):
                self.reindex(row)

    # --- rows by primary key ----------------------------------------------------------------
    def get(self, cls: type[T], pk: object) -> T | None:
        k = (cls, pk)
        if k in self._rows:
            return self._rows[k]
        with self.session.no_autoflush:
            row = self.session.get(cls, pk)
        self._rows[k] = row
        if isinstance(row, SubscriberRow):
            self.reindex(row)
        return row

    def add(self, row: Any, pk: object) -> None:
        self.session.add(row)
        self._rows[(type(row), pk)] = row
        if isinstance(row, SubscriberRow):
            self.reindex(row)

    def delete(self, row: Any, pk: object) -> None:
        state = inspect(row)
        if state.pending:
            self.session.expunge(row)       # added in this group: never inserted at all
        else:
            self.session.delete(row)
            self.session.flush()            # gone before a row under the same key may come
        self._rows[(type(row), pk)] = None
        if isinstance(row, SubscriberRow):
            self._unindex(row)

    # --- subscribers by the _same_person index columns ---------------------------------------
    def reindex(self, row: SubscriberRow) -> None:
        """Call after a row's match_key or id_number may have changed."""
        self._unindex(row)
        keys = (row.match_key or "", row.id_number or "")
        self._by_match.setdefault(keys[0], {})[id(row)] = row
        if keys[1]:
            self._by_id.setdefault(keys[1], {})[id(row)] = row
        self._indexed[id(row)] = keys

    def _unindex(self, row: SubscriberRow) -> None:
        keys = self._indexed.pop(id(row), None)
        if keys is not None:
            self._by_match.get(keys[0], {}).pop(id(row), None)
            if keys[1]:
                self._by_id.get(keys[1], {}).pop(id(row), None)

    def subscribers_like(self, type_: str, match_key: str, id_number: str,
                         without_serial: bool) -> list[SubscriberRow]:
        """What the index query of _same_person returns: rows of this type with this match_key
        (or this id number, if given), only rows without a serial if asked; in ident order."""
        found = dict(self._by_match.get(match_key, {}))
        if id_number:
            found.update(self._by_id.get(id_number, {}))
        rows = [r for r in found.values()
                if r.type == type_ and not (without_serial and r.cert_serial)]
        return sorted(rows, key=lambda r: r.ident)

    # --- organisation history -----------------------------------------------------------------
    def history_has(self, entry: tuple[str, str, str, str]) -> bool:
        if entry[0] not in self._history_keys:
            with self.session.no_autoflush:
                self.prefetch_history([entry[0]])
        return entry in self._history

    def history_added(self, entry: tuple[str, str, str, str]) -> None:
        self._history.add(entry)


def _chunks(items: Sequence[T]) -> Iterable[Sequence[T]]:
    for i in range(0, len(items), CHUNK):
        yield items[i:i + CHUNK]
