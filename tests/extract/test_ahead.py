"""Reading ahead in a helper process: the same results and the same errors as reading here."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from paperflow import errors, extract
from paperflow.extract.ahead import ReadAhead


def _cert(serial: int, cn: str) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn),
                      x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(serial)
            .not_valid_before(datetime(2024, 7, 1, tzinfo=UTC))
            .not_valid_after(datetime(2027, 6, 30, tzinfo=UTC)).sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM)


@pytest.mark.parametrize("cls", [errors.InputRejected, errors.ConversionError, errors.SigningError,
                                 errors.RegisterError])
def test_clerk_errors_cross_a_process_boundary_intact(cls):
    err = cls("pdf_too_large", n_pages=412, max_pages=300)
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is cls and (back.code, back.params) == ("pdf_too_large", err.params)
    assert (back.vi, back.en) == (err.vi, err.en) and "412" in back.vi and "300" in back.en
    assert back.clerk_message() == err.clerk_message()


def test_a_helper_process_reads_what_reading_here_reads(tmp_path, as_incoming):
    names = ["Sở Tài chính tỉnh Hưng Yên", "Ủy ban nhân dân xã Hà Quý"]
    files = []
    for i, cn in enumerate(names, start=1):
        p = tmp_path / f"c{i}.cer"
        p.write_bytes(_cert(0x5400 + i, cn))
        files.append(as_incoming(p))
    bad = tmp_path / "hong.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook" * 10)
    files.append(as_incoming(bad))
    with ReadAhead(enabled=True) as ahead:
        assert ahead.pool is not None
        gets = [ahead.submit(f) for f in files]
        got = [g() for g in gets[:2]]
        with pytest.raises(errors.InputRejected) as there:
            gets[2]()
    assert got == [extract.read(f) for f in files[:2]]
    assert [c.attr("CN") for r in got for c in r.certificates] == names
    with pytest.raises(errors.InputRejected) as here:
        extract.read(files[2])
    assert (there.value.vi, there.value.en) == (here.value.vi, here.value.en)


def test_ingest_with_a_reading_process_takes_stores_and_quarantines_as_before(tmp_path,
                                                                              monkeypatch):
    from sqlalchemy import func, select

    from paperflow.batch import ingest as batch_ingest
    from paperflow.config import Settings
    from paperflow.register import Register
    from paperflow.register.schema import CertificateRow

    monkeypatch.setattr(batch_ingest, "READ_AHEAD_FILES", 1)
    monkeypatch.setattr(batch_ingest, "CLAIM_FILES", 8)         # several claim groups ahead
    inbox = tmp_path / "ws" / "inbox"
    inbox.mkdir(parents=True)
    for i in range(30):
        (inbox / f"cts-{i:02d}.cer").write_bytes(_cert(0x5500 + i, f"Cán bộ số {i}"))
    (inbox / "hong.xlsx").write_bytes(b"PK\x03\x04 not really a workbook" * 10)
    settings = Settings(workspace=tmp_path / "ws")
    with Register.open(settings) as reg:
        result = batch_ingest.ingest(settings, reg)
        with reg.session() as s:
            stored = s.scalar(select(func.count()).select_from(CertificateRow))
    assert sorted(result.taken) == [f"cts-{i:02d}.cer" for i in range(30)]
    assert [r.name for r in result.rejected] == ["hong.xlsx"] and not result.deferred
    assert stored == 30
    assert sorted(p.name for p in (inbox / "rejected").iterdir()) == ["hong.xlsx",
                                                                      "hong.xlsx.error.txt"]
    assert not [p for p in inbox.iterdir() if p.is_file()]


def test_read_ahead_works_when_extract_read_is_wrapped(tmp_path, as_incoming, monkeypatch):
    """The benchmark wraps extract.read with timers; a wrapper cannot be sent to the helper."""
    real = extract.read
    monkeypatch.setattr(extract, "read", lambda inc: real(inc))
    p = tmp_path / "c.cer"
    p.write_bytes(_cert(0x5601, "Sở Nội vụ tỉnh Hưng Yên"))
    with ReadAhead(enabled=True) as ahead:
        got = ahead.submit(as_incoming(p))()
    assert [c.attr("CN") for c in got.certificates] == ["Sở Nội vụ tỉnh Hưng Yên"]
