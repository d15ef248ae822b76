"""Real tokens' keys on SoftHSM2: two keys under one label told apart by CKA_ID (`key_id`) or by
their certificate's serial (`cert_serial`), and a key with CKA_ALWAYS_AUTHENTICATE (SoftHSM 2.6
honours it: C_Sign without a context-specific login fails with CKR_USER_NOT_LOGGED_IN)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace

import pytest
from pkcs11 import Attribute, Mechanism, ObjectClass
from pkcs11 import exceptions as px

from paperflow import sign
from paperflow.errors import ConfigError
from paperflow.sign import demo, tokens
from paperflow.sign.signing import resolve_setup

pytestmark = pytest.mark.slow

PIN = "246810"
AN, BINH = "Nguyễn Văn An", "Trần Thị Bình"


@pytest.fixture(scope="module")
def two_keys(pki):
    """Token 'twokeys': 'signer' with CKA_ID 01 (Nguyễn Văn An) and with 02 (Trần Thị Bình)."""
    first = demo.make_token(pki.conf, pki.ca, label="twokeys", key_label="signer", pin=PIN,
                            subject=demo._name(CN=AN, C="VN"))
    second = demo.add_key(pki.ca, label="twokeys", key_label="signer", pin=PIN,
                          key_id=b"\x02", subject=demo._name(CN=BINH, C="VN"))
    return first, second


def _signer_cns(pdf) -> tuple[list[str], list[str]]:
    """(pyHanko's signer names, pdfsig's) for one signed PDF, both checking validity."""
    [result] = sign.verify_pdfs([pdf], [])
    out = subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True).stdout
    blocks = re.split(r"\nSignature #\d+:\n", out)[1:]
    assert all("Signature Validation: Signature is Valid." in b for b in blocks), out
    return ([s.signer_cn for s in result.signatures if s.intact],
            [re.search(r"Signer Certificate Common Name: (.*)", b).group(1) for b in blocks])


def test_repeated_label_is_refused_and_the_keys_listed(pki, two_keys, pdfs, tmp_path,
                                                      make_settings, make_doc):
    settings = make_settings(tmp_path, pki, token="twokeys", org=False)
    with pytest.raises(sign.KeyNotFound) as info:
        sign.sign_documents([make_doc(tmp_path, pdfs["marked"], "d")], settings)
    err = info.value
    assert "2 keys" in err.en and 'key_id = "01"' in err.en and 'key_id = "02"' in err.en
    for cert in two_keys:
        assert f'cert_serial = "{cert.serial_number:x}"' in err.vi
    assert AN in err.en and BINH in err.en


@pytest.mark.parametrize(("how", "who"), [("key_id", BINH), ("cert_serial", AN)])
def test_key_chosen_by_id_or_certificate_serial(how, who, pki, two_keys, pdfs, tmp_path,
                                                make_settings, make_doc):
    if how == "key_id":
        chosen = {"key_id": "02"}
    else:       # as printed on the CA's paperwork: hex pairs with colons, upper case
        raw = f"{two_keys[0].serial_number:x}"
        raw = raw.rjust(len(raw) + len(raw) % 2, "0").upper()
        chosen = {"cert_serial": ":".join(raw[i:i + 2] for i in range(0, len(raw), 2))}
    settings = make_settings(tmp_path, pki, token="twokeys", org=False, **chosen)
    [doc] = sign.sign_documents([make_doc(tmp_path, pdfs["marked"], "d")], settings)
    [result] = sign.verify_pdfs([doc.signed_pdf], [pki.ca_pem])
    assert result.valid
    assert _signer_cns(doc.signed_pdf) == ([who], [who])


def test_bad_hex_is_named(pki, tmp_path, make_settings):
    settings = make_settings(tmp_path, pki, key_id="zz01")
    with pytest.raises(ConfigError) as info:
        resolve_setup(settings)
    assert "signing.key_id" in info.value.en and "hex" in info.value.en
    org = replace(settings.signing.organization, cert_serial="12:3g")
    with pytest.raises(ConfigError) as info:
        resolve_setup(replace(settings, signing=replace(settings.signing, key_id="",
                                                        organization=org)))
    assert "signing.organization.cert_serial" in info.value.en


def test_key_asking_for_the_pin_on_every_signature(pki, pdfs, tmp_path, make_settings,
                                                   make_doc):
    demo.make_token(pki.conf, pki.ca, label="always", key_label="x", pin=PIN,
                    subject=demo._name(CN="unused", C="VN"))
    demo.add_key(pki.ca, label="always", key_label="signer", key_id=b"\x09", pin=PIN,
                 subject=demo._name(CN=AN, C="VN"), always_authenticate=True)
    # SoftHSM really asks: without a context-specific login C_Sign is refused
    token = tokens.load_lib(demo.SOFTHSM_LIB).get_token(token_label="always")
    with token.open(user_pin=PIN) as session:
        key = next(session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY,
                                        Attribute.ID: b"\x09"}))
        assert key[Attribute.ALWAYS_AUTHENTICATE] is True
        with pytest.raises(px.UserNotLoggedIn):
            key.sign(b"probe", mechanism=Mechanism.SHA256_RSA_PKCS)
    settings = make_settings(tmp_path, pki, token="always", org=False, key_id="09")
    docs = [make_doc(tmp_path / "out", pdfs["marked"], f"d{i}") for i in range(3)]
    with sign.BatchSession(settings) as session:
        signed = session.sign(docs[:2]) + session.sign(docs[2:])
    assert session.logins["officer"] == 1
    results = sign.verify_pdfs([d.signed_pdf for d in signed], [pki.ca_pem])
    assert all(r.valid and r.signatures[0].signer_cn == AN for r in results)
