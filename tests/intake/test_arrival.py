"""Issue 15 items 5 and 6 at the intake desk: a file is taken whole or not at all; a private key
is quarantined for its owner's eyes only; a file that takes too long to read is rejected and
intake goes on. Through `batch.ingest.ingest` and a real register, as `run --once` does."""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from paperflow import extract
from paperflow.batch.ingest import ingest
from paperflow.config import IntakeSettings, PlanSettings, Settings
from paperflow.register import Register

HEADER = "STT;Họ và tên;Số serial chứng thư số;Cơ quan\n"
ROWS = [f"{i};Người thứ {i};54{i:02X};Sở Tài chính tỉnh Hưng Yên\n" for i in range(1, 9)]
OLD = time.time() - 3600


def _settings(ws: Path, **intake: object) -> Settings:
    cfg = {"quiet_s": 2.0, **intake}
    return Settings(workspace=ws, intake=IntakeSettings(**cfg),  # type: ignore[arg-type]
                    plan=PlanSettings(today=__import__("datetime").date(2025, 7, 2)))


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    (tmp_path / "inbox").mkdir()
    return tmp_path


def _names(reg: Register) -> list[str]:
    return sorted(s.name for s in reg.snapshot().subscribers)


def test_a_copy_that_pauses_keeping_an_old_mtime_is_not_taken_half_written(ws):
    """Explorer and `cp -p` give the copy the source's mtime from the start: the old code took
    a file whose mtime was old at once, and stored rows 1-3 of 8."""
    settings = _settings(ws)
    target = ws / "inbox" / "danh-sach.csv"

    def copy() -> None:
        with target.open("w", encoding="utf-8") as f:
            f.write(HEADER + "".join(ROWS[:3]))
        os.utime(target, (OLD, OLD))
        time.sleep(1.0)                         # the copy pauses (network, antivirus)
        with target.open("a", encoding="utf-8") as f:
            f.write("".join(ROWS[3:]))
        os.utime(target, (OLD, OLD))

    writer = threading.Thread(target=copy)
    writer.start()
    time.sleep(0.2)
    with Register.open(settings) as reg:
        first = ingest(settings, reg)
        writer.join()
        assert first.taken == [] and _names(reg) == []
        second = ingest(settings, reg)
        assert second.taken == ["danh-sach.csv"]
        assert _names(reg) == sorted(f"Người thứ {i}" for i in range(1, 9))


def test_a_file_written_to_after_its_claim_is_not_stored_and_is_read_again(ws, monkeypatch):
    settings = _settings(ws, quiet_s=0.1)
    target = ws / "inbox" / "danh-sach.csv"
    target.write_text(HEADER + "".join(ROWS[:3]), encoding="utf-8")
    os.utime(target, (OLD, OLD))
    real = extract.read_path
    resumed = []

    def read_while_the_copy_resumes(path, *, source=""):
        got = real(path, source=source)
        if not resumed:                         # the copy goes on while the file is read
            with target.open("a", encoding="utf-8") as f:
                f.write("".join(ROWS[3:]))
            os.utime(target, (OLD, OLD))
            resumed.append(True)
        return got

    monkeypatch.setattr(extract, "read_path", read_while_the_copy_resumes)
    with Register.open(settings) as reg:
        first = ingest(settings, reg)
        assert first.taken == [] and first.rejected == [] and _names(reg) == []
        assert [d.name for d in first.deferred] == ["danh-sach.csv"]
        assert "thay đổi trong khi đang đọc" in first.deferred[0].error.vi
        assert target.is_file()
        second = ingest(settings, reg)
        assert second.taken == ["danh-sach.csv"]
        assert _names(reg) == sorted(f"Người thứ {i}" for i in range(1, 9))
        with reg.engine.connect() as conn:
            from sqlalchemy import select

            from paperflow.intake.journal import IntakeRecord
            states = [r.state for r in conn.execute(select(IntakeRecord.__table__))]
        assert states == ["done"]               # the half content's claim was forgotten


def _key_pem() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _p12() -> bytes:
    from datetime import UTC, datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Nguyễn Văn An")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(0x54A3)
            .not_valid_before(datetime(2024, 1, 1, tzinfo=UTC))
            .not_valid_after(datetime(2027, 1, 1, tzinfo=UTC)).sign(key, hashes.SHA256()))
    return pkcs12.serialize_key_and_certificates(
        b"an", key, cert, None, serialization.BestAvailableEncryption(b"123456"))


@pytest.mark.parametrize("name, make", [("chung-thu.pem", _key_pem), ("token.pfx", _p12),
                                        ("cert-and-key.cer", lambda: _key_pem())])
def test_a_private_key_is_rejected_readable_by_its_owner_only(ws, name, make):
    settings = _settings(ws, quiet_s=0.1)
    p = ws / "inbox" / name
    p.write_bytes(make())
    os.chmod(p, 0o644)
    os.utime(p, (OLD, OLD))
    with Register.open(settings) as reg:
        result = ingest(settings, reg)
    assert [r.name for r in result.rejected] == [name]
    kept = ws / "inbox" / "rejected" / name
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    note = (ws / "inbox" / "rejected" / f"{name}.error.txt").read_text(encoding="utf-8")
    assert "KHÓA BÍ MẬT" in note and "XÓA" in note and "PRIVATE KEY" in note and "DELETE" in note


def test_a_file_over_the_reading_budget_is_rejected_and_intake_goes_on(ws, monkeypatch):
    settings = _settings(ws, quiet_s=0.1, read_timeout_s=1.0)
    slow = ws / "inbox" / "a-cham.csv"
    slow.write_text(HEADER + ROWS[0], encoding="utf-8")
    fine = ws / "inbox" / "b-nhanh.csv"
    fine.write_text(HEADER + ROWS[1], encoding="utf-8")
    for p in (slow, fine):
        os.utime(p, (OLD, OLD))
    real = extract.read_path

    def quadratic_on_one_file(path, *, source=""):
        if source == "a-cham.csv":
            while True:                         # a reader gone quadratic on a strange file
                pass
        return real(path, source=source)

    monkeypatch.setattr(extract, "read_path", quadratic_on_one_file)
    started = time.monotonic()
    with Register.open(settings) as reg:
        result = ingest(settings, reg)
        assert _names(reg) == ["Người thứ 2"]
    assert time.monotonic() - started < 20
    assert result.taken == ["b-nhanh.csv"]
    assert [r.name for r in result.rejected] == ["a-cham.csv"]
    note = (ws / "inbox" / "rejected" / "a-cham.csv.error.txt").read_text(encoding="utf-8")
    assert "1 giây" in note and "1 s" in note
