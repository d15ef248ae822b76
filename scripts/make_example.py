"""Build the bundled example inbox (inbox/example/): what a Hưng Yên clerk drops in July 2025.

    python scripts/make_example.py [DEST]

- danh-sach-thue-bao-2025.xlsx — a subscriber list with a title block, merged cells and
  line breaks in headers, as provinces export them;
- one certificate file per subscriber (PEM .cer and DER .crt mixed), issued by a TEST CA;
- quyet-dinh-sap-xep-co-quan.docx — the merger decision (numbered articles);
- Thái Bình's subscribers after its merger into Hưng Yên: the district level ended (UBND huyện
  Kiến Xương and its Phòng Tài chính - Kế hoạch are revoked, their tokens recalled; an officer
  moved to Sở Nội vụ by a note is changed, one not yet placed is named in a warning), two communes
  of Kiến Xương merged into xã Kiến Xương, Sở Y tế tỉnh Thái Bình paired with Hưng Yên's (its
  certificate file dropped without a list row) and an officer whose O and ST both change;
- bang-tinh-hong.xlsx — a broken file (a truncated workbook), to show the quarantine.
"""

from __future__ import annotations

import sys
import warnings
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from docx import Document
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HY = "Hưng Yên"
TB = "Thái Bình"
UB = "Ủy ban nhân dân tỉnh Hưng Yên"
UB_TB = "Ủy ban nhân dân tỉnh Thái Bình"
KX = "Ủy ban nhân dân huyện Kiến Xương"
TCKH = "Phòng Tài chính - Kế hoạch huyện Kiến Xương"
# (type, name, agency/O, OU, title, CCCD, email, serial, token, valid_until, need note, network)
ROWS = [
    ("Tổ chức", "Sở Kế hoạch và Đầu tư tỉnh Hưng Yên", UB, "", "", "", "skhdt@hungyen.gov.vn",
     "540101010A1B2C3D", "TK-0001", date(2027, 3, 1), "", ""),
    ("Tổ chức", "Sở Tài chính tỉnh Hưng Yên", UB, "", "", "", "stc@hungyen.gov.vn",
     "540101010A1B2C3E", "TK-0002", date(2027, 9, 1), "", ""),
    ("Tổ chức", "Sở Tài nguyên và Môi trường tỉnh Hưng Yên", UB, "", "", "", "stnmt@hungyen.gov.vn",
     "540101010A1B2C3F", "TK-0003", date(2028, 1, 15), "", ""),
    ("Tổ chức", "Sở Nông nghiệp và Phát triển nông thôn tỉnh Hưng Yên", UB, "", "", "",
     "snnptnt@hungyen.gov.vn", "540101010A1B2C40", "TK-0004", date(2027, 6, 30), "", ""),
    ("Cá nhân", "Nguyễn Thị Lan", "Sở Kế hoạch và Đầu tư tỉnh Hưng Yên", "Văn phòng Sở",
     "Giám đốc", "033180001234", "lannt@hungyen.gov.vn", "540101010A1B2C41", "TK-0005",
     date(2027, 5, 20), "", ""),
    ("Cá nhân", "Trần Văn Hùng", "Sở Kế hoạch và Đầu tư tỉnh Hưng Yên", "Phòng Đăng ký kinh doanh",
     "Trưởng phòng", "033075004321", "hungtv@hungyen.gov.vn", "540101010A1B2C42", "TK-0006",
     date(2026, 12, 31), "Nghỉ hưu từ 01/7/2025", ""),
    ("Cá nhân", "Lê Minh Châu", "Sở Tài nguyên và Môi trường tỉnh Hưng Yên", "Chi cục Bảo vệ môi trường",
     "Chi cục trưởng", "034082007788", "chaulm@hungyen.gov.vn", "540101010A1B2C43", "TK-0007",
     date(2028, 2, 10), "", "Mạng mật của cơ quan Đảng"),
    ("Cá nhân", "Phạm Quốc Toản", "Sở Nông nghiệp và Phát triển nông thôn tỉnh Hưng Yên", "Văn phòng Sở",
     "Phó Giám đốc", "033079005566", "toanpq@hungyen.gov.vn", "540101010A1B2C44", "TK-0008",
     date(2027, 11, 2), "", ""),
    # Thái Bình (merged into Hưng Yên), district level ended on 01/7/2025
    ("Tổ chức", KX, UB_TB, "", "", "", "ubndkx@thaibinh.gov.vn", "540101010A1B2C45", "TK-0009",
     date(2027, 8, 1), "", ""),
    ("Tổ chức", TCKH, KX, "", "", "", "tckh.kx@thaibinh.gov.vn", "540101010A1B2C46", "TK-0010",
     date(2028, 4, 1), "", ""),
    ("Tổ chức", "Ủy ban nhân dân xã Bình Minh", KX, "", "", "", "binhminh.kx@thaibinh.gov.vn",
     "540101010A1B2C47", "TK-0011", date(2028, 6, 1), "", ""),
    ("Tổ chức", "Ủy ban nhân dân xã Quang Minh", KX, "", "", "", "quangminh.kx@thaibinh.gov.vn",
     "540101010A1B2C48", "TK-0012", date(2027, 2, 1), "", ""),
    ("Cá nhân", "Nguyễn Văn An", TCKH, TCKH, "Chuyên viên", "034085001111",
     "annv.kx@thaibinh.gov.vn", "540101010A1B2C49", "TK-0013", date(2028, 3, 3),
     "Chuyển công tác về Sở Nội vụ tỉnh Hưng Yên từ 01/7/2025", ""),
    ("Cá nhân", "Vũ Thị Mai", TCKH, TCKH, "Phó Trưởng phòng", "034186002222",
     "maivt.kx@thaibinh.gov.vn", "540101010A1B2C4A", "TK-0014", date(2028, 3, 3), "", ""),
    ("Tổ chức", "Sở Y tế tỉnh Thái Bình", UB_TB, "", "", "", "syt@thaibinh.gov.vn",
     "540101010A1B2C4B", "TK-0015", date(2028, 9, 1), "", ""),
    ("Cá nhân", "Đỗ Văn Hải", "Sở Y tế tỉnh Thái Bình", "Phòng Nghiệp vụ Y", "Chuyên viên",
     "034083003333", "haidv@thaibinh.gov.vn", "540101010A1B2C4C", "TK-0016", date(2028, 9, 1),
     "", ""),
]
# where each subscriber is (L/ST and the list's Tỉnh/TP column): Hưng Yên unless said here
PROVINCE = {r[7]: TB for r in ROWS if "thaibinh" in r[6]}
# certificate files dropped without a list row (the plan decides from the certificate alone)
CERT_ONLY = {"540101010A1B2C4B"}


def _ca() -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, "CA phục vụ các cơ quan Nhà nước G2 (TEST)"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ban Cơ yếu Chính phủ"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
    ])
    now = datetime(2024, 1, 1, tzinfo=UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(0x1000)
            .not_valid_before(now).not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(key, hashes.SHA256()))
    return key, cert


def _attr(oid: x509.ObjectIdentifier, value: str) -> x509.NameAttribute:
    # X.520 limits CN/O/OU to 64 *characters*; cryptography checks 64 UTF-8 *bytes*, which a
    # Vietnamese agency name exceeds long before 64 characters. Issued certificates carry them.
    return x509.NameAttribute(oid, value, _validate=False)


def _cert(ca_key, ca_cert, row) -> x509.Certificate:  # type: ignore[no-untyped-def]
    kind, name, agency, ou, title, _cccd, email, serial, _tok, until, _note, _net = row
    place = PROVINCE.get(serial, HY)
    attrs = [_attr(NameOID.COMMON_NAME, name)]
    if kind == "Tổ chức":
        attrs += [_attr(NameOID.ORGANIZATION_NAME, agency),
                  _attr(NameOID.LOCALITY_NAME, place)]
    else:
        attrs += [_attr(NameOID.TITLE, title),
                  _attr(NameOID.ORGANIZATIONAL_UNIT_NAME, ou),
                  _attr(NameOID.ORGANIZATION_NAME, agency),
                  _attr(NameOID.STATE_OR_PROVINCE_NAME, place),
                  _attr(NameOID.EMAIL_ADDRESS, email)]
    attrs.append(_attr(NameOID.COUNTRY_NAME, "VN"))
    key = ec.generate_private_key(ec.SECP256R1())
    start = datetime(until.year - 5, until.month, min(until.day, 28), tzinfo=UTC)
    return (x509.CertificateBuilder().subject_name(x509.Name(attrs)).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(int(serial, 16))
            .not_valid_before(start)
            .not_valid_after(datetime(until.year, until.month, until.day, tzinfo=UTC))
            .sign(ca_key, hashes.SHA256()))


def _workbook(dest: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws["A1"] = "ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN"
    ws["A2"] = "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
    ws.merge_cells("A4:M4")
    ws["A4"] = "DANH SÁCH THUÊ BAO CHỨNG THƯ CHỮ KÝ SỐ CHUYÊN DÙNG CÔNG VỤ CẦN RÀ SOÁT"
    ws["A4"].font = Font(bold=True, size=13)
    ws["A4"].alignment = Alignment(horizontal="center")
    ws.merge_cells("A5:M5")
    ws["A5"] = "(Kèm theo Công văn số      /SKHCN-CĐS ngày    tháng 7 năm 2025)"
    headers = ["STT", "Loại thuê bao", "Họ và tên /\nTên cơ quan, tổ chức", "Cơ quan/đơn vị\ncông tác",
               "Chức vụ", "Số định danh cá nhân", "Thư điện tử", "Số hiệu chứng thư\n(Serial)",
               "Số serial thiết bị", "Ngày hết hạn", "Ghi chú", "Mạng sử dụng", "Tỉnh/TP"]
    for col, h in enumerate(headers, 1):
        cell = ws.cell(row=7, column=col, value=h)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center")
    for i, row in enumerate((r for r in ROWS if r[7] not in CERT_ONLY), 1):
        kind, name, agency, ou, title, cccd, email, serial, tok, until, note, net = row
        unit = agency if kind == "Cá nhân" else ""
        # serials as clerks type them: spaced groups, sometimes a 0x prefix
        shown = " ".join(serial[j:j + 4] for j in range(0, len(serial), 4))
        if i % 3 == 0:
            shown = "0x" + serial.lower()
        values = [i, kind, name, unit, title, cccd, email, shown, tok,
                  until if i % 2 else until.strftime("%d/%m/%Y"), note, net,
                  PROVINCE.get(serial, HY)]
        for col, v in enumerate(values, 1):
            c = ws.cell(row=7 + i, column=col, value=v)
            if col == 10 and isinstance(v, date):
                c.number_format = "dd/mm/yyyy"
        if ou and ou != agency:
            ws.cell(row=7 + i, column=4, value=f"{ou}, {agency}")
    widths = (5, 10, 38, 40, 16, 16, 26, 22, 12, 12, 22, 18, 12)
    for col, width in zip("ABCDEFGHIJKLM", widths, strict=True):
        ws.column_dimensions[col].width = width
    wb.save(dest)


def _decision(dest: Path) -> None:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    doc.add_paragraph("ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN")
    doc.add_paragraph("Số: 1520/QĐ-UBND")
    doc.add_paragraph("Hưng Yên, ngày 26 tháng 6 năm 2025")
    doc.add_paragraph("QUYẾT ĐỊNH").runs[0].bold = True
    doc.add_paragraph("Về việc sắp xếp, tổ chức lại các cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh")
    doc.add_paragraph("ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN")
    doc.add_paragraph("QUYẾT ĐỊNH:")
    doc.add_paragraph(
        "Điều 1. Sáp nhập Sở Kế hoạch và Đầu tư tỉnh Hưng Yên vào Sở Tài chính tỉnh Hưng Yên; "
        "Sở Tài chính tỉnh Hưng Yên giữ nguyên tên gọi.")
    doc.add_paragraph(
        "Điều 2. Hợp nhất Sở Tài nguyên và Môi trường tỉnh Hưng Yên và Sở Nông nghiệp và Phát triển "
        "nông thôn tỉnh Hưng Yên thành Sở Nông nghiệp và Môi trường tỉnh Hưng Yên.")
    doc.add_paragraph("Điều 3. Quyết định này có hiệu lực kể từ ngày 01 tháng 7 năm 2025.")
    doc.add_paragraph("TM. ỦY BAN NHÂN DÂN")
    doc.add_paragraph("CHỦ TỊCH")
    doc.save(dest)


def build(dest: Path) -> None:
    warnings.filterwarnings("ignore", "Attribute.s length")
    dest.mkdir(parents=True, exist_ok=True)
    ca_key, ca_cert = _ca()
    for i, row in enumerate(ROWS):
        cert = _cert(ca_key, ca_cert, row)
        serial = row[7]
        if i % 2:
            (dest / f"{serial}.crt").write_bytes(cert.public_bytes(serialization.Encoding.DER))
        else:
            (dest / f"{serial}.cer").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    _workbook(dest / "danh-sach-thue-bao-2025.xlsx")
    _decision(dest / "quyet-dinh-sap-xep-co-quan.docx")
    good = (dest / "danh-sach-thue-bao-2025.xlsx").read_bytes()
    (dest / "bang-tinh-hong.xlsx").write_bytes(good[: len(good) // 3])   # truncated in transit


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parents[1] / "inbox" / "example")
