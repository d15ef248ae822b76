"""Certificate files (.cer .crt .pem .der .p7b; PEM or DER; PKCS#7 bundles) → Certificate."""

from __future__ import annotations

import warnings
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

from ..errors import InputRejected
from ..models import Certificate
from ..text import nfc, normalise_serial
from .sniff import Kind

# Short names as in docs/DESIGN.md's plan.json `changes` (T = title, E = e-mail).
_SHORT = {
    NameOID.COMMON_NAME: "CN",
    NameOID.ORGANIZATION_NAME: "O",
    NameOID.ORGANIZATIONAL_UNIT_NAME: "OU",
    NameOID.LOCALITY_NAME: "L",
    NameOID.STATE_OR_PROVINCE_NAME: "ST",
    NameOID.COUNTRY_NAME: "C",
    NameOID.TITLE: "T",
    NameOID.EMAIL_ADDRESS: "E",
    NameOID.USER_ID: "UID",
    NameOID.SERIAL_NUMBER: "SERIALNUMBER",
    NameOID.STREET_ADDRESS: "STREET",
}


def _load(data: bytes, kind: Kind) -> list[x509.Certificate]:
    if kind is Kind.CERT_PEM:
        if b"-----BEGIN PKCS7-----" in data or b"-----BEGIN CMS-----" in data:
            return pkcs7.load_pem_pkcs7_certificates(data.replace(b"CMS-----", b"PKCS7-----"))
        return x509.load_pem_x509_certificates(data)
    try:
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        return pkcs7.load_der_pkcs7_certificates(data)


def _serial(n: int) -> str:
    text = f"{n:X}"
    return normalise_serial(text if len(text) % 2 == 0 else "0" + text)


def _subject(cert: x509.Certificate) -> tuple[tuple[str, str], ...]:
    out = []
    with warnings.catch_warnings():
        # cryptography counts 64 UTF-8 *bytes* per attribute and warns when reading issued
        # Vietnamese names (X.520 counts characters); the plan stage checks the real limit.
        warnings.simplefilter("ignore", UserWarning)
        attrs = list(cert.subject)
    for attr in attrs:
        short = _SHORT.get(attr.oid) or attr.rfc4514_attribute_name
        value = attr.value if isinstance(attr.value, str) else attr.value.hex()
        out.append((short, nfc(value)))
    return tuple(out)


def to_certificate(cert: x509.Certificate, source: str) -> Certificate:
    issuer = cert.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)
    return Certificate(
        serial=_serial(cert.serial_number),
        subject=_subject(cert),
        issuer=nfc(issuer[0].value) if issuer else nfc(cert.issuer.rfc4514_string()),
        not_before=cert.not_valid_before_utc.date(),
        not_after=cert.not_valid_after_utc.date(),
        source=source,
    )


def read_certificates(path: Path, kind: Kind, source: str) -> tuple[Certificate, ...]:
    data = path.read_bytes()
    try:
        certs = _load(data, kind)
    except (ValueError, TypeError) as exc:
        raise InputRejected("bad_certificate", exc=exc) from exc
    if not certs:
        raise InputRejected("p7b_empty")
    return tuple(to_certificate(c, source) for c in certs)
