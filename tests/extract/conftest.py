"""Real input files, made once per session: Word decisions and forms, their LibreOffice PDFs,
an image-only scan for OCR, certificates."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from paperflow.models import Incoming

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

DECISION_ARTICLES = [
    "Điều 1. Sáp nhập Sở Kế hoạch và Đầu tư, Sở Tài chính thành Sở Tài chính tỉnh Hưng Yên.",
    "Điều 2. Sáp nhập Trung tâm Công nghệ thông tin và Truyền thông vào Sở Khoa học và Công "
    "nghệ.",
    "Điều 3. Thành lập Sở Nông nghiệp và Môi trường trên cơ sở hợp nhất Sở Nông nghiệp và "
    "Phát triển nông thôn và Sở Tài nguyên và Môi trường.",
    "Điều 4. Chuyển Ban Quản lý các khu công nghiệp về trực thuộc Sở Công Thương.",
    "Điều 5. Đổi tên Phòng Văn hóa và Thông tin thành Phòng Văn hóa - Xã hội.",
    "Điều 6. Giải thể Trung tâm Xúc tiến đầu tư.",
    "Điều 7. Quyết định này có hiệu lực kể từ ngày 01/7/2025.",
]


def incoming(path: Path) -> Incoming:
    data = path.read_bytes()
    return Incoming(path=path, sha256=hashlib.sha256(data).hexdigest(), name=path.name,
                    size=len(data))


def make_decision_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_paragraph("ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN")
    d.add_paragraph("Số: 1520/QĐ-UBND")
    d.add_paragraph("Hưng Yên, ngày 27 tháng 6 năm 2025")
    d.add_paragraph("QUYẾT ĐỊNH")
    d.add_paragraph("Về việc sắp xếp tổ chức bộ máy các cơ quan chuyên môn")
    for article in DECISION_ARTICLES:
        d.add_paragraph(article)
    d.add_paragraph("Phụ lục: danh sách đơn vị sắp xếp")
    t = d.add_table(rows=1, cols=3)
    t.style = "Table Grid"          # bordered, as decisions' appendices are
    t.rows[0].cells[0].text = "STT"
    t.rows[0].cells[1].text = "Đơn vị trước sắp xếp"
    t.rows[0].cells[2].text = "Đơn vị sau sắp xếp"
    for i, (before, after) in enumerate([
        ("Sở Giao thông vận tải", "Sở Xây dựng"),
        ("Sở Xây dựng", "Sở Xây dựng"),
        ("Sở Thông tin và Truyền thông", "Sở Khoa học và Công nghệ"),
    ], start=1):
        cells = t.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = str(i), before, after
    d.save(path)
    return path


def make_request_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    d.add_paragraph("Độc lập - Tự do - Hạnh phúc")
    d.add_paragraph("ĐƠN ĐỀ NGHỊ")
    d.add_paragraph("Thu hồi chứng thư chữ ký số chuyên dùng công vụ")
    d.add_paragraph("Kính gửi: Sở Khoa học và Công nghệ tỉnh Hưng Yên")
    t = d.add_table(rows=0, cols=2)
    t.style = "Table Grid"
    for label, value in [
        ("Họ và tên", "Nguyễn Thị Hoa"),
        ("Số định danh cá nhân", "034185001234"),
        ("Chức vụ", "Phó Giám đốc"),
        ("Cơ quan/đơn vị công tác", "Sở Tài chính tỉnh Thái Bình"),
        ("Thư điện tử", "hoa.nt@thaibinh.gov.vn"),
        ("Số serial chứng thư số", "54 01 01 01 ab 12"),
        ("Lý do", "Nghỉ hưu từ ngày 01/7/2025"),
    ]:
        cells = t.add_row().cells
        cells[0].text, cells[1].text = label, value
    d.add_paragraph("Người đề nghị")
    d.save(path)
    return path


def make_scan_pdf(path: Path) -> Path:
    """An image-only PDF (no text layer), as a scanner makes it."""
    from PIL import Image, ImageDraw, ImageFont

    lines = ["QUYẾT ĐỊNH", "Số: 77/QĐ-UBND",
             "Điều 1. Sáp nhập Trung tâm Tin học",
             "vào Sở Khoa học và Công nghệ tỉnh Hưng Yên."]
    font = ImageFont.truetype(str(FONT), 56)
    img = Image.new("L", (2480, 200 + 110 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((150, 100 + 110 * i), line, font=font, fill=0)
    img.save(path, "PDF", resolution=300)
    return path


@pytest.fixture(scope="session")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """docx files and their PDFs, converted by ONE soffice call with its own profile."""
    root = tmp_path_factory.mktemp("docs")
    files = {
        "decision_docx": make_decision_docx(root / "quyet-dinh.docx"),
        "request_docx": make_request_docx(root / "don-de-nghi.docx"),
    }
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    profile = root / "lo-profile"
    pdf_dir = root / "pdf"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(pdf_dir), *map(str, files.values())],
        check=True, capture_output=True, timeout=180)
    files["decision_pdf"] = pdf_dir / "quyet-dinh.pdf"
    files["request_pdf"] = pdf_dir / "don-de-nghi.pdf"
    files["scan_pdf"] = make_scan_pdf(root / "scan.pdf")
    return files


@pytest.fixture
def as_incoming():
    return incoming
