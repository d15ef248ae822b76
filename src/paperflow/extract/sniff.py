"""Recognise what a file IS from its bytes (never its extension) and refuse hostile containers.

Clerks rename files, mail clients mangle extensions, and web portals serve HTML error pages
under a .pdf name; so the kind comes from magic bytes, zip member names and PDF headers.
Office files are zips: before openpyxl or python-docx open one, its central directory is
checked (member count, declared sizes, compression ratio) and its XML parts are scanned for
DTDs/entities with defusedxml — a zip bomb or XXE payload never reaches the parsers.
"""

from __future__ import annotations

import zipfile
from enum import StrEnum
from pathlib import Path

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from ..errors import InputRejected

MAX_MEMBERS = 5_000
MAX_UNCOMPRESSED = 300 * 1024 * 1024      # all members together, as declared
MAX_MEMBER = 150 * 1024 * 1024
MAX_RATIO = 150                           # real xlsx/docx XML compresses ~5-30x


class Kind(StrEnum):
    PDF = "pdf"
    XLSX = "xlsx"
    DOCX = "docx"
    CSV = "csv"
    CERT_PEM = "cert_pem"
    CERT_DER = "cert_der"
    DOC = "doc"                 # Word 97-2003: read through LibreOffice
    XLS = "xls"                 # Excel 97-2003: read through LibreOffice
    IMAGE = "image"             # a photo or scan (.png .jpg .tif): read through tesseract
    ZIP = "zip"                 # a plain archive: each member read as a file of its own


_PRIVATE_KEY_PEM = (b"PRIVATE KEY-----", b"BEGIN OPENSSH PRIVATE", b"BEGIN PGP PRIVATE")
# PKCS#12: SEQUENCE { INTEGER 3, SEQUENCE { OID pkcs7-data (1.2.840.113549.1.7.1) … } }
_P12_VERSION = b"\x02\x01\x03\x30"
_PKCS7_DATA = b"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x01"


def private_key() -> InputRejected:
    return InputRejected("private_key")


def _holds_private_key(path: Path, head: bytes) -> bool:
    if head[:1] == b"\x30" and _P12_VERSION in head[:8] and _PKCS7_DATA in head[:40]:
        return True
    if head[:1] == b"\x30":
        from cryptography.hazmat.primitives.serialization import load_der_private_key

        try:
            load_der_private_key(path.read_bytes(), None)
            return True
        except TypeError:               # an encrypted PKCS#8 key: a key all the same
            return True
        except Exception:  # noqa: BLE001 - not a key (most DER files)
            return False
    with path.open("rb") as f:
        data = f.read(4 * 1024 * 1024)
    return any(m in data for m in _PRIVATE_KEY_PEM)


def _ole_kind(path: Path) -> Kind:
    """Word or Excel 97-2003 by the names of the streams in the OLE directory (UTF-16)."""
    with path.open("rb") as f:
        data = f.read(64 * 1024 * 1024)
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise InputRejected("office_encrypted")
    if "WordDocument".encode("utf-16-le") in data:
        return Kind.DOC
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return Kind.XLS
    raise InputRejected("old_office")


def _is_text(head: bytes) -> str | None:
    for enc in ("utf-8-sig", "utf-16"):
        try:
            if enc == "utf-16" and head[:2] not in (b"\xff\xfe", b"\xfe\xff"):
                continue
            text = head.decode(enc)
        except UnicodeDecodeError:
            # the head may end in the middle of a multi-byte character
            try:
                text = head[:-3].decode(enc)
            except UnicodeDecodeError:
                continue
        if "\x00" not in text:
            return text
    try:
        text = head.decode("cp1258")
    except UnicodeDecodeError:
        return None
    # a stray control character in a typed name (a pasted bell, an escape) is text all the
    # same — stripped at extraction; many of them is binary data
    bad = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t")
    return text if bad <= len(text) // 200 and "\x00" not in text else None


def sniff(path: Path) -> Kind:
    """The kind of file at `path`, or InputRejected saying what it is and what to do."""
    with path.open("rb") as f:
        head = f.read(8192)
    if not head.strip():
        raise InputRejected("empty")
    if b"%PDF-" in head[:1024]:
        return Kind.PDF
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return _ole_kind(path)
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")):
        return Kind.IMAGE
    if _holds_private_key(path, head):
        raise private_key()
    if head[:1] == b"\x30" and len(head) > 4 and head[1] in (0x80, 0x81, 0x82, 0x83):
        return Kind.CERT_DER
    text = _is_text(head)
    if text is None:
        raise _unknown()
    low = text.lstrip("\ufeff \r\n\t").lower()
    if "-----begin " in low[:4096]:
        return Kind.CERT_PEM
    if low.startswith(("<!doctype html", "<html", "<head", "<body")) or "<html" in low[:1024]:
        raise InputRejected("html")
    if low.startswith(("<?xml", "<")):
        raise InputRejected("xml")
    if any(sep in text for sep in (",", ";", "\t")) and "\n" in text:
        return Kind.CSV
    raise _unknown()


def _unknown() -> InputRejected:
    return InputRejected("unknown")


def _broken_zip() -> InputRejected:
    return InputRejected("broken_zip")


def _bomb(detail: str) -> InputRejected:
    return InputRejected("zip_bomb", detail=detail)


def _zip_kind(path: Path) -> Kind:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            check_zip(infos)
            names = {i.filename for i in infos}
            if "word/document.xml" in names:
                kind = Kind.DOCX
            elif "xl/workbook.xml" in names:
                kind = Kind.XLSX
            elif "[Content_Types].xml" in names or "mimetype" in names:
                raise InputRejected("office_other")
            else:
                return Kind.ZIP         # a plain archive: its members are checked when read
            check_xml(zf, infos)
            return kind
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, OSError,
            zipfile.LargeZipFile) as exc:
        raise _broken_zip() from exc


def check_zip(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse zips whose declared sizes or compression ratios are not those of documents."""
    if len(infos) > MAX_MEMBERS:
        raise _bomb(f"{len(infos)} members")
    total = 0
    for i in infos:
        if i.flag_bits & 0x1:
            raise InputRejected("office_encrypted")
        total += i.file_size
        if i.file_size > MAX_MEMBER:
            raise _bomb(f"{i.filename}: {i.file_size} bytes")
        if i.file_size > 1024 * 1024 and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise _bomb(f"{i.filename}: ratio {i.file_size // max(i.compress_size, 1)}")
    if total > MAX_UNCOMPRESSED:
        raise _bomb(f"{total} bytes uncompressed")


def check_xml(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """No DTDs or entities in any XML part (XXE, billion laughs): defusedxml refuses them."""
    for i in infos:
        if not i.filename.endswith((".xml", ".rels")):
            continue
        with zf.open(i) as f:
            head = f.read(4096)
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise _xxe(i.filename)
        if i.filename in ("[Content_Types].xml", "xl/workbook.xml", "_rels/.rels"):
            try:
                SafeET.fromstring(zf.read(i))
            except DefusedXmlException as exc:
                raise _xxe(i.filename) from exc
            except SafeET.ParseError as exc:
                raise _broken_zip() from exc


def _xxe(member: str) -> InputRejected:
    return InputRejected("xml_entities", member=member)
