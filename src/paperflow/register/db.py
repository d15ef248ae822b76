"""The database: engine, declarative base, named migrations.

SQLite by default (a file in the workspace), PostgreSQL given a URL. Every table is declared
on `base.Base` inside the register (its own records in `schema.py`, the intake journal and the
mail log in `journals.py`); `open_engine` creates them and applies the named migrations
(`base.migration`), each once, in a transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from ..errors import RegisterError
from .base import MIGRATIONS, Base, Migration, migration

__all__ = ["Base", "Migration", "MIGRATIONS", "migration", "open_engine"]


def _import_tables() -> None:
    # Importing declares the tables (and their migrations) on Base; all live in the register.
    from . import journals as _journals  # noqa: F401
    from . import quarantine as _quarantine  # noqa: F401
    from . import receipts as _receipts  # noqa: F401
    from . import received as _received  # noqa: F401
    from . import reports as _reports  # noqa: F401
    from . import schema as _schema  # noqa: F401
    from . import serials as _serials  # noqa: F401


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    # WAL: readers (status, serve) never block the writer; busy_timeout: two watchers share a file.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _create_tables(engine: Engine) -> None:
    for attempt in range(50):     # each round finds more tables made by the other
        try:
            Base.metadata.create_all(engine)
            return
        except OperationalError as exc:
            # two processes opening a new register at once: the other created the tables
            # between our check and our CREATE; the next round sees them
            if "already exists" not in str(exc) or attempt == 49:
                raise


def _create_sqlite_tables(engine: Engine) -> None:
    """The missing tables in one transaction, under the write lock.

    pysqlite commits each CREATE on its own (one disk sync per table: 70 ms for a new register,
    35 with one transaction); BEGIN IMMEDIATE also makes a second process opening the same new
    file wait and then find the tables. A register with all its tables takes no lock at all:
    `status` never waits on a watcher's write."""
    with engine.connect() as conn:
        have = set(conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table'").scalars())
        if set(Base.metadata.tables) <= have:
            return
        conn.rollback()
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        Base.metadata.create_all(conn)
        conn.commit()


def open_engine(url: str) -> Engine:
    """Connect, create missing tables and apply pending migrations."""
    _import_tables()
    try:
        engine = create_engine(url, future=True)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        if engine.dialect.name == "sqlite":
            _create_sqlite_tables(engine)
        else:
            _create_tables(engine)
        for attempt in range(5):
            try:
                with engine.begin() as conn:
                    done = set(conn.scalars(select(Migration.name)))
                    for name, fn in MIGRATIONS:
                        if name in done:
                            continue
                        fn(conn)
                        conn.execute(Migration.__table__.insert().values(
                            name=name, applied_at=datetime.now(UTC)))
                break
            except IntegrityError:
                # another process applied the same migration first: our transaction (the
                # migration included) rolled back; the next round sees it done
                if attempt == 4:
                    raise
        return engine
    except SQLAlchemyError as exc:
        raise RegisterError("register_unopenable", where=url.split('@')[-1],
                            error_type=exc.__class__.__name__, exc=exc) from exc

