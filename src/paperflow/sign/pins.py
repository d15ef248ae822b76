"""PIN safety: which PIN a login may use, decided from the token's own flags before C_Login.

A real USB token locks after a few wrong PINs, and unlocking it is a restoration request
(Mẫu 06) at the certificate authority. So, before any login:
- a LOCKED token gets no login at all (the Mẫu 06 message);
- a token with a protected authentication path (a PIN-pad reader) is logged in without a PIN:
  the clerk types it on the reader;
- when the token says tries are running out (CKF_USER_PIN_COUNT_LOW — per PKCS#11 set after any
  wrong PIN since the last good login — or CKF_USER_PIN_FINAL_TRY), a PIN nobody typed just now
  (PAPERFLOW_PIN / PAPERFLOW_ORG_PIN, the demo default) is not sent: a person types it at the
  prompt, or, without a terminal, a clear error says so;
- a PIN the token refused is remembered for the life of the process, by token identity, and
  never sent to that token again (so `watch` cannot burn a try per batch).
PINs live in memory only: the memory of refused ones is a keyed digest (the key is random per
process), nothing is written, logged or put into an error message.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import os
import secrets
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass

from . import errors as E

PROMPTS = 3             # typed PINs refused (already failed) before giving up at the prompt


def can_prompt() -> bool:
    """A terminal is attached, so a PIN prompt is possible."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):
        return False


@dataclass(frozen=True)
class TokenState:
    """What the token says about itself before login (C_GetTokenInfo)."""

    identity: tuple[str, ...]       # library, manufacturer, model, serial: "the same token"
    label: str
    locked: bool = False
    final_try: bool = False
    count_low: bool = False
    protected_path: bool = False

    @classmethod
    def of(cls, token, module: str) -> TokenState:
        from pkcs11.constants import TokenFlag

        flags = TokenFlag(int(token.flags))
        serial = token.serial
        serial = serial.hex() if isinstance(serial, bytes) else str(serial)
        return cls(
            identity=(module, str(token.manufacturer_id).strip(), str(token.model).strip(),
                      serial.strip()),
            label=str(token.label).strip(),
            locked=bool(flags & TokenFlag.USER_PIN_LOCKED),
            final_try=bool(flags & TokenFlag.USER_PIN_FINAL_TRY),
            count_low=bool(flags & TokenFlag.USER_PIN_COUNT_LOW),
            protected_path=bool(flags & TokenFlag.PROTECTED_AUTHENTICATION_PATH))

    @property
    def tries(self) -> str:
        """'final', 'low' or '' (as errors.wrong_pin words it)."""
        return "final" if self.final_try else "low" if self.count_low else ""


_KEY = secrets.token_bytes(32)
_REFUSED: dict[tuple[str, ...], set[bytes]] = {}
_REFUSED_LOCK = threading.Lock()


def _digest(pin: str) -> bytes:
    return hmac.new(_KEY, pin.encode("utf-8"), hashlib.sha256).digest()


def remember_refused(state: TokenState, pin: str) -> None:
    with _REFUSED_LOCK:
        _REFUSED.setdefault(state.identity, set()).add(_digest(pin))


def refused_before(state: TokenState, pin: str) -> bool:
    with _REFUSED_LOCK:
        return _digest(pin) in _REFUSED.get(state.identity, set())


def forget_refused() -> None:
    """Tests only: a fresh process's memory."""
    with _REFUSED_LOCK:
        _REFUSED.clear()


@dataclass(frozen=True)
class PinChoice:
    """The PIN to log in with (None: the PIN-pad reader asks) and where it comes from."""

    pin: str | None
    source: str                     # "env", "demo", "prompt" or "pinpad"


def choose_pin(state: TokenState, *, pin_env: str, role: str, default_pin: str | None = None,
               terminal: bool | None = None,
               ask: Callable[[str], str] | None = None) -> PinChoice:
    """The PIN for this login, or a typed error; no C_Login is made here. `ask` prompts
    (getpass by default)."""
    if state.locked:
        raise E.pin_locked(state.label)
    if state.protected_path:
        return PinChoice(None, "pinpad")
    terminal = can_prompt() if terminal is None else terminal
    auto = os.environ.get(pin_env) or default_pin
    warning = ""
    if auto:
        source = "env" if os.environ.get(pin_env) else "demo"
        if refused_before(state, auto):
            if not terminal:
                raise E.pin_refused_before(state.label, pin_env)
            warning = (f"Mã PIN trong {pin_env} đã bị token từ chối: hãy nhập mã PIN đúng.\n"
                       f"The PIN in {pin_env} was refused by the token: type the right PIN.")
        elif state.tries:
            if not terminal:
                raise E.pin_tries_low(state.label, pin_env, state.tries)
            warning = (f"{E.tries_warning(state.tries)}\nMã PIN trong {pin_env} không được dùng "
                       f"tự động: hãy nhập PIN.\nThe PIN in {pin_env} is not sent "
                       "automatically: type it.")
        else:
            return PinChoice(auto, source)
    elif not terminal:
        raise E.pin_unavailable(pin_env, state.label)
    elif state.tries:
        warning = E.tries_warning(state.tries)
    who = "cá nhân / officer" if role == "officer" else "cơ quan / agency"
    prompt = f"PIN token '{state.label}' ({who}): "
    ask = ask or getpass.getpass
    for _ in range(PROMPTS):
        typed = ask(f"{warning}\n{prompt}" if warning else prompt)
        if not typed:
            raise E.pin_unavailable(pin_env, state.label)
        if not refused_before(state, typed):
            return PinChoice(typed, "prompt")
        warning = ("Mã PIN này đã bị token từ chối trong lần chạy này; không gửi lại. "
                   "(This PIN was refused by the token in this run; it is not sent again.)")
    raise E.pin_refused_before(state.label, "")
