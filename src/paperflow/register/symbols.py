"""How a number and symbol is written ('12/SKHCN-CĐS', '03/BB-SKHCN'): pure functions, a leaf
module, so the register's migrations (schema.py) and numbering.py both use them without
importing each other."""

from __future__ import annotations


def format_number(n: int, series: str, abbreviation: str, drafting_unit: str) -> str:
    return f"{n:02d}/{symbol_of(series, abbreviation, drafting_unit)}"


def symbol_of(series: str, abbreviation: str, drafting_unit: str) -> str:
    """What follows the slash: 'SKHCN-CĐS' for dispatches, 'BB-SKHCN' for minutes …"""
    if series == "CV":
        return f"{abbreviation}-{drafting_unit}" if drafting_unit else abbreviation
    return f"{series}-{abbreviation}"
