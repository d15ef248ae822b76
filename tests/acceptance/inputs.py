"""Inputs nobody in tests/ wrote: the Đồng Nai + Bình Phước merge of 2025 as offices send it — a
list exported from another system (two-row header, serials in four notations, names without
diacritics), a semicolon CSV of personnel moves whose new agency is only in a note, a decision in
articles with a 'trước / sau sắp xếp' table and its unaccented copy, certificate files made with
`cryptography` whose subjects name the old province and agency."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from paperflow.text import strip_diacritics

DN = "Đồng Nai"
BP = "Bình Phước"
UB_DN = "Ủy ban nhân dân tỉnh Đồng Nai"
UB_BP = "Ủy ban nhân dân tỉnh Bình Phước"
SYT_BP = "Sở Y tế tỉnh Bình Phước"
SYT_DN = "Sở Y tế tỉnh Đồng Nai"
HUYEN = "Ủy ban nhân dân huyện Đồng Phú"
PHONG = "Phòng Tài chính - Kế hoạch huyện Đồng Phú"
STC_DN = "Sở Tài chính tỉnh Đồng Nai"
KHDT_BP = "Sở Kế hoạch và Đầu tư tỉnh Bình Phước"

# (STT, name, type, agency, managing, province, title, serial as written, token, expiry, note)
LIST_ROWS = (
    (1, SYT_BP, "TC", SYT_BP, UB_BP, BP, "", "00 00 5A 01", "TKBP01", "31/12/2027", ""),
    (2, "Nguyễn Văn Hùng", "CN", SYT_BP, UB_BP, BP, "Phó Giám đốc", "0x5a02", "TKBP02",
     "31/12/2027", ""),
    (3, HUYEN, "TC", HUYEN, UB_BP, BP, "", "00:00:5A:03", "TKBP03", "31/12/2027", ""),
    (4, PHONG, "TC", PHONG, HUYEN, BP, "", "5a04", "TKBP04", "31/12/2027", ""),
    (5, "Trần Thị Lan", "CN", PHONG, HUYEN, BP, "Chuyên viên", "0000005A05", "TKBP05",
     "31/12/2027", f"Điều động về {STC_DN} từ 01/7/2025"),
    (6, "Lê Văn Nam", "CN", PHONG, HUYEN, BP, "Chuyên viên", "5A06", "TKBP06", "31/12/2027", ""),
    (7, "Ủy ban nhân dân xã Tân Lập", "TC", "Ủy ban nhân dân xã Tân Lập", HUYEN, BP, "",
     "00 5A 07", "TKBP07", "31/12/2027", ""),
    (8, "Ủy ban nhân dân xã Tân Tiến", "TC", "Ủy ban nhân dân xã Tân Tiến", HUYEN, BP, "",
     "5A08", "TKBP08", "31/12/2027", ""),
    (9, "Phạm Thị Thu", "CN", KHDT_BP, UB_BP, BP, "Chuyên viên", "5A09", "TKBP09",
     "31/12/2027", "Nghỉ hưu từ 01/7/2025"),
    (10, SYT_DN, "TC", SYT_DN, UB_DN, DN, "", "5A0A", "TKDN0A", "31/12/2027", ""),
)
SERIAL = {r[0]: f"{int(r[7].replace(' ', '').replace(':', ''), 16):X}" for r in LIST_ROWS}


def exported_list(path: Path) -> Path:
    """An export from another system: a title block, a two-row header with a merged group cell,
    every text without diacritics, serials in mixed notations, the expiry as text."""
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "DS"
    ws.append(["DANH SACH THUE BAO CHUNG THU SO - TINH BINH PHUOC (cu)"])
    ws.append(["Xuat tu he thong QLCTS ngay 25/06/2025"])
    ws.append([])
    ws.append(["STT", "Ho va ten", "Doi tuong", "Co quan/don vi cong tac",
               "Co quan quan ly cap tren", "Tinh/TP", "Chuc vu", "Thong tin chung thu so",
               None, None, "Ghi chu"])
    ws.append([None] * 7 + ["So serial", "So hieu thiet bi", "Ngay het han", None])
    ws.merge_cells("H4:J4")
    for col in "ABCDEFGK":
        ws.merge_cells(f"{col}4:{col}5")
    for r in LIST_ROWS:
        ws.append([r[0], *(strip_diacritics(v) for v in r[1:7]), r[7], r[8], r[9],
                   strip_diacritics(r[10])])
    wb.save(path)
    return path


# Personnel moves of Đồng Nai / Bình Phước: the new agency only in the note.
PERSONNEL = (
    ("Đỗ Minh Tuấn", "Chuyên viên", "Sở Thông tin và Truyền thông tỉnh Bình Phước", "5B01",
     "Chuyển công tác đến Sở Khoa học và Công nghệ tỉnh Đồng Nai từ 01/7/2025"),
    ("Hoàng Văn Đức", "Trưởng phòng", "Sở Lao động - Thương binh và Xã hội tỉnh Đồng Nai", "5B02",
     "Bố trí tại Sở Nội vụ tỉnh Đồng Nai từ 01/7/2025"),
    ("Ngô Thị Hạnh", "Chuyên viên", "Sở Tài nguyên và Môi trường tỉnh Bình Phước", "5B03",
     "Thôi việc theo nguyện vọng"),
)


def personnel_csv(path: Path) -> Path:
    """A semicolon-delimited CSV (Excel's Vietnamese locale), UTF-8 with a BOM."""
    lines = ["STT;Họ và tên;Chức vụ;Cơ quan/đơn vị công tác;Số serial chứng thư;Ghi chú"]
    for i, (name, title, agency, serial, note) in enumerate(PERSONNEL, 1):
        lines.append(f"{i};{name};{title};{agency};{serial};{note}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


TNMT_DN = "Sở Tài nguyên và Môi trường tỉnh Đồng Nai"
NNPTNT_DN = "Sở Nông nghiệp và Phát triển nông thôn tỉnh Đồng Nai"
NNMT_DN = "Sở Nông nghiệp và Môi trường tỉnh Đồng Nai"
GTVT_DN = "Sở Giao thông vận tải tỉnh Đồng Nai"
XD_DN = "Sở Xây dựng tỉnh Đồng Nai"
TT_CNTT = "Trung tâm Công nghệ thông tin và Truyền thông tỉnh Đồng Nai"
TTTT_DN = "Sở Thông tin và Truyền thông tỉnh Đồng Nai"
KHCN_DN = "Sở Khoa học và Công nghệ tỉnh Đồng Nai"
DECISION_ARTICLES = (
    f"Điều 1. Thành lập {NNMT_DN} trên cơ sở hợp nhất {TNMT_DN} và {NNPTNT_DN}.",
    f"Điều 2. {XD_DN} tiếp nhận {GTVT_DN}; {XD_DN} giữ nguyên tên.",
    "Điều 3. Các đơn vị sự nghiệp được sắp xếp như sau:",
)
DECISION_TABLE = (("STT", "Đơn vị trước sắp xếp", "Đơn vị sau sắp xếp"),
                  ("1", f"{TT_CNTT} (thuộc {TTTT_DN})", f"{TT_CNTT} trực thuộc {KHCN_DN}"))
# (name, type, agency, managing, serial) of the Đồng Nai agencies the decision speaks of
DECISION_LIST = (
    (TNMT_DN, "TC", TNMT_DN, UB_DN, "5C01"),
    (NNPTNT_DN, "TC", NNPTNT_DN, UB_DN, "5C02"),
    (GTVT_DN, "TC", GTVT_DN, UB_DN, "5C03"),
    (XD_DN, "TC", XD_DN, UB_DN, "5C04"),
    (TT_CNTT, "TC", TT_CNTT, TTTT_DN, "5C05"),
)


def decision_docx(path: Path, *, bare: bool = False) -> Path:
    """Quyết định of UBND tỉnh Đồng Nai: 'thành lập … trên cơ sở hợp nhất', 'tiếp nhận … giữ
    nguyên tên', and a table of units before / after. `bare`: every diacritic lost (a scan)."""
    import docx
    t = strip_diacritics if bare else (lambda s: s)
    d = docx.Document()
    for line in ("ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI", "Số: 1789/QĐ-UBND",
                 "Đồng Nai, ngày 30 tháng 6 năm 2025", "QUYẾT ĐỊNH",
                 "Về việc sắp xếp các cơ quan chuyên môn và đơn vị sự nghiệp",
                 "ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI", "QUYẾT ĐỊNH:", *DECISION_ARTICLES):
        d.add_paragraph(t(line))
    table = d.add_table(rows=0, cols=3)
    for row in DECISION_TABLE:
        cells = table.add_row().cells
        for c, v in zip(cells, row, strict=True):
            c.text = t(v)
    d.add_paragraph(t("Điều 4. Quyết định này có hiệu lực kể từ ngày 01/7/2025."))
    d.save(path)
    return path


def decision_list(path: Path) -> Path:
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.append(["STT", "Tên thuê bao", "Loại thuê bao", "Cơ quan", "Cơ quan chủ quản",
               "Tỉnh/Thành phố", "Serial CTS", "Hạn sử dụng"])
    for i, (name, kind, agency, managing, serial) in enumerate(DECISION_LIST, 1):
        ws.append([i, name, kind, agency, managing, DN, serial, "31/12/2027"])
    wb.save(path)
    return path


def certificate(path: Path, serial: int, subject: tuple[tuple[str, str], ...], *,
                until: dt.date = dt.date(2027, 12, 31)) -> Path:
    """A certificate file (.cer, DER) signed by a throw-away CA named like the real one."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    oid = {"CN": NameOID.COMMON_NAME, "O": NameOID.ORGANIZATION_NAME,
           "OU": NameOID.ORGANIZATIONAL_UNIT_NAME, "L": NameOID.LOCALITY_NAME,
           "ST": NameOID.STATE_OR_PROVINCE_NAME, "C": NameOID.COUNTRY_NAME,
           "T": NameOID.TITLE, "E": NameOID.EMAIL_ADDRESS}
    key = ec.generate_private_key(ec.SECP256R1())
    issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CA phục vụ các cơ quan Nhà nước G2"),
                        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ban Cơ yếu Chính phủ"),
                        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")])
    name = x509.Name([x509.NameAttribute(oid[k], v) for k, v in subject])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(issuer)
            .public_key(key.public_key()).serial_number(serial)
            .not_valid_before(dt.datetime(2023, 1, 1, tzinfo=dt.UTC))
            .not_valid_after(dt.datetime.combine(until, dt.time(), tzinfo=dt.UTC))
            .sign(key, hashes.SHA256()))
    path.write_bytes(cert.public_bytes(serialization.Encoding.DER))
    return path


BUDANG = "Ủy ban nhân dân huyện Bù Đăng"
CERTS = (   # (file, serial, subject): two with list rows, one alone (a district body)
    ("so-y-te-bp.cer", 0x5A01, (("CN", SYT_BP), ("O", UB_BP), ("ST", BP), ("C", "VN"))),
    ("nguyen-van-hung.cer", 0x5A02, (("CN", "Nguyễn Văn Hùng"), ("T", "Phó Giám đốc"),
                                     ("OU", SYT_BP), ("O", UB_BP), ("ST", BP), ("C", "VN"))),
    ("ubnd-bu-dang.cer", 0x5D01, (("CN", BUDANG), ("O", UB_BP), ("L", BP), ("C", "VN"))),
)


def drop_all(inbox: Path) -> None:
    """Every input of the Đồng Nai case into `inbox`."""
    inbox.mkdir(parents=True, exist_ok=True)
    exported_list(inbox / "xuat-he-thong-qlcts.xlsx")
    personnel_csv(inbox / "nhan-su-dieu-dong.csv")
    decision_docx(inbox / "qd-1789-sap-xep.docx")
    decision_list(inbox / "ds-so-nganh-dong-nai.xlsx")
    for name, serial, subject in CERTS:
        certificate(inbox / name, serial, subject)
