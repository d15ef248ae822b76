"""Template contexts: the issuing agency, dates in words, numbers, and table rows from actions.

Pure functions, no I/O. Every value is NFC text; templates escape it (autoescape)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..config import CA_NAME, Settings
from ..models import Action, Subscriber
from ..text import key, nfc, strip_diacritics

NBSP = "\u00a0"
# Attribute → how a clerk reads it in "what changes".
ATTR_LABELS = {
    "CN": "Tên", "O": "Cơ quan", "OU": "Đơn vị", "L": "Địa phương", "ST": "Tỉnh/Thành phố",
    "C": "Quốc gia", "T": "Chức vụ", "E": "Thư điện tử", "superior": "Cơ quan quản lý cấp trên",
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
    own = own_issuer(settings)
    if not sender or key(sender) == key(own.name):
        return own
    return Issuer(nfc(sender), nfc(managing_hint) or own.managing, abbreviate(sender), "VP",
                  own.place, "", "THỦ TRƯỞNG CƠ QUAN", "", own.contact_name, own.contact_phone,
                  own.contact_email, False)


def abbreviate(name: str) -> str:
    """'Sở Tài chính tỉnh Hưng Yên' → 'STC' (initials, without the locality and 'và')."""
    core = re.split(r"\s+(?:tỉnh|thành phố|huyện|xã|phường)\s+", nfc(name), maxsplit=1)[0]
    letters = [w[0] for w in core.split() if w.lower() not in ("và", "-", "&") and w[0].isalpha()]
    # Keep Đ as Vietnamese symbols do ("CĐS"); drop the other diacritics.
    out = "".join(ch if ch in "đĐ" else strip_diacritics(ch) for ch in letters)
    return out.upper() or "CQ"


def today(settings: Settings) -> date:
    return settings.plan.today or date.today()


def date_words(d: date) -> str:
    """'ngày 05 tháng 01 năm 2025': a leading 0 for days < 10 and for months 1 and 2 (NĐ 30)."""
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def fmt_date(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


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
        issued = nfc(numbers(doc_type))
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
    return nfc(a.reason)


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
