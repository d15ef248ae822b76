"""verify_pdfs on our PDFs, tampered ones, foreign ones; the PKCS#12 signer; the demo PKI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers

from paperflow import sign
from pki_files import make_p12

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def signed(pki, pdfs, tmp_path_factory, make_settings, make_doc):
    ws = tmp_path_factory.mktemp("v")
    out = sign.sign_documents([make_doc(ws, pdfs["marked"], "d")], make_settings(ws, pki))
    return out[0].signed_pdf


def _p12(pki, path: Path, *, digital_signature_only: bool = False) -> Path:
    return make_p12(pki.ca, path, password=b"devpass", CN="Trần Thị Bình",
                    digital_signature_only=digital_signature_only)


def test_our_signed_pdf_reports_clerk_lines(signed, pki):
    [v] = sign.verify_pdfs([signed], [pki.ca_pem])
    assert v.valid
    text = "\n".join(v.lines())
    assert "HỢP LỆ (VALID)" in text and "Nguyễn Văn An" in text
    assert "+07:00" in text and "toàn bộ tệp (entire file)" in text


def test_unsigned_pdf_is_not_valid(pdfs, pki):
    [v] = sign.verify_pdfs([pdfs["marked"]], [pki.ca_pem])
    assert not v.valid and "no digital signature" in "\n".join(v.lines())


def test_untrusted_root_makes_it_invalid(signed, pki):
    [v] = sign.verify_pdfs([signed], [pki.other_ca_pem])
    assert not v.valid
    assert all(s.intact and not s.trusted for s in v.signatures)


def test_tampered_bytes_are_caught(signed, pki, tmp_path):
    data = bytearray(signed.read_bytes())
    at = data.find(b"/MediaBox")
    assert at > 0
    data[at + 12] = ord("9") if data[at + 12] != ord("9") else ord("8")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(bytes(data))
    [v] = sign.verify_pdfs([bad], [pki.ca_pem])
    assert not v.valid and not all(s.intact for s in v.signatures)


def test_content_appended_after_signing_is_reported(signed, pki, tmp_path):
    """An incremental update that changes page content (not a signature) is flagged."""
    from pyhanko.pdf_utils import generic

    with signed.open("rb") as fh:
        w = IncrementalPdfFileWriter(fh)
        page_ref = w.root["/Pages"]["/Kids"][0]
        page = page_ref.get_object()
        page["/Contents"] = w.add_object(generic.StreamObject(stream_data=b"BT ET"))
        w.update_container(page)
        out = tmp_path / "changed.pdf"
        with out.open("wb") as o:
            w.write(o)
    [v] = sign.verify_pdfs([out], [pki.ca_pem])
    assert not v.valid
    assert "modified after signing" in "\n".join(v.lines())


def test_pdf_signed_elsewhere_is_verified(pdfs, pki, tmp_path):
    p12 = _p12(pki, tmp_path / "other.p12", digital_signature_only=True)
    signer = signers.SimpleSigner.load_pkcs12(str(p12), passphrase=b"devpass")
    with pdfs["plain"].open("rb") as fh:
        w = IncrementalPdfFileWriter(fh)
        out = tmp_path / "elsewhere.pdf"
        with out.open("wb") as o:
            signers.sign_pdf(w, signers.PdfSignatureMetadata(field_name="Sig1"),
                             signer=signer, output=o)
    [v] = sign.verify_pdfs([out], [pki.ca_pem])
    assert v.valid, v.lines()
    assert v.signatures[0].signer_cn == "Trần Thị Bình"


def test_unreadable_file_is_not_valid(tmp_path, pki):
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"not a pdf")
    [v, missing] = sign.verify_pdfs([junk, tmp_path / "none.pdf"], [pki.ca_pem])
    assert not v.valid and not missing.valid and "not found" in missing.lines()[1]


def test_pkcs12_development_signer(pki, pdfs, tmp_path, make_settings, make_doc, monkeypatch):
    p12 = _p12(pki, tmp_path / "dev.p12")
    monkeypatch.setenv("PAPERFLOW_P12_PASSWORD", "devpass")
    settings = make_settings(tmp_path, pki, org=False, pkcs12="dev.p12")
    out = sign.sign_documents([make_doc(tmp_path, pdfs["marked"], "d")], settings)
    [v] = sign.verify_pdfs([out[0].signed_pdf], [pki.ca_pem])
    assert v.valid and v.signatures[0].signer_cn == "Trần Thị Bình"
    assert p12.exists()


def test_pkcs12_wrong_password(pki, pdfs, tmp_path, make_settings, make_doc, monkeypatch):
    _p12(pki, tmp_path / "dev.p12")
    monkeypatch.setenv("PAPERFLOW_P12_PASSWORD", "nope")
    settings = make_settings(tmp_path, pki, org=False, pkcs12="dev.p12")
    with pytest.raises(sign.WrongPin):
        sign.sign_documents([make_doc(tmp_path, pdfs["marked"], "d")], settings)


_DEMO = r"""
import json, sys
from pathlib import Path
from paperflow.config import Settings, SigningSettings
from paperflow.models import RenderedDocument
from paperflow import sign
from paperflow.sign.demo import ensure_demo_pki
ws, pdf = Path(sys.argv[1]), Path(sys.argv[2])
s = Settings(workspace=ws, signing=SigningSettings(demo=True, token_label="ignored"))
first = ensure_demo_pki(s)
again = ensure_demo_pki(s)
doc = RenderedDocument(path=pdf.with_suffix(".docx"), type="dispatch", request="", recipient="",
                       sender="", number="1/DEMO", pdf=pdf)
out = sign.sign_documents([doc], s)
print(json.dumps({"same": first == again, "signed": str(out[0].signed_pdf),
                  "ca": str(first.ca_pem)}))
"""


def test_demo_pki_end_to_end_in_a_fresh_process(pdfs, tmp_path):
    """A fresh process: python-pkcs11 holds one module per process, SoftHSM one config."""
    import json
    import os
    import shutil

    pdf = tmp_path / "doc.pdf"
    shutil.copyfile(pdfs["marked"], pdf)
    env = {k: v for k, v in os.environ.items()
           if k not in ("PAPERFLOW_PIN", "PAPERFLOW_ORG_PIN", "SOFTHSM2_CONF")}
    done = subprocess.run([sys.executable, "-c", _DEMO, str(tmp_path / "ws"), str(pdf)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["same"]
    assert "DEMO" in done.stderr          # says loudly that this is a demo token
    [v] = sign.verify_pdfs([Path(result["signed"])], [Path(result["ca"])])
    assert v.valid
    assert [s.signer_cn for s in v.signatures] == ["Nguyễn Văn An",
                                                   "Sở Khoa học và Công nghệ tỉnh Hưng Yên"]
    pki = tmp_path / "ws" / ".paperflow" / "demo-pki"
    assert (pki / "signature-demo.png").is_file() and (pki / "seal-demo.png").is_file()
    ca = x509.load_pem_x509_certificate((pki / "demo-ca.pem").read_bytes())
    assert "TEST DEMO" in ca.subject.rfc4514_string()


def test_trust_roots_come_from_the_config_relative_to_the_workspace(tmp_path):
    from paperflow.config import Settings, SigningSettings

    s = Settings(workspace=tmp_path, signing=SigningSettings(trust_roots=("ca.pem", "/x/r.pem")))
    assert sign.trust_roots(s) == [tmp_path / "ca.pem", Path("/x/r.pem")]
