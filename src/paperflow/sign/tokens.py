"""Opening a signing credential: a PKCS#11 token (production) or a PKCS#12 file (development).

One `Credential` = one PKCS#11 session + one login, held for a whole batch (pyHanko caches the
key handle, so hundreds of PDFs cost one PIN entry). Before the first document is touched the
credential is checked: certificate valid now, private key matching the certificate.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import logging
import os
import sys
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from asn1crypto import x509
from pyhanko.sign.signers import SimpleSigner
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko_certvalidator.sig_validate import DefaultSignatureValidator

from . import errors as E

log = logging.getLogger("paperflow.sign")

# python-pkcs11 loads one module per process: keep it, keyed by path. SoftHSM2 reads its config
# (SOFTHSM2_CONF) and token list at C_Initialize, so re-initialise when that changes.
_LIBS: dict[str, tuple[object, str]] = {}
_LIB_LOCK = threading.Lock()


def load_lib(module: str, *, refresh: bool = False):
    import pkcs11

    conf = os.environ.get("SOFTHSM2_CONF", "")
    with _LIB_LOCK:
        cached = _LIBS.get(module)
        if cached is not None:
            lib, seen_conf = cached
            if refresh or seen_conf != conf:
                lib.reinitialize()
                _LIBS[module] = (lib, conf)
            return lib
        if not Path(module).exists():
            raise E.token_absent("?", module, detail="PKCS#11 library file missing")
        try:
            lib = pkcs11.lib(module)
        except Exception as exc:  # the vendor library failed to load or initialise
            raise E.TokenFailure(
                f"Không nạp được thư viện PKCS#11 '{module}': {exc}. Kiểm tra pkcs11_module "
                "trong config.toml (mỗi lần chạy chỉ dùng được một thư viện).",
                f"Cannot load PKCS#11 library '{module}': {exc}. Check pkcs11_module in "
                "config.toml (one library per process).",
            ) from exc
        _LIBS[module] = (lib, conf)
        return lib


@dataclass
class LoginCounts:
    """C_Login calls this process made, for the batch result, the bench and the tests."""

    attempts: int = 0
    failed: int = 0         # … that the token (or its library) refused


LOGINS = LoginCounts()
_LOGINS_LOCK = threading.Lock()


def _count_login(*, failed: bool) -> None:
    with _LOGINS_LOCK:
        if failed:
            LOGINS.failed += 1
        else:
            LOGINS.attempts += 1


def can_prompt() -> bool:
    """A terminal is attached, so a PIN prompt is possible."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):
        return False


@dataclass(frozen=True)
class TokenSpec:
    """Which credential one signing role uses (derived from SigningSettings)."""

    role: str                       # "officer" | "agency"
    module: str = ""
    token_label: str = ""
    key_label: str = ""
    pin_env: str = "PAPERFLOW_PIN"
    pkcs12: Path | None = None      # development: a .p12/.pfx instead of a token
    p12_password_env: str = "PAPERFLOW_P12_PASSWORD"
    default_pin: str | None = None  # only the demo token has one


@dataclass
class Credential:
    """An open signer; `close()` logs out and closes the session."""

    spec: TokenSpec
    signer: Signer
    cert: x509.Certificate
    _session: object = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def cn(self) -> str:
        return self.cert.subject.native.get("common_name", "") or self.cert.subject.human_friendly

    def close(self) -> None:
        if self._session is not None:
            try:
                self._session.close()
            except Exception:  # closing a removed token must not hide the real outcome
                log.debug("closing the PKCS#11 session failed", exc_info=True)
            self._session = None


def get_pin(spec: TokenSpec) -> str:
    """PIN from the environment, else the demo default, else a prompt; never logged."""
    pin = os.environ.get(spec.pin_env)
    if pin:
        return pin
    if spec.default_pin is not None:
        return spec.default_pin
    if can_prompt():
        who = "cá nhân / officer" if spec.role == "officer" else "cơ quan / agency"
        return getpass.getpass(f"PIN token '{spec.token_label}' ({who}): ")
    raise E.pin_unavailable(spec.pin_env, spec.token_label)


def _tries_left(token) -> str:
    from pkcs11.constants import TokenFlag

    try:
        flags = token.flags
    except Exception:
        return ""
    if flags & TokenFlag.USER_PIN_FINAL_TRY:
        return "final"
    if flags & TokenFlag.USER_PIN_COUNT_LOW:
        return "low"
    return ""


def map_login_error(exc: Exception, label: str, token=None) -> Exception:
    """A python-pkcs11 login exception → the clerk's error."""
    from pkcs11 import exceptions as px

    if isinstance(exc, px.PinLocked):
        return E.pin_locked(label)
    if isinstance(exc, px.PinIncorrect | px.PinInvalid | px.PinLenRange):
        return E.wrong_pin(label, tries=_tries_left(token) if token is not None else "")
    if isinstance(exc, px.TokenNotPresent | px.DeviceRemoved | px.NoSuchToken):
        return E.token_absent(label, "")
    return E.TokenFailure(
        f"Token '{label}' báo lỗi: {type(exc).__name__}. Rút token ra, cắm lại và thử lại.",
        f"Token '{label}' failed: {type(exc).__name__}. Unplug it, plug it back in, retry.",
    )


def _open_pkcs11(spec: TokenSpec) -> Credential:
    from pkcs11 import exceptions as px
    from pkcs11.constants import TokenFlag
    from pyhanko.sign.pkcs11 import PKCS11Signer

    lib = load_lib(spec.module)
    try:
        token = lib.get_token(token_label=spec.token_label)
    except px.NoSuchToken as exc:
        raise E.token_absent(spec.token_label, spec.module) from exc
    except px.MultipleTokensReturned as exc:
        raise E.TokenFailure(
            f"Có nhiều token cùng nhãn '{spec.token_label}': chỉ cắm một token.",
            f"Several tokens are labelled '{spec.token_label}': plug in only one.",
        ) from exc
    if token.flags & TokenFlag.USER_PIN_LOCKED:        # do not burn a try on a locked token
        raise E.pin_locked(spec.token_label)
    pin = get_pin(spec)
    _count_login(failed=False)
    try:
        session = token.open(user_pin=pin)
    except px.PKCS11Error as exc:
        _count_login(failed=True)
        with contextlib.suppress(px.PKCS11Error):   # flags are a snapshot: re-read tries left
            token = lib.get_token(token_label=spec.token_label)
        raise map_login_error(exc, spec.token_label, token) from None
    finally:
        del pin
    try:
        signer = PKCS11Signer(session, cert_label=spec.key_label, key_label=spec.key_label)
        cert = signer.signing_cert          # loads key + certificate now, not mid-batch
    except Exception as exc:
        session.close()
        raise E.TokenFailure(
            f"Không tìm thấy khóa và chứng thư số nhãn '{spec.key_label}' trên token "
            f"'{spec.token_label}' ({exc}). Kiểm tra key_label trong config.toml.",
            f"No key and certificate labelled '{spec.key_label}' on token "
            f"'{spec.token_label}' ({exc}). Check key_label in config.toml.",
        ) from exc
    return Credential(spec=spec, signer=signer, cert=cert, _session=session)


def _open_pkcs12(spec: TokenSpec) -> Credential:
    assert spec.pkcs12 is not None
    if not spec.pkcs12.is_file():
        raise E.token_absent(str(spec.pkcs12), "PKCS#12", detail="file missing")
    password = os.environ.get(spec.p12_password_env)
    if password is None and can_prompt():
        password = getpass.getpass(f"Password of {spec.pkcs12.name}: ")
    signer = SimpleSigner.load_pkcs12(
        str(spec.pkcs12), passphrase=password.encode() if password else None)
    if signer is None:
        raise E.wrong_pin(spec.pkcs12.name)
    log.warning("signing with PKCS#12 file %s: development only, not for real documents",
                spec.pkcs12.name)
    return Credential(spec=spec, signer=signer, cert=signer.signing_cert)


def _check(cred: Credential, now: datetime) -> None:
    cert = cred.cert
    nb, na = cert.not_valid_before, cert.not_valid_after
    if not nb <= now <= na:
        raise E.cert_not_valid_now(cred.cn, f"{nb:%d/%m/%Y}", f"{na:%d/%m/%Y}", expired=now > na)
    # One raw signature proves the key on the token belongs to the certificate.
    probe = b"paperflow key/certificate check"
    mech = cred.signer.get_signature_mechanism_for_digest("sha256")
    try:
        sig = asyncio.run(cred.signer.async_sign_raw(probe, "sha256"))
        DefaultSignatureValidator().validate_signature(sig, probe, cert.public_key, mech)
    except Exception as exc:
        raise E.key_cert_mismatch(cred.spec.token_label, cred.spec.key_label) from exc


def open_credential(spec: TokenSpec, *, now: datetime | None = None) -> Credential:
    cred = _open_pkcs12(spec) if spec.pkcs12 else _open_pkcs11(spec)
    try:
        _check(cred, now or datetime.now(UTC))
    except BaseException:
        cred.close()
        raise
    return cred
