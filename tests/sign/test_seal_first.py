"""A batch whose first signing step holds only attachments (seal alone) and whose next holds
officer documents: both signed, each token logged in once (on a busy machine the line's first
converted PDF is often a list)."""

from __future__ import annotations

import pytest

from paperflow import sign
from paperflow.errors import SigningError

pytestmark = pytest.mark.slow


def test_attachments_first_then_officer_documents(pki, pdfs, tmp_path, make_settings, make_doc):
    settings = make_settings(tmp_path, pki)
    lists = [make_doc(tmp_path / "out", pdfs["marked"], f"list{i}", type_="list") for i in range(2)]
    letters = [make_doc(tmp_path / "out", pdfs["marked"], f"cv{i}") for i in range(2)]
    with sign.BatchSession(settings) as session:
        first = session.sign(lists)
        then = session.sign(letters)
    assert session.logins == {"officer": 1, "agency": 1}
    results = sign.verify_pdfs([d.signed_pdf for d in first + then], [pki.ca_pem])
    assert all(r.valid for r in results), [r.lines() for r in results if not r.valid]
    assert [s.signer_cn for s in results[0].signatures] == [
        "Sở Khoa học và Công nghệ tỉnh Hưng Yên"]
    assert [s.signer_cn for s in results[-1].signatures] == [
        "Nguyễn Văn An", "Sở Khoa học và Công nghệ tỉnh Hưng Yên"]


def test_a_wrong_officer_pin_after_attachments_is_a_wrong_pin(pki, pdfs, tmp_path, make_settings,
                                                              make_doc, fresh_token, monkeypatch):
    settings = make_settings(tmp_path, pki, token=fresh_token())
    lists = [make_doc(tmp_path / "out", pdfs["marked"], f"list{i}", type_="list") for i in range(2)]
    letters = [make_doc(tmp_path / "out", pdfs["marked"], f"cv{i}") for i in range(2)]
    monkeypatch.setenv("PAPERFLOW_PIN", "999999")
    with sign.BatchSession(settings) as session:
        session.sign(lists)
        with pytest.raises(sign.WrongPin):
            session.sign(letters)


def test_a_pdf_the_signer_cannot_read_is_the_documents_fault_not_the_tokens(
        pki, pdfs, tmp_path, make_settings, make_doc):
    settings = make_settings(tmp_path, pki)
    broken = make_doc(tmp_path / "out", pdfs["marked"], "torn", type_="list")
    broken.pdf.write_bytes(broken.pdf.read_bytes()[:400])          # cut mid-file
    good = make_doc(tmp_path / "out", pdfs["marked"], "cv")
    with sign.BatchSession(settings) as session:
        with pytest.raises(SigningError) as caught:
            session.sign([broken])
        assert caught.value.code == "pdf_unreadable_for_signing"
        assert "torn.pdf" in caught.value.vi and not isinstance(caught.value, sign.TokenFailure)
        (signed,) = session.sign([good])            # the token was not given up
    assert session.logins == {"officer": 1, "agency": 1}
    assert sign.verify_pdfs([signed.signed_pdf], [pki.ca_pem])[0].valid
