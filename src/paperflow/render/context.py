"""Template contexts: the issuing agency, dates in words, numbers, and table rows from actions.

Pure functions, no I/O. Every value is NFC text; templates escape it (autoescape)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from .. import clock
from ..config import CA_NAME, Settings
from ..models import Action, Subscriber
from ..text import key, nfc, strip_diacritics

NBSP = "\u00a0"
# Attribute → how a clerk reads it in "what changes".
ATTR_LABELS = {
    "CN": "Tên", "O": "Cơ quan", "OU": "Đơn vị", "L": "Địa phương", "ST": "Tỉnh/Thành phố",
    "C": "Quốc gia", "T": "Chức vụ", "E": "Thư điện tử", "superior": "Cơ quan quản lý cấp trên",
    "renew": "Gia hạn (hết hạn)",  # plan/merging: a renewal asked in the same Mẫu 04 row
}
# Request form → (subject after "V/v", the form's number).
FORM_OF = {"change_info": "04", "renew": "04", "revoke": "05", "restore_token": "06"}


@dataclass(frozen=True)
class Issuer:
    """Who issues a document: the clerk's own agency (settings.agency), or another sender for
    which paperflow prepares a draft (no number from our register, signer left for them)."""

    name: str
    managing: str
    abbreviation: str
    drafting_unit: str
    place: str
    signer_name: str
    signer_title: str
    signer_authority: str
    contact_name: str
    contact_phone: str
    contact_email: str
    own: bool


def own_issuer(settings: Settings) -> Issuer:
    a = settings.agency
    return Issuer(nfc(a.name), nfc(a.managing), nfc(a.abbreviation), nfc(a.drafting_unit),
                  nfc(a.place), nfc(a.signer_name), nfc(a.signer_title),
                  nfc(a.signer_authority), nfc(a.contact_name), nfc(a.contact_phone),
                  nfc(a.contact_email), True)


def issuer_for(settings: Settings, sender: str, managing_hint: str = "") -> Issuer:
    """The issuer of a draft another agency signs: its own header (managing agency over its
    name), its place, its signature block; contact lines left for it to fill (never ours)."""
    own = own_issuer(settings)
    if not sender or key(sender) == key(own.name):
        return own
    name = nfc(sender)
    authority, title = signature_block(name)
    managing = "" if _is_people_committee(name) else (nfc(managing_hint) or own.managing)
    return Issuer(name, managing, abbreviate(name), "VP", place_of(name) or own.place, "",
                  title, authority, BLANK, BLANK, BLANK, False)


BLANK = "…………………………"     # a line the other agency fills in by hand
_LOCALITY = re.compile(r"\b(?:tỉnh|thành phố|xã|phường|đặc khu|thị trấn)\s+(.+)$", re.IGNORECASE)
# Who signs for an agency (Nghị định 30/2020, Phụ lục I: "TM." for a collective body; the head's
# title otherwise) — a draft leaves the deputy's "KT." to the agency itself.
_HEADS = (
    ("ủy ban nhân dân", ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")),
    ("ubnd", ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")),
    ("hội đồng nhân dân", ("TM. HỘI ĐỒNG NHÂN DÂN", "CHỦ TỊCH")),
    ("sở ", ("", "GIÁM ĐỐC")),
    ("văn phòng", ("", "CHÁNH VĂN PHÒNG")),
    ("thanh tra", ("", "CHÁNH THANH TRA")),
    ("ban ", ("", "TRƯỞNG BAN")),
    ("chi cục", ("", "CHI CỤC TRƯỞNG")),
    ("cục ", ("", "CỤC TRƯỞNG")),
    ("trường", ("", "HIỆU TRƯỞNG")),
    ("phòng", ("", "TRƯỞNG PHÒNG")),
    ("bệnh viện", ("", "GIÁM ĐỐC")),
    ("trung tâm", ("", "GIÁM ĐỐC")),
)


def _is_people_committee(name: str) -> bool:
    return nfc(name).lower().startswith(("ủy ban nhân dân", "ubnd"))


def signature_block(name: str) -> tuple[str, str]:
    """(authority, title) of the head of agency `name`: ('TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH')."""
    low = nfc(name).lower() + " "
    for start, block in _HEADS:
        if low.startswith(start):
            return block
    return "", "THỦ TRƯỞNG CƠ QUAN"


def place_of(name: str) -> str:
    """'Sở Y tế tỉnh Thái Bình' → 'Thái Bình'; 'Ủy ban nhân dân xã Tân Hưng' → 'Tân Hưng'."""
    m = _LOCALITY.search(nfc(name))
    return m.group(1).strip() if m else ""


def abbreviate(name: str) -> str:
    """'Sở Tài chính tỉnh Hưng Yên' → 'STC' (initials, without the locality and 'và')."""
    core = re.split(r"\s+(?:tỉnh|thành phố|huyện|xã|phường)\s+", nfc(name), maxsplit=1)[0]
    letters = [w[0] for w in core.split() if w.lower() not in ("và", "-", "&") and w[0].isalpha()]
    # Keep Đ as Vietnamese symbols do ("CĐS"); drop the other diacritics.
    out = "".join(ch if ch in "đĐ" else strip_diacritics(ch) for ch in letters)
    return out.upper() or "CQ"


def today(settings: Settings) -> date:
    return settings.plan.today or clock.today()


def date_words(d: date) -> str:
    """'ngày 05 tháng 01 năm 2025': a leading 0 for days < 10 and for months 1 and 2 (NĐ 30)."""
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def fmt_date(d: date | None) -> str:
    """'09/3/1980', '05/01/2025': one style for every short date paperflow prints, the one the
    dispatches cite (NĐ 30/2020: a leading 0 for days < 10 and for months 1 and 2)."""
    if d is None:
        return ""
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"{d.day:02d}/{month}/{d.year}"


# A letter with a "V/v" subject is a công văn whatever it carries: numbered in the dispatch series.
SERIES_OF = {"org_list": "dispatch", "reply": "dispatch", "implementing": "dispatch"}
SYMBOLS = {"handover_tokens": "BB-{abbr}", "handover_dossiers": "BB-{abbr}",
           "report": "BC-{abbr}"}


def symbol(issuer: Issuer, doc_type: str) -> str:
    pattern = SYMBOLS.get(doc_type, "{abbr}-{unit}")
    return pattern.format(abbr=issuer.abbreviation, unit=issuer.drafting_unit)


def number_symbol(issuer: Issuer, doc_type: str,
                  numbers: Callable[[str], str] | None) -> tuple[str, str]:
    """(text after "Số: ", the issued number or ''). Drafts leave room for the number by hand,
    as in the seeds ("Số:      /SKHCN-CĐS"); only our own register numbers our documents."""
    if numbers is not None and issuer.own:
        issued = nfc(numbers(SERIES_OF.get(doc_type, doc_type)))
        return issued, issued
    return f"{NBSP * 6}/{symbol(issuer, doc_type)}", ""


def head_of(authority: str) -> str:
    """'KT. GIÁM ĐỐC' → 'Giám đốc' (for "- Giám đốc (để b/c);" in Nơi nhận)."""
    word = nfc(authority).split(".", 1)[-1].strip()
    return word[:1].upper() + word[1:].lower() if word else ""


def common(settings: Settings, issuer: Issuer, *, doc_type: str, subject: str,
           numbers: Callable[[str], str] | None, recipient: str = "",
           cc: Iterable[str] = ()) -> dict[str, Any]:
    """The variables every template may use (documented in templates/README.md)."""
    d = today(settings)
    num_text, issued = number_symbol(issuer, doc_type, numbers)
    cc_list = [nfc(c) for c in cc]
    if issuer.signer_authority.upper().startswith("KT.") and not cc_list:
        cc_list = [f"{head_of(issuer.signer_authority)} (để b/c)"]
    return {
        "managing_agency": issuer.managing,
        "agency": issuer.name,
        "agency_name": issuer.name,
        "number_symbol": num_text,
        "number": issued,
        "subject": nfc(subject),
        "place_date": f"{issuer.place}, {date_words(d)}",
        "date_words": date_words(d),
        "date_short": fmt_date(d),
        "recipient": nfc(recipient),
        "cc": cc_list,
        "drafting_unit": issuer.drafting_unit,
        "signer_authority": issuer.signer_authority,
        "signer_title": issuer.signer_title,
        "signer_name": issuer.signer_name,
        "contact_name": issuer.contact_name,
        "contact_phone": issuer.contact_phone,
        "contact_email": issuer.contact_email,
        "province": nfc(settings.agency.province),
    }


def change_text(a: Action) -> str:
    if a.action == "renew":
        s = a.subscriber
        until = f" (hết hạn {fmt_date(s.valid_until)})" if s and s.valid_until else ""
        return f"Gia hạn{until}"
    if a.action == "change_info":
        parts = [f"{ATTR_LABELS.get(attr, attr)}: {nfc(old) or '(trống)'} → {nfc(new)}"
                 for attr, old, new in a.changes]
        return "Thay đổi thông tin: " + "; ".join(parts) if parts else "Thay đổi thông tin"
    return clerk_reason(a)


# The plan's reason is a sentence for checking the decision (rule, names, why); a table cell says
# what the clerk would write by hand. First match wins; the words come from the clerk's own note
# when there is one.
_PLAIN_REASONS = (
    (r"nghỉ hưu", "Nghỉ hưu"),
    (r"thôi việc|nghỉ việc", "Thôi việc"),
    (r"từ trần|qua đời", "Từ trần"),
    (r"hết hạn", "Chứng thư hết hạn"),
    (r"chuyển công tác|điều động|luân chuyển", "Chuyển công tác"),
    (r"sai mã pin|nhập sai|bị khóa|khóa thiết bị", "Thiết bị bị khóa do nhập sai mã PIN"),
    (r"mất thiết bị|bị mất|thất lạc", "Mất thiết bị"),
    (r"hỏng|lỗi thiết bị", "Thiết bị bị hỏng"),
    (r"giải thể|kết thúc hoạt động|cấp huyện", "Cơ quan kết thúc hoạt động (sắp xếp bộ máy)"),
    (r"sáp nhập|hợp nhất", "Cơ quan sáp nhập, hợp nhất (sắp xếp bộ máy)"),
    (r"chức vụ|vị trí", "Không còn giữ chức vụ sử dụng chứng thư"),
)


def clerk_reason(a: Action) -> str:
    """Why, in the words a clerk writes in the reason column ('Nghỉ hưu', 'Cơ quan sáp nhập …'):
    never the plan's sentence nor a rule citation."""
    s = a.subscriber
    note = nfc(s.need_note).strip(" .") if s and s.need_note else ""
    if note:
        return note[:1].upper() + note[1:]
    text = nfc(a.reason).lower()
    for pattern, words in _PLAIN_REASONS:
        if re.search(pattern, text):
            return words
    if a.action == "restore_token":
        return "Thiết bị lưu khóa bí mật bị khóa"
    if a.action == "renew":
        return "Gia hạn chứng thư"
    return "Không còn nhu cầu sử dụng"


def request_words(actions: Iterable[Action]) -> str:
    kinds = {a.action for a in actions}
    if kinds == {"renew"}:
        return "gia hạn"
    if "renew" in kinds:
        return "gia hạn, thay đổi nội dung thông tin"
    return "thay đổi nội dung thông tin"


def subscriber_row(n: int, a: Action) -> dict[str, str]:
    s = a.subscriber or Subscriber(type="person", name="")
    token = nfc(a.token_serial or s.token_serial)
    serial = nfc(a.serial or s.cert_serial)
    title_agency = ", ".join(x for x in (nfc(s.title), nfc(s.agency)) if x)
    return {
        "stt": str(n), "name": nfc(s.name), "birth_date": fmt_date(s.birth_date),
        "id_number": nfc(s.id_number), "email": nfc(s.email), "agency": nfc(s.agency),
        "managing": nfc(s.managing_agency), "province": nfc(s.province), "title": nfc(s.title),
        "phone": nfc(s.phone), "serial": serial, "token_serial": token,
        "serial_token": " / ".join(x for x in (serial, token) if x),
        "title_agency": title_agency, "detail": change_text(a), "reason": nfc(a.reason),
        "type": s.type,
    }


def split_rows(actions: Iterable[Action]) -> tuple[list[dict], list[dict]]:
    """Rows of persons and of organisations, each numbered from 1."""
    persons, orgs = [], []
    for a in actions:
        is_org = a.subscriber is not None and a.subscriber.type == "organization"
        target = orgs if is_org else persons
        target.append(subscriber_row(len(target) + 1, a))
    return persons, orgs


def is_ca(name: str) -> bool:
    return key(name) == key(CA_NAME) or "chung thuc so" in key(name)


IMPORT_KIND = {"change_info": "Thay đổi thông tin", "renew": "Gia hạn",
               "restore_token": "Khôi phục thiết bị lưu khóa bí mật"}
_SUFFIX = re.compile(r"\s+(?:tỉnh|thành phố)\s+.+$", re.IGNORECASE)


def hierarchy(levels: Iterable[str]) -> list[str]:
    """'Tổ chức cấp 1..4' from the top down, in capitals: a level below one that names the same
    province drops it ("ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN" / "SỞ TÀI CHÍNH" / "PHÒNG KẾ HOẠCH")."""
    out: list[str] = []
    for level in (nfc(x).strip() for x in levels):
        if not level or (out and key(level) == key(out[-1])):
            continue
        m = _SUFFIX.search(level)
        if out and m and key(m.group(0)) in key(out[0]):
            level = level[:m.start()]
        out.append(level.upper())
    return (out + ["", "", "", ""])[:4]


_ENDED = re.compile(r"\b(?:huyen|quan|thi xa)\b")


def provincial_parent(agency: str) -> str:
    """A province's Sở, Văn phòng, Ban or Thanh tra sits under its Ủy ban nhân dân tỉnh (the
    hierarchy's level 1 when a list gives no managing agency)."""
    name = nfc(agency)
    m = re.search(r"\b(tỉnh|thành phố)\s+(.+)$", name)
    if m and name.lower().startswith(("sở ", "văn phòng", "ban ", "thanh tra")):
        return f"Ủy ban nhân dân {m.group(1)} {m.group(2)}"
    return ""


def import_row(a: Action) -> dict[str, str]:
    """One row of the CA's import sheet, with the details as they are AFTER the change: the new
    agency hierarchy, the new name, the new province."""
    s = a.subscriber or Subscriber(type="person", name="")
    new = {attr: nfc(value) for attr, _old, value in a.changes}
    old_province = next((nfc(o) for attr, o, _n in a.changes if attr in ("ST", "L")), "")
    province = new.get("ST") or new.get("L") or nfc(s.province)

    def moved(text: str) -> str:
        # a province merge renames every level that carries the old province's name
        return text.replace(old_province, province) if old_province and text else text

    if s.type == "organization":
        name = new.get("CN") or nfc(s.name)
        levels = [moved(new.get("superior") or new.get("O") or nfc(s.managing_agency)), name]
    else:
        name = nfc(s.name)
        agency = new.get("O") or moved(nfc(s.agency))
        managing = moved(nfc(s.managing_agency)) or provincial_parent(agency)
        if "O" in new and key(agency) != key(moved(nfc(s.agency))):
            # the agency changed: the old one's managing agency (an ended district's People's
            # Committee) is not the new agency's; a People's Committee has none above it
            parent = provincial_parent(agency)
            if parent or key(agency).startswith("uy ban nhan dan") or \
                    _ENDED.search(key(managing)):
                managing = parent
        unit = new.get("OU", "")
        levels = [managing, agency, unit]
    title = new.get("T") or nfc(s.title)
    return {
        "name": name, "birth_date": fmt_date(s.birth_date), "id_number": nfc(s.id_number),
        "id_place": nfc(getattr(s, "id_place", "") or ""),
        "id_issued": fmt_date(getattr(s, "id_issued", None)),
        "email": new.get("E") or nfc(s.email), "levels": hierarchy(levels),
        "province": province, "title": title, "phone": nfc(s.phone),
        "serial": nfc(a.serial or s.cert_serial), "device": "TOKEN",
        "note": IMPORT_KIND.get(a.action, ""),
    }
