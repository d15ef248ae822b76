"""Reorganisation statements in decision text (docs/INPUTS.md §3) → MergeEvent.

Matching runs on a folded view of the text — lower case, no diacritics, one character per
original character — so OCR-damaged scans ("Sap nhap", "sdp nhdp", "Tinh Hung Yén") match the
same patterns, while the names handed on are sliced from the original NFC text at the same
offsets. The verbs tolerate one or two damaged letters ("s?p nh?p", "h?p nh?t") and the common
misspelling "sát nhập".

Every pattern starts at its verb and every name is a bounded run (NAME_MAX characters): a
statement names agencies, not pages, so a 16,000-character paragraph or a 200 KB text is read
in linear time (an unanchored lazy ".+?" before the verb made each search quadratic).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from ..models import MergeEvent, MergeKind
from ..text import key, nfc, strip_diacritics
from .names import HEAD, clean_name, name_confidence, personnel, plain

NAME_MAX = 200                      # the longest agency names run to ~120 characters
_N = rf".{{1,{NAME_MAX}}}?"         # a name between a verb and its complement (lazy, bounded)
_R = rf".{{1,{NAME_MAX}}}"          # the rest after the complement; _clean cuts it to the name
_W = r"(?<![a-z0-9])"               # a verb starts a word

# Verbs, on the folded text.
_SAP_NHAP = r"s[a-z0-9]{1,2}[pt]\s+nh[a-z0-9]{1,2}p"
_HOP_NHAT = r"h[a-z0-9]p\s+nh[a-z0-9]{1,2}t"
_MERGE = rf"{_W}(?:{_SAP_NHAP}|{_HOP_NHAT})"
# "thành" as the verb's complement, not the start of "Thành phố", "thành lập", "Thành ủy" …
_THANH = r"\s+th[a-z]nh\s+(?!pho\b|uy\b|lap\b|vien\b|phan\b)"
_TRUC_THUOC = r"tr[a-z]{1,2}c\s+thu[a-z]{1,2}c"
_VAO = r"\s+v[a-z]o\s+"
_FROM = rf"(?:\s+t[uw]\s+(?P<old>{HEAD}.{{0,{NAME_MAX}}}?))?"   # "… từ Sở A …": the old superior
_LEAD_IN = r"(?:nguyen\s+trang\s+|toan\s+bo\s+)?"
_NAME_TAIL = (r"(?:lay\s+t[e3]n(?:\s+g[o0]i)?\s+l[a]|v[o0]i\s+t[e3]n\s+g[o0]i(?:\s+l[a])?|"
              r"c[o0]\s+t[e3]n\s+g[o0]i\s+l[a])")
_ENDS = r"(?=\s*(?:$|[,.;(]|k[e3]\s+t[uw]|t[uw]\s+ng[a-z]y))"
_DISSOLVE = (rf"{_W}(?:gi[a-z]i\s+th[a-z]|ch[a-z]m\s+d[a-z]t\s+ho[a-z]t\s+d[o0]ng|"
             rf"k[e3a-z]t\s+th[a-z]c\s+ho[a-z]t\s+d[o0]ng)")
_RENAME = r"d[o0]i\s+t[a-z]n(?:\s+g[o0]i)?"


def _p(kind: MergeKind, pattern: str) -> tuple[MergeKind, re.Pattern[str]]:
    return kind, re.compile(pattern)


# A pattern without a "src" group takes the sources from the text before its verb; a MERGE_KEEP
# without "dst" ("B tiếp nhận A") takes the target from there. Order breaks ties at one verb.
_PATTERNS: list[tuple[MergeKind, re.Pattern[str]]] = [
    _p(MergeKind.MERGE_NEW,
       rf"{_W}(?P<v>th[a-z]nh\s+l[a-z]p)\s+(?:m[o0]i\s+)?(?P<dst>{_N})\s+tr[a-z]n\s+c[o0]\s+s[o0]\s+"
       rf"(?:(?:{_MERGE}|to\s+chuc\s+lai)\s+)?{_LEAD_IN}(?P<src>.{{1,600}})"),
    _p(MergeKind.RENAME,
       rf"{_W}(?P<v>{_RENAME})\s+(?!th[a-z]nh\s)(?:cua\s+)?(?P<src>{_N}){_THANH}(?P<dst>{_R})"),
    _p(MergeKind.RENAME, rf"{_W}(?P<v>{_RENAME})\s+th[a-z]nh\s+(?P<dst>{_R})"),
    _p(MergeKind.DISSOLVE, rf"(?P<v>{_DISSOLVE})(?:\s+(?:doi\s+voi|cua))?\s+(?!k[e3]\s+t[uw]|t[uw]\s+ng)"
       rf"(?P<src>{_R})"),
    _p(MergeKind.DISSOLVE, rf"(?P<v>{_DISSOLVE}){_ENDS}"),
    _p(MergeKind.SUPERIOR_CHANGE,
       rf"{_W}(?P<v>chuy[a-z]n)\s+(?!v[e3]\s|{_TRUC_THUOC}){_LEAD_IN}(?P<src>{_N}){_FROM}\s+(?:v[e3]\s+)?"
       rf"(?:l[a-z]m\s+d[o0]n\s+v[i1]\s+)?{_TRUC_THUOC}\s+(?P<sup>{_R})"),
    _p(MergeKind.SUPERIOR_CHANGE,
       rf"{_W}(?P<v>chuy[a-z]n|giao)\s+{_LEAD_IN}(?P<src>{HEAD}.{{0,{NAME_MAX}}}?){_FROM}\s+"
       rf"(?:v[e3]|sang|cho)\s+(?:(?:cho|de)\s+)?(?P<sup>{HEAD}{_R})"),
    _p(MergeKind.SUPERIOR_CHANGE,
       rf"{_W}(?P<v>chuy[a-z]n)\s+(?:v[e3]\s+)?{_TRUC_THUOC}\s+(?P<sup>{_R})"),
    _p(MergeKind.MERGE_KEEP,
       rf"(?P<v>{_MERGE})\s+(?!v[a-z]o\s){_LEAD_IN}(?P<src>{_N}){_VAO}(?P<dst>{_R})"),
    _p(MergeKind.MERGE_KEEP, rf"(?P<v>{_MERGE}){_VAO}(?P<dst>{_R})"),
    _p(MergeKind.MERGE_NEW, rf"(?P<v>{_MERGE})\s+(?P<src>.{{1,600}}?){_THANH}(?P<dst>{_R})"),
    _p(MergeKind.MERGE_NEW, rf"(?P<v>{_MERGE}){_THANH}(?P<dst>{_R})"),
    _p(MergeKind.MERGE_KEEP,
       rf"(?P<v>{_MERGE})\s+(?P<src>{_N})\s*,?\s+gi[a-z]\s+nguy[a-z]n\s+t[a-z]n\s+"
       rf"(?:g[o0]i\s+)?(?:(?:la|cua)\s+)?(?P<dst>{_R})"),
    _p(MergeKind.MERGE_NEW, rf"(?P<v>{_MERGE})\s+(?P<src>{_N})\s*,?\s+{_NAME_TAIL}\s+(?P<dst>{_R})"),
    _p(MergeKind.MERGE_KEEP,
       rf"{_W}(?P<v>ti[a-z]p\s+nh[a-z]n)\s+{_LEAD_IN}(?P<src>{HEAD}.{{0,{NAME_MAX}}})"),
    # bare "A trực thuộc B" — last: descriptions ("là cơ quan ... trực thuộc") are excluded below
    _p(MergeKind.SUPERIOR_CHANGE, rf"{_W}(?P<v>{_TRUC_THUOC})\s+(?P<sup>{_R})"),
]

_TAIL_TRUC = re.compile(rf"\s+{_TRUC_THUOC}\s+")
# Words before a verb that belong to the verb, not to the name: "A (đã/sẽ) được sáp nhập".
_AUX = re.compile(r"(?:\s+(?:se|da|bi|ve|duoc|dwoc|d[a-z0-9]{1,2}[o0]c|cung|nay|thuc\s+hien))+\s*$")
_HEADS_SPLIT = re.compile(rf"\s+va\s+(?={HEAD})")
_LEAD = re.compile(r"^(?:cac|toan bo|nguyen trang|to chuc bo may|chuc nang,? nhiem vu"
                   r"(?:,? quyen han)?(?:,? to chuc bo may)?(?:,? bien che)?\s+cua)\s+")
_TAIL_WORDS = re.compile(r"\s*[,;]?\s*(?:[:(]|\b(?:theo|ke tu|tu ngay|nham|de|co tru so|ve viec|"
                         r"voi ten|sau khi|ky tu|cu the|gom|bao gom|hoat dong|voi|"
                         r"giu nguyen|lay ten)\b)")
_MARKER = re.compile(r"^\s*(?:(?:Điều|Dieu|ĐIỀU)\s+\d+\s*[.:]?|\d+(?:\.\d+)*[.)]|[a-zđ][)]|"
                     r"[-–•+*])\s*")
_CENTRAL = re.compile(r"(?:trung\s+[uw]\w{0,2}ng|chinh\s+ph[a-z])\b")
_DESCRIPTIVE = re.compile(r"\bla\s+(?:co quan|don vi|to chuc)\b")
_PREFIX_WORDS = 25                  # a "name" before the verb longer than this is running text


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    f = strip_diacritics(ch).lower()
    return f if len(f) == 1 else ch.lower()[:1] or " "


# Latin letters with their diacritics (Latin-1, Extended-A/B, Vietnamese): one translate call.
_FOLD_TABLE = {cp: _fold_char(chr(cp)) for r in ((0x41, 0x5B), (0xC0, 0x250), (0x1E00, 0x1F00))
               for cp in range(*r) if _fold_char(chr(cp)) != chr(cp)}
_OTHER_SCRIPT = re.compile(r"[^\x00-\u024f\u1e00-\u1eff\u2000-\u206f]")


def fold(text: str) -> str:
    """Lower case, no diacritics, SAME LENGTH as `text` (offsets map back to the original)."""
    if text.isascii():
        return text.lower()
    if _OTHER_SCRIPT.search(text) is None:
        return text.translate(_FOLD_TABLE)
    return "".join(map(_fold_char, text))       # other scripts: one character at a time


_MARKER_START = re.compile(r"^\s*(?:[-–•+*]\s|\d+(?:\.\d+)*[.)]\s|[a-zđ][)]\s|(?:Điều|Dieu|ĐIỀU)\s)")
# Header lines joined with a neighbour would make a name of a header ("Sở Xây dựng …
# ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN"): they are paragraphs of their own.
_BLOCK = re.compile(       # a block of its own: motto, number line, date line
    r"^\s*(?:d[o0]c\s+l[a-z0-9]p\s*-|c[o0]ng\s+h[o0]a\s+x[a-z]\s+h|s[o06b]\s*:|"
    r"[^,]{0,40},\s*ng[a-z]y\s+[\d.…_ ]*th[a-z]ng)")
_STARTS = re.compile(      # starts a block: a title line, "Căn cứ", "Kính gửi", "Nơi nhận"
    r"^\s*(?:v\s*[/i1l|]\s*v\b|v[e3]\s+vi[e3a-z]c\s|c[a-z]n\s+c[uw]\s|k[i1l]nh\s+g[uw]|"
    r"n[o0]i\s+nh[a-z]n\b)")


def _caps(line: str) -> bool:
    """A header line in capitals ('ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN', 'QUYẾT ĐỊNH')."""
    if line.upper() != line:
        return False
    return sum(1 for w in line.split() if any(c.isalpha() for c in w)) >= 2


def paragraphs(text: str) -> list[str]:
    """Lines joined into paragraphs: scans and PDFs break lines (and even put blank lines)
    inside a sentence, so a paragraph ends only after . ; : ! ?, before a list marker or
    'Điều N', and around a header block (capitals, motto, number, date, title line)."""
    paras: list[list[str]] = [[]]
    alone = False                   # the previous line is a block of its own
    for raw in text.splitlines():
        line = plain(raw)
        if not line:
            continue
        fl = fold(line)
        block = _caps(line) or bool(_BLOCK.match(fl))
        prev = paras[-1][-1] if paras[-1] else ""
        if prev and (alone or block or _STARTS.match(fl) or _MARKER_START.match(line)
                     or prev[-1:] in ".;:!?"):
            paras.append([])
        paras[-1].append(line)
        alone = block
    return [" ".join(p) for p in paras if p]


@lru_cache(maxsize=8)
def clauses(text: str) -> tuple[str, ...]:
    """Sentences and list items, with line breaks inside a sentence joined. Memoised: the
    statement and personnel readers both walk the clauses of one document."""
    parts: list[str] = []
    for para in paragraphs(text):
        for piece in re.split(r";\s+|(?<=[a-zà-ỹ]{2})\.\s+(?=[A-ZĐÀ-Ỹ0-9])", para):
            piece = piece.strip(" .-–•+*")
            if piece:
                parts.append(piece)
    return tuple(parts)


def nfc_lines(text: str) -> str:
    return "\n".join(nfc(line) for line in text.splitlines())


def _clean(original: str) -> str:
    f = fold(original)
    lead = _LEAD.match(f)
    if lead:
        original = original[lead.end():]
    return clean_name(original)


def split_names(original: str) -> list[str]:
    """'Sở A, Sở B và Sở Khoa học và Công nghệ' → three names (a 'và' inside a name stays)."""
    names: list[str] = []
    lead = _LEAD.match(fold(original))
    if lead:
        original = original[lead.end():]
    tail = _TAIL_WORDS.search(fold(original))    # ", theo đề nghị của …" is not a name
    if tail and tail.start() > 0:
        original = original[:tail.start()]
    for piece in re.split(r"\s*[,;]\s*", original):
        piece = re.sub(r"^(?:và|va)\s+", "", piece.strip(), flags=re.IGNORECASE)
        cut = 0
        for m in _HEADS_SPLIT.finditer(fold(piece)):
            if not fold(piece[m.end():]).startswith("xa hoi") and m.start() > cut:
                names.append(piece[cut:m.start()])
                cut = m.end()
        names.append(piece[cut:])
    return [n for n in (_clean(n) for n in names) if n]


def _generic(name: str) -> bool:
    k = key(name)
    return k in ("to chuc", "co quan", "don vi", "co quan to chuc") or k.startswith(
        ("nhieu ", "mot ", "cac ", "nhung ", "co quan to chuc ")) or bool(_LIST_NOUN.fullmatch(k))


# "các cơ quan, đơn vị sau:" — a lead-in whose list items carry the names.
_LIST_NOUN = re.compile(
    r"(?:(?:cac|nhung)\s+)?(?:co\s+quan|don\s+vi|to\s+chuc|phong|trung\s+tam|chi\s+cuc|so|ban)"
    r"(?:\s*,?\s*(?:co\s+quan|don\s+vi|to\s+chuc))*\s+(?:sau(?:\s+day)?|nhu\s+sau|duoi\s+day|"
    r"co\s+ten\s+(?:sau|duoi\s+day))")
_ARTICLE = re.compile(r"^\s*(?:Điều|Dieu|ĐIỀU)\s+\d")


def _before(clause: str, f: str, verb_at: int) -> str:
    """The name before a verb ('Sở A và Sở B được hợp nhất …'), or '' for running text."""
    start = max(0, verb_at - NAME_MAX)
    aux = _AUX.search(f, start, verb_at)
    end = aux.start() if aux else verb_at
    text = clause[start:end]
    return "" if len(text.split()) > _PREFIX_WORDS else text


def parse_clause(clause: str, *, source: str = "", decision: str = "",
                 confidence: float = 1.0) -> MergeEvent | None:
    clause = _MARKER.sub("", plain(clause))
    f = fold(clause)
    found = [(m.start("v"), i, kind, pat, m) for i, (kind, pat) in enumerate(_PATTERNS)
             if (m := pat.search(f))]
    # the statement's verb that comes first decides (a later verb belongs to a later statement)
    for _v, _i, kind, pat, m in sorted(found, key=lambda t: (t[0], t[1])):
        event = _event(clause, f, kind, pat, m)
        if event is not None:
            names = (*event.sources, event.target, event.superior, event.old_superior)
            conf = min([confidence, *(name_confidence(n) for n in names if n)])
            return MergeEvent(kind=event.kind, sources=event.sources, target=event.target,
                              superior=event.superior, old_superior=event.old_superior,
                              decision=decision, source=source, confidence=conf)
    return None


def _event(clause: str, f: str, kind: MergeKind, pat: re.Pattern[str],
           m: re.Match[str]) -> MergeEvent | None:
    groups = {g: clause[m.start(g):m.end(g)] for g in pat.groupindex if m.group(g)}
    before = "" if "src" in pat.groupindex and "dst" in pat.groupindex else _before(
        clause, f, m.start("v"))
    src_raw = groups.get("src") or ("" if "src" in pat.groupindex else before)
    old = _clean(groups.get("old", ""))
    if kind is MergeKind.SUPERIOR_CHANGE:
        if _DESCRIPTIVE.search(f[:m.end("v")]) or _CENTRAL.match(f[m.start("sup"):]):
            return None             # "là cơ quan … trực thuộc", "trực thuộc Trung ương"
        if not groups.get("src") and re.match(r"\s*(?:chuy[a-z]n|giao)\s", fold(src_raw)):
            return None             # "Chuyển các đơn vị sau về trực thuộc B:": a lead-in
        sources = split_names(src_raw)
        superior = re.sub(r"\s+(?:tr[uư]c\s+tiếp\s+)?quản\s+lý$|\s+(?:truc\s+tiep\s+)?quan\s+ly$",
                          "", _clean(groups["sup"]), flags=re.IGNORECASE)
        if not sources or not superior or len(key(src_raw).split()) > 15:
            return None
        if any(_generic(n) for n in (*sources, superior)):
            return None
        return MergeEvent(kind=kind, sources=tuple(sources), target=sources[0],
                          superior=superior, old_superior=old)
    if kind is MergeKind.DISSOLVE:
        sources = split_names(src_raw)
        if not sources or any(_generic(n) for n in sources):
            return None
        return MergeEvent(kind=kind, sources=tuple(sources), target="")
    dst_raw = groups.get("dst") or ("" if "dst" in pat.groupindex else before)
    superior = ""
    sup_m = _TAIL_TRUC.search(fold(dst_raw))
    if sup_m:
        superior = _clean(dst_raw[sup_m.end():])
        dst_raw = dst_raw[:sup_m.start()]
    target = _clean(dst_raw)
    sources = split_names(src_raw)
    if not target or not sources:
        return None
    if kind is MergeKind.RENAME:
        sources = sources[:1]
    if any(_generic(n) for n in (*sources, target)):
        return None                 # "sáp nhập nhiều cơ quan, tổ chức thành một cơ quan"
    if kind is MergeKind.MERGE_NEW and any(key(s) == key(target) for s in sources):
        kind = MergeKind.MERGE_KEEP         # "A và B hợp nhất thành B" keeps B's name
    if kind is MergeKind.MERGE_KEEP:
        sources = [s for s in sources if key(s) != key(target)]
        if not sources:
            return None
    return MergeEvent(kind=kind, sources=tuple(sources), target=target, superior=superior)


# A clause that opens with a reorganisation verb: one that yields no event is reported.
_OPENS = re.compile(rf"(?:{_MERGE}|{_DISSOLVE}|{_W}{_RENAME}\s|{_W}chuy[a-z]n\s.{{0,200}}?"
                    rf"{_TRUC_THUOC}|{_W}th[a-z]nh\s+l[a-z]p\s.{{0,200}}?tr[a-z]n\s+c[o0]\s+s[o0])")
OPENS_WITHIN = 40      # a statement's verb opens it, or follows a name ("Sở A được sáp nhập")
_GENERIC_START = re.compile(r"(?:cac|nhung|co\s+quan|don\s+vi|to\s+chuc)\b")


def parse_text(text: str, *, source: str = "", decision: str = "", confidence: float = 1.0,
               unread: list[str] | None = None) -> list[MergeEvent]:
    """The events of `text`. Clauses that open with a reorganisation verb but yield no event
    are appended to `unread` (when given), so the clerk is told instead of the clause vanishing."""
    events: list[MergeEvent | None] = []
    lead: tuple[str, re.Match[str]] | None = None     # "Sáp nhập các cơ quan sau:"
    for c in clauses(text):
        f = fold(c)
        if personnel(f):
            lead = None
            continue
        event = parse_clause(c, source=source, decision=decision, confidence=confidence)
        if c.endswith(":"):
            m = _LIST_NOUN.search(f)
            lead = (c, m) if m and event is None else None
        elif _ARTICLE.match(c):
            lead = None
        elif lead is not None and event is None:
            # "a) Sở A vào Sở B" under "Sáp nhập các cơ quan sau:" → "Sáp nhập Sở A vào Sở B"
            head, m = lead
            item = _MARKER.sub("", plain(c)).rstrip(" .;,")
            event = parse_clause(f"{head[:m.start()]}{item} {head[m.end():].rstrip(' :')}",
                                 source=source, decision=decision, confidence=confidence)
        if event is None and unread is not None and not c.endswith(":"):
            bare = _MARKER.sub("", c)
            fb = fold(bare[:OPENS_WITHIN + 250])
            m2 = _OPENS.search(fb)
            if m2 and (m2.start() == 0 or m2.start() <= OPENS_WITHIN and re.match(HEAD, fb)
                       and not _GENERIC_START.match(fb)):
                unread.append(bare if len(bare) <= 160 else bare[:157] + "…")
        events.append(event)
    return dedupe(e for e in events if e is not None)


def dedupe(events: Iterable[MergeEvent]) -> list[MergeEvent]:
    seen: set[tuple[str, tuple[str, ...], str]] = set()
    out = []
    for e in events:
        k = (e.kind.value, tuple(sorted(key(s) for s in e.sources)), key(e.target))
        if k not in seen:
            seen.add(k)
            out.append(e)
    return out


_DOC_TYPES = (r"(quy[a-z]t\s+d[i1l]nh|ngh[i1l]\s+quy[a-z]t|k[a-z]\s+ho[a-z]ch|d[a-z]\s+[a-z]n|"
              r"c[o0]ng\s+v[a-z]n)")
_NUMBER = re.compile(r"s[o06b]\s*:?\s*(\d{1,8}[\w/.\-]{0,40}?[a-z][\w/.\-]{0,40})")


def decision_number(text: str) -> str:
    """'Quyết định số 1520/QĐ-UBND ngày 27/6/2025' from the header or the first mention."""
    head = nfc_lines(text[:6000])[:3000]
    f = fold(head)
    title = re.search(r"^[ \t]*" + _DOC_TYPES + r"[ \t]*$", f, re.MULTILINE)
    num = _NUMBER.search(f)
    if title and num:
        doc = head[title.start(1):title.end(1)].strip().capitalize()
        tail = _date_after(head, f, num.end())
        return nfc(f"{doc} số {head[num.start(1):num.end(1)]}{tail}")
    full = nfc_lines(text)
    ff = fold(full)
    m = re.search(_DOC_TYPES + r"\s+s[o06b]\s*:?\s*(\S+)", ff)
    if not m:
        return ""
    tail = _date_after(full, ff, m.end())
    return nfc(full[m.start():m.end()].rstrip(" ,.;") + tail)


def _date_after(orig: str, f: str, pos: int) -> str:
    m = re.compile(r"\s*,?\s*ngay\s+(\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}|"
                   r"\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4})").match(f, pos)
    if m and m.start() - pos < 5:
        return " ngày " + orig[m.start(1):m.end(1)]
    # the header's date line ("Hưng Yên, ngày 27 tháng 6 năm 2025") comes after the number
    m = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})").search(
        f, pos, pos + 200)
    if m:
        return f" ngày {int(m.group(1)):02d}/{int(m.group(2)):02d}/{m.group(3)}"
    return ""
