"""Central dispatches (công văn of Ban Cơ yếu Chính phủ or a ministry, seeds 275 and 393) →
CentralDispatch: number, date, issuer, subject and the numbered points.

A central dispatch is told apart from the other documents by its shape, not by a word:
a central agency in the header (or in the number's symbol: BCY, BKHCN …), a number whose
symbol has no document-type part ("275/BCY-CTSBMTT", never "1520/QĐ-UBND"), a "V/v" subject
line and a "Kính gửi". Decisions (QUYẾT ĐỊNH, Điều 1 …), provincial dispatches (UBND, Sở …)
and dispatches addressed to the CA (request forms) are not central dispatches.

Matching runs on the folded text (statements.fold: no diacritics, same length) so OCR'd scans
with lost diacritics ("Kinh guri", "Sb: 393 /BCY-CTSBMTT", "Ha Noi, ngay 27 thang 6") match;
what is kept is sliced from the original text, damaged or not.
"""

from __future__ import annotations

import re
from datetime import date

from ..models import CentralDispatch
from ..text import key, nfc
from .statements import fold, nfc_lines

HEADER_LINES = 40           # number, date, subject and "Kính gửi" sit in the first lines

# Central issuers: comparison key → name as written in running text.
ISSUERS = {
    "ban co yeu chinh phu": "Ban Cơ yếu Chính phủ",
    "van phong chinh phu": "Văn phòng Chính phủ",
    "chinh phu": "Chính phủ",
    "thu tuong chinh phu": "Thủ tướng Chính phủ",
    "bo khoa hoc va cong nghe": "Bộ Khoa học và Công nghệ",
    "bo noi vu": "Bộ Nội vụ",
    "bo tai chinh": "Bộ Tài chính",
    "bo cong an": "Bộ Công an",
    "bo quoc phong": "Bộ Quốc phòng",
    "bo thong tin va truyen thong": "Bộ Thông tin và Truyền thông",
    "bo tu phap": "Bộ Tư pháp",
}
# Issuer part of a symbol ("393/BCY-CTSBMTT") → issuer, for headers the scan lost.
SYMBOL_ISSUERS = {
    "BCY": "Ban Cơ yếu Chính phủ", "VPCP": "Văn phòng Chính phủ", "CP": "Chính phủ",
    "TTg": "Thủ tướng Chính phủ", "BKHCN": "Bộ Khoa học và Công nghệ", "BNV": "Bộ Nội vụ",
    "BTC": "Bộ Tài chính", "BCA": "Bộ Công an", "BQP": "Bộ Quốc phòng",
    "BTTTT": "Bộ Thông tin và Truyền thông", "BTP": "Bộ Tư pháp",
}
# Document types that head a symbol: such a document is not a công văn (NĐ 30, Phụ lục I).
_TYPED = {"QĐ", "QD", "NQ", "NĐ", "ND", "KH", "BC", "TB", "CT", "TTR", "HD", "BB", "TT", "ĐA",
          "DA", "QC", "QY", "CĐ", "CD", "PA", "TTG"}

_NUMBER = re.compile(
    r"\bS\S{0,2}\s*[:;.]\s*(?P<num>\d{0,5})\s*/\s*"
    r"(?P<sym>[A-ZĐÐ][A-Za-zĐđÐ0-9&]*(?:\s?-\s?[A-ZĐÐ][A-Za-zĐđÐ0-9&]*)+)")
_DATE = re.compile(r"\bn\w{1,3}y\s+(\d{1,2})\s+th\w{2,4}\s+(\d{1,2})\s+n\w{1,2}m\s+(\d{4})")
_VV = re.compile(r"^\s*v\s*[/i1l|]\s*v\b[.:]?\s*", re.IGNORECASE)
_KINH_GUI = re.compile(r"^\s*k[i1l]nh\s+g\w{1,3}\s*:?")
_LABEL = re.compile(r"^\s*(?P<label>\d{1,2}\.(?:\d{1,2}\.?)*)\s+(?=\S)")
_PLACE = re.compile(r"(?:\s*[A-ZĐ]\w*){1,3}\s*,\s*$")
_DASH = re.compile(r"^\s*[-–•+]\s+")
_STOP = re.compile(r"^\s*(?:tr\w{1,3}n\s+tr\w{1,3}g|n\w{1,2}i\s+nh\w{1,2}n\s*:|noi nhan\b)")
_CLOSING = re.compile(
    r"^\s*(?:trong qua trinh|qua trinh (?:trien khai|thuc hien)|thong tin lien he|"
    r"hoac,? dong chi|can bo ho tro)")
_NATIONAL = re.compile(r"c[o0]ng\s+h[o0]a\s+x[a-z]\s+h[o0q]i|d[o0]c\s+l[a-z0-9]p\s+-")
_DECISION_TITLE = re.compile(
    r"^\s*(?:quy[a-z]t\s+d[i1l]nh|ngh[i1l]\s+quy[a-z]t|ngh[i1l]\s+d[i1l]nh|k[a-z]\s+ho[a-z]ch|"
    r"th[o0]ng\s+b[a-z]o|ch[i1l]\s+th[i1l]|t[o0]\s+tr[i1l]nh|d[o0]n\s+d[e3]\s+ngh[i1l]|"
    r"phi[e3]u\s+y[e3]u\s+c[a-z]u)\s*$")


def _issuer_in(line: str) -> str:
    """The central issuer named in a header line ('BAN CƠ YẾU CHÍNH PHỦ   CỘNG HÒA …')."""
    f = fold(line)
    m = _NATIONAL.search(f)
    k = key(line[:m.start()] if m else line)
    for name_key in sorted(ISSUERS, key=len, reverse=True):
        if k == name_key or k.startswith(name_key + " "):
            return ISSUERS[name_key]
    return ""


def _symbol_issuer(symbol: str) -> str:
    return SYMBOL_ISSUERS.get(re.split(r"\s?-\s?", symbol)[0], "")


def _date_of(f_line: str) -> date | None:
    m = _DATE.search(f_line)
    if not m:
        return None
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def _squash(text: str) -> str:
    return re.sub(r"[ \t\u00a0]+", " ", text).strip()


def read_central(text: str, *, source: str = "", ocr: bool = False) -> CentralDispatch | None:
    """The central dispatch in `text`, or None when the text is not one."""
    got = _read_dispatch(text, source=source, ocr=ocr)
    return got if got is not None and not got.provincial else None


def read_provincial(text: str, *, source: str = "",
                    ocr: bool = False) -> CentralDispatch | None:
    """A province's (or its Sở's) own dispatch passing a central one on — seeds 001/002, the
    Hưng Yên and Đồng Nai dispatches implementing 275/393 — or None. It is kept as read, with
    `provincial=True`: it quotes the merger cases ("sáp nhập … thành …") but decides nothing."""
    got = _read_dispatch(text, source=source, ocr=ocr)
    if got is None or not got.provincial or not _IMPLEMENTS.search(fold(text)):
        return None             # a province's letter of another kind: read for statements
    return got


# What an implementing dispatch is about: a central dispatch on chữ ký số (275, 393 of BCY).
_IMPLEMENTS = re.compile(r"ban\s+c[o0]\s+y[e3a-z]u|/bcy\b|ch[a-z]{1,2}\s+k[a-z]\s+s[o0b6]\b")
# Provincial issuers: the header's agency, or the symbol's issuer part.
_PROVINCIAL_HEADER = re.compile(
    r"^\s*(?:[uy]y\s+ban\s+nh[a-z]n\s+d[a-z]n|ubnd|s[o0]\s+[a-z]|h[o0]i\s+d[o0]ng\s+nh[a-z]n|"
    r"v[a-z]n\s+ph[o0]ng\s+ubnd)")
_PROVINCIAL_SYMBOL = re.compile(r"^(?:UBND|VPUBND|HĐND|HDND|S[A-ZĐ]{2,}|VP)$")
_PLACE_DATE = re.compile(r"^\s*(?P<place>[^\W\d_][^,\d]{1,30}?)\s*,\s*ng[a-z]y\b")


def _provincial_issuer(lines: list[str], folded: list[str], head: list[int], upto: int,
                       symbol: str) -> str:
    """'Ủy ban nhân dân tỉnh Đồng Nai' from the header ('ỦY BAN NHÂN DÂN' / 'TỈNH ĐỒNG NAI'),
    else from the symbol and the place of the date line ('/UBND-KGVX', 'Hưng Yên, ngày …')."""
    for n, i in enumerate(head):
        if i > upto or not _PROVINCIAL_HEADER.match(folded[i]):
            continue
        m = _NATIONAL.search(folded[i])
        name = lines[i][:m.start()] if m else lines[i]
        nxt = head[n + 1] if n + 1 < len(head) else -1
        if nxt >= 0 and re.match(r"^\s*(?:t[i1l]nh|th[a-z]nh\s+ph[o0])\b", folded[nxt]):
            m2 = _NATIONAL.search(folded[nxt])
            name += " " + (lines[nxt][:m2.start()] if m2 else lines[nxt])
        return _unshout(_squash(name))
    if not _PROVINCIAL_SYMBOL.match(re.split(r"\s?-\s?", symbol)[0]):
        return ""
    for i in head:
        m = _PLACE_DATE.search(folded[i])
        if m:
            return f"Ủy ban nhân dân tỉnh {_squash(lines[i][m.start('place'):m.end('place')])}"
    return "Ủy ban nhân dân tỉnh"


def _unshout(name: str) -> str:
    """'ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI' → 'Ủy ban nhân dân tỉnh Đồng Nai' (as running text
    writes it); a name not in capitals stays as it is."""
    if name.upper() != name:
        return name
    m = re.match(r"^(.*?\b(?:TỈNH|THÀNH PHỐ|TINH|THANH PHO))\s+(.+)$", name)
    if not m:
        return name.capitalize()
    return f"{m.group(1).capitalize()} {m.group(2).title()}"


def _read_dispatch(text: str, *, source: str, ocr: bool) -> CentralDispatch | None:
    lines = [nfc(x) for x in nfc_lines(text).splitlines()]
    folded = [fold(x) for x in lines]
    head = [i for i, x in enumerate(lines) if x.strip()][:HEADER_LINES]
    if not head:
        return None
    if any(_DECISION_TITLE.match(folded[i]) for i in head):
        return None                     # QUYẾT ĐỊNH, KẾ HOẠCH …: a typed document
    number_at, number, symbol = -1, "", ""
    for i in head:
        m = _NUMBER.search(lines[i])
        if m:
            symbol = re.sub(r"\s", "", m.group("sym"))
            number_at, number = i, f"{m.group('num')}/{symbol}"
            break
    if number_at < 0 or symbol.split("-")[0].upper() in _TYPED:
        return None
    issuer = ""
    for i in head:
        if i > number_at:
            break
        issuer = _issuer_in(lines[i]) or issuer
    issuer = issuer or _symbol_issuer(symbol)
    provincial = not issuer
    kinh_gui = next((i for i in head if _KINH_GUI.match(folded[i])), -1)
    if provincial:
        issuer = _provincial_issuer(lines, folded, head, kinh_gui, symbol)
    if not issuer:
        return None                     # an agency's own letter of another kind
    subject_at = next((i for i in head if i < kinh_gui and _VV.match(lines[i])), -1)
    if kinh_gui < 0 or subject_at < 0:
        return None
    if "chung thuc so" in key(" ".join(lines[kinh_gui:kinh_gui + 2])):
        return None                     # addressed to the CA: a request, not one to pass on
    issued = None
    for i in head:
        if i >= kinh_gui:
            break
        issued = issued or _date_of(folded[i])
    subject = _subject(lines, folded, subject_at, kinh_gui)
    points = _points(lines, folded, kinh_gui)
    if not points:
        return None
    return CentralDispatch(number=number, date=issued, issuer=issuer, subject=subject,
                           points=points, source=source, signer=_signer(lines, folded),
                           ocr=ocr, provincial=provincial)


def _subject(lines: list[str], folded: list[str], start: int, end: int) -> str:
    """The V/v line and its continuation lines, up to the date, the national motto or Kính gửi."""
    parts: list[str] = []
    for i in range(start, end):
        line, f = (_VV.sub("", lines[i]), fold(_VV.sub("", lines[i]))) if i == start else (
            lines[i], folded[i])
        if not f.strip():
            continue
        if i > start and (_NATIONAL.search(f) or _NUMBER.search(line)
                          or set(f.strip()) <= set("-_ ")):
            break
        m = _DATE.search(f)
        if m:       # a two-column header put "Hà Nội, ngày …" on the subject's line
            parts.append(_PLACE.sub("", line[:m.start()]))
            break
        parts.append(line)
    return _squash(" ".join(parts)).rstrip(" ,;")


def _points(lines: list[str], folded: list[str], kinh_gui: int) -> tuple[tuple[str, str], ...]:
    """'1.', '1.1.', '2.' … with their text; list items ('- …') stay with their point, each on
    its own line; running lines of a paragraph are joined. Ends at the closing words."""
    points: list[tuple[str, list[str]]] = []
    for i in range(kinh_gui + 1, len(lines)):
        raw, f = lines[i], folded[i]
        if not raw.strip():
            continue
        if points and _STOP.match(f):
            break
        m = _LABEL.match(raw)
        if m and int(m.group("label").split(".")[0]) <= 30:
            label = m.group("label")
            label = label if label.endswith(".") else label + "."
            points.append((label, [raw[m.end():].strip()]))
            continue
        if not points:
            continue                    # recipients and the opening paragraph
        parts = points[-1][1]
        if _DASH.match(raw):
            parts.append("\n" + raw.strip())
        elif (len(parts) == 1 and fold(parts[0]).startswith("ve ") and raw.strip()[:1].isupper()
              and not parts[0].endswith((".", ";", ":", ","))):
            parts.append("\n" + raw.strip())   # "4. Về …" is a heading; its body follows
        elif _CLOSING.match(f) and parts[-1].rstrip().endswith((".", ";", ":")):
            break                       # "Trong quá trình triển khai …" closes the points
        else:
            parts.append(raw.strip())
    out = []
    for label, parts in points:
        text = " ".join(parts).replace(" \n", "\n")
        text = "\n".join(_squash(x) for x in text.split("\n"))
        out.append((label, text.strip()))
    return tuple(out)


def _signer(lines: list[str], folded: list[str]) -> str:
    """The name under the last title line in capitals (TRƯỞNG BAN, PHÓ TRƯỞNG BAN …)."""
    name = ""
    for i, line in enumerate(lines):
        s = line.strip()
        if not s or not re.search(r"tr[uw]\w{0,3}ng\s+ban|b[o0]\s+tr[uw]\w{0,3}ng|gi[a-z]m\s+d[o0]c",
                                  folded[i]) or s.upper() != s:
            continue
        for n in [x.strip() for x in lines[i + 1:i + 30] if x.strip()][:4]:
            words = n.split()
            if (2 <= len(words) <= 5 and n.upper() != n
                    and all(w[:1].isupper() for w in words) and not re.search(r"\d|[:;/]", n)):
                name = n
                break
    return name


def central_warnings(c: CentralDispatch, source: str) -> list[str]:
    """What a clerk must check before the dispatch is passed on."""
    out = []
    if c.number.startswith("/"):
        out.append(f"{source}: văn bản {c.number} chưa có số — cần bản đã ban hành (có số) để "
                   "triển khai")
    if c.date is None:
        out.append(f"{source}: không đọc được ngày của văn bản {c.number}")
    return out
