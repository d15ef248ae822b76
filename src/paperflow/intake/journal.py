"""The intake journal: one row per file content taken from the inbox (the table is declared
with the register's others, in register/journals.py: the register owns the database)."""

from ..register.journals import IntakeRecord

__all__ = ["IntakeRecord"]
