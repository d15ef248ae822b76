"""Reorganisation statements in decision text (INPUTS.md §3) → MergeEvent.

Matching runs on a folded view of the text — lower case, no diacritics, one character per
original character — so OCR-damaged scans ("Sap nhap", "sdp nhdp", "Tinh Hung Yén") match the
same patterns, while the names handed on are sliced from the original NFC text at the same
offsets. The verbs tolerate one or two damaged letters ("s?p nh?p", "h?p nh?t") and the common
misspelling "sát nhập".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..models import MergeEvent, MergeKind
from ..text import key, nfc, strip_diacritics

# Verbs, on the folded text.
_SAP_NHAP = r"s[a-z0-9]{1,2}[pt]\s+nh[a-z0-9]{1,2}p"
_HOP_NHAT = r"h[a-z0-9]p\s+nh[a-z0-9]{1,2}t"
_MERGE = rf"(?:{_SAP_NHAP}|{_HOP_NHAT})"
# "thành" as the verb's complement, not the start of "Thành phố", "thành lập", "Thành ủy" …
_THANH = r"\s+th[a-z]nh\s+(?!pho\b|uy\b|lap\b|vien\b|phan\b)"
_TRUC_THUOC = r"tr[a-z]{1,2}c\s+thu[a-z]{1,2}c"

_PATTERNS: list[tuple[MergeKind, re.Pattern[str]]] = [
    (MergeKind.MERGE_NEW, re.compile(
        rf"(?P<v>th[a-z]nh\s+l[a-z]p)\s+(?P<dst>.+?)\s+tr[a-z]n\s+c[o0]\s+s[o0]\s+"
        rf"(?:{_MERGE}|to chuc lai)\s+(?P<src>.+)")),
    (MergeKind.RENAME, re.compile(rf"(?P<v>d[o0]i\s+t[a-z]n)\s+(?P<src>.+?){_THANH}(?P<dst>.+)")),
    (MergeKind.DISSOLVE, re.compile(
        r"(?P<v>gi[a-z]i\s+th[a-z]|ch[a-z]m\s+d[a-z]t\s+ho[a-z]t\s+d[o0]ng)\s+(?:cua\s+)?"
        r"(?P<src>.+)")),
    (MergeKind.SUPERIOR_CHANGE, re.compile(
        rf"(?P<v>chuy[a-z]n)\s+(?P<src>.+?)\s+(?:ve\s+)?{_TRUC_THUOC}\s+(?P<sup>.+)")),
    (MergeKind.MERGE_KEEP, re.compile(
        rf"(?P<v>{_MERGE})\s+(?P<src>.+?)\s+v[a-z]o\s+(?P<dst>.+)")),
    (MergeKind.MERGE_KEEP, re.compile(
        rf"(?P<src>.+?)\s+(?:(?:se\s+|da\s+)?d[a-z0-9]{{1,2}}[o0]c\s+)?(?P<v>{_MERGE})\s+v[a-z]o\s+(?P<dst>.+)")),
    (MergeKind.MERGE_NEW, re.compile(rf"(?P<v>{_MERGE})\s+(?P<src>.+?){_THANH}(?P<dst>.+)")),
    (MergeKind.MERGE_NEW, re.compile(
        rf"(?P<src>.+?)\s+(?:(?:se\s+|da\s+)?d[a-z0-9]{{1,2}}[o0]c\s+)?(?P<v>{_MERGE}){_THANH}(?P<dst>.+)")),
    (MergeKind.MERGE_KEEP, re.compile(
        rf"(?P<v>{_MERGE})\s+(?P<src>.+?)\s*,?\s+gi[a-z]\s+nguy[a-z]n\s+t[a-z]n\s+(?:goi\s+)?(?P<dst>.+)")),
    (MergeKind.MERGE_KEEP, re.compile(r"(?P<dst>.+?)\s+(?P<v>ti[a-z]p\s+nh[a-z]n)\s+(?P<src>.+)")),
    # bare "A trực thuộc B" — last: descriptions ("là cơ quan ... trực thuộc") are excluded below
    (MergeKind.SUPERIOR_CHANGE, re.compile(rf"(?P<src>.+?)\s+(?P<v>{_TRUC_THUOC})\s+(?P<sup>.+)")),
]

# Where a name ends: the rest of the sentence.
_TAIL = re.compile(
    r"\s*(?:[,;:(]|\bthi\b|\btheo\b|\bke tu\b|\btu ngay\b|\bke tu ngay\b|\bnham\b|"
    r"\bde\b|\bco tru so\b|\bve viec\b|\bvoi ten\b|\bsau khi\b|\bky tu\b|\bcu the\b|"
    r"\bgom\b|\bbao gom\b|\bhoat dong\b|\bvoi\b)")
_TAIL_WORDS = re.compile(r"\s*[,;]?\s*(?:[:(]|\b(?:thi|theo|ke tu|tu ngay|nham|de|co tru so|ve viec|"
                         r"voi ten|sau khi|ky tu|cu the|gom|bao gom|hoat dong|voi)\b)")
_TAIL_TRUC = re.compile(rf"\s+{_TRUC_THUOC}\s+")
# Agency head words: where a "và" starts another name rather than continuing one.
_HEADS = (
    "so ", "ban ", "uy ban", "ubnd", "van phong", "trung tam", "phong ", "chi cuc", "cuc ",
    "tinh ", "xa ", "phuong ", "thi tran", "huyen ", "quan ", "thanh pho", "thi xa", "bo ",
    "truong ", "benh vien", "cong ty", "hoi ", "dang uy", "tinh uy", "thanh uy", "huyen uy",
    "tong cuc", "thanh tra", "bao ", "dai ", "kho bac", "doan ", "lien doan", "mat tran",
    "co quan", "vien ", "ban quan ly", "hoi dong",
)
_LEAD = re.compile(r"^(?:cac|toan bo|nguyen trang|to chuc bo may|chuc nang,? nhiem vu"
                   r"(?:,? quyen han)?(?:,? to chuc bo may)?(?:,? bien che)?\s+cua)\s+")
_MARKER = re.compile(r"^\s*(?:(?:Điều|Dieu|ĐIỀU)\s+\d+\s*[.:]?|\d+(?:\.\d+)*[.)]|[a-zđ][)]|"
                     r"[-–•+*])\s*")
_CENTRAL = re.compile(r"(?:trung\s+[uw]\w{0,2}ng|chinh\s+ph[a-z])\b")
_DESCRIPTIVE = re.compile(r"\bla\s+(?:co quan|don vi|to chuc)\b")


def fold(text: str) -> str:
    """Lower case, no diacritics, SAME LENGTH as `text` (offsets map back to the original)."""
    out = []
    for ch in text:
        f = strip_diacritics(ch).lower()
        out.append(f if len(f) == 1 else ch.lower()[:1] or " ")
    return "".join(out)


_MARKER_START = re.compile(r"^\s*(?:[-–•+*]\s|\d+(?:\.\d+)*[.)]\s|[a-zđ][)]\s|(?:Điều|Dieu|ĐIỀU)\s)")


def paragraphs(text: str) -> list[str]:
    """Lines joined into paragraphs: scans and PDFs break lines (and even put blank lines)
    inside a sentence, so a paragraph ends only after . ; : ! ? or a title in capitals, or
    before a list marker or 'Điều N'."""
    paras: list[list[str]] = [[]]
    for line in nfc_lines(text).splitlines():
        if not line.strip():
            continue
        prev = paras[-1][-1] if paras[-1] else ""
        if prev and (_MARKER_START.match(line) or prev.rstrip()[-1:] in ".;:!?"
                     or (prev.upper() == prev and any(c.isalpha() for c in prev))):
            paras.append([])
        paras[-1].append(line.strip())
    return [" ".join(p) for p in paras if p]


def clauses(text: str) -> list[str]:
    """Sentences and list items, with line breaks inside a sentence joined."""
    parts: list[str] = []
    for para in paragraphs(text):
        for piece in re.split(r";\s+|(?<=[a-zà-ỹ]{2})\.\s+(?=[A-ZĐÀ-Ỹ0-9])", para):
            piece = piece.strip(" .-–•+*")
            if piece:
                parts.append(piece)
    return parts


def nfc_lines(text: str) -> str:
    return "\n".join(nfc(line) for line in text.splitlines())


def _clean(original: str) -> str:
    name = original
    f = fold(name)
    m = _TAIL.search(f)
    if m and m.start() > 0:
        name, f = name[:m.start()], f[:m.start()]
    lead = _LEAD.match(f)
    if lead:
        name = name[lead.end():]
    return name.strip(" .,;:\"'“”-–")


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
        f = fold(piece)
        cut = 0
        for m in re.finditer(r"\s+va\s+", f):
            rest = f[m.end():]
            if rest.startswith(_HEADS) and not rest.startswith("xa hoi") and m.start() > cut:
                names.append(piece[cut:m.start()])
                cut = m.end()
        names.append(piece[cut:])
    return [n for n in (_clean(n) for n in names) if n]


def _generic(name: str) -> bool:
    k = key(name)
    return k in ("to chuc", "co quan", "don vi", "co quan to chuc") or k.startswith(
        ("nhieu ", "mot ", "cac ", "nhung "))


def _name(original: str) -> str:
    return _clean(original)


def parse_clause(clause: str, *, source: str = "", decision: str = "",
                 confidence: float = 1.0) -> MergeEvent | None:
    clause = _MARKER.sub("", clause)
    f = fold(clause)
    found = [(m.start("v"), i, kind, pat, m) for i, (kind, pat) in enumerate(_PATTERNS)
             if (m := pat.search(f))]
    # the statement's verb that comes first decides (a later verb belongs to a later statement)
    for _v, _i, kind, pat, m in sorted(found, key=lambda t: (t[0], t[1])):
        groups = {g: clause[m.start(g):m.end(g)] for g in pat.groupindex if m.group(g)}
        superior = ""
        if kind is MergeKind.SUPERIOR_CHANGE:
            if _DESCRIPTIVE.search(f[:m.end("src")]) or _CENTRAL.match(f[m.start("sup"):]):
                continue                # "là cơ quan … trực thuộc", "trực thuộc Trung ương"
            sources = split_names(groups["src"])
            superior = _name(groups["sup"])
            if not sources or not superior or len(key(groups["src"]).split()) > 15:
                continue
            return MergeEvent(kind=kind, sources=tuple(sources), target=sources[0],
                              superior=superior, decision=decision, source=source,
                              confidence=confidence)
        if kind is MergeKind.DISSOLVE:
            sources = split_names(groups["src"])
            if not sources:
                continue
            return MergeEvent(kind=kind, sources=tuple(sources), target="", decision=decision,
                              source=source, confidence=confidence)
        dst_raw = groups.get("dst", "")
        sup_m = _TAIL_TRUC.search(fold(dst_raw))
        if sup_m:
            superior = _name(dst_raw[sup_m.end():])
            dst_raw = dst_raw[:sup_m.start()]
        target = _name(dst_raw)
        sources = split_names(groups["src"])
        if not target or not sources:
            continue
        if kind is MergeKind.RENAME:
            sources = sources[:1]
        if any(_generic(n) for n in (*sources, target)):
            continue                    # "sáp nhập nhiều cơ quan, tổ chức thành một cơ quan"
        if kind is MergeKind.MERGE_NEW and any(key(s) == key(target) for s in sources):
            kind = MergeKind.MERGE_KEEP         # "A và B hợp nhất thành B" keeps B's name
        if kind is MergeKind.MERGE_KEEP:
            sources = [s for s in sources if key(s) != key(target)]
            if not sources:
                continue
        return MergeEvent(kind=kind, sources=tuple(sources), target=target, superior=superior,
                          decision=decision, source=source, confidence=confidence)
    return None


def parse_text(text: str, *, source: str = "", decision: str = "",
               confidence: float = 1.0) -> list[MergeEvent]:
    events = [parse_clause(c, source=source, decision=decision, confidence=confidence)
              for c in clauses(text)]
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
_NUMBER = re.compile(r"s[o06b]\s*:?\s*(\d+[\w/.\-]*[a-z][\w/.\-]*)")


def decision_number(text: str) -> str:
    """'Quyết định số 1520/QĐ-UBND ngày 27/6/2025' from the header or the first mention."""
    head = nfc_lines(text)[:3000]
    f = fold(head)
    title = re.search(r"^\s*" + _DOC_TYPES + r"\s*$", f, re.MULTILINE)
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
    m = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})").search(f, pos)
    if m and m.start() - pos < 200:
        return f" ngày {int(m.group(1)):02d}/{int(m.group(2)):02d}/{m.group(3)}"
    return ""
