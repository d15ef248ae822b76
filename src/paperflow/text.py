"""Vietnamese text normalisation: NFC storage, diacritic-insensitive keys, fuzzy matching.

Pure functions. Everything stored is NFC; names are compared on `key()`.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

_SPACES = re.compile(r"\s+")
# OCR and typing variants of agency words, folded before comparison.
_ABBREVIATIONS = {
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "khcn": "khoa hoc va cong nghe",
    "kh&cn": "khoa hoc va cong nghe",
    "nn&ptnt": "nong nghiep va phat trien nong thon",
    "nn&mt": "nong nghiep va moi truong",
    "tn&mt": "tai nguyen va moi truong",
    "kh&dt": "ke hoach va dau tu",
    "khdt": "ke hoach va dau tu",
    "gtvt": "giao thong van tai",
    "tt&tt": "thong tin va truyen thong",
    "ldtbxh": "lao dong thuong binh va xa hoi",
    "tp": "thanh pho",
}


def nfc(value: object) -> str:
    """The text as stored: NFC, trimmed, inner whitespace (incl. line breaks) folded to one space."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip()


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese diacritics (đ → d as well)."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return bare.replace("đ", "d").replace("Đ", "D")


def key(text: object) -> str:
    """A comparison key: lower case, no diacritics, punctuation folded, abbreviations expanded."""
    bare = strip_diacritics(nfc(text)).lower()
    bare = re.sub(r"[\-–—_/.,;:()\"'“”]", " ", bare)
    words = [_ABBREVIATIONS.get(w, w) for w in bare.split()]
    return " ".join(" ".join(words).split())


def similarity(a: str, b: str) -> float:
    """0..1 similarity of two names on their keys (robust to lost diacritics and OCR noise)."""
    ka, kb = key(a), key(b)
    if not ka or not kb:
        return 0.0
    if ka == kb:
        return 1.0
    return SequenceMatcher(None, ka, kb, autojunk=False).ratio()


def best_match(name: str, candidates: list[str], *, threshold: float = 0.85) -> tuple[str | None, float]:
    """The candidate most similar to `name` and its score; None when below `threshold`."""
    best, score = None, 0.0
    for cand in candidates:
        s = similarity(name, cand)
        if s > score:
            best, score = cand, s
    return (best, score) if score >= threshold else (None, score)


def normalise_serial(value: object) -> str:
    """Certificate/token serial as upper-case hex without spaces, colons or a 0x prefix."""
    text = nfc(value).upper().replace(" ", "").replace(":", "").replace("-", "")
    if text.startswith("0X"):
        text = text[2:]
    return text


def safe_filename(name: str, *, limit: int = 120) -> str:
    """A file name that cannot escape a folder: no separators, no dot-dot, no control characters."""
    text = unicodedata.normalize("NFC", name)
    text = "".join(ch if ch.isprintable() and ch not in '<>:"/\\|?*' else "_" for ch in text)
    text = text.strip(" .") or "file"
    return text[:limit]


def slug(text: str, *, limit: int = 60) -> str:
    """ASCII file-name slug of a Vietnamese name: 'Sở Tài chính' → 'so-tai-chinh'."""
    bare = re.sub(r"[^a-z0-9]+", "-", strip_diacritics(nfc(text)).lower()).strip("-")
    return bare[:limit].rstrip("-") or "x"
