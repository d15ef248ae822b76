"""Agency names as read from decisions: where a name starts (HEAD), how it is cleaned, and how
far its letters can be trusted (OCR damage).

The plan resolves names against the canonical ones (text.py / plan); here a name is only cleaned
— whitespace, NFC, stray punctuation, a header block glued on — and damaged letters are left
as read, with a confidence below 1 so the plan knows to resolve them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..text import nfc, strip_diacritics

# Where an agency's name starts, on folded text (statements.fold): the head word of its type.
# The look-aheads keep common phrases out: "bàn giao", "ban hành", "bộ máy", "quản lý" …
HEAD = (
    r"(?:s[o0-9b]|uy\s+ban|ubnd|hdnd|van\s+phong|trung\s+tam|phong(?!\s+chong|\s+ngua)|"
    r"chi\s+cuc|tong\s+cuc|cuc|ban(?!\s+hanh|\s+giao|\s+sao)|tinh|xa(?!\s+hoi)|phuong(?!\s+an|"
    r"\s+thuc|\s+tien)|thi\s+tran|thi\s+xa|huyen|quan(?!\s+ly|\s+tri|\s+he|\s+diem)|thanh\s+pho|"
    r"bo(?!\s+may|\s+phan|\s+tri|\s+sung)|truong(?!\s+hop|\s+phong|\s+ban|\s+hop)|benh\s+vien|"
    r"cong\s+ty|hoi(?!\s+nghi)|dang\s+uy|tinh\s+uy|thanh\s+uy|huyen\s+uy|thanh\s+tra|"
    r"bao(?!\s+dam|\s+gom|\s+ve|\s+cao|\s+mat|\s+dam)|dai(?!\s+dien|\s+hoc)|kho\s+bac|doan|"
    r"lien\s+doan|mat\s+tran|co\s+quan|vien(?!\s+chuc)|hoi\s+dong|dac\s+khu|tram|hat|quy|"
    r"thu\s+vien|bao\s+tang|nha\s+(?:van\s+hoa|xuat\s+ban)|lien\s+hiep)\b")

# Personnel clauses: a verb of moving or leaving and a person ("ông/bà/đồng chí …").
MOVE = re.compile(
    r"(?<![a-z])(?:di[a-z0-9]u\s+d[o0]ng|lu[a-z]n\s+chuy[a-z]n|chuy[a-z]n\s+c[o0]ng\s+t[a-z]c|"
    r"b[o0]\s+tr[i1l](?!\s+(?:kinh\s+phi|ngan\s+sach|von))|b[o0]\s+nhi[a-z]m)(?![a-z])")
LEAVE = re.compile(r"(?<![a-z])(?:ngh[i1l]\s+h[uw]{1,2}u|ngh[i1l]\s+ch[e3]\s+d[o0]|"
                    r"th[o0]i\s+vi[e3a-z]c|ngh[i1l]\s+vi[e3a-z]c)(?![a-z])")
PERSON = re.compile(r"(?<![a-z])(?:ong|ba|dong\s+chi|d/c)\s+(?=\S)")


def personnel(folded: str) -> bool:
    """A clause about a person moving or leaving (on folded text): not a merger statement,
    even when it names a unit 'trực thuộc' another."""
    return bool((MOVE.search(folded) or LEAVE.search(folded)) and PERSON.search(folded))


_TAIL = re.compile(
    r"\s*(?:[,;:(]|\btheo\b|\bke tu\b|\btu ngay\b|\bke tu ngay\b|\bnham\b|"
    r"\bde\b|\bco tru so\b|\bve viec\b|\bvoi ten\b|\bsau khi\b|\bky tu\b|\bcu the\b|"
    r"\bgom\b|\bbao gom\b|\bhoat dong\b|\bvoi\b|\bgiu nguyen\b|\blay ten\b|\bsau sap xep\b|"
    r"\bgiu chuc\b|\bduoc\b)")
_THI = re.compile(r"\s+th[ìi]\b")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\ufeff]")
_DASH = re.compile(r"\s+[-–—]\s*|\s*[-–—]\s+")
_EDGE = " \t.,;:!?\"'“”‘’`´-–—*•+·/\\|_"
_SYLLABLE = re.compile(     # final k: Đắk Lắk, Đắk Nông
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ng|nh|ch|[cmnptk])?")
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_HATLESS = re.compile(r"(?:[iy]e|uo)(?:ng|nh|ch|[cmnptui])")
_TOKEN = re.compile(r"[^\s,;:.()\[\]\"'“”/\\|\-–—]+")


def _fold(text: str) -> str:
    return strip_diacritics(text).lower()


def _caps_word(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _cut_header(name: str) -> str:
    """'Sở Xây dựng ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN' → 'Sở Xây dựng': three words in capitals
    after a word that is not are a header block glued on by the page layout."""
    words = name.split(" ")
    for i in range(1, len(words) - 2):
        if not _caps_word(words[i - 1]) and all(_caps_word(w) for w in words[i:i + 3]):
            return " ".join(words[:i])
    return name


def plain(text: str) -> str:
    """NFC on one line, control characters as spaces (a BEL from a scan crashed later runs)."""
    return nfc(_CONTROL.sub(" ", text))


def clean_name(original: str) -> str:
    """One agency name: NFC, no control characters, single spaces, ' - ' between the parts of
    'Lao động - Thương binh', no trailing sentence ('kể từ ngày …', ', theo …'), no stray
    punctuation at either end, no header in capitals glued on."""
    name = plain(original)
    m = _TAIL.search(_fold(name))
    if m and m.start() > 0:
        name = name[:m.start()]
    m = _THI.search(name)       # "… thì": lower case, unlike the district "Ân Thi"
    if m and m.start() > 0:
        name = name[:m.start()]
    name = _DASH.sub(" - ", _cut_header(name))
    if name.count(")") > name.count("("):
        name = name.replace(")", "")
    return nfc(name.strip(_EDGE))


@lru_cache(maxsize=50_000)
def damaged_word(word: str) -> bool:
    """A word no Vietnamese syllable looks like ('S6', 'dwoc', 'chtmg', 'Yén' is not caught:
    its letters are Vietnamese). Acronyms in capitals and numbers are not words here."""
    if _caps_word(word) or "@" in word or not any(c.isalpha() for c in word):
        return False            # acronyms, e-mail addresses, numbers
    if any(c.isdigit() for c in word):
        return True             # "S6", "B9", "1ap": a letter read as a digit
    if sum(c.isalpha() for c in word) < 2:
        return False            # list letters "a)", "b)"
    f = _fold(unicodedata.normalize("NFC", word))
    if not all(c.isalpha() for c in f) or _SYLLABLE.fullmatch(f) is None:
        return True
    # a word with tone marks whose 'iê/yê/uô/ươ' lost its hat ('Yén', 'Nguyén', 'truòng')
    bare = unicodedata.normalize("NFD", word.lower())
    untoned = unicodedata.normalize("NFC", "".join(c for c in bare if c not in _TONE_MARKS))
    toned = any(c in _TONE_MARKS for c in bare)
    return toned and _HATLESS.search(untoned) is not None


def name_confidence(name: str) -> float:
    """1.0 for a clean name; 0.7 when a word is damaged ('S6 Tai chinh'); 0.9 when the name
    has no diacritics at all ('So Noi vu'): the plan resolves these against canonical names."""
    words = _TOKEN.findall(name)
    if any(damaged_word(w) for w in words):
        return 0.7
    lower = [w for w in words if not _caps_word(w) and len(w) > 1]
    if len(lower) >= 2 and all(c.isascii() for w in lower for c in w):
        return 0.9
    return 1.0


OCR_DAMAGE = 0.06      # typed texts (seeds 000-003) 0-0.6 %, the OCR'd 393 (seed 004) 25 %


def ocr_damage(text: str, limit: int = 20_000) -> float:
    """The share of words in `text` (its first `limit` characters) no Vietnamese syllable looks
    like: a typed text has next to none, an OCR'd scan several in a hundred."""
    words = _TOKEN.findall(text[:limit])
    words = [w for w in words if any(c.isalpha() for c in w) and not _caps_word(w)]
    if not words:
        return 0.0
    return sum(map(damaged_word, words)) / len(words)
