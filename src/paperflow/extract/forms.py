"""Request forms (đơn đề nghị / phiếu yêu cầu): one subscriber asks for one thing."""

from __future__ import annotations

import re

from ..models import Request, Subscriber
from ..text import key, nfc
from .columns import classify
from .statements import fold
from .subscribers import id_text, serial_text, subscriber_type, token_text

_TITLE = re.compile(r"\b(?:don|giay|phieu|to trinh)\s+(?:de\s+nghi|yeu\s+cau|dang\s+ky|xin)\b")
_CHECKED = re.compile(r"(?:[☒☑✓✔✗✘■]|\[\s*[xX✓]\s*\]|\(\s*[xX]\s*\))\s*([^☐☒☑✓✔✗✘■\[\]|]+)")
_REQUESTS = (
    ("restore_token", ("khoi phuc",)),
    ("revoke", ("thu hoi",)),
    ("renew", ("gia han",)),
    ("change_info", ("thay doi thong tin", "thay doi noi dung", "dieu chinh thong tin",
                     "thay doi", "dieu chinh")),
    ("issue_new", ("cap moi", "cap chung thu", "cap phat", "dang ky")),
)


def is_request_form(text: str) -> bool:
    head = fold("\n".join(text.splitlines()[:25]))
    return bool(_TITLE.search(head)) and any(
        classify(seg) == "name" for line in text.splitlines()
        for seg in re.split(r"[:|]", line)[:1])


def request_kind(text: str) -> str:
    for m in _CHECKED.finditer(text):          # a ticked box decides
        k = key(m.group(1))
        for name, words in _REQUESTS:
            if any(w in k for w in words):
                return name
    title = " ".join(key(line) for line in text.splitlines()[:25] if "de nghi" in key(line)
                     or "yeu cau" in key(line))
    for scope in (title, key(text)):
        for name, words in _REQUESTS:
            if any(w in scope for w in words):
                return name
    return ""


def _pairs(line: str) -> list[tuple[str, str]]:
    if " | " in line:                 # a label | value table (2 or 4 columns)
        cells = [c.strip() for c in line.split(" | ")]
        return list(zip(cells[::2], cells[1::2], strict=False))
    out = []
    for seg in re.split(r"\s{3,}|\t", line):
        label, sep, value = seg.partition(":")
        if sep:
            out.append((label, value))
    return out


def _fields(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in text.splitlines():
        for label, value in _pairs(line):
            meaning = classify(label.strip(" .-–•*:"))
            value = nfc(re.sub(r"[.…_]{3,}", " ", value)).strip(" .:")
            if meaning and value and meaning not in out:
                out[meaning] = value
    return out


def read_request(text: str, *, source: str) -> Request | None:
    kind = request_kind(text)
    f = _fields(text)
    name = f.get("name", "")
    if not name:
        return None
    id_number = id_text(f.get("id_number", ""))
    sub = Subscriber(
        type=subscriber_type(f.get("type", ""), name, id_number),
        name=name, agency=f.get("agency", ""), managing_agency=f.get("managing", ""),
        province=f.get("province", ""), title=f.get("title", ""), id_number=id_number,
        email=f.get("email", "").lower(), phone=f.get("phone", ""),
        cert_serial=serial_text(f.get("cert_serial", "")),
        token_serial=token_text(f.get("token_serial", "")),
        new_agency=f.get("new_agency", ""), new_title=f.get("new_title", ""),
        needed=kind not in ("revoke",), need_note=f.get("note", ""), source=source)
    return Request(request=kind or "change_info", subscriber=sub, reason=f.get("note", ""),
                   source=source)
