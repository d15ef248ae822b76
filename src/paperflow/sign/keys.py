"""Which key on a token signs: by label (`key_label`, the default), by CKA_ID (`key_id`), or by
its certificate's serial number (`cert_serial`).

Real tokens often carry several keys under one label, or labels too long or non-ASCII to type;
the CKA_ID (hex) or the certificate's serial number (hex, as on the CA's paperwork) tell them
apart. `key_id` or `cert_serial` take precedence over `key_label`. When the selection matches no
key, or several, the error lists what the token holds so the officer can pick.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from asn1crypto import x509

from ..errors import ConfigError
from . import errors as E


@dataclass(frozen=True)
class KeySelector:
    label: str = ""
    key_id: bytes | None = None
    cert_serial: int | None = None

    def __str__(self) -> str:
        if self.cert_serial is not None:
            return f"cert_serial = \"{self.cert_serial:x}\""
        if self.key_id is not None:
            return f"key_id = \"{self.key_id.hex()}\""
        return f"key_label = \"{self.label}\""


def _hex(value: str, where: str) -> str:
    text = re.sub(r"[\s:]", "", value).lower().removeprefix("0x")
    if not text or re.fullmatch(r"[0-9a-f]+", text) is None:
        raise ConfigError("config_not_hex", where=where, value=repr(value))
    return text


def selector(label: str, key_id: str, cert_serial: str, section: str) -> KeySelector:
    """The config's strings → a KeySelector (hex may carry spaces or colons)."""
    kid = _hex(key_id, f"{section}.key_id") if key_id else ""
    serial = int(_hex(cert_serial, f"{section}.cert_serial"), 16) if cert_serial else None
    return KeySelector(label=label, key_id=bytes.fromhex(kid.rjust(len(kid) + len(kid) % 2,
                                                                    "0")) if kid else None,
                       cert_serial=serial)


@dataclass
class FoundKey:
    """What PKCS11Signer needs to use exactly this key, and whether it asks for the PIN on
    every signature (CKA_ALWAYS_AUTHENTICATE)."""

    signer_args: dict = field(default_factory=dict)
    always_authenticate: bool = False


def _attr(obj, attribute, default=None):
    try:
        return obj[attribute]
    except Exception:   # the token does not keep that attribute for this object
        return default


def _certificates(session) -> list[tuple[bytes, str, x509.Certificate]]:
    from pkcs11 import Attribute, ObjectClass

    out = []
    for obj in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
        try:
            cert = x509.Certificate.load(obj[Attribute.VALUE])
            cert.native  # noqa: B018 - parse now: a broken object is skipped, not fatal later
        except Exception:
            continue
        out.append((bytes(_attr(obj, Attribute.ID, b"") or b""),
                    str(_attr(obj, Attribute.LABEL, "") or ""), cert))
    return out


def describe(session) -> str:
    """The keys and certificates on the token, one line each (for the officer to choose)."""
    from pkcs11 import Attribute, ObjectClass

    lines = []
    for key in session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY}):
        kid = bytes(_attr(key, Attribute.ID, b"") or b"").hex() or "-"
        lines.append(f"  key_id = \"{kid}\"  ({_attr(key, Attribute.LABEL, '')!s})")
    for kid, label, cert in _certificates(session):
        cn = cert.subject.native.get("common_name", "")
        lines.append(f"  cert_serial = \"{cert.serial_number:x}\"  (key_id \"{kid.hex() or '-'}\", "
                     f"'{label}': {cn}, {cert.not_valid_after:%d/%m/%Y})")
    return "\n".join(lines[:20]) or "  (không có / none)"


def find_key(session, sel: KeySelector, token_label: str) -> FoundKey:
    """The one signing key `sel` names on the token, or E.KeyNotFound listing what is there."""
    from pkcs11 import Attribute, ObjectClass

    query: dict = {Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.SIGN: True}
    args: dict = {}
    if sel.cert_serial is not None:
        certs = [(kid, c) for kid, _label, c in _certificates(session)
                 if c.serial_number == sel.cert_serial]
        if len(certs) != 1 or not certs[0][0]:
            raise E.key_not_found(token_label, str(sel), describe(session), count=len(certs))
        kid, cert = certs[0]
        query[Attribute.ID] = kid
        args = {"key_id": kid, "signing_cert": cert}
    elif sel.key_id is not None:
        query[Attribute.ID] = sel.key_id
        args = {"key_id": sel.key_id}
    else:
        query[Attribute.LABEL] = sel.label
        args = {"cert_label": sel.label, "key_label": sel.label}
    keys = list(session.get_objects(query))
    if len(keys) != 1:
        raise E.key_not_found(token_label, str(sel), describe(session), count=len(keys))
    always = bool(_attr(keys[0], Attribute.ALWAYS_AUTHENTICATE, False))
    return FoundKey(signer_args=args, always_authenticate=always)
