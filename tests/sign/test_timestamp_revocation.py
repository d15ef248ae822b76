"""RFC 3161 timestamps from a real local TSA and revocation info from a local CRL server.

Both servers listen on 127.0.0.1 only (conftest.local_pki_server); the TSA certificate and the
CRL are issued by the session's test CA.
"""

from __future__ import annotations

import hashlib
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import cms
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.general import find_cms_attribute_iter
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from paperflow import sign
from paperflow.errors import SigningError

pytestmark = pytest.mark.slow


def _statuses(pdf: Path, roots, **vc_kwargs):
    with pdf.open("rb") as fh:
        reader = PdfFileReader(fh)
        return [validate_pdf_signature(e, ValidationContext(trust_roots=roots, **vc_kwargs))
                for e in reader.embedded_signatures]


def _embedded_crls(pdf: Path) -> list[list]:
    """Per signature, the CRLs in its signed adobe-revinfo-archival attribute."""
    out = []
    with pdf.open("rb") as fh:
        for e in PdfFileReader(fh).embedded_signatures:
            found = list(find_cms_attribute_iter(e.signer_info["signed_attrs"],
                                                 "adobe_revocation_info_archival"))
            out.append([c for ria in found for c in (ria["crl"] or ())])
    return out


@pytest.fixture
def server(local_pki_server):
    local_pki_server.mode = "ok"
    yield local_pki_server
    local_pki_server.mode = "ok"


# --- timestamps ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def stamped(pki, pdfs, tmp_path_factory, make_settings, make_doc, local_pki_server):
    local_pki_server.mode = "ok"
    ws = tmp_path_factory.mktemp("tsa")
    settings = make_settings(ws, pki, tsa_url=f"{local_pki_server.url}/tsa")
    docs = [make_doc(ws / "out", pdfs["marked"], "dispatch"),
            make_doc(ws / "out", pdfs["marked"], "list", type_="list")]
    return sign.sign_batch(docs, settings)


def test_every_signature_carries_a_trusted_timestamp(stamped, pki):
    assert stamped.signed == 2
    assert not any("TSA" in n for n in stamped.notes), stamped.notes
    ca = load_cert_from_pemder(str(pki.ca_pem))
    for doc in stamped.documents:
        statuses = _statuses(doc.signed_pdf, [ca])
        assert statuses
        for st in statuses:
            ts = st.timestamp_validity
            assert ts is not None, doc.signed_pdf.name
            assert ts.intact and ts.valid and ts.trusted
            assert ts.signing_cert.subject.native["common_name"] == "paperflow TEST TSA"
            assert abs(ts.timestamp - datetime.now(UTC)) < timedelta(hours=1)
            assert st.bottom_line


def test_timestamp_is_not_trusted_under_another_root(stamped, pki):
    other = load_cert_from_pemder(str(pki.other_ca_pem))
    [st, _seal] = _statuses(stamped.documents[0].signed_pdf, [other])
    assert st.timestamp_validity is not None and not st.timestamp_validity.trusted


def test_verify_names_the_timestamp_and_its_trust(stamped, pki):
    [v] = sign.verify_pdfs([stamped.documents[0].signed_pdf], [pki.ca_pem])
    assert v.valid
    assert all(s.timestamp_trusted and s.timestamp_tsa == "paperflow TEST TSA"
               for s in v.signatures)
    text = "\n".join(v.lines())
    assert text.count("Dấu thời gian (RFC 3161 timestamp): ") == 2
    assert "paperflow TEST TSA" in text and "tin cậy (trusted)" in text
    # another trust root: the timestamp is shown, but said to be untrusted
    [w] = sign.verify_pdfs([stamped.documents[0].signed_pdf], [pki.other_ca_pem])
    assert "KHÔNG tin cậy (NOT trusted)" in "\n".join(w.lines())


def test_pdfsig_accepts_the_timestamped_signature_and_the_token_is_in_its_dump(stamped,
                                                                                tmp_path):
    # poppler 22.12's pdfsig prints nothing about timestamps; it must still call the
    # signature valid, and the CMS it dumps must hold the RFC 3161 token.
    pdf = stamped.documents[0].signed_pdf
    out = subprocess.run(["pdfsig", "-nocert", str(pdf)], capture_output=True, text=True).stdout
    assert out.count("Signature Validation: Signature is Valid.") == 2
    subprocess.run(["pdfsig", "-nocert", "-dump", str(pdf.resolve())], cwd=tmp_path,
                   capture_output=True, check=True)
    dumps = sorted(tmp_path.glob("*.sig*"))
    assert len(dumps) == 2
    for dump in dumps:
        info = cms.ContentInfo.load(dump.read_bytes())
        [signer] = info["content"]["signer_infos"]
        [token] = find_cms_attribute_iter(signer["unsigned_attrs"],
                                          "signature_time_stamp_token")
        assert token["content_type"].native == "signed_data"


@pytest.mark.parametrize(("mode", "words_vi", "words_en"), [
    ("500", "trả lỗi HTTP 500", "TSA answered HTTP 500"),
    ("garbage", "dữ liệu không hợp lệ", "not a valid RFC 3161 response"),
])
def test_broken_tsa_signs_without_timestamp_and_says_so(
        pki, pdfs, tmp_path, make_settings, make_doc, server, mode, words_vi, words_en):
    server.mode = mode
    settings = make_settings(tmp_path, pki, tsa_url=f"{server.url}/tsa")
    docs = [make_doc(tmp_path, pdfs["marked"], "d1"), make_doc(tmp_path, pdfs["plain"], "d2")]
    before = server.hits.get("/tsa", 0)
    outcome = sign.sign_batch(docs, settings)
    assert outcome.signed == 2
    [note] = [n for n in outcome.notes if "TSA" in n]
    assert words_vi in note and words_en in note and "without" in note
    assert server.hits["/tsa"] - before == 1        # asked once for the batch, then given up
    for v in sign.verify_pdfs([d.signed_pdf for d in outcome.documents], [pki.ca_pem]):
        assert v.valid and all(s.timestamp_time is None for s in v.signatures)


def test_tsa_failing_mid_batch_leaves_the_rest_unstamped_and_says_from_where(
        pki, pdfs, tmp_path, make_settings, make_doc, server, monkeypatch):
    from paperflow.sign import session as signing

    real_probe = signing.probe_tsa

    def probe_then_break(*args, **kwargs):
        stamper = real_probe(*args, **kwargs)
        server.mode = "500"             # it answered the probe, then fails
        return stamper

    monkeypatch.setattr(signing, "probe_tsa", probe_then_break)
    settings = make_settings(tmp_path, pki, tsa_url=f"{server.url}/tsa")
    docs = [make_doc(tmp_path, pdfs["marked"], "d1"), make_doc(tmp_path, pdfs["marked"], "d2")]
    outcome = sign.sign_batch(docs, settings)
    assert outcome.signed == 2
    [note] = [n for n in outcome.notes if "TSA" in n]
    assert "d1.pdf" in note and "rest of the batch" in note and "không kèm dấu thời gian" in note
    for v in sign.verify_pdfs([d.signed_pdf for d in outcome.documents], [pki.ca_pem]):
        assert v.valid and all(s.timestamp_time is None for s in v.signatures)


# --- revocation info -----------------------------------------------------------------------

def test_crl_is_fetched_once_per_batch_and_embedded_in_each_signature(
        pki, pdfs, tmp_path, make_settings, make_doc, server, crl_tokens):
    settings = make_settings(tmp_path, pki, org=False, images=False, token="crlsigner")
    docs = [make_doc(tmp_path, pdfs["marked"], f"d{i}") for i in range(3)]
    before = server.hits.get("/ca.crl", 0)
    outcome = sign.sign_batch(docs, settings)
    assert outcome.signed == 3
    assert server.hits["/ca.crl"] - before == 1
    assert not any("thu hồi" in n for n in outcome.notes), outcome.notes
    ca = load_cert_from_pemder(str(pki.ca_pem))
    for doc in outcome.documents:
        [crls] = _embedded_crls(doc.signed_pdf)
        assert len(crls) == 1
        assert crls[0]["tbs_cert_list"]["issuer"] == ca.subject
        # No network and no CRL other than the embedded one: validation that REQUIRES
        # revocation info still succeeds thanks to it ...
        strict = {"allow_fetching": False, "revocation_mode": "hard-fail"}
        [st] = _statuses(doc.signed_pdf, [ca], crls=crls, **strict)
        assert st.bottom_line, st.trust_problem_indic
        # ... and fails without it (so the check above means something)
        [bare] = _statuses(doc.signed_pdf, [ca], crls=[], **strict)
        assert not bare.bottom_line
    [v] = sign.verify_pdfs([outcome.documents[0].signed_pdf], [pki.ca_pem])
    assert v.valid and v.signatures[0].revocation_crls == 1
    assert "embedded revocation info): 1 CRL, 0 OCSP" in "\n".join(v.lines())


def test_timestamp_and_crl_together(pki, pdfs, tmp_path, make_settings, make_doc, server,
                                    crl_tokens):
    settings = make_settings(tmp_path, pki, org=False, token="crlsigner",
                             tsa_url=f"{server.url}/tsa")
    outcome = sign.sign_batch([make_doc(tmp_path, pdfs["marked"], "d")], settings)
    assert not any("TSA" in n or "thu hồi" in n for n in outcome.notes), outcome.notes
    [v] = sign.verify_pdfs([outcome.documents[0].signed_pdf], [pki.ca_pem])
    assert v.valid
    [s] = v.signatures
    assert s.timestamp_trusted and s.revocation_crls == 1


def test_revoked_certificate_is_refused_before_any_document(
        pki, pdfs, tmp_path, make_settings, make_doc, server, crl_tokens):
    settings = make_settings(tmp_path, pki, org=False, token="revoked")
    doc = make_doc(tmp_path, pdfs["marked"], "d")
    digest = hashlib.sha256(doc.pdf.read_bytes()).digest()
    with pytest.raises(sign.CertificateRevoked) as info:
        sign.sign_batch([doc], settings)
    assert isinstance(info.value, SigningError)
    assert "THU HỒI" in info.value.vi and "REVOKED" in info.value.en
    assert not doc.pdf.with_name("d.signed.pdf").exists()
    assert hashlib.sha256(doc.pdf.read_bytes()).digest() == digest


def test_unreachable_crl_signs_anyway_and_says_so(pki, pdfs, tmp_path, make_settings, make_doc,
                                                 crl_tokens):
    from paperflow.sign import demo

    person = demo._name(CN="Phạm Văn Dũng", C="VN")
    demo.make_token(pki.conf, pki.ca, label="deadcrl", key_label="signer", subject=person,
                    pin="246810", crl_url="http://127.0.0.1:9/ca.crl")
    settings = make_settings(tmp_path, pki, org=False, images=False, token="deadcrl")
    outcome = sign.sign_batch([make_doc(tmp_path, pdfs["marked"], "d")], settings)
    assert outcome.signed == 1
    [note] = [n for n in outcome.notes if "thu hồi" in n]
    assert "http://127.0.0.1:9/ca.crl" in note and "revocation info unreachable" in note
    [v] = sign.verify_pdfs([outcome.documents[0].signed_pdf], [pki.ca_pem])
    assert v.valid and v.signatures[0].revocation_crls == 0


def test_certificates_without_addresses_fetch_nothing_and_say_so(
        pki, pdfs, tmp_path, make_settings, make_doc, server):
    hits = dict(server.hits)
    settings = make_settings(tmp_path, pki)
    outcome = sign.sign_batch([make_doc(tmp_path, pdfs["marked"], "d")], settings)
    assert server.hits == hits
    notes = [n for n in outcome.notes if "CRL/OCSP" in n]
    assert len(notes) == 2 and all("no revocation info embedded" in n for n in notes)
    text = "\n".join(sign.verify_pdfs([outcome.documents[0].signed_pdf], [pki.ca_pem])[0].lines())
    assert "(embedded revocation info): không có (none)" in text
    assert "(RFC 3161 timestamp): không có (none)" in text


def test_embedding_can_be_switched_off(pki, pdfs, tmp_path, make_settings, make_doc, server,
                                       crl_tokens):
    hits = server.hits.get("/ca.crl", 0)
    settings = make_settings(tmp_path, pki, org=False, token="crlsigner",
                             embed_revocation=False)
    outcome = sign.sign_batch([make_doc(tmp_path, pdfs["marked"], "d")], settings)
    assert server.hits.get("/ca.crl", 0) == hits and outcome.notes == []
    assert _embedded_crls(outcome.documents[0].signed_pdf) == [[]]


def test_oversized_revocation_info_is_not_embedded(pki, pdfs, tmp_path, make_settings, make_doc,
                                                   server, crl_tokens, monkeypatch):
    monkeypatch.setattr("paperflow.sign.trustinfo.MAX_EMBEDDED_REVINFO", 100)
    settings = make_settings(tmp_path, pki, org=False, token="crlsigner")
    outcome = sign.sign_batch([make_doc(tmp_path, pdfs["marked"], "d")], settings)
    assert outcome.signed == 1
    assert any("too large" in n and "quá lớn" in n for n in outcome.notes), outcome.notes
    assert _embedded_crls(outcome.documents[0].signed_pdf) == [[]]


def test_readme_signing_section_loads(tmp_path, monkeypatch):
    """The [signing] example in the README is valid config (every new key documented)."""
    import dataclasses
    import re

    from paperflow.config import SigningSettings, load_settings

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```toml\n(\[signing\].*?)```", readme, re.S).group(1)
    (tmp_path / "config.toml").write_text(block, encoding="utf-8")
    monkeypatch.setenv("PAPERFLOW_SIGNING_EMBED_REVOCATION", "false")
    sg = load_settings(tmp_path / "config.toml").signing
    assert sg.tsa_timeout_s == 10.0 and sg.revocation_timeout_s == 10.0
    assert sg.embed_revocation is False           # the environment overrides the file
    documented = set(re.findall(r"^(\w+) =", block, re.M))
    for f in ("tsa_url", "tsa_timeout_s", "embed_revocation", "revocation_timeout_s"):
        assert f in documented and f in {x.name for x in dataclasses.fields(SigningSettings)}



def test_verify_counts_a_pades_document_security_store(pki, pdfs, tmp_path, server):
    """A PAdES signature made elsewhere keeps its CRL in the file's DSS: verify says so."""
    import urllib.request

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.signers.pdf_signer import DSSContentSettings, SigDSSPlacementPreference

    from paperflow.sign.demo import _name

    key = rsa.generate_private_key(65537, 2048)
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(_name(CN="Đỗ Minh Châu", C="VN"))
            .issuer_name(pki.ca.cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False,
                                         False), critical=True)
            .sign(pki.ca.key, hashes.SHA256()))
    (tmp_path / "k.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    (tmp_path / "c.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    signer = signers.SimpleSigner.load(str(tmp_path / "k.pem"), str(tmp_path / "c.pem"))
    with urllib.request.urlopen(f"{server.url}/ca.crl", timeout=10) as resp:
        crl = resp.read()
    vc = ValidationContext(trust_roots=[load_cert_from_pemder(str(pki.ca_pem))], crls=[crl])
    meta = signers.PdfSignatureMetadata(
        field_name="Sig1", subfilter=fields.SigSeedSubFilter.PADES, embed_validation_info=True,
        validation_context=vc, dss_settings=DSSContentSettings(
            placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE, include_vri=False))
    out = tmp_path / "pades.pdf"
    with pdfs["plain"].open("rb") as fh, out.open("wb") as o:
        signers.sign_pdf(IncrementalPdfFileWriter(fh), meta, signer=signer, output=o)
    [v] = sign.verify_pdfs([out], [pki.ca_pem])
    assert v.valid, v.lines()
    assert (v.dss_crls, v.dss_ocsps) == (1, 0)
    assert "(document security store, DSS): 1 CRL, 0 OCSP" in "\n".join(v.lines())


def test_a_session_probes_the_tsa_and_fetches_the_crl_once_for_all_its_groups(
        pki, pdfs, tmp_path, make_settings, make_doc, server, crl_tokens):
    settings = make_settings(tmp_path, pki, org=False, images=False, token="crlsigner",
                             tsa_url=f"{server.url}/tsa")
    crl, tsa = server.hits.get("/ca.crl", 0), server.hits.get("/tsa", 0)
    with sign.BatchSession(settings) as session:
        for g in range(3):
            session.sign([make_doc(tmp_path, pdfs["marked"], f"g{g}")])
    assert session.signed == 3 and session.logins["officer"] == 1 and session.notes == []
    assert server.hits["/ca.crl"] - crl == 1
    assert server.hits["/tsa"] - tsa == 1 + 3         # the probe, then one per signature
    ca = load_cert_from_pemder(str(pki.ca_pem))
    for g in range(3):
        [crls] = _embedded_crls(tmp_path / f"g{g}.signed.pdf")
        assert len(crls) == 1
        [status] = _statuses(tmp_path / f"g{g}.signed.pdf", [ca])
        assert status.bottom_line and status.timestamp_validity is not None
