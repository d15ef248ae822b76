"""The register's declarative base and its named migrations: a leaf module.

Every table of the database is declared on `Base` inside the register package (schema.py for
the register's own records, journals.py for the intake journal and the mail log), so opening
the database imports no stage; the stages import their tables from here downwards.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection, DateTime, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Migration(Base):
    __tablename__ = "migrations"
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    applied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# name → function(connection); appended in order by the modules that declare the tables.
MIGRATIONS: list[tuple[str, Callable[[Connection], None]]] = []


def migration(name: str) -> Callable[[Callable[[Connection], None]], Callable[[Connection], None]]:
    """Register a named migration (applied once, in registration order)."""

    def deco(fn: Callable[[Connection], None]) -> Callable[[Connection], None]:
        MIGRATIONS.append((name, fn))
        return fn

    return deco
