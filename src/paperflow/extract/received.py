"""Request dispatches an agency sends to the focal point (rule 18): Mẫu 04 (renew / change),
05 (revoke), 06 (restore a token) as .docx, PDF or scans, with their subscriber rows.

`read_received` reads what the dispatch says (sender, number, date, form, each row and what it
asks); `verify_received` checks who signed it before anything is done with it: the signatures
valid and trusted (sign.verify against trust_roots), one by the head of the requesting agency,
one by its seal (an organisation certificate naming the agency). A .docx carries no signature,
a scan only a picture of one: neither is carried out without the clerk's check.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from ..models import Extracted, ReceivedRequest, Request
from ..text import key, nfc
from .columns import find_header
from .documents import DocText
from .subscribers import rows_to_subscribers

_SUBJECT = re.compile(r"V/v\s+(.{10,200}?)(?:\n\n|\n(?=[A-ZĐ][a-zà-ỹ]+[ ,:])|$)", re.S)
_NUMBER = re.compile(r"Số\s*:\s*(\d{1,5})\s*/\s*([0-9A-ZĐ&\-]+)")
_DRAFT_NUMBER = re.compile(r"Số\s*:\s*/\s*([0-9A-ZĐ&\-]+)")
_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.I)
_ASKS = (("05", ("thu hoi",)), ("06", ("khoi phuc",)),
         ("04", ("gia han", "thay doi noi dung", "thay doi thong tin")))
# Heads of an agency (rule 11's "leader" and the forms' signer): the head or a deputy signing
# for them.
_HEAD_TITLES = re.compile(r"giam doc|chu tich|chanh van phong|truong ban|cuc truong|"
                          r"thu truong|hieu truong|vien truong|tong cuc truong", re.I)


def _head_lines(text: str, n: int = 40) -> str:
    return "\n".join(text.splitlines()[:n])


def form_of(subject: str) -> str:
    k = key(subject)
    for form, words in _ASKS:
        if any(w in k for w in words):
            return form
    return ""


def is_received_request(text: str) -> bool:
    """A dispatch ("Số: …", "V/v đề nghị …" a certificate request, "Kính gửi: …")."""
    head = _head_lines(text)
    m = _SUBJECT.search(head)
    return bool(m and "de nghi" in key(m.group(1)) and form_of(m.group(1))
                and ("chung thu" in key(m.group(1)) or "thiet bi" in key(m.group(1)))
                and "kinh gui" in key(head))


_COMMITS = re.compile(r"([^.;:)]{5,160}?)\s+cam kết các thông tin")


def _sender(doc: DocText) -> str:
    """The issuing agency: as the forms' closing sentence names it ("Sở Tài chính tỉnh Hưng Yên
    cam kết các thông tin nêu trên …"), else the bold line of the header's left column written
    back in the case the body uses ("SỞ TÀI CHÍNH TỈNH HƯNG YÊN" → "Sở Tài chính tỉnh Hưng
    Yên"). A PDF interleaves the header's two columns; the closing sentence is whole."""
    flat = " ".join(doc.text.split())
    m = _COMMITS.search(flat)
    if m:
        name = re.sub(r"^(?:\d{1,3}\s+)+", "", m.group(1).strip()).strip(" ,")
        if name:
            return nfc(name)
    lines: list[str] = []
    header = doc.tables[0] if doc.tables else ()
    if header and header[0]:
        lines = [x.strip() for x in str(header[0][0]).splitlines() if x.strip()]
    if not lines:       # a PDF's header comes as text: the lines above "Số:"
        for line in doc.text.splitlines():
            if _NUMBER.search(line) or _DRAFT_NUMBER.search(line):
                break
            left = re.split(r"\s{3,}|CỘNG HÒA", line)[0].strip()
            if left:
                lines.append(left)
    caps = [x for x in lines if x.upper() == x and len(x) > 3]
    name = " ".join(caps[1:] if len(caps) > 1 else caps)
    return _as_written(name, doc.text) if name else ""


def _as_written(caps: str, text: str) -> str:
    """The same words as the body writes them (case, diacritics), else a sentence case."""
    want = key(caps)
    n = len(caps.split())
    words = text.replace("\n", " ").split()
    for i in range(len(words) - n + 1):
        window = " ".join(words[i:i + n]).strip(" ,.;:")
        if key(window) == want and window.upper() != window:    # not the header itself
            return nfc(window)
    low = nfc(caps).lower()
    return low[:1].upper() + low[1:]


def _rows(doc: DocText, form: str, source: str) -> list[Request]:
    """Each subscriber row of the dispatch's table(s) with what it asks: Mẫu 05 revoke, 06
    restore; Mẫu 04 renew when its content column says so, else change details."""
    out: list[Request] = []
    for table in doc.tables:
        found = find_header(table)
        if not found or "name" not in found[1]:
            continue
        start, cols = found
        heads = [key(str(c)) for c in table[start]]
        detail = next((i for i, h in enumerate(heads) if h.startswith(("noi dung de nghi",
                       "ly do", "noi dung"))), len(heads) - 1)
        pair = next((i for i, h in enumerate(heads) if "serial thiet bi" in h), None)
        for row in table[start + 1:]:
            token = ""
            if pair is not None and pair < len(row) and "/" in str(row[pair]):
                # Mẫu 06: "số hiệu chứng thư / số serial thiết bị" in one cell
                cert, _, token = str(row[pair]).partition("/")
                row = [*row[:pair], cert.strip(), *row[pair + 1:]]
            got = rows_to_subscribers([row], cols, source=source)
            if not got.subscribers:
                continue
            sub = got.subscribers[0]
            if token.strip():
                sub = replace(sub, token_serial=nfc(token.strip()))
            cell = row[detail] if detail < len(row) else None
            what = nfc(str(cell)).strip() if cell not in (None, "") else ""
            out.append(as_form(Request(request="", subscriber=sub, reason=what, source=source),
                               form))
    return out


def as_form(q: Request, form: str) -> Request:
    """What a row asks under the dispatch's form: Mẫu 05 revoke, 06 restore the token; Mẫu 04
    renew when its content column says so, else change details. (A list filed apart is read
    before its dispatch is known; its rows are decided again when it is joined to it.)"""
    what = q.reason
    kind = {"05": "revoke", "06": "restore_token"}.get(form) or (
        "renew" if "gia han" in key(what) and "thay doi" not in key(what) else "change_info")
    sub = q.subscriber
    if kind == "revoke":
        sub = replace(sub, needed=False, need_note=sub.need_note or what)
    return replace(q, request=kind, subscriber=sub)


def read_received(doc: DocText, *, source: str, sha256: str = "") -> ReceivedRequest:
    head = _head_lines(doc.text)
    found = _SUBJECT.search(head).group(1)      # is_received_request found it
    subject = nfc(" ".join(found.split(" | ")[0].split()))
    form = form_of(subject)
    m = _NUMBER.search(head)
    number = f"{int(m.group(1)):02d}/{m.group(2)}" if m else ""
    d = _DATE.search(head)
    when = None
    if d:
        try:
            when = date(int(d.group(3)), int(d.group(2)), int(d.group(1)))
        except ValueError:
            when = None
    rows = _rows(doc, form, source)
    sender = _sender(doc)
    # What the text alone decides. A request without rows is still checked for its signature
    # (verify_received): its list may come as a file of its own and be joined to it later.
    check, problem = ("", "")
    if not number:
        check, problem = "unsigned", "văn bản chưa có số, ngày ban hành (bản dự thảo)"
    elif doc.ocr:
        check, problem = "scan", SCAN_PROBLEM
    elif not rows:
        check, problem = "no_rows", NO_ROWS_PROBLEM
    return ReceivedRequest(sender=sender, number=number, date=when, form=form,
                           rows=tuple(rows), subject=subject, check=check, problem=problem,
                           source=source, sha256=sha256, signature_block=_signature_block(doc))


SCAN_PROBLEM = ("bản quét: văn thư đối chiếu chữ ký tay và con dấu của thủ trưởng cơ quan rồi "
                "xác nhận (paperflow desk accept) trước khi thực hiện")
NO_ROWS_PROBLEM = ("không đọc được dòng thuê bao nào (bảng danh sách thiếu, hoặc danh sách kèm "
                   "theo là tệp riêng chưa nhận: thả tệp danh sách vào inbox/, tên tệp hoặc tiêu "
                   "đề ghi số công văn, ví dụ DS-kem-CV-123-SYT.xlsx)")


def _signature_block(doc: DocText) -> str:
    """The words after the dispatch's last sentence (…/.): "Nơi nhận", the authority, the
    title and the signer's name (a PDF interleaves the two columns; the order of the title
    before the name is kept)."""
    text = " ".join(doc.text.split())
    cut = text.rfind("./.")
    tail = text[cut + 3:] if cut >= 0 else text[-600:]
    if doc.tables:      # a .docx keeps the signature block in a table of its own
        last = doc.tables[-1]
        tail += " " + " ".join(" ".join(str(c).split()) for row in last for c in row)
    return nfc(tail[-800:])


def verify_received(req: ReceivedRequest, path: Path,
                    trust_roots: Sequence[Path]) -> ReceivedRequest:
    """Decide whether the request may be carried out: only a PDF digitally signed — valid and
    trusted — by the head of the requesting agency and by its seal (Nghị định 30/2020 Điều 13;
    DOMAIN.md: later requests are signed digitally by the head of the agency that holds the
    seal). Anything else keeps its reason for the follow-up list."""
    if req.check and req.check != "no_rows":     # already decided from the text (draft, scan)
        return req
    if path.suffix.lower() != ".pdf":
        return replace(req, check="unsigned", problem=(
            "tệp Word không có chữ ký số: đề nghị cơ quan gửi bản PDF đã ký số"))
    from ..sign.verify import verify_pdfs  # pyHanko loads only for a received PDF
    (got,) = verify_pdfs([path], list(trust_roots))
    sigs = got.signatures
    if got.error or not sigs:
        return replace(req, check="unsigned", problem="văn bản không có chữ ký số")
    bad = [s for s in sigs if not s.valid]
    if bad:
        s = bad[0]
        untrusted = s.intact and not s.trusted
        return replace(req, check="untrusted" if untrusted else "invalid", signer=s.signer_cn,
                       problem=(f"chữ ký của {s.signer_cn or 'người ký'} "
                                + ("không thuộc Cục Chứng thực số và Bảo mật thông tin (không "
                                   "tin cậy)" if untrusted else
                                   f"không hợp lệ ({s.problem or 'văn bản đã bị sửa sau khi ký'})")))
    agency = key(req.sender)
    seal = [s for s in sigs if agency and key(s.signer_cn) == agency]
    heads = [s for s in sigs if s not in seal and _is_head(s, req)]
    if not heads:
        names = ", ".join(s.signer_cn for s in sigs if s not in seal) or "không có"
        return replace(req, check="not_head", signer=names, problem=(
            f"người ký ({names}) không phải thủ trưởng (hoặc cấp phó ký thay) của {req.sender}"))
    if not seal:
        return replace(req, check="no_seal", signer=heads[0].signer_cn, problem=(
            f"thiếu chữ ký số của cơ quan (con dấu) {req.sender}"))
    if not req.rows:        # signed as it should be; its rows wait for the list filed apart
        return replace(req, check="no_rows", signer=heads[0].signer_cn, problem=NO_ROWS_PROBLEM)
    return replace(req, check="valid", signer=heads[0].signer_cn, problem="")


def _is_head(sig: Any, req: ReceivedRequest) -> bool:
    """The person who signed is of the requesting agency (O/OU of the certificate) and signs
    as its head or a deputy: the certificate's title when it has one (T), else the title the
    signature block prints above the same name (certificates usually carry no title)."""
    fields = _subject_fields(sig.subject)
    org = key(" ".join(fields.get(k, "") for k in ("O", "OU")))
    if not req.sender or key(req.sender) not in org:
        return False
    if _HEAD_TITLES.search(key(fields.get("T", ""))):
        return True
    block, name = key(req.signature_block), key(sig.signer_cn)
    at = block.rfind(name) if name else -1
    return at > 0 and bool(_HEAD_TITLES.search(block[max(0, at - 120):at]))


def _subject_fields(subject: str) -> dict[str, Any]:
    """'Common Name: X, Organization: Y' / 'CN=X, O=Y' (pyHanko's human-readable or RFC 4514)
    → {'CN': 'X', 'O': 'Y', …}."""
    names = {"common name": "CN", "organization": "O", "organizational unit": "OU",
             "title": "T", "locality": "L", "state or province name": "ST"}
    out: dict[str, str] = {}
    for part in re.split(r",\s*(?=[A-Za-z ]+[:=])|;\s*", subject):
        k, sep, v = part.partition(":") if ":" in part.split("=")[0] else part.partition("=")
        if sep:
            label = names.get(k.strip().lower(), k.strip())
            out.setdefault(label, v.strip())
    return out


def verify_extracted(extracted: Extracted, path: Path, trust_roots: Sequence[Path]) -> Extracted:
    """The file's received requests each with the result of its check (the ingest step calls
    this with the workspace's trust roots while the file is still in the inbox)."""
    if not extracted.received:
        return extracted
    return replace(extracted, received=tuple(verify_received(r, path, trust_roots)
                                             for r in extracted.received))


# A request's list filed as a file of its own (issue 14 item 1): its title ("Kèm theo Công văn
# số 123/SYT-VP ngày …") or its file name ("DS-kem-CV-123-SYT.xlsx") names the dispatch by
# number and symbol. Read on the comparison key, where "/", "-" and "_" are all spaces.
_REFERENCE = re.compile(r"\bkem(?: theo)?(?: (?:cong van|cv|van ban|vb|to trinh))?(?: so)? "
                        r"(\d{1,5})((?: (?!ngay\b|cua\b|ve\b|v v\b)[a-z][a-z0-9]*){0,3})")


def list_reference(*texts: str) -> str:
    """"123/SYT-VP" (or "123" when no symbol follows) from the first text naming a dispatch
    the list goes with; "" when none does."""
    for text in texts:
        m = _REFERENCE.search(key(text))
        if m:
            symbol = "-".join(m.group(2).split()).upper()
            return f"{int(m.group(1))}/{symbol}" if symbol else str(int(m.group(1)))
    return ""


def same_dispatch(reference: str, number: str) -> bool:
    """Whether a list's reference names the dispatch numbered `number` ("12/SYT-VP"): the same
    number, and the symbol's words (when the reference has any) the start of the dispatch's."""
    ref_n, _, ref_sym = reference.partition("/")
    num_n, _, num_sym = number.partition("/")
    if not (ref_n.isdigit() and num_n.isdigit()) or int(ref_n) != int(num_n):
        return False
    want, have = key(ref_sym).split(), key(num_sym).split()
    return have[:len(want)] == want


def read_attached_list(tables: Sequence[tuple[str, Sequence[Sequence[Any]]]], source: str,
                       text: str = "") -> ReceivedRequest | None:
    """A subscriber list whose title rows (above the header) or file name name the dispatch it
    is attached to: its rows, kept as a received item (check "list") for the register to join
    to that dispatch. None when the file names no dispatch (an ordinary list)."""
    found: list[Request] = []
    reference = subject = ""
    for _title, rows in tables:
        header = find_header(rows)
        if not header or "name" not in header[1]:
            continue
        above = [" ".join(str(c) for c in r if c not in (None, "")) for r in rows[:header[0]]]
        ref = list_reference(" ".join(above), text, Path(source).stem)
        if not ref:
            continue
        reference = reference or ref
        subject = subject or next((nfc(x) for x in above if x.strip()), "")
        table = tuple(tuple("" if c is None else c for c in r) for r in rows)
        found += _rows(DocText(text="", tables=(table,)), "", source)
    if not reference:
        return None
    return ReceivedRequest(sender="", number=reference, date=None, form="", rows=tuple(found),
                           subject=subject, check="list", source=source)
