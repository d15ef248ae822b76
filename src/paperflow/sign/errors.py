"""The signing stage's errors: one class per thing a clerk or officer must act on differently.

All are `SigningError`s (exit code 6), so the batch and the CLI need no special cases; their
sentences are in errortexts.py.
"""

from __future__ import annotations

from ..errors import SigningError
from ..errortexts import Phrase, text


class PinUnavailable(SigningError):
    pass


class TokenAbsent(SigningError):
    pass


class WrongPin(SigningError):
    pass


class PinTriesLow(PinUnavailable):
    """The token says few tries are left: a PIN from the environment is not sent."""


class KeyNotFound(SigningError):
    """No key, or several, match the configured selection on the token."""


class PinLocked(SigningError):
    pass


class CertificateNotValidNow(SigningError):
    pass


class KeyCertificateMismatch(SigningError):
    pass


class AlreadySigned(SigningError):
    pass


class TokenFailure(SigningError):
    """The token or its library failed in a way we have no better words for."""


def token_absent(label: str, module: str, *, detail: str = "") -> TokenAbsent:
    return TokenAbsent("token_absent", label=label, extra=f" ({detail})" if detail else "",
                       module=module)


def tries_warning(tries: str) -> str:
    if tries not in ("low", "final"):
        return "\n"
    code = "tries_final" if tries == "final" else "tries_low"
    return f"{text(code, 0).strip()}\n{text(code, 1).strip()}"


def _tries(tries: str) -> Phrase | str:
    if tries not in ("low", "final"):
        return ""
    return Phrase("tries_final" if tries == "final" else "tries_low")


def wrong_pin(label: str, *, tries: str = "") -> WrongPin:
    return WrongPin("wrong_pin", label=label, tries=_tries(tries))


def pin_refused_before(label: str, env: str) -> WrongPin:
    if env:
        return WrongPin("pin_refused_before_env", label=label, env=env)
    return WrongPin("pin_refused_before", label=label)


def pin_tries_low(label: str, env: str, tries: str) -> PinTriesLow:
    return PinTriesLow("pin_final_try" if tries == "final" else "pin_tries_low", label=label, env=env)


def pin_locked(label: str) -> PinLocked:
    return PinLocked("pin_locked", label=label)


def cert_not_valid_now(cn: str, not_before: str, not_after: str, *, expired: bool,
                       ) -> CertificateNotValidNow:
    if expired:
        return CertificateNotValidNow("certificate_expired", cn=cn, not_after=not_after)
    return CertificateNotValidNow("certificate_not_yet_valid", cn=cn, not_before=not_before)


def key_cert_mismatch(label: str, key: str) -> KeyCertificateMismatch:
    return KeyCertificateMismatch("key_certificate_mismatch", key=key, label=label)


def already_signed(name: str) -> AlreadySigned:
    return AlreadySigned("already_signed", name=name)


def pin_unavailable(env: str, label: str) -> PinUnavailable:
    return PinUnavailable("pin_unavailable", label=label, env=env)


class CertificateRevoked(SigningError):
    pass


def cert_revoked(who: str) -> CertificateRevoked:
    return CertificateRevoked("certificate_revoked", who=who)


def key_not_found(label: str, selection: str, listing: str, *, count: int) -> KeyNotFound:
    return KeyNotFound("keys_ambiguous" if count > 1 else "key_not_found", label=label,
                       selection=selection, listing=listing, count=count)


def pinpad_prompt(label: str, role: str) -> str:
    who = "cá nhân / officer" if role == "officer" else "cơ quan / agency"
    return (f"Nhập mã PIN của token '{label}' ({who}) trên bàn phím của đầu đọc.\n"
            f"Type the PIN of token '{label}' on the reader's keypad.")
