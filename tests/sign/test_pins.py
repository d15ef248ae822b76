"""PIN safety: a refused PIN is sent once per process; an environment PIN is not sent when the
token says tries are running out; a locked token gets no login; a PIN-pad reader gets none.

SoftHSM2 (2.6) sets CKF_USER_PIN_COUNT_LOW after a wrong PIN (kept in its token store, cleared
by the next good login), so that case runs on a real token. It never sets FINAL_TRY or LOCKED
and has no protected authentication path: those run on the real SoftHSM token behind the
smallest fake of C_GetTokenInfo's flags (`FlagToken`), whose C_Login stays real.
"""

from __future__ import annotations

import hashlib

import pytest
from pkcs11 import PROTECTED_AUTH
from pkcs11.constants import TokenFlag

from paperflow import sign
from paperflow.sign import pins, tokens
from paperflow.sign.pins import TokenState, choose_pin

PIN = "246810"          # conftest's officer PIN (fresh tokens use it too)


def _counts() -> tuple[int, int]:
    return tokens.LOGINS.attempts, tokens.LOGINS.failed


def _digests(docs) -> dict:
    return {d.pdf: hashlib.sha256(d.pdf.read_bytes()).digest() for d in docs}


@pytest.fixture
def one_doc(pdfs, tmp_path, make_doc):
    return lambda name: [make_doc(tmp_path / "out", pdfs["marked"], name)]


# --- the rules, without a token (fast) -------------------------------------------------------

STATE = TokenState(identity=("lib", "maker", "model", "0001"), label="officer")


def _no_prompt(_text: str) -> str:
    raise AssertionError("prompted")


@pytest.mark.parametrize(("flags", "cls", "words"), [
    ({"locked": True}, sign.PinLocked, "Mẫu 06"),
    ({"count_low": True}, sign.PinUnavailable, "few tries are left"),
    ({"final_try": True}, sign.PinUnavailable, "FINAL TRY"),
])
def test_env_pin_not_sent_when_the_token_warns(flags, cls, words, monkeypatch):
    monkeypatch.setenv("PAPERFLOW_PIN", PIN)
    state = TokenState(identity=STATE.identity, label="officer", **flags)
    with pytest.raises(cls) as info:
        choose_pin(state, pin_env="PAPERFLOW_PIN", role="officer", terminal=False,
                   ask=_no_prompt)
    assert words in info.value.en and info.value.vi != info.value.en
    assert PIN not in info.value.en + info.value.vi


def test_with_a_terminal_the_clerk_types_it_instead(monkeypatch):
    monkeypatch.setenv("PAPERFLOW_PIN", "111111")
    asked: list[str] = []
    state = TokenState(identity=STATE.identity, label="officer", final_try=True)
    choice = choose_pin(state, pin_env="PAPERFLOW_PIN", role="officer", terminal=True,
                        ask=lambda text: asked.append(text) or PIN)
    assert choice.pin == PIN and choice.source == "prompt"
    assert "LẦN THỬ CUỐI CÙNG" in asked[0] and "FINAL TRY" in asked[0]


def test_pinpad_reader_gets_no_pin_even_with_one_in_the_environment(monkeypatch):
    monkeypatch.setenv("PAPERFLOW_PIN", PIN)
    state = TokenState(identity=STATE.identity, label="officer", protected_path=True)
    choice = choose_pin(state, pin_env="PAPERFLOW_PIN", role="officer", terminal=False)
    assert choice.pin is None and choice.source == "pinpad"


def test_a_refused_pin_is_remembered_by_token_not_sent_again(monkeypatch):
    pins.forget_refused()
    monkeypatch.setenv("PAPERFLOW_PIN", "000000")
    pins.remember_refused(STATE, "000000")
    with pytest.raises(sign.WrongPin) as info:
        choose_pin(STATE, pin_env="PAPERFLOW_PIN", role="officer", terminal=False)
    assert "already refused" in info.value.en and "000000" not in info.value.en
    other = TokenState(identity=("lib", "maker", "model", "0002"), label="officer")
    assert choose_pin(other, pin_env="PAPERFLOW_PIN", role="officer", terminal=False).pin
    typed = iter(["000000", PIN])           # at the prompt: refused again, then the right one
    assert choose_pin(STATE, pin_env="NO_SUCH_ENV", role="officer", terminal=True,
                      ask=lambda _t: next(typed)).pin == PIN
    assert "000000" not in repr(pins._REFUSED)      # a keyed digest, not the PIN


# --- on SoftHSM2 -------------------------------------------------------------------------------

@pytest.mark.slow
def test_wrong_env_pin_is_one_failed_login_across_calls(pki, one_doc, tmp_path, make_settings,
                                                        fresh_token, monkeypatch):
    monkeypatch.setenv("PAPERFLOW_PIN", "000000")
    settings = make_settings(tmp_path, pki, token=fresh_token(), org=False)
    docs = one_doc("d")
    before, start = _digests(docs), _counts()
    for _ in range(3):                      # as the old line did: one call per group
        with pytest.raises(sign.WrongPin):
            sign.sign_documents(docs, settings)
    with sign.BatchSession(settings) as session:
        for _ in range(2):
            with pytest.raises(sign.WrongPin):
                session.sign(docs)
    attempts, failed = _counts()
    assert (attempts - start[0], failed - start[1]) == (1, 1)
    assert _digests(docs) == before and not (tmp_path / "out" / "d.signed.pdf").exists()


@pytest.mark.slow
def test_count_low_refuses_env_pin_until_typed_at_the_prompt(pki, one_doc, tmp_path,
                                                             make_settings, fresh_token,
                                                             monkeypatch):
    label = fresh_token()
    settings = make_settings(tmp_path, pki, token=label, org=False)
    monkeypatch.setenv("PAPERFLOW_PIN", "000000")
    with pytest.raises(sign.WrongPin):
        sign.sign_documents(one_doc("a"), settings)
    start = _counts()
    monkeypatch.setenv("PAPERFLOW_PIN", PIN)        # the right PIN now, but nobody typed it
    monkeypatch.setattr(pins, "can_prompt", lambda: False)
    with pytest.raises(sign.PinUnavailable) as info:
        sign.sign_documents(one_doc("b"), settings)
    assert isinstance(info.value, sign.PinTriesLow) and "PAPERFLOW_PIN" in info.value.en
    assert _counts() == start                       # no C_Login at all
    asked: list[str] = []
    monkeypatch.setattr(pins, "can_prompt", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda text: asked.append(text) or PIN)
    [doc] = sign.sign_documents(one_doc("c"), settings)
    assert len(asked) == 1 and "ít lần thử" in asked[0] and "few tries" in asked[0]
    [result] = sign.verify_pdfs([doc.signed_pdf], [pki.ca_pem])
    assert result.valid and result.signatures[0].signer_cn == "Nguyễn Văn An"
    monkeypatch.setattr(pins, "can_prompt", lambda: False)   # the good login reset the token
    assert sign.sign_documents(one_doc("d"), settings)[0].signed_pdf is not None
    assert _counts()[1] == start[1]


class FlagToken:
    """A real SoftHSM token whose C_GetTokenInfo flags the test chooses; its C_Login is real
    (a PIN-pad login is the clerk typing the right PIN on the reader)."""

    def __init__(self, real, flags: TokenFlag) -> None:
        self._real, self.flags, self.logins = real, flags, []

    def __getattr__(self, name):
        return getattr(self._real, name)

    def open(self, user_pin=None, **kwargs):
        self.logins.append("pinpad" if user_pin is PROTECTED_AUTH else "pin")
        return self._real.open(user_pin=PIN if user_pin is PROTECTED_AUTH else user_pin,
                               **kwargs)


@pytest.fixture
def flagged(monkeypatch):
    """flagged(flag) → the FlagToken list the officer's token is served through."""
    served: list[FlagToken] = []

    def arm(flag: TokenFlag) -> list[FlagToken]:
        real_find = tokens.find_token

        def find(lib, spec):
            token = real_find(lib, spec)
            served.append(FlagToken(token, TokenFlag(int(token.flags)) | flag))
            return served[-1]

        monkeypatch.setattr(tokens, "find_token", find)
        return served

    return arm


@pytest.mark.slow
@pytest.mark.parametrize(("flag", "cls", "words"), [
    (TokenFlag.USER_PIN_LOCKED, sign.PinLocked, "Mẫu 06"),
    (TokenFlag.USER_PIN_FINAL_TRY, sign.PinTriesLow, "FINAL TRY"),
])
def test_locked_or_final_try_token_gets_no_login(flag, cls, words, pki, one_doc, tmp_path,
                                                 make_settings, flagged, monkeypatch):
    monkeypatch.setattr(pins, "can_prompt", lambda: False)
    served = flagged(flag)
    start = _counts()
    with pytest.raises(cls) as info:
        sign.sign_documents(one_doc("d"), make_settings(tmp_path, pki, org=False))
    assert words in info.value.en and served and all(t.logins == [] for t in served)
    assert _counts() == start


@pytest.mark.slow
def test_pinpad_reader_logs_in_without_a_pin(pki, one_doc, tmp_path, make_settings, flagged,
                                            monkeypatch, capsys):
    monkeypatch.setenv("PAPERFLOW_PIN", "000000")   # never sent to a PIN-pad reader
    served = flagged(TokenFlag.PROTECTED_AUTHENTICATION_PATH)
    [doc] = sign.sign_documents(one_doc("d"), make_settings(tmp_path, pki, org=False))
    assert [t.logins for t in served] == [["pinpad"]]
    err = capsys.readouterr().err
    assert "bàn phím của đầu đọc" in err and "reader's keypad" in err
    [result] = sign.verify_pdfs([doc.signed_pdf], [pki.ca_pem])
    assert result.valid and result.signatures[0].signer_cn == "Nguyễn Văn An"
