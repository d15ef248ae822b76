"""Real SoftHSM2 tokens, a test CA and LibreOffice-made PDFs, built once per test session."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

from paperflow.config import AgencySettings, OrgSigningSettings, Settings, SigningSettings
from paperflow.models import RenderedDocument
from paperflow.sign import demo

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
    demo.make_token(conf, ca, label="pintest", key_label="signer", subject=person, pin=PIN)
    demo.draw_signature(root / "signature.png")
    demo.draw_seal(root / "seal.png")
    # session-wide for module fixtures; `_pins` re-asserts them per test (tests may change them)
    os.environ.update(SOFTHSM2_CONF=str(conf), PAPERFLOW_PIN=PIN, PAPERFLOW_ORG_PIN=ORG_PIN)
    return Pki(conf, root / "ca.pem", root / "other-ca.pem", root / "signature.png",
               root / "seal.png", ca)


@pytest.fixture(autouse=True)
def _pins(monkeypatch, request):
    """Every test starts with the right PINs and this session's SoftHSM config."""
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
                  token: str = "officer", **signing) -> Settings:
    orgs = OrgSigningSettings(token_label="agency", key_label="seal",
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
    """make_settings(workspace, pki, org=True, images=True, token="officer", **signing)."""
    return _make_settings


@pytest.fixture(scope="session")
def make_doc():
    """make_doc(folder, source_pdf, name, type_="dispatch", number=...) → RenderedDocument."""
    return _make_doc
