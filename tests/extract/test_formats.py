"""Issue 15 item 6: old Office files through LibreOffice, photos through tesseract, .zip archives
member by member (or refused with the reason). Before this change each was rejected as
'old_office', 'unknown' or 'zip' although the tools were installed."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from tests.extract.conftest import FONT, make_decision_docx

from paperflow import extract
from paperflow.errors import InputRejected
from paperflow.models import InputKind

AGENCY = "Sở Tài chính tỉnh Hưng Yên"


def _list_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["STT", "Họ và tên", "Số serial chứng thư số", "Cơ quan"])
    ws.append([1, "Nguyễn Văn An", "00 00 54 A3", AGENCY])
    ws.append([2, "Trần Thị Bình", "0x54a4", AGENCY])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cert_der(serial: int) -> bytes:
    from datetime import UTC, datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Nguyễn Văn An")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(serial)
            .not_valid_before(datetime(2024, 1, 1, tzinfo=UTC))
            .not_valid_after(datetime(2027, 1, 1, tzinfo=UTC)).sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.DER)


def _zip(path: Path, members: dict[str, bytes], *, level: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", level) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def test_a_zip_is_read_member_by_member_each_with_its_own_report(tmp_path, as_incoming):
    p = _zip(tmp_path / "ho-so.zip", {"danh-sach.xlsx": _list_xlsx(),
                                      "chung-thu/an.cer": _cert_der(0x54A3),
                                      "__MACOSX/._an.cer": b"\0\5\x16\7",
                                      "Thumbs.db": b"x"})
    got = extract.read(as_incoming(p))
    assert [s.cert_serial for s in got.subscribers] == ["54A3", "54A4"]
    assert [c.serial for c in got.certificates] == ["54A3"]
    parts = got.report.parts
    assert [r.source for r in parts] == ["ho-so.zip/danh-sach.xlsx", "ho-so.zip/chung-thu/an.cer"]
    assert parts[0].rows_stored == 2 and parts[1].kind == InputKind.CERTIFICATE


@pytest.mark.parametrize("member", ["../../ngoai.csv", "/etc/ngoai.csv", "C:\\ngoai.csv",
                                    "a/../../ngoai.csv"])
def test_a_zip_reaching_outside_is_refused_and_writes_nothing(tmp_path, as_incoming, member):
    p = _zip(tmp_path / "ho-so.zip", {"ok.cer": _cert_der(0x54A3),
                                      member: "Họ và tên;Số CCCD\nA;1\n".encode()})
    with pytest.raises(InputRejected) as exc:
        extract.read(as_incoming(p))
    assert exc.value.code == "zip_traversal" and "ngoai.csv" in exc.value.vi
    assert not list(tmp_path.parent.rglob("ngoai.csv"))


def test_a_zip_bomb_and_a_crowd_of_members_are_refused(tmp_path, as_incoming):
    bomb = _zip(tmp_path / "bom.zip", {"a.csv": b"0" * (60 * 1024 * 1024)})
    crowd = _zip(tmp_path / "dong.zip", {f"{i}.cer": b"x" for i in range(600)})
    for p in (bomb, crowd):
        with pytest.raises(InputRejected) as exc:
            extract.read(as_incoming(p))
        assert exc.value.code in ("zip_bomb", "zip_crowd", "zip_too_large"), exc.value.en


def test_a_zip_with_an_unreadable_member_is_rejected_naming_it(tmp_path, as_incoming):
    nested = io.BytesIO()
    with zipfile.ZipFile(nested, "w") as z:
        z.writestr("x.cer", _cert_der(1))
    p = _zip(tmp_path / "ho-so.zip", {"danh-sach.xlsx": _list_xlsx(),
                                      "hong.xlsx": _list_xlsx()[:500],
                                      "long.zip": nested.getvalue()})
    with pytest.raises(InputRejected) as exc:
        extract.read(as_incoming(p))
    err = exc.value
    assert err.code == "zip_member" and "2/3" in err.vi and "[hong.xlsx]" in err.vi
    assert "[long.zip]" in err.en and "nothing in it was taken" in err.en


def _photo(path: Path, lines: list[str], fmt: str) -> Path:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), 48)
    img = Image.new("L", (2000, 160 + 90 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((100, 80 + 90 * i), line, font=font, fill=0)
    img.save(path, fmt)
    return path


@pytest.mark.slow
@pytest.mark.parametrize("fmt, suffix", [("PNG", "png"), ("JPEG", "jpg"), ("TIFF", "tif")])
def test_a_photo_of_a_decision_is_read_through_tesseract(tmp_path, as_incoming, fmt, suffix):
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed")
    p = _photo(tmp_path / f"anh.{suffix}", [
        "ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN", "QUYẾT ĐỊNH", "Số: 77/QĐ-UBND",
        "Điều 1. Sáp nhập Trung tâm Tin học",
        "vào Sở Khoa học và Công nghệ tỉnh Hưng Yên."], fmt)
    got = extract.read(as_incoming(p))
    assert got.kind is InputKind.DECISION
    (event,) = got.merge_events
    assert "Trung tâm Tin học" in event.sources[0] and "Khoa học" in event.target
    assert any("OCR" in w for w in got.report.all_warnings())


def test_an_image_bomb_is_refused_unread(tmp_path, as_incoming):
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 80000, 80000, 8, 0, 0,
                                                             0, 0))
           + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b""))
    (tmp_path / "bom.png").write_bytes(png)
    with pytest.raises(InputRejected) as exc:
        extract.read(as_incoming(tmp_path / "bom.png"))
    assert exc.value.code in ("image_too_large", "bad_image")


@pytest.mark.slow
def test_doc_and_xls_are_read_through_libreoffice(tmp_path, as_incoming):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    docx = make_decision_docx(tmp_path / "quyet-dinh.docx")
    xlsx = tmp_path / "danh-sach.xlsx"
    xlsx.write_bytes(_list_xlsx())
    out = tmp_path / "old"
    for src, to in ((docx, "doc"), (xlsx, "xls")):
        subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
                        "--norestore", "--convert-to", to, "--outdir", str(out), str(src)],
                       check=True, capture_output=True, timeout=180)
    doc = extract.read(as_incoming(out / "quyet-dinh.doc"))
    assert doc.kind is InputKind.DECISION and len(doc.merge_events) >= 5
    xls = extract.read(as_incoming(out / "danh-sach.xls"))
    assert [(s.name, s.cert_serial) for s in xls.subscribers] == [
        ("Nguyễn Văn An", "54A3"), ("Trần Thị Bình", "54A4")]
    assert any("LibreOffice" in w for w in xls.report.all_warnings())
