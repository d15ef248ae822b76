"""Many distinct, small, real inputs made fast: certificate files with distinct serials
(cryptography), small subscriber-list workbooks (openpyxl), and the broken files offices make.

Every valid input here names a person of an agency merged by the example decision, so each
certificate it brings must get exactly one action (a change of details) in some batch.
"""

from __future__ import annotations

import io
import random
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

EXAMPLE = Path(__file__).resolve().parents[2] / "inbox" / "example"
DECISION = EXAMPLE / "quyet-dinh-sap-xep-co-quan.docx"
MERGED = (
    "Sở Kế hoạch và Đầu tư tỉnh Hưng Yên",
    "Sở Tài nguyên và Môi trường tỉnh Hưng Yên",
    "Sở Nông nghiệp và Phát triển nông thôn tỉnh Hưng Yên",
)
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ")
MIDDLE = ("Văn", "Thị", "Minh", "Quốc", "Thu", "Đức", "Ngọc", "Hữu")
GIVEN = ("An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Khoa", "Linh", "Mai", "Nam", "Oanh",
         "Phúc", "Quân", "Sơn", "Tâm", "Uyên", "Vinh", "Xuân", "Yến")

_CA_KEY = ec.generate_private_key(ec.SECP256R1())
_CA_NAME = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA chuyên dùng (faults)")])


def person(i: int) -> tuple[str, str]:
    """A distinct name and agency for index i (names repeat; with the serial they are unique)."""
    name = f"{FAMILY[i % 10]} {MIDDLE[(i // 10) % 8]} {GIVEN[(i // 80) % 19]} {i:04d}"
    return name, MERGED[i % 3]


def serial_of(i: int, series: int) -> str:
    return f"5401F{series:03X}{i:08X}"


def certificate_pem(i: int, series: int) -> bytes:
    """A personal certificate (PEM) with a distinct serial, holder of a merged agency."""
    name, agency = person(i)
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    subject = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, name),
        x509.NameAttribute(NameOID.TITLE, "Chuyên viên"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Văn phòng Sở"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, agency),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Hưng Yên"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
    ])
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(_CA_NAME)
        .public_key(key.public_key()).serial_number(int(serial_of(i, series), 16))
        .not_valid_before(now - timedelta(days=300)).not_valid_after(now + timedelta(days=900))
        .sign(_CA_KEY, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


def certificate_der(i: int, series: int) -> bytes:
    """The same certificate in DER, as many CA portals hand it out (.crt)."""
    cert = x509.load_pem_x509_certificate(certificate_pem(i, series))
    return cert.public_bytes(serialization.Encoding.DER)


def request_form_docx() -> bytes:
    """A subscriber's request form (đơn đề nghị thu hồi) as agencies fill it in Word."""
    import docx

    d = docx.Document()
    for line in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 "ĐƠN ĐỀ NGHỊ", "Thu hồi chứng thư chữ ký số chuyên dùng công vụ",
                 "Kính gửi: Sở Khoa học và Công nghệ tỉnh Hưng Yên"):
        d.add_paragraph(line)
    t = d.add_table(rows=0, cols=2)
    name, agency = person(7)
    for label, value in (("Họ và tên", name), ("Số định danh cá nhân", "034185001234"),
                         ("Chức vụ", "Phó Giám đốc"), ("Cơ quan/đơn vị công tác", agency),
                         ("Thư điện tử", "hoa.nt@hungyen.gov.vn"),
                         ("Số serial chứng thư số", serial_of(7, 0x123)),
                         ("Lý do", "Nghỉ hưu từ ngày 01/7/2025")):
        cells = t.add_row().cells
        cells[0].text, cells[1].text = label, value
    d.add_paragraph("Người đề nghị")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def subscriber_xlsx(rows: list[int], series: int) -> bytes:
    """A small subscriber list (the example's layout) for people whose certificates are
    known only from this list."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws.append(["ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN"])
    ws.append(["DANH SÁCH THUÊ BAO CHỨNG THƯ CHỮ KÝ SỐ CHUYÊN DÙNG CÔNG VỤ CẦN RÀ SOÁT"])
    ws.append([])
    ws.append(["STT", "Loại thuê bao", "Họ và tên /\nTên cơ quan, tổ chức",
               "Cơ quan/đơn vị\ncông tác", "Chức vụ", "Số định danh cá nhân", "Thư điện tử",
               "Số hiệu chứng thư\n(Serial)", "Số serial thiết bị", "Ngày hết hạn", "Ghi chú",
               "Mạng sử dụng"])
    for n, i in enumerate(rows, 1):
        name, agency = person(i)
        ws.append([n, "Cá nhân", name, f"Văn phòng Sở, {agency}", "Chuyên viên",
                   f"0331{series:03d}{i:05d}", f"cv{series}x{i}@hungyen.gov.vn",
                   serial_of(i, series), f"TKF-{series}-{i}",
                   (datetime.now() + timedelta(days=800)).strftime("%d/%m/%Y"), None, None])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def broken_inputs(rng: random.Random, n: int) -> list[tuple[str, bytes]]:
    """Files clerks really drop: truncated workbooks, a PDF that is not one, empty files,
    a zip that is no Office file, a text file with no content to act on."""
    good = subscriber_xlsx([0], series=0xFFF)
    kinds = [
        lambda k: (f"bang-tinh-hong-{k}.xlsx", good[: rng.randrange(100, len(good) - 100)]),
        lambda k: (f"scan-loi-{k}.pdf", b"%PDF-1.4\n" + rng.randbytes(300)),
        lambda k: (f"rong-{k}.docx", b""),
        lambda k: (f"nen-{k}.zip", _plain_zip(k)),
        lambda k: (f"anh-{k}.jpg", b"\xff\xd8\xff\xe0" + rng.randbytes(200)),
    ]
    return [kinds[k % len(kinds)](k) for k in range(n)]


def _plain_zip(k: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("ghi-chu.txt", f"không phải văn bản {k}")
    return buf.getvalue()
