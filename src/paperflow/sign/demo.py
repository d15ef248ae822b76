"""A DEMO PKI for trying paperflow without a real token: SoftHSM2 tokens + a TEST CA.

Everything here is for demonstration and tests only — the CA is named TEST/DEMO, the PIN is
the documented demo PIN "123456" unless PAPERFLOW_PIN / PAPERFLOW_ORG_PIN are set. Keys are
generated ON the token (python-pkcs11) and the certificates written to the token as objects,
so signing goes through the same PKCS#11 path as with a real USB token.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from ..config import Settings
from ..errors import SigningError
from .tokens import load_lib

log = logging.getLogger("paperflow.sign")

DEMO_PIN = "123456"
DEMO_SO_PIN = "12345678"
SOFTHSM_LIB = "/usr/lib/softhsm/libsofthsm2.so"
DEMO_OFFICER_CN = "Nguyễn Văn An"


@dataclass(frozen=True)
class DemoPki:
    root: Path
    ca_pem: Path
    softhsm_conf: Path
    signature_image: Path
    seal_image: Path
    module: str = SOFTHSM_LIB
    officer_token: str = "officer"
    officer_key: str = "signer"
    agency_token: str = "agency"
    agency_key: str = "seal"


@dataclass(frozen=True)
class TestCa:
    cert: x509.Certificate
    key: rsa.RSAPrivateKey


def _name(**attrs: str) -> x509.Name:
    oids = {"CN": NameOID.COMMON_NAME, "O": NameOID.ORGANIZATION_NAME,
            "OU": NameOID.ORGANIZATIONAL_UNIT_NAME, "L": NameOID.LOCALITY_NAME,
            "ST": NameOID.STATE_OR_PROVINCE_NAME, "C": NameOID.COUNTRY_NAME,
            "E": NameOID.EMAIL_ADDRESS}
    return x509.Name([x509.NameAttribute(oids[k], v) for k, v in attrs.items() if v])


def make_ca(ca_pem: Path, key_pem: Path) -> TestCa:
    """A self-signed TEST CA (kept as PEM files; the key is a throw-away demo key)."""
    if ca_pem.exists() and key_pem.exists():
        cert = x509.load_pem_x509_certificate(ca_pem.read_bytes())
        key = serialization.load_pem_private_key(key_pem.read_bytes(), None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return TestCa(cert, key)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = _name(CN="paperflow TEST DEMO CA - KHÔNG DÙNG THẬT (not for real use)",
                 O="paperflow DEMO", C="VN")
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False),
                       critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    ca_pem.parent.mkdir(parents=True, exist_ok=True)
    key_pem.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    key_pem.chmod(0o600)
    ca_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return TestCa(cert, key)


def write_softhsm_conf(root: Path) -> Path:
    tokendir = root / "tokens"
    tokendir.mkdir(parents=True, exist_ok=True)
    conf = root / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokendir}\nobjectstore.backend = file\n"
                    "log.level = ERROR\nslots.removable = false\n", encoding="utf-8")
    return conf


def _softhsm_util(conf: Path, *args: str) -> str:
    env = dict(os.environ, SOFTHSM2_CONF=str(conf))
    exe = shutil.which("softhsm2-util")
    if exe is None:
        raise SigningError("softhsm_missing")
    done = subprocess.run([exe, *args], env=env, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise SigningError("softhsm_failed", stderr=done.stderr.strip())
    return done.stdout


def make_token(
    conf: Path, ca: TestCa, *, label: str, key_label: str, subject: x509.Name, pin: str,
    not_before: datetime | None = None, not_after: datetime | None = None,
    mismatched: bool = False, module: str = SOFTHSM_LIB, crl_url: str = "",
) -> x509.Certificate:
    """Initialise a SoftHSM token, generate an RSA key ON it and store its certificate there.

    `mismatched=True` stores a certificate for a different key (to test that error);
    `crl_url` adds a CRL distribution point (the demo certificates have none).
    """
    _softhsm_util(conf, "--init-token", "--free", "--label", label,
                  "--so-pin", DEMO_SO_PIN, "--pin", pin)
    os.environ["SOFTHSM2_CONF"] = str(conf)
    load_lib(module, refresh=True)              # SoftHSM sees new tokens only after re-init
    return add_key(ca, label=label, key_label=key_label, subject=subject, pin=pin,
                   not_before=not_before, not_after=not_after, mismatched=mismatched,
                   module=module, crl_url=crl_url)


def add_key(
    ca: TestCa, *, label: str, key_label: str, subject: x509.Name, pin: str,
    key_id: bytes = b"\x01", not_before: datetime | None = None,
    not_after: datetime | None = None, mismatched: bool = False, module: str = SOFTHSM_LIB,
    crl_url: str = "", always_authenticate: bool = False,
) -> x509.Certificate:
    """Generate an RSA key ON token `label` and store its certificate beside it (same CKA_ID);
    `always_authenticate=True` makes a key that asks for the PIN on every signature."""
    from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass

    token = load_lib(module).get_token(token_label=label)
    with token.open(rw=True, user_pin=pin) as session:
        pub, _priv = session.generate_keypair(
            KeyType.RSA, 2048, store=True, label=key_label, id=key_id,
            private_template={Attribute.ALWAYS_AUTHENTICATE: True} if always_authenticate
            else None)
        if mismatched:
            public_key = rsa.generate_private_key(65537, 2048).public_key()
        else:
            public_key = rsa.RSAPublicNumbers(
                int.from_bytes(pub[Attribute.PUBLIC_EXPONENT], "big"),
                int.from_bytes(pub[Attribute.MODULUS], "big")).public_key()
        now = datetime.now(UTC)
        builder = (
            x509.CertificateBuilder().subject_name(subject).issuer_name(ca.cert.subject)
            .public_key(public_key).serial_number(x509.random_serial_number())
            .not_valid_before(not_before or now - timedelta(days=1))
            .not_valid_after(not_after or now + timedelta(days=3 * 365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False,
                                         False), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca.key.public_key()), False)
        )
        if crl_url:
            builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                [x509.UniformResourceIdentifier(crl_url)], None, None, None)]), False)
        cert = builder.sign(ca.key, hashes.SHA256())
        session.create_object({
            Attribute.CLASS: ObjectClass.CERTIFICATE,
            Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
            Attribute.TOKEN: True,
            Attribute.LABEL: key_label,
            Attribute.ID: key_id,
            Attribute.SUBJECT: cert.subject.public_bytes(),
            Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
        })
    return cert


def draw_signature(path: Path) -> None:
    """A blue, transparent 'handwritten' signature (a few strokes)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (600, 240), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    blue = (20, 40, 200, 255)
    pts = [(40, 170), (90, 60), (130, 180), (170, 70), (210, 170), (260, 110), (300, 150),
           (350, 90), (400, 160), (460, 80), (520, 140), (570, 100)]
    d.line(pts, fill=blue, width=9, joint="curve")
    d.line([(60, 200), (540, 185)], fill=blue, width=6)
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path)


def draw_seal(path: Path, text: str = "DEMO") -> None:
    """A red, transparent round 'seal' marked DEMO (never to be mistaken for a real seal)."""
    from PIL import Image, ImageDraw, ImageFont

    size = 400
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    red = (210, 20, 20, 255)
    d.ellipse((8, 8, size - 8, size - 8), outline=red, width=14)
    d.ellipse((60, 60, size - 60, size - 60), outline=red, width=6)
    try:
        font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 64)
    except OSError:
        font = ImageFont.load_default()
    d.text((size / 2, size / 2), text, fill=red, font=font, anchor="mm")
    d.regular_polygon((size / 2, 110, 28), 5, fill=red)
    img.save(path)


def demo_pin(env: str) -> str:
    return os.environ.get(env) or DEMO_PIN


def ensure_demo_pki(settings: Settings) -> DemoPki:
    """Create (once) the DEMO tokens, TEST CA and images under <workspace>/.paperflow/demo-pki."""
    root = settings.state / "demo-pki"
    pki = DemoPki(root=root, ca_pem=root / "demo-ca.pem", softhsm_conf=root / "softhsm2.conf",
                  signature_image=root / "signature-demo.png", seal_image=root / "seal-demo.png")
    done_marker = root / "READY"
    if done_marker.exists():
        os.environ["SOFTHSM2_CONF"] = str(pki.softhsm_conf)
        return pki
    log.warning("DEMO: creating a DEMO SoftHSM2 token and TEST CA in %s — NOT for real use; "
                "demo PIN is %s unless PAPERFLOW_PIN/PAPERFLOW_ORG_PIN are set", root,
                "'123456'")
    shutil.rmtree(root / "tokens", ignore_errors=True)    # a half-made PKI from a crash
    root.mkdir(parents=True, exist_ok=True)
    ca = make_ca(pki.ca_pem, root / "demo-ca.key.pem")
    conf = write_softhsm_conf(root)
    agency = settings.agency
    email = agency.contact_email or ""
    make_token(conf, ca, label=pki.officer_token, key_label=pki.officer_key,
               pin=demo_pin("PAPERFLOW_PIN"),
               subject=_name(CN=DEMO_OFFICER_CN, O=agency.name, E=email, C="VN"))
    make_token(conf, ca, label=pki.agency_token, key_label=pki.agency_key,
               pin=demo_pin("PAPERFLOW_ORG_PIN"),
               subject=_name(CN=agency.name, O=agency.managing, L=agency.province, C="VN"))
    draw_signature(pki.signature_image)
    draw_seal(pki.seal_image)
    done_marker.write_text("demo PKI ready — NOT for real use\n", encoding="utf-8")
    return pki
