"""A PKCS#12 file (key, certificate and chain) issued by a test CA, for the tests that sign with
a software key (development signing, the desk's hand-signed samples, the verifier)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from paperflow.sign.demo import TestCa, _name


def make_p12(ca: TestCa, path: Path, *, password: bytes, curve: bool = False, days: int = 30,
             digital_signature_only: bool = False, **subject: str) -> Path:
    """`path` holding a new key (RSA 2048, or P-256 when `curve`) and its certificate for
    `subject` (CN=…, O=…; C=VN added), valid from yesterday for `days` days, with the CA."""
    key = ec.generate_private_key(ec.SECP256R1()) if curve else rsa.generate_private_key(65537, 2048)
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(_name(**subject, C="VN"))
            .issuer_name(ca.cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=days))
            .add_extension(x509.KeyUsage(True, not digital_signature_only, False, False, False,
                                         False, False, False, False), critical=True)
            .sign(ca.key, hashes.SHA256()))
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"paperflow test", key, cert, [ca.cert], serialization.BestAvailableEncryption(password)))
    return path
