"""The mail log: one row per message (the table is declared with the register's others, in
register/journals.py, which says what each state means: the register owns the database)."""

from ..register.journals import MailRecord

__all__ = ["MailRecord"]
