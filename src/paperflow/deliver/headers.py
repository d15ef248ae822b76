"""Vietnamese header values encoded and folded once, by us, as RFC 2047 'B' encoded words.

Why not let the email package do it: `EmailMessage` keeps each header as a parsed object and
refolds it when the message is written (`_refold_parse_tree`), which for a long Vietnamese
display name or subject costs 1-9 ms a header — most of delivery's time at province scale.
And its folding of display names sometimes leaves the space between two words as the fold
(`...huyện?=\\n  =?utf-8?b?Kiến...`): RFC 2047 decoders (Thunderbird, Outlook, Python's own
`decode_header`) drop whitespace between adjacent encoded words, so the recipient read
"huyệnKiến Xương". Here every character, spaces included, is inside an encoded word, so what
separates two encoded words is only the fold.

The values are stored with `Message.set_raw` (as a parser stores what it reads), and the
generator writes lines no longer than 78 characters as they are.
"""

from __future__ import annotations

import base64
from email.headerregistry import Address

MAX_LINE = 78           # RFC 5322's SHOULD; the generator refolds anything longer
MAX_WORD = 75           # RFC 2047: an encoded word is at most 75 characters
_PREFIX = "=?utf-8?b?"
_OVERHEAD = len(_PREFIX) + len("?=")


def _payload_bytes(width: int) -> int:
    """How many UTF-8 bytes fit in an encoded word `width` characters wide."""
    width = min(width, MAX_WORD)
    return max(0, (width - _OVERHEAD) // 4 * 3)


def _pieces(text: str, first: int, rest: int) -> list[str]:
    """`text` cut into pieces of at most `first` (then `rest`) UTF-8 bytes, never inside a
    character, preferably just after a space."""
    out: list[str] = []
    start, size, budget, last_space = 0, 0, first, -1
    for i, ch in enumerate(text):
        n = len(ch.encode("utf-8"))
        if size + n > budget and i > start:
            cut = last_space + 1 if last_space >= start and last_space + 1 < i else i
            out.append(text[start:cut])
            start, budget, last_space = cut, rest, -1
            size = len(text[start:i].encode("utf-8"))
        size += n
        if ch == " ":
            last_space = i
    if start < len(text) or not out:
        out.append(text[start:])
    return out


def encoded_words(text: str, used: int) -> list[str]:
    """`text` as encoded words, the first fitting on a line where `used` characters are taken,
    each further one on its own continuation line (one leading space)."""
    first = _payload_bytes(MAX_LINE - used)
    rest = _payload_bytes(MAX_LINE - 1)
    if first == 0:          # a very long header name: start on the next line
        return ["", *encoded_words(text, 1)]
    return [_PREFIX + base64.b64encode(p.encode("utf-8")).decode("ascii") + "?="
            for p in _pieces(text, first, rest)]


def needs_encoding(text: str) -> bool:
    return not text.isascii()


def unstructured(name: str, text: str) -> str:
    """The folded value of an unstructured header (Subject) as the parser would store it."""
    return "\n ".join(w for w in encoded_words(text, len(name) + 2))


def address(name: str, addr: Address) -> str:
    """The folded value of `Display Name <user@domain>` with an encoded display name."""
    words = encoded_words(addr.display_name, len(name) + 2)
    spec = f"<{addr.addr_spec}>"
    last = (len(name) + 2 if len(words) == 1 else 1) + len(words[-1])
    if last + 1 + len(spec) <= MAX_LINE:
        words[-1] += " " + spec
    else:
        words.append(spec)
    return "\n ".join(words)
