"""Control characters out of everything a reader found, once, where it is produced.

A NUL, a form feed or a lone surrogate in a name read from a spreadsheet cell or a PDF is
stored, then breaks every later run (PostgreSQL refuses NUL in text, python-docx refuses control
characters in XML, a lone surrogate cannot be written as UTF-8). So every text field of an
`Extracted` is cleaned here: control (Cc, except line breaks and tabs), format (Cf: zero-width
and bidi overrides), surrogate (Cs) and non-characters (U+FFFE, U+FFFF) are dropped.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

_BAD = re.compile(
    "[" + "".join(re.escape(chr(c)) for c in range(0x20) if chr(c) not in "\n\t")
    + "\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    + "\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """The text without control, format or surrogate characters ("\\n" and "\\t" kept)."""
    return _BAD.sub("", text) if _BAD.search(text) else text


def clean(value: Any, depth: int = 0) -> Any:
    """`value` with every string inside it cleaned: frozen dataclasses, tuples, lists, dicts."""
    if isinstance(value, str):
        return clean_text(value)
    if depth > 20:                       # records nest a few levels; never deeper
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in dataclasses.fields(value):
            old = getattr(value, f.name)
            new = clean(old, depth + 1)
            if new is not old:
                changes[f.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    if isinstance(value, tuple | list):
        items = [clean(v, depth + 1) for v in value]
        if all(a is b for a, b in zip(items, value, strict=True)):
            return value
        return type(value)(items)
    if isinstance(value, dict):
        return {clean(k, depth + 1): clean(v, depth + 1) for k, v in value.items()}
    return value


