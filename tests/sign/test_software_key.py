"""Signing without a token, fast: the development PKCS#12 signer through the batch's own session
(BatchSession: one login, the visible signature placed, the file written beside the draft), then
checked by verify_pdfs against the test CA. The token (SoftHSM) tests are in the other files and
are slow; this one keeps the sign package in `pytest -m "not slow"`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from paperflow import sign
from paperflow.config import Settings, SigningSettings
from paperflow.models import RenderedDocument
from paperflow.sign import appearance, demo, trustinfo
from pki_files import make_p12


def _blank_a4() -> bytes:
    """A one-page A4 PDF without text (Pillow writes a complete file, cross-references too)."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (595, 842), 255).save(buf, "PDF", resolution=72)
    return buf.getvalue()


PDF = _blank_a4()


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> tuple[demo.TestCa, Path]:
    root = tmp_path_factory.mktemp("ca")
    return demo.make_ca(root / "ca.pem", root / "ca-key.pem"), root / "ca.pem"


def _settings(ws: Path, ca: tuple[demo.TestCa, Path]) -> Settings:
    """A workspace signing with dev.p12 (password 'devpass'), trusting the test CA."""
    test_ca, ca_pem = ca
    ws.mkdir(parents=True, exist_ok=True)
    make_p12(test_ca, ws / "dev.p12", password=b"devpass", curve=True, CN="Trần Thị Bình")
    return Settings(workspace=ws, signing=SigningSettings(
        pkcs12="dev.p12", trust_roots=(str(ca_pem),), embed_revocation=False))


def _draft(folder: Path) -> RenderedDocument:
    pdf = folder / "CV-Mau04.pdf"
    pdf.write_bytes(PDF)
    return RenderedDocument(path=folder / "CV-Mau04.docx", type="dispatch", request="change_info",
                            recipient="Cục Chứng thực số", sender="Sở Nội vụ tỉnh Hưng Yên",
                            number="12/SNV-VP", pdf=pdf)


def test_one_session_signs_and_the_signature_is_valid_against_the_ca(ca, tmp_path, monkeypatch):
    settings = _settings(tmp_path / "ws", ca)
    monkeypatch.setenv("PAPERFLOW_P12_PASSWORD", "devpass")
    doc = _draft(settings.workspace)
    with sign.BatchSession(settings) as session:
        (out,) = session.sign([doc])
        assert session.sessions_opened == 1
    assert out.signed_pdf == sign.signed_path(doc.pdf) and out.signed_pdf.is_file()
    assert doc.pdf.read_bytes() == PDF                  # the draft is left as it was
    (report,) = sign.verify_pdfs([out.signed_pdf], [ca[1]])
    assert report.valid, report.lines()
    assert report.signatures[0].signer_cn == "Trần Thị Bình"
    # no marker on the page: the signature goes bottom right of the last page
    layout = appearance.scan_pdf(out.signed_pdf)
    place = appearance.officer_placement(layout)
    assert layout.marker is None and not place.from_marker and place.page == 0
    assert place.box[2] <= layout.media[0][2] and place.box[0] > layout.media[0][2] / 2


def test_a_wrong_password_is_a_wrong_pin_and_nothing_is_signed(ca, tmp_path, monkeypatch):
    settings = _settings(tmp_path / "ws", ca)
    monkeypatch.setenv("PAPERFLOW_P12_PASSWORD", "nope")
    doc = _draft(settings.workspace)
    with pytest.raises(sign.WrongPin):
        sign.sign_documents([doc], settings)
    assert not sign.signed_path(doc.pdf).exists()


def test_revocation_addresses_come_from_the_signer_and_never_from_the_root(ca):
    from asn1crypto import x509 as ax509
    from cryptography.x509.oid import AuthorityInformationAccessOID

    test_ca, _pem = ca
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    crl, ocsp = "http://ca.example.vn/ca.crl", "http://ocsp.example.vn"
    cert = (x509.CertificateBuilder().subject_name(demo._name(CN="Nguyễn Văn An"))  # noqa: SLF001
            .issuer_name(test_ca.cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + timedelta(days=30))
            .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                [x509.UniformResourceIdentifier(crl)], None, None, None)]), critical=False)
            .add_extension(x509.AuthorityInformationAccess([x509.AccessDescription(
                AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp))]),
                critical=False)
            .sign(test_ca.key, hashes.SHA256()))

    def der(c: x509.Certificate) -> ax509.Certificate:
        return ax509.Certificate.load(c.public_bytes(serialization.Encoding.DER))

    assert trustinfo.revocation_urls(der(cert), [der(test_ca.cert)]) == [crl, ocsp]
    assert trustinfo.revocation_urls(der(test_ca.cert)) == []       # a root is not checked
