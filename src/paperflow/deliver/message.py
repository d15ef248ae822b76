"""One dispatch → one e-mail (.eml) to its recipient, with a Message-ID derived from its content.

The .eml is what a clerk opens in Outlook/Thunderbird and what SMTP sends, byte for byte:
headers RFC 2047-encoded (Vietnamese subject and names), attachment names RFC 2231, body
UTF-8 — everything 7-bit clean so no server mangles it.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, localtime
from pathlib import Path

from ..config import CA_NAME, Settings
from ..models import RenderedDocument
from ..text import key
from . import headers
from .hashes import read_and_hash
from .mime import b64_payload

REQUEST_VI = {
    "change_info": "thay đổi nội dung thông tin chứng thư số",
    "revoke": "thu hồi chứng thư số",
    "renew": "gia hạn chứng thư số",
    "restore_token": "khôi phục thiết bị lưu khóa bí mật",
    "issue_new": "cấp mới chứng thư số",
    "recall": "thu hồi thiết bị lưu khóa bí mật",
    "hand_over": "bàn giao",
}


@dataclass(frozen=True)
class Recipient:
    name: str
    address: str            # "" when no address is known: the .eml is written, never sent


@dataclass(frozen=True)
class Mail:
    message: EmailMessage
    message_id: str         # without angle brackets
    recipient: Recipient
    subject: str
    attachments: tuple[Path, ...]


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def _is_ca(name: str) -> bool:
    k = key(name)
    return "chung thuc so" in k or k == key(CA_NAME) or k in ("ca", "ban co yeu chinh phu")


def resolve_recipient(settings: Settings, name: str) -> Recipient:
    """The CA → [mail] ca; anyone else → [mail] addresses (names compared without diacritics)."""
    if "@" in name:
        return Recipient(name=name, address=name.strip())
    if _is_ca(name):
        return Recipient(name=name or CA_NAME, address=settings.mail.ca)
    wanted = key(name)
    if settings.agency.is_us(name) and settings.agency.contact_email:
        # The focal point writing to itself (an agency's request it drafts): its own clerk.
        return Recipient(name=name, address=settings.agency.contact_email)
    for known, address in settings.mail.addresses.items():
        if key(known) == wanted:
            return Recipient(name=name, address=address.strip())
    return Recipient(name=name, address="")


# What a document is called in a mail subject (a V/v letter is a Công văn, whatever it carries).
DOC_TYPE_WORDS = {"handover_tokens": "Biên bản", "handover_dossiers": "Biên bản",
                  "report": "Báo cáo", "import_sheet": "Danh sách", "list": "Danh sách",
                  "register": "Sổ theo dõi"}


def mail_subject(doc: RenderedDocument) -> str:
    """'Công văn số 12/SKHCN-CĐS: V/v thay đổi …', 'Biên bản số 03/BB-SKHCN: V/v …' — the
    document's type and number first, as clerks file by them."""
    subject = doc.subject.strip() or (
        f"V/v đề nghị {REQUEST_VI.get(doc.request, doc.request)}" if doc.request else "")
    word = DOC_TYPE_WORDS.get(doc.type, "Công văn")
    number = doc.number.strip() or "(chưa cấp số)"
    return f"{word} số {number}: {subject}" if subject else f"{word} số {number}"


def attachments_of(doc: RenderedDocument) -> tuple[Path, ...]:
    """The dispatch's PDF (signed when signed) then its lists, in order, without duplicates."""
    main = doc.signed_pdf or doc.pdf or doc.path
    out: list[Path] = [main]
    for a in doc.attachments:
        if a not in out:
            out.append(a)
    return tuple(out)


def message_id_for(recipient: Recipient, subject: str, hashes: list[str], domain: str) -> str:
    """Same recipient + same attachments + same subject → same Message-ID, on every run."""
    h = hashlib.sha256()
    for part in (key(recipient.address or recipient.name), subject, *hashes):
        h.update(part.encode("utf-8"))
        h.update(b"\x00")
    return f"pf-{h.hexdigest()[:32]}@{domain}"   # short enough not to be folded


def _body(settings: Settings, doc: RenderedDocument, recipient: Recipient,
          files: tuple[Path, ...]) -> str:
    ag = settings.agency
    lines = [
        f"Kính gửi: {recipient.name}",
        "",
        f"{ag.name} trân trọng gửi {mail_subject(doc)}.",
        "",
        "Tệp đính kèm:",
        *[f"  {i}. {p.name}" for i, p in enumerate(files, 1)],
        "",
        "Đầu mối liên hệ:",
        f"  {ag.contact_name}, điện thoại {ag.contact_phone}, thư điện tử {ag.contact_email}.",
        "",
        "Trân trọng./.",
        "",
        f"{ag.name}",
        "",
        "-- ",
        "Thư này được tạo bởi paperflow; văn bản đính kèm là văn bản điện tử đã ký số "
        "(nếu có chữ ký số).",
    ]
    return "\n".join(lines) + "\n"


def _display_address(name: str, address: str) -> Address:
    user, _, domain = address.partition("@")
    return Address(display_name=name, username=user, domain=domain)


def _set_address(msg: EmailMessage, header: str, name: str, address: str) -> None:
    addr = _display_address(name, address)      # validates as before (no CR/LF, …)
    if headers.needs_encoding(addr.display_name) and addr.addr_spec.isascii():
        msg.set_raw(header, headers.address(header, addr))     # encoded once, not refolded
    else:
        msg[header] = addr


def _set_subject(msg: EmailMessage, subject: str) -> None:
    if headers.needs_encoding(subject) and "\r" not in subject and "\n" not in subject:
        msg.set_raw("Subject", headers.unstructured("Subject", subject))
    else:
        msg["Subject"] = subject


def _read_and_hash(files: tuple[Path, ...]) -> tuple[list[bytes], list[str]]:
    """Each attachment read once: its bytes go into the mail, their hash into the Message-ID
    (and the manifest's hash cache, so the manifest does not read the file again)."""
    read = [read_and_hash(p) for p in files]
    return [d for d, _h in read], [h for _d, h in read]


def build_mail(settings: Settings, doc: RenderedDocument) -> Mail:
    """The e-mail for one dispatch to its recipient (lists attached after the dispatch)."""
    recipient = resolve_recipient(settings, doc.recipient)
    files = attachments_of(doc)
    datas, hashes = _read_and_hash(files)
    subject = mail_subject(doc)
    domain = settings.mail.from_.partition("@")[2] or "paperflow.local"
    mid = message_id_for(recipient, subject, hashes, domain)

    msg = EmailMessage()
    _set_address(msg, "From", settings.agency.name, settings.mail.from_)
    if recipient.address:
        _set_address(msg, "To", recipient.name, recipient.address)
    else:
        # No known address: a clerk fills it in their mail client; never sent by paperflow.
        _set_address(msg, "To", recipient.name, "undisclosed-recipients@invalid")
        msg["X-Paperflow-Warning"] = "no address configured for this recipient"
    _set_subject(msg, subject)
    msg["Date"] = format_datetime(localtime())
    msg["Message-ID"] = f"<{mid}>"
    if settings.agency.contact_email:
        _set_address(msg, "Reply-To", settings.agency.contact_name, settings.agency.contact_email)
    if doc.request:
        msg["X-Paperflow-Request"] = doc.request
    # base64 said outright: with the default policy's '8bit' the generator would copy the part
    # and re-encode it as base64 at every write (SMTP is 7-bit), to the same bytes
    msg.set_content(_body(settings, doc, recipient, files), charset="utf-8", cte="base64")
    for path, data in zip(files, datas, strict=True):
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        maintype, _, subtype = ctype.partition("/")
        # The email package writes non-ASCII file names as RFC 2231 (filename*=utf-8''…).
        # Its headers come from add_attachment; the payload is encoded in C, to the same text
        # its Python loop makes.
        msg.add_attachment(b"", maintype=maintype, subtype=subtype, filename=path.name)
        msg.get_payload()[-1].set_payload(b64_payload(data))  # type: ignore[index, union-attr]
    # A boundary that cannot occur in base64 or quoted-printable text ("=_"), derived from the
    # content: the generator need not search the whole message for a collision.
    msg.set_boundary(f"=_pf_{mid[3:35]}")
    return Mail(message=msg, message_id=mid, recipient=recipient, subject=subject,
                attachments=files)
