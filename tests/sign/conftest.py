"""Real SoftHSM2 tokens, a test CA, LibreOffice-made PDFs and a local TSA + CRL server
(127.0.0.1 only), built once per test session."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

from paperflow.config import AgencySettings, OrgSigningSettings, Settings, SigningSettings
from paperflow.models import RenderedDocument
from paperflow.sign import demo, pins

PIN = "246810"
ORG_PIN = "135790"
AGENCY = AgencySettings()


@dataclass(frozen=True)
class Pki:
    conf: Path
    ca_pem: Path
    other_ca_pem: Path
    signature_png: Path
    seal_png: Path
    ca: demo.TestCa


@pytest.fixture(scope="session")
def pki(tmp_path_factory) -> Pki:
    if not Path(demo.SOFTHSM_LIB).exists() or not shutil.which("softhsm2-util"):
        pytest.skip("SoftHSM2 not installed")
    root = tmp_path_factory.mktemp("pki")
    ca = demo.make_ca(root / "ca.pem", root / "ca.key.pem")
    demo.make_ca(root / "other-ca.pem", root / "other-ca.key.pem")
    conf = demo.write_softhsm_conf(root)
    person = demo._name(CN="Nguyễn Văn An", O=AGENCY.name, E=AGENCY.contact_email, C="VN")
    org = demo._name(CN=AGENCY.name, O=AGENCY.managing, L=AGENCY.province, C="VN")
    now = datetime.now(UTC)
    demo.make_token(conf, ca, label="officer", key_label="signer", subject=person, pin=PIN)
    demo.make_token(conf, ca, label="agency", key_label="seal", subject=org, pin=ORG_PIN)
    demo.make_token(conf, ca, label="expired", key_label="signer", subject=person, pin=PIN,
                    not_before=now - timedelta(days=800), not_after=now - timedelta(days=2))
    demo.make_token(conf, ca, label="notyet", key_label="signer", subject=person, pin=PIN,
                    not_before=now + timedelta(days=5), not_after=now + timedelta(days=900))
    demo.make_token(conf, ca, label="mismatch", key_label="signer", subject=person, pin=PIN,
                    mismatched=True)
    demo.draw_signature(root / "signature.png")
    demo.draw_seal(root / "seal.png")
    # session-wide for module fixtures; `_pins` re-asserts them per test (tests may change them)
    os.environ.update(SOFTHSM2_CONF=str(conf), PAPERFLOW_PIN=PIN, PAPERFLOW_ORG_PIN=ORG_PIN)
    return Pki(conf, root / "ca.pem", root / "other-ca.pem", root / "signature.png",
               root / "seal.png", ca)


@pytest.fixture(autouse=True)
def _pins(monkeypatch, request):
    """Every test starts with the right PINs, this session's SoftHSM config and a process that
    remembers no refused PIN (as a new process)."""
    pins.forget_refused()
    monkeypatch.setenv("PAPERFLOW_PIN", PIN)
    monkeypatch.setenv("PAPERFLOW_ORG_PIN", ORG_PIN)
    if "pki" in request.fixturenames:
        monkeypatch.setenv("SOFTHSM2_CONF", str(request.getfixturevalue("pki").conf))


def _dispatch_docx(path: Path, *, marker: bool) -> None:
    d = Document()
    d.add_paragraph("SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH HƯNG YÊN")
    d.add_paragraph("Số: 12/SKHCN-CĐS")
    d.add_paragraph("V/v thay đổi thông tin chứng thư số")
    for i in range(6):
        d.add_paragraph(f"Kính gửi: Cục Chứng thực số và Bảo mật thông tin. Đoạn {i}.")
    table = d.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.paragraphs[0].add_run("Nơi nhận:").bold = True
    p = right.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC").bold = True
    for text in ["", "PFSIGN" if marker else "", "", ""]:
        q = right.add_paragraph()
        q.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = q.add_run(text)
        run.font.size = Pt(2)
        run.font.color.rgb = RGBColor(255, 255, 255)
    q = right.add_paragraph()
    q.alignment = WD_ALIGN_PARAGRAPH.CENTER
    q.add_run("Nguyễn Văn An").bold = True
    d.save(path)


@pytest.fixture(scope="session")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    """marked.pdf (with PFSIGN) and plain.pdf (without), one LibreOffice call for both."""
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice not installed")
    root = tmp_path_factory.mktemp("pdfs")
    _dispatch_docx(root / "marked.docx", marker=True)
    _dispatch_docx(root / "plain.docx", marker=False)
    profile = root / "lo-profile"
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(root),
         str(root / "marked.docx"), str(root / "plain.docx")],
        check=True, capture_output=True, timeout=180)
    return {"marked": root / "marked.pdf", "plain": root / "plain.pdf"}


def _make_settings(ws: Path, pki: Pki, *, org: bool = True, images: bool = True,
                  token: str = "officer", org_token: str = "agency", **signing) -> Settings:
    orgs = OrgSigningSettings(token_label=org_token, key_label="seal",
                              seal_image=str(pki.seal_png) if images else "") if org else None
    sg = SigningSettings(pkcs11_module=demo.SOFTHSM_LIB, token_label=token, key_label="signer",
                         trust_roots=(str(pki.ca_pem),), organization=orgs,
                         signature_image=str(pki.signature_png) if images else "", **signing)
    ws.mkdir(parents=True, exist_ok=True)
    return Settings(workspace=ws, signing=sg)


def _make_doc(folder: Path, source: Path, name: str, type_: str = "dispatch",
             number: str = "12/SKHCN-CĐS") -> RenderedDocument:
    folder.mkdir(parents=True, exist_ok=True)
    pdf = folder / f"{name}.pdf"
    shutil.copyfile(source, pdf)
    return RenderedDocument(path=folder / f"{name}.docx", type=type_, request="change_info",
                            recipient="Cục Chứng thực số", sender=AGENCY.name, number=number,
                            pdf=pdf)


@pytest.fixture(scope="session")
def make_settings():
    """make_settings(workspace, pki, org=True, images=True, token="officer", org_token="agency",
    **signing)."""
    return _make_settings


@pytest.fixture
def fresh_token(pki, request):
    """fresh_token(key_label="signer", pin=PIN, cn=...) → the label of a new token of its own
    (wrong-PIN tests leave CKF_USER_PIN_COUNT_LOW set on the token they use)."""
    made = []

    def make(key_label: str = "signer", pin: str = PIN, cn: str = "Nguyễn Văn An") -> str:
        label = f"t{len(made)}-{request.node.name[-20:]}"
        demo.make_token(pki.conf, pki.ca, label=label, key_label=key_label, pin=pin,
                        subject=demo._name(CN=cn, O=AGENCY.name, C="VN"))
        made.append(label)
        return label

    return make


@pytest.fixture(scope="session")
def make_doc():
    """make_doc(folder, source_pdf, name, type_="dispatch", number=...) → RenderedDocument."""
    return _make_doc


# --- A local TSA and CRL server (127.0.0.1 only) ------------------------------------------------

@dataclass
class LocalPkiServer:
    """RFC 3161 answers at /tsa (mode: ok | garbage | 500) and the test CA's CRL at /ca.crl."""

    port: int
    tsa_pem: Path
    mode: str = "ok"
    revoked: set[int] = field(default_factory=set)
    hits: dict[str, int] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _tsa_cert(ca: demo.TestCa):
    key = rsa.generate_private_key(65537, 2048)
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(demo._name(CN="paperflow TEST TSA", C="VN"))
            .issuer_name(ca.cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False,
                                         False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]),
                           critical=True)
            .sign(ca.key, hashes.SHA256()))
    return cert, key


def _crl(ca: demo.TestCa, revoked: set[int]) -> bytes:
    now = datetime.now(UTC)
    b = (x509.CertificateRevocationListBuilder().issuer_name(ca.cert.subject)
         .last_update(now - timedelta(hours=1)).next_update(now + timedelta(days=7)))
    for serial in sorted(revoked):
        b = b.add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(serial)
                                      .revocation_date(now - timedelta(hours=2)).build())
    return b.sign(ca.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


@pytest.fixture(scope="session")
def local_pki_server(pki, tmp_path_factory):
    from asn1crypto import keys as akeys
    from asn1crypto import tsp
    from asn1crypto import x509 as ax509
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    cert, key = _tsa_cert(pki.ca)
    stamper = DummyTimeStamper(
        tsa_cert=ax509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=akeys.PrivateKeyInfo.load(key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption())))
    tsa_pem = tmp_path_factory.mktemp("tsa") / "tsa.pem"
    tsa_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    state = LocalPkiServer(port=0, tsa_pem=tsa_pem)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args):      # keep pytest output clean
            pass

        def _reply(self, code: int, ctype: str, body: bytes) -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):  # noqa: N802 (http.server's naming)
            with lock:
                state.hits[self.path] = state.hits.get(self.path, 0) + 1
            if self.path == "/ca.crl":
                self._reply(200, "application/pkix-crl", _crl(pki.ca, state.revoked))
            else:
                self._reply(404, "text/plain", b"not found")

        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                state.hits[self.path] = state.hits.get(self.path, 0) + 1
            if state.mode == "500":
                self._reply(500, "text/plain", b"internal error")
            elif state.mode == "garbage":
                self._reply(200, "application/timestamp-reply", b"\x30\x03garbage")
            else:
                resp = stamper.request_tsa_response(tsp.TimeStampReq.load(body))
                self._reply(200, "application/timestamp-reply", resp.dump())

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def crl_tokens(pki, local_pki_server) -> dict[str, x509.Certificate]:
    """Tokens whose certificates name the local CRL: 'crlsigner' (good), 'revoked'."""
    person = demo._name(CN="Lê Thị Cúc", O=AGENCY.name, C="VN")
    url = f"{local_pki_server.url}/ca.crl"
    certs = {label: demo.make_token(pki.conf, pki.ca, label=label, key_label="signer",
                                    subject=person, pin=PIN, crl_url=url)
             for label in ("crlsigner", "revoked")}
    local_pki_server.revoked.add(certs["revoked"].serial_number)
    return certs
