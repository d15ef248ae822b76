from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

from paperflow import extract
from paperflow.errors import InputRejected
from paperflow.models import InputKind


def _name(attrs):
    return x509.Name([x509.NameAttribute(oid, v) for oid, v in attrs])


@pytest.fixture(scope="module")
def certs():
    key = ec.generate_private_key(ec.SECP256R1())
    issuer = _name([(NameOID.COMMON_NAME, "Cục Chứng thực số và Bảo mật thông tin"),
                    (NameOID.COUNTRY_NAME, "VN")])

    def make(serial, subject):
        return (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(issuer)
                .public_key(key.public_key()).serial_number(serial)
                .not_valid_before(datetime(2024, 7, 1, tzinfo=UTC))
                .not_valid_after(datetime(2027, 6, 30, tzinfo=UTC))
                .sign(key, hashes.SHA256()))

    person = make(0x5401010101AB12, [
        (NameOID.COUNTRY_NAME, "VN"), (NameOID.STATE_OR_PROVINCE_NAME, "Thái Bình"),
        (NameOID.LOCALITY_NAME, "Thành phố Thái Bình"),
        (NameOID.ORGANIZATION_NAME, "UBND tỉnh Thái Bình"),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, "Sở Tài chính"), (NameOID.TITLE, "Giám đốc"),
        (NameOID.COMMON_NAME, "Nguyễn Văn An"), (NameOID.USER_ID, "CCCD:034185001234"),
        (NameOID.EMAIL_ADDRESS, "an@thaibinh.gov.vn")])
    org = make(0x0ABC, [(NameOID.COUNTRY_NAME, "VN"),
                        (NameOID.COMMON_NAME, "Sở Tài chính tỉnh Thái Bình")])
    return person, org


def test_pem_and_der_certificates(tmp_path, certs, as_incoming):
    person, _org = certs
    pem = tmp_path / "an.cer"
    pem.write_bytes(person.public_bytes(serialization.Encoding.PEM))
    der = tmp_path / "an.crt"
    der.write_bytes(person.public_bytes(serialization.Encoding.DER))
    for path in (pem, der):
        result = extract.read(as_incoming(path))
        assert result.kind is InputKind.CERTIFICATE
        (c,) = result.certificates
        assert c.serial == "5401010101AB12"
        assert c.subject == (("C", "VN"), ("ST", "Thái Bình"), ("L", "Thành phố Thái Bình"),
                             ("O", "UBND tỉnh Thái Bình"), ("OU", "Sở Tài chính"),
                             ("T", "Giám đốc"), ("CN", "Nguyễn Văn An"),
                             ("UID", "CCCD:034185001234"), ("E", "an@thaibinh.gov.vn"))
        assert c.issuer == "Cục Chứng thực số và Bảo mật thông tin"
        assert (c.not_before, c.not_after) == (date(2024, 7, 1), date(2027, 6, 30))


@pytest.mark.parametrize("encoding", [serialization.Encoding.PEM, serialization.Encoding.DER])
def test_p7b_bundle(tmp_path, certs, as_incoming, encoding):
    p = tmp_path / "bundle.p7b"
    p.write_bytes(pkcs7.serialize_certificates(list(certs), encoding))
    result = extract.read(as_incoming(p))
    assert sorted(c.serial for c in result.certificates) == ["0ABC", "5401010101AB12"]


def test_damaged_certificate_is_rejected(tmp_path, certs, as_incoming):
    p = tmp_path / "bad.cer"
    p.write_bytes(certs[0].public_bytes(serialization.Encoding.DER)[:200])
    with pytest.raises(InputRejected) as exc:
        extract.read(as_incoming(p))
    assert exc.value.code == "bad_certificate" and ".cer" in exc.value.vi
