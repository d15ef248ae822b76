"""Opening a signing credential: a PKCS#11 token (production) or a PKCS#12 file (development).

One `Credential` = one PKCS#11 session + one login, held for a whole batch (pyHanko caches the
key handle, so hundreds of PDFs cost one PIN entry). The PIN is chosen by pins.py from the
token's flags (locked, tries left, PIN-pad reader); the key by keys.py (label, CKA_ID or the
certificate's serial). A key with CKA_ALWAYS_AUTHENTICATE gets the PIN again on every
signature, from memory (C_Login CKU_CONTEXT_SPECIFIC). Before the first document is touched the
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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from asn1crypto import x509
from pyhanko.sign.signers import SimpleSigner
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko_certvalidator.sig_validate import DefaultSignatureValidator

from . import errors as E
from .keys import KeySelector, find_key
from .pins import TokenState, can_prompt, choose_pin, remember_refused

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
            raise E.TokenFailure("pkcs11_load_failed", module=module, exc=exc) from exc
        _LIBS[module] = (lib, conf)
        return lib


@dataclass
class LoginCounts:
    """C_Login calls this process made, for the batch result, the bench and the tests."""

    attempts: int = 0
    failed: int = 0         # … that the token (or its library) refused


LOGINS = LoginCounts()
_LOGINS_LOCK = threading.Lock()


def _count_login(*, refused: bool = False) -> None:
    """One C_Login about to be made, or (refused=True) the one just made failed."""
    with _LOGINS_LOCK:
        if refused:
            LOGINS.failed += 1
        else:
            LOGINS.attempts += 1


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
    key_id: bytes | None = None     # CKA_ID of the key (config key_id, hex)
    cert_serial: int | None = None  # or the serial number of its certificate (config, hex)

    @property
    def selector(self) -> KeySelector:
        return KeySelector(self.key_label, self.key_id, self.cert_serial)


@dataclass
class Credential:
    """An open signer; `close()` logs out and closes the session."""

    spec: TokenSpec
    signer: Signer
    cert: x509.Certificate
    _session: object = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    # pyHanko's sign kwargs: holds the PIN (in memory) for a key that asks for it on every
    # signature (CKA_ALWAYS_AUTHENTICATE); emptied on close
    _sign_kwargs: dict = field(default_factory=dict, repr=False)
    always_authenticate: bool = False

    @property
    def cn(self) -> str:
        return self.cert.subject.native.get("common_name", "") or self.cert.subject.human_friendly

    def __enter__(self) -> Credential:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._sign_kwargs.clear()
        if self._session is not None:
            try:
                self._session.close()
            except Exception:  # closing a removed token must not hide the real outcome
                log.debug("closing the PKCS#11 session failed", exc_info=True)
            self._session = None


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
    return E.TokenFailure("token_failed", label=label, error_type=type(exc).__name__)


def find_token(lib, spec: TokenSpec):
    """The token labelled `spec.token_label` (tests swap in one whose flags they choose)."""
    from pkcs11 import exceptions as px

    try:
        return lib.get_token(token_label=spec.token_label)
    except px.NoSuchToken as exc:
        raise E.token_absent(spec.token_label, spec.module) from exc
    except px.MultipleTokensReturned as exc:
        raise E.TokenFailure("token_label_repeated", token_label=spec.token_label) from exc


def tell_clerk(message: str) -> None:
    """A message the person at the token must see now (the PIN-pad reader waits for them)."""
    log.warning("%s", message.replace("\n", " "))
    with contextlib.suppress(OSError, ValueError):
        print(message, file=sys.stderr, flush=True)


def _login(lib, spec: TokenSpec, tell: Callable[[str], None]) -> tuple[object, str | None]:
    """One C_Login, decided by pins.choose_pin from the token's flags: (session, the PIN,
    or None when the PIN-pad reader took it)."""
    from pkcs11 import PROTECTED_AUTH
    from pkcs11 import exceptions as px

    token = find_token(lib, spec)
    state = TokenState.of(token, spec.module)
    choice = choose_pin(state, pin_env=spec.pin_env, role=spec.role,
                        default_pin=spec.default_pin)
    if choice.pin is None:
        tell(E.pinpad_prompt(spec.token_label, spec.role))
    _count_login()
    try:
        session = token.open(user_pin=PROTECTED_AUTH if choice.pin is None else choice.pin)
    except px.PKCS11Error as exc:
        _count_login(refused=True)
        if choice.pin is not None and isinstance(exc, px.PinIncorrect | px.PinInvalid
                                                 | px.PinLenRange):
            remember_refused(state, choice.pin)     # never sent to this token again
        with contextlib.suppress(E.SigningError, px.PKCS11Error):  # flags now: tries left
            token = find_token(lib, spec)
        raise map_login_error(exc, spec.token_label, token) from None
    return session, choice.pin


def _open_pkcs11(spec: TokenSpec, tell: Callable[[str], None]) -> Credential:
    from pyhanko.sign.pkcs11 import PKCS11Signer

    lib = load_lib(spec.module)
    session, pin = _login(lib, spec, tell)
    try:
        found = find_key(session, spec.selector, spec.token_label)
        # a key asking for the PIN on every signature gets it from memory (pyHanko's
        # signing_pin_mode REAUTHENTICATE does the same: `pin` in the sign kwargs)
        kwargs = {"pin": pin} if found.always_authenticate and pin is not None else {}
        signer = PKCS11Signer(session, base_sign_kwargs=kwargs, **found.signer_args)
        cert = signer.signing_cert          # loads key + certificate now, not mid-batch
    except E.KeyNotFound:
        session.close()
        raise
    except Exception as exc:
        session.close()
        raise E.TokenFailure("token_key_unreadable", selector=spec.selector, token_label=spec.token_label,
                             exc=exc) from exc
    return Credential(spec=spec, signer=signer, cert=cert, _session=session,
                      _sign_kwargs=kwargs, always_authenticate=found.always_authenticate)


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
    except Exception as exc:
        from pkcs11 import exceptions as px

        if isinstance(exc, px.UserNotLoggedIn) and cred.always_authenticate:
            raise E.TokenFailure("pinpad_per_signature", token_label=cred.spec.token_label) from exc
        raise E.key_cert_mismatch(cred.spec.token_label, str(cred.spec.selector)) from exc
    try:
        DefaultSignatureValidator().validate_signature(sig, probe, cert.public_key, mech)
    except Exception as exc:
        raise E.key_cert_mismatch(cred.spec.token_label, str(cred.spec.selector)) from exc


def open_credential(spec: TokenSpec, *, now: datetime | None = None,
                    tell: Callable[[str], None] = tell_clerk) -> Credential:
    """The logged-in, checked credential of one token (a context manager: closes on exit)."""
    cred = _open_pkcs12(spec) if spec.pkcs12 else _open_pkcs11(spec, tell)
    try:
        _check(cred, now or datetime.now(UTC))
    except BaseException:
        cred.close()
        raise
    return cred
