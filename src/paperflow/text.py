"""Vietnamese text normalisation: NFC storage, diacritic-insensitive keys, fuzzy matching.

Pure functions. Everything stored is NFC; names are compared on `key()`.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from collections.abc import Iterable
from difflib import SequenceMatcher
from functools import lru_cache

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
    "s6": "so",         # OCR: "Sở" read as "S6" / "S0"
    "s0": "so",
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


def fold(text: str) -> str:
    """Lower case without diacritics, one character for one: positions in the result are
    positions in `text` (NFC), so a pattern found in the folded text slices the original."""
    return "".join(_fold_char(ch) for ch in text.lower())


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    bare = strip_diacritics(ch)
    return bare if len(bare) == 1 else ch


def key(text: object) -> str:
    """A comparison key: lower case, no diacritics, punctuation folded, abbreviations expanded."""
    return _key(text if isinstance(text, str) else ("" if text is None else str(text)))


@lru_cache(maxsize=200_000)
def _key(text: str) -> str:
    # Memoised: a province's names repeat thousands of times across a batch.
    bare = strip_diacritics(nfc(text)).lower()
    bare = re.sub(r"[\-–—_/.,;:()\"'“”]", " ", bare)
    words = [_ABBREVIATIONS.get(w, w) for w in bare.split()]
    return " ".join(" ".join(words).split())


# The leading phrase naming an agency's type. Two agencies of one type share it, and it
# dominates the ratio of short names: "Ủy ban nhân dân xã Minh Dũng" and "… xã Vĩnh Hưng" are
# 0.93 alike as wholes, 0.56 on the names themselves.
_TYPE_PREFIX = re.compile(
    r"^(?:(?:uy ban nhan dan|hoi dong nhan dan|dang uy|van phong)\s+)?"
    r"(?:xa|phuong|thi tran|thi xa|dac khu|huyen|quan|tinh|thanh pho|so|phong|ban|cuc|chi cuc"
    r"|trung tam|truong|benh vien|tram)\s+")


def distinctive(k: str) -> str:
    return _TYPE_PREFIX.sub("", k, count=1)


def _ratio(ka: str, kb: str, full: float | None = None) -> float:
    """The lower of the whole keys' ratio and the ratio without their type phrases."""
    if full is None:
        full = SequenceMatcher(None, ka, kb, autojunk=False).ratio()
    da, db = distinctive(ka), distinctive(kb)
    if (da, db) == (ka, kb) or not da or not db:
        return full
    return min(full, SequenceMatcher(None, da, db, autojunk=False).ratio())


def similarity(a: str, b: str) -> float:
    """0..1 similarity of two names on their keys (robust to lost diacritics and OCR noise,
    blind to the type phrase two agencies share)."""
    ka, kb = key(a), key(b)
    if not ka or not kb:
        return 0.0
    if ka == kb:
        return 1.0
    return _ratio(ka, kb)


def best_match(name: str, candidates: Iterable[str], *, threshold: float = 0.85,
               score_below: bool = True) -> tuple[str | None, float]:
    """The candidate most similar to `name` and its score; None when below `threshold`.

    Same result as comparing `similarity` with every candidate, but a candidate whose cheap upper
    bounds (real_quick_ratio, quick_ratio) cannot beat the best so far is skipped. With
    `score_below` off, candidates that cannot reach `threshold` are skipped too (the match is the
    same; a score below the threshold is then not computed): most names looked up have no match."""
    kn = key(name)
    best, score = None, 0.0 if score_below else max(0.0, threshold - 1e-9)
    if not kn:
        return None, 0.0
    for cand in candidates:
        kc = key(cand)
        if not kc:
            continue
        if kc == kn:
            return cand, 1.0
        sm = SequenceMatcher(None, kn, kc, autojunk=False)
        if sm.real_quick_ratio() <= score or sm.quick_ratio() <= score:
            continue
        s = sm.ratio()
        if s > score:
            s = _ratio(kn, kc, s)       # never above the whole ratio: the pruning stays exact
        if s > score:
            best, score = cand, s
    return (best, score) if score >= threshold else (None, score)


_SERIAL_SEPARATORS = re.compile(r"[\s:\-.]+")
_HEX = re.compile(r"[0-9A-F]+")


def normalise_serial(value: object) -> str:
    """A certificate serial as one key whatever the source wrote: upper-case hex without
    spaces, colons, dashes or a 0x prefix, leading zeros dropped and padded to whole bytes —
    the form read from the certificate file itself ("000054A3", "00 00 54 a3", "0x54a3" →
    "54A3"). Text that is not hex is returned cleaned but otherwise as written, so a reader can
    see it is invalid."""
    text = _SERIAL_SEPARATORS.sub("", nfc(value)).upper()
    if text.startswith("0X"):
        text = text[2:]
    if text and _HEX.fullmatch(text):
        text = text.lstrip("0") or "0"
        if len(text) % 2:
            text = "0" + text
    return text


def normalise_token_serial(value: object) -> str:
    """A token (device) serial as printed on the device: upper case, separators dropped,
    leading zeros kept (they are part of the label)."""
    text = _SERIAL_SEPARATORS.sub("", nfc(value)).upper()
    return text[2:] if text.startswith("0X") else text


def safe_filename(name: str, *, limit: int = 120) -> str:
    """A file name that cannot escape a folder: no separators, no dot-dot, no control characters."""
    text = unicodedata.normalize("NFC", name)
    text = "".join(ch if ch.isprintable() and ch not in '<>:"/\\|?*' else "_" for ch in text)
    text = text.strip(" .") or "file"
    if _WINDOWS_RESERVED.match(text):      # CON, NUL, COM1 … name devices on Windows
        text = f"_{text}"
    return text[:limit]


def slug(text: str, *, limit: int = 60) -> str:
    """ASCII file-name slug of a Vietnamese name: 'Sở Tài chính' → 'so-tai-chinh'. A name longer
    than `limit` is cut after its last whole word ('…-tinh-hung-yen', never '…-tinh-hun')."""
    bare = re.sub(r"[^a-z0-9]+", "-", strip_diacritics(nfc(text)).lower()).strip("-")
    if len(bare) > limit:
        cut = bare[:limit + 1]
        bare = cut.rsplit("-", 1)[0] if "-" in cut[1:] else bare[:limit]
    return bare.rstrip("-") or "x"


# The document number in a file name (docs/DESIGN.md, "File names"): 'So-0058-SKHCN-CDS_' before
# the draft's own name. Four digits keep a folder sorted by number in any file manager (a
# year's series of a large agency runs into the thousands); the symbol is the number's, slugged
# once, its case kept.
NUMBER_WORD = "So"
STEM_LIMIT = 90            # the draft part of a file name (without extension), whole words
_NUMBER_TEXT = re.compile(r"^\s*(?:s[oố]\s*:?\s*)?0*(\d{1,6})\s*/\s*(.*?)\s*$", re.IGNORECASE)
_NUMBERED = re.compile(r"^So-\d+(?:-[A-Za-z0-9]+)*_(?=.)")
_WINDOWS_RESERVED = re.compile(r"^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\.|$)", re.IGNORECASE)
_SUFFIXES = (".signed.pdf", ".pdf", ".docx", ".xlsx", ".eml")


def whole_words(name: str, limit: int) -> str:
    """`name` cut to at most `limit` characters after its last whole word ('-', '_' or a space
    end a word); one long word is cut where it must."""
    if len(name) <= limit:
        return name
    cut = name[:limit + 1]
    at = max(cut.rfind(ch, 1) for ch in "-_ ")
    return (cut[:at] if at > 0 else name[:limit]).rstrip("-_ .")


def number_tag(number: str) -> str:
    """'58/SKHCN-CĐS' → 'So-0058-SKHCN-CDS' (a document number as a file name's prefix); ''
    for no number."""
    text = nfc(number)
    if not text:
        return ""
    m = _NUMBER_TEXT.match(text)
    digits, symbol = (f"{int(m.group(1)):04d}", m.group(2)) if m else ("", text)
    sym = re.sub(r"[^A-Za-z0-9]+", "-", strip_diacritics(symbol)).strip("-")
    return "-".join(p for p in (NUMBER_WORD, digits or "0000", whole_words(sym, 30)) if p)


def numbered_stem(stem: str, number: str) -> str:
    """The stem a document's files take once it has its number: 'CV-Mau04-…' →
    'So-0058-SKHCN-CDS_CV-Mau04-…'; a draft (no number) keeps its stem."""
    tag = number_tag(number)
    return f"{tag}_{draft_stem(stem)}" if tag else stem


def draft_stem(stem: str) -> str:
    """The name a document had as a draft: its stem without the number's prefix."""
    return _NUMBERED.sub("", stem, count=1)


def unique_name(stem: str, ext: str, used: set[str], *, limit: int = STEM_LIMIT) -> str:
    """A file name for `stem` + `ext` no other in `used` has (…-2, …-3), safe on Windows, its
    draft part cut at whole words. Uniqueness is decided on the draft part, so a numbered file
    is its draft's name behind the number's prefix, whatever came before it in the batch."""
    draft = draft_stem(stem)
    tag = stem[:len(stem) - len(draft)]
    base = whole_words(safe_filename(draft), limit)
    name, n = f"{base}{ext}", 2
    while name.lower() in used:            # Windows folders ignore case
        name, n = f"{base}-{n}{ext}", n + 1
    used.add(name.lower())
    return f"{tag}{name}"


def names_file(stem: str, number: str, wanted: Iterable[str]) -> bool:
    """Whether a clerk's `sign --only NAME` means the document of `stem` and `number`: NAME
    may be its file name now or the draft's name they saw before it was numbered (with or
    without .docx/.pdf/.signed.pdf, with its folder, any case), or the number itself."""
    stems = {stem.casefold(), draft_stem(stem).casefold()}
    for w in wanted:
        name = nfc(w).replace("\\", "/").rsplit("/", 1)[-1]
        low = name.casefold()
        for suffix in _SUFFIXES:
            if low.endswith(suffix):
                low = low[:-len(suffix)]
                break
        if low in stems or (number and nfc(w) == nfc(number)):
            return True
    return False


def ranked(name: str, candidates: Iterable[str], n: int = 2) -> list[tuple[str, float]]:
    """The `n` candidates most similar to `name`, best first (ties: first given). A candidate
    whose cheap upper bounds cannot beat the n-th best so far is skipped (same result)."""
    kn = key(name)
    if not kn:
        return []
    top: list[tuple[float, int, str]] = []      # a min-heap of the n best
    for i, cand in enumerate(candidates):
        kc = key(cand)
        if not kc:
            continue
        floor = top[0][0] if len(top) == n else -1.0
        if kc == kn:
            s = 1.0
        else:
            sm = SequenceMatcher(None, kn, kc, autojunk=False)
            if sm.real_quick_ratio() <= floor or sm.quick_ratio() <= floor:
                continue
            s = sm.ratio()
            if s <= floor:
                continue
            s = _ratio(kn, kc, s)
        item = (s, -i, cand)
        if len(top) < n:
            heapq.heappush(top, item)
        elif item > top[0]:
            heapq.heapreplace(top, item)
    return [(c, s) for s, _i, c in sorted(top, reverse=True)]
