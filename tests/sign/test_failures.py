"""Every way signing can fail leaves the unsigned PDFs untouched and says what to do."""

from __future__ import annotations

import hashlib

import pytest
from pkcs11 import exceptions as px

from paperflow import sign
from paperflow.errors import ExitCode, SigningError
from paperflow.sign.tokens import map_login_error

pytestmark = pytest.mark.slow


def _run(settings, docs):
    before = {d.pdf: hashlib.sha256(d.pdf.read_bytes()).digest() for d in docs}
    with pytest.raises(SigningError) as info:
        sign.sign_documents(docs, settings)
    for d in docs:
        assert hashlib.sha256(d.pdf.read_bytes()).digest() == before[d.pdf]
        assert not d.pdf.with_name(f"{d.pdf.stem}.signed.pdf").exists()
    err = info.value
    assert err.exit_code == ExitCode.SIGNING and err.vi and err.en and err.vi != err.en
    return err


@pytest.fixture
def docs(pdfs, tmp_path, make_doc):
    return [make_doc(tmp_path / "out", pdfs["marked"], "d1"),
            make_doc(tmp_path / "out", pdfs["marked"], "l1", type_="list")]


def test_wrong_pin(pki, docs, tmp_path, make_settings, monkeypatch, fresh_token):
    monkeypatch.setenv("PAPERFLOW_PIN", "000000")
    label = fresh_token()
    err = _run(make_settings(tmp_path, pki, token=label), docs)
    assert isinstance(err, sign.WrongPin)
    assert "PIN" in err.vi and label in err.en
    # SoftHSM2 raises USER_PIN_COUNT_LOW after a wrong PIN (it never locks): we pass it on
    assert "few tries" in err.en


def test_wrong_agency_pin_is_not_the_officer_pin(pki, docs, tmp_path, make_settings,
                                                monkeypatch, fresh_token):
    monkeypatch.setenv("PAPERFLOW_ORG_PIN", "999999")
    label = fresh_token("seal")
    err = _run(make_settings(tmp_path, pki, org_token=label), docs)
    assert isinstance(err, sign.WrongPin) and f"'{label}'" in err.en


def test_no_pin_and_no_terminal(pki, docs, tmp_path, make_settings, monkeypatch):
    monkeypatch.delenv("PAPERFLOW_PIN")
    monkeypatch.setattr("paperflow.sign.pins.can_prompt", lambda: False)
    err = _run(make_settings(tmp_path, pki), docs)
    assert isinstance(err, sign.PinUnavailable) and "PAPERFLOW_PIN" in err.en


def test_agency_pin_does_not_fall_back_to_officer_pin(pki, docs, tmp_path, make_settings,
                                                     monkeypatch):
    monkeypatch.delenv("PAPERFLOW_ORG_PIN")
    monkeypatch.setattr("paperflow.sign.pins.can_prompt", lambda: False)
    err = _run(make_settings(tmp_path, pki), docs)
    assert isinstance(err, sign.PinUnavailable) and "PAPERFLOW_ORG_PIN" in err.en


def test_absent_token(pki, docs, tmp_path, make_settings):
    err = _run(make_settings(tmp_path, pki, token="not-plugged-in"), docs)
    assert isinstance(err, sign.TokenAbsent) and "not-plugged-in" in err.vi


def test_expired_certificate(pki, docs, tmp_path, make_settings):
    err = _run(make_settings(tmp_path, pki, token="expired"), docs)
    assert isinstance(err, sign.CertificateNotValidNow) and "expired" in err.en
    assert "hết hạn" in err.vi


def test_certificate_not_yet_valid(pki, docs, tmp_path, make_settings):
    err = _run(make_settings(tmp_path, pki, token="notyet"), docs)
    assert isinstance(err, sign.CertificateNotValidNow) and "not valid yet" in err.en


def test_key_and_certificate_not_matching(pki, docs, tmp_path, make_settings):
    err = _run(make_settings(tmp_path, pki, token="mismatch"), docs)
    assert isinstance(err, sign.KeyCertificateMismatch)


def test_already_signed_input_is_refused_before_any_pin(pki, pdfs, tmp_path, make_settings,
                                                        make_doc, monkeypatch):
    settings = make_settings(tmp_path, pki)
    first = sign.sign_documents([make_doc(tmp_path / "a", pdfs["marked"], "x")], settings)
    signed_as_input = make_doc(tmp_path / "b", first[0].signed_pdf, "y")
    monkeypatch.setenv("PAPERFLOW_PIN", "000000")       # would fail if a login were tried
    err = _run(settings, [signed_as_input])
    assert isinstance(err, sign.AlreadySigned) and "y.pdf" in err.en


def test_missing_signature_image_is_named(pki, docs, tmp_path, make_settings):
    settings = make_settings(tmp_path, pki)
    from dataclasses import replace

    settings = replace(settings, signing=replace(settings.signing,
                                                 signature_image="missing.png"))
    err = _run(settings, docs)
    assert "missing.png" in err.en


@pytest.mark.parametrize(("exc", "cls", "words"), [
    (px.PinLocked(), sign.PinLocked, "Mẫu 06"),
    (px.PinIncorrect(), sign.WrongPin, "PIN"),
    (px.TokenNotPresent(), sign.TokenAbsent, "token"),
    (px.DeviceError(), sign.TokenFailure, "DeviceError"),
])
def test_login_errors_map_to_clerk_errors(exc, cls, words):
    # SoftHSM2 never locks a PIN (checked: 12 wrong PINs in a row, still usable), so the
    # locked case is exercised at the python-pkcs11 edge.
    err = map_login_error(exc, "officer")
    assert isinstance(err, cls) and words in err.vi


def test_final_try_flag_is_reported():
    from pkcs11.constants import TokenFlag

    class Token:
        flags = TokenFlag.USER_PIN_FINAL_TRY | TokenFlag.LOGIN_REQUIRED

    err = map_login_error(px.PinIncorrect(), "officer", Token())
    assert "FINAL TRY" in err.en and "CUỐI CÙNG" in err.vi
