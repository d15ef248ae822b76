"""Central dispatches (275, 393/BCY-CTSBMTT) read from .docx, LibreOffice text PDFs and an
image-only scan (OCR), and told apart from decisions, request forms, subscriber lists and the
provinces' own implementing dispatches."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from paperflow.extract import read, read_path
from paperflow.extract.central import read_central, read_provincial
from paperflow.models import InputKind

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DATA = Path(__file__).parent / "data" / "central"
EXAMPLE = Path(__file__).resolve().parents[2] / "inbox" / "example"
SEEDS = {"275": "275.txt", "393-draft": "393-draft.txt", "hung-yen": "hung-yen-implementing.txt",
         "dong-nai": "dong-nai-implementing.txt"}


def seed_docx(text_file: Path, out: Path) -> Path:
    """The seed as a Word file: one paragraph per line of the seed text."""
    import docx

    d = docx.Document()
    for line in text_file.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d.add_paragraph(line.strip())
    d.save(out)
    return out


def scan_pdf(text_file: Path, out: Path) -> Path:
    """An image-only PDF of the OCR seed's text (no text layer), pages as a scanner makes."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), 42)
    lines = [x.rstrip() for x in text_file.read_text(encoding="utf-8").splitlines()]
    per_page = 55
    pages = []
    for start in range(0, len(lines), per_page):
        img = Image.new("L", (2480, 3508), 255)
        draw = ImageDraw.Draw(img)
        for i, line in enumerate(lines[start:start + per_page]):
            draw.text((200, 200 + 56 * i), line, font=font, fill=0)
        pages.append(img)
    pages[0].save(out, "PDF", resolution=300, save_all=True, append_images=pages[1:])
    return out


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("central")
    out = {f"{k}.docx": seed_docx(DATA / v, root / f"{k}.docx") for k, v in SEEDS.items()}
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{root / 'lo-profile'}", "--headless",
         "--norestore", "--convert-to", "pdf", "--outdir", str(root / "pdf"),
         *(str(out[f"{k}.docx"]) for k in ("275", "393-draft"))],
        check=True, capture_output=True, timeout=180)
    out["275.pdf"] = root / "pdf" / "275.pdf"
    out["393-draft.pdf"] = root / "pdf" / "393-draft.pdf"
    out["393-scan.pdf"] = scan_pdf(DATA / "393-scan-ocr.txt", root / "393-scan.pdf")
    return out


def _top(points) -> list[str]:
    return [label for label, _t in points if label.count(".") == 1]


@pytest.mark.parametrize("name", ["275.docx", "275.pdf"])
def test_275_is_a_central_dispatch(files, name, as_incoming):
    got = read(as_incoming(files[name]))
    assert got.kind is InputKind.CENTRAL_DISPATCH
    assert not got.merge_events          # "sáp nhập … thành …" in 1.1 is not a decision
    (c,) = got.central_dispatches
    assert c.number == "275/BCY-CTSBMTT"
    assert c.date == date(2025, 5, 16) and c.date_short == "16/5/2025"
    assert c.issuer == "Ban Cơ yếu Chính phủ"
    assert c.subject == ("tăng cường công tác quản lý, sử dụng dịch vụ chữ ký số chuyên dùng "
                         "công vụ trong quá trình sắp xếp tổ chức bộ máy của hệ thống chính trị")
    assert [label for label, _t in c.points] == [
        "1.", "1.1.", "1.2.", "2.", "2.1.", "2.2.", "3.", "3.1.", "3.2.", "4.", "5."]
    points = dict(c.points)
    assert points["2.2."].startswith("Cán bộ, công chức, viên chức khi không còn nhu cầu")
    # the three cases of 1.1 stay list items on their own lines
    assert points["1.1."].count("\n- Trường hợp") == 3
    # the closing paragraph and the contacts are not a point
    assert "Trân trọng" not in points["5."] and "Trong quá trình" not in points["5."]
    assert points["5."].endswith("khôi phục thiết bị lưu khóa bí mật.")
    assert c.source == name and not c.ocr


@pytest.mark.parametrize("name", ["393-draft.docx", "393-draft.pdf"])
def test_393_draft_without_its_number(files, name, as_incoming):
    """Seed 000: the 393 dispatch before the clerk wrote its number in ('Số:   /BCY-CTSBMTT')."""
    got = read(as_incoming(files[name]))
    assert got.kind is InputKind.CENTRAL_DISPATCH and not got.merge_events
    (c,) = got.central_dispatches
    assert c.number == "/BCY-CTSBMTT" and c.date == date(2025, 6, 27)
    assert c.subject.startswith("triển khai một số giải pháp để đảm bảo kịp thời chứng thư")
    assert c.subject.endswith("từ ngày 01/7/2025")
    assert _top(c.points) == ["1.", "2.", "3.", "4.", "5.", "6.", "7."]
    assert dict(c.points)["6."].startswith("Triệt để thu hồi thiết bị lưu khóa bí mật")
    assert any("chưa có số" in w for w in got.warnings)


def test_393_scan_read_by_ocr(files, as_incoming):
    """Seed 004: diacritics lost; number and date are ASCII and must come out right."""
    got = read(as_incoming(files["393-scan.pdf"]))
    assert got.kind is InputKind.CENTRAL_DISPATCH and not got.merge_events
    (c,) = got.central_dispatches
    assert c.number == "393/BCY-CTSBMTT" and c.date == date(2025, 6, 27)
    assert c.ocr and c.issuer == "Ban Cơ yếu Chính phủ"
    assert len(_top(c.points)) >= 6
    assert "01/7/2025" in dict(c.points)["1."]       # damaged words kept as they were read
    assert "cam on" not in dict(c.points)["7."]       # the closing line is not a point


@pytest.mark.parametrize(("name", "issuer", "top"), [
    ("hung-yen.docx", "Ủy ban nhân dân tỉnh Hưng Yên", ["1.", "2.", "3."]),
    ("dong-nai.docx", "Ủy ban nhân dân tỉnh Đồng Nai", ["1.", "2.", "3.", "4.", "5."]),
])
def test_provincial_implementing_dispatches_are_recognised(files, name, issuer, top):
    """Seeds 001/002 are a province's own dispatches passing 275/393 on: recognised as such —
    not rejected with a misleading reason, not a central one to pass on again, and the merger
    cases they quote are not merger events."""
    got = read_path(files[name])
    assert got.kind is InputKind.PROVINCIAL_DISPATCH
    assert not got.central_dispatches and not got.merge_events and not got.subscribers
    (p,) = got.provincial_dispatches
    assert p.provincial and p.issuer == issuer and p.number == "/UBND-KGVX"
    assert _top(p.points)[:len(top)] == top
    assert any("công văn triển khai" in w and issuer in w for w in got.warnings)


@pytest.mark.parametrize("seed", ["hung-yen-implementing.txt", "dong-nai-implementing.txt"])
def test_provincial_dispatch_as_plain_text(seed, tmp_path):
    p = tmp_path / seed
    p.write_text((DATA / seed).read_text(encoding="utf-8"), encoding="utf-8")
    got = read_path(p)
    assert got.kind is InputKind.PROVINCIAL_DISPATCH and not got.merge_events


def test_ocr_text_copy_is_marked_and_the_clean_copy_is_not(tmp_path):
    """A clean and an OCR'd copy of 393 both dropped: the OCR one says so (`ocr=True`) even when
    it arrives as text, so the implementing dispatch is made from the clean one."""
    clean, scan = tmp_path / "393.txt", tmp_path / "393-scan.txt"
    clean.write_text((DATA / "393-draft.txt").read_text(encoding="utf-8").replace(
        "Số:          /BCY", "Số: 393/BCY"), encoding="utf-8")
    scan.write_text((DATA / "393-scan-ocr.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (c,) = read_path(clean).central_dispatches
    got = read_path(scan)
    (s,) = got.central_dispatches
    assert (c.number, c.date) == (s.number, s.date) == ("393/BCY-CTSBMTT", date(2025, 6, 27))
    assert not c.ocr and s.ocr
    assert any("OCR" in w for w in got.warnings)


def test_decisions_and_forms_keep_their_kind(documents):
    assert read_path(documents["decision_docx"]).kind is InputKind.DECISION
    assert read_path(documents["decision_pdf"]).kind is InputKind.DECISION
    assert read_path(documents["request_docx"]).kind is InputKind.REQUEST_FORM


def test_example_inbox_is_recognised_as_before():
    kinds = {}
    for f in sorted(EXAMPLE.iterdir()):
        try:
            kinds[f.name] = read_path(f).kind
        except Exception:  # noqa: BLE001 - the example holds one broken workbook on purpose
            kinds[f.name] = None
    assert kinds.pop("quyet-dinh-sap-xep-co-quan.docx") is InputKind.DECISION
    assert kinds.pop("danh-sach-thue-bao-2025.xlsx") is InputKind.SUBSCRIBER_LIST
    assert kinds.pop("bang-tinh-hong.xlsx") is None
    assert set(kinds.values()) == {InputKind.CERTIFICATE}


HEAD = """BAN CƠ YẾU CHÍNH PHỦ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Số: {number}
V/v {subject}
Hà Nội, ngày 05 tháng 01 năm 2026
Kính gửi: {to}
1. Thực hiện nội dung thứ nhất.
2. Thực hiện nội dung thứ hai.
Trân trọng./.
"""


def test_a_dispatch_to_the_ca_is_not_one_to_pass_on():
    text = HEAD.format(number="12/BCY-VP", subject="đề nghị thu hồi chứng thư",
                       to="Cục Chứng thực số và Bảo mật thông tin")
    assert read_central(text) is None
    c = read_central(HEAD.format(number="12/BCY-VP", subject="triển khai",
                                 to="UBND các tỉnh, thành phố"))
    assert c is not None and c.number == "12/BCY-VP" and c.date == date(2026, 1, 5)
    assert c.date_short == "05/01/2026" and c.points == (("1.", "Thực hiện nội dung thứ nhất."),
                                                         ("2.", "Thực hiện nội dung thứ hai."))


@pytest.mark.parametrize("number", ["15/QĐ-BCY", "7/KH-BCY", "88/UBND-KGVX"])
def test_typed_or_provincial_numbers_are_not_central(number):
    text = HEAD.format(number=number, subject="triển khai", to="UBND các tỉnh")
    if number.endswith("KGVX"):
        text = text.replace("BAN CƠ YẾU CHÍNH PHỦ", "ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN")
    assert read_central(text) is None


def test_a_decision_of_a_ministry_is_not_a_dispatch():
    text = ("BỘ NỘI VỤ\nSố: 100/QĐ-BNV\nHà Nội, ngày 01 tháng 7 năm 2025\nQUYẾT ĐỊNH\n"
            "V/v sắp xếp\nKính gửi: các đơn vị\nĐiều 1. Sáp nhập Vụ A vào Vụ B.\n")
    assert read_central(text) is None


def test_a_provincial_letter_that_reorganises_is_read_for_its_statements():
    """Only a dispatch passing a central one on is kept as such; a province's công văn that
    itself announces a reorganisation is read for its statements (INPUTS.md §3)."""
    text = ("ỦY BAN NHÂN DÂN\nTỈNH HƯNG YÊN\nSố: 88/UBND-NC\nV/v sắp xếp đơn vị sự nghiệp\n"
            "Hưng Yên, ngày 30 tháng 6 năm 2025\nKính gửi: Các sở, ban, ngành\n"
            "1. Sáp nhập Trung tâm Tin học vào Sở Khoa học và Công nghệ.\n"
            "2. Giải thể Trung tâm Xúc tiến đầu tư.\n")
    assert read_provincial(text) is None
    c = read_provincial(text.replace("sắp xếp đơn vị sự nghiệp",
                                     "triển khai Văn bản số 393/BCY-CTSBMTT"))
    assert c is not None and c.provincial and c.issuer == "Ủy ban nhân dân tỉnh Hưng Yên"
    assert c.number == "88/UBND-NC" and c.date == date(2025, 6, 30)


def test_damaged_text_copy_of_a_decision_is_read_with_ocr_confidence(tmp_path):
    p = tmp_path / "qd-scan.txt"
    p.write_text("QUYET DINH\nS6: 77/QD-UBND\nDieu 1. Sap nhdp Trung tam Tin hgc vao S6 Khoa hoc "
                 "va Cong nghé tinh Hung Yén.\nDieu 2. Giai thé Trung tâm Xúc tiến đầu tư, theo đề nghị.\n",
                 encoding="utf-8")
    got = read_path(p)
    assert got.kind is InputKind.DECISION and len(got.merge_events) == 2
    assert all(e.confidence <= 0.8 for e in got.merge_events)
    assert any("OCR" in w for w in got.warnings)


def test_a_statement_not_understood_is_reported_not_dropped(tmp_path):
    p = tmp_path / "qd-78.txt"
    p.write_text("QUYẾT ĐỊNH\nSố: 78/QĐ-UBND\nĐiều 1. Sáp nhập Trung tâm Tin học vào Sở Khoa học "
                 "và Công nghệ.\nĐiều 2. Trung tâm Xúc tiến đầu tư được sáp nhập.\nĐiều 3. Các "
                 "cơ quan sau khi sáp nhập có trách nhiệm bàn giao hồ sơ, tài liệu.\n",
                 encoding="utf-8")
    got = read_path(p)
    assert len(got.merge_events) == 1
    (w,) = [w for w in got.warnings if "không đọc được nội dung sắp xếp" in w]
    assert "«Trung tâm Xúc tiến đầu tư được sáp nhập»" in w and w.startswith("qd-78.txt: ")
