from __future__ import annotations

import shutil
import subprocess

import pytest

from paperflow import extract
from paperflow.models import InputKind, MergeKind
from paperflow.text import key


def _by_kind(events):
    out = {}
    for e in events:
        out.setdefault(e.kind, []).append(e)
    return out


def _check_decision(result, *, confidence: float = 1.0) -> None:
    assert result.kind is InputKind.DECISION
    ev = _by_kind(result.merge_events)
    merges = {key(e.target): e for e in ev[MergeKind.MERGE_NEW]}
    assert merges[key("Sở Tài chính tỉnh Hưng Yên")].sources == (
        "Sở Kế hoạch và Đầu tư", "Sở Tài chính")
    assert merges[key("Sở Nông nghiệp và Môi trường")].sources == (
        "Sở Nông nghiệp và Phát triển nông thôn", "Sở Tài nguyên và Môi trường")
    keeps = {key(e.target): e for e in ev[MergeKind.MERGE_KEEP]}
    assert keeps[key("Sở Khoa học và Công nghệ")].sources[0] in (
        "Trung tâm Công nghệ thông tin và Truyền thông", "Sở Thông tin và Truyền thông")
    # the appendix table: Sở Giao thông vận tải + Sở Xây dựng → Sở Xây dựng keeps its name
    assert keys_of(keeps[key("Sở Xây dựng")].sources) == {key("Sở Giao thông vận tải")}
    (sup,) = ev[MergeKind.SUPERIOR_CHANGE]
    assert sup.sources == ("Ban Quản lý các khu công nghiệp",)
    assert sup.superior == "Sở Công Thương"
    (ren,) = ev[MergeKind.RENAME]
    assert (ren.sources, ren.target) == (("Phòng Văn hóa và Thông tin",),
                                         "Phòng Văn hóa - Xã hội")
    (dis,) = ev[MergeKind.DISSOLVE]
    assert dis.sources == ("Trung tâm Xúc tiến đầu tư",)
    for e in result.merge_events:
        assert e.decision.startswith("Quyết định số 1520/QĐ-UBND")
        assert e.confidence == confidence


def keys_of(names):
    return {key(n) for n in names}


def test_decision_docx_articles_and_table(documents, as_incoming):
    _check_decision(extract.read(as_incoming(documents["decision_docx"])))


def test_decision_text_pdf_from_libreoffice(documents, as_incoming):
    _check_decision(extract.read(as_incoming(documents["decision_pdf"])))


def test_scanned_pdf_is_read_by_ocr_with_lower_confidence(documents, as_incoming):
    result = extract.read(as_incoming(documents["scan_pdf"]))
    assert result.kind is InputKind.DECISION
    (event,) = result.merge_events
    assert event.kind is MergeKind.MERGE_KEEP
    assert key(event.sources[0]) == key("Trung tâm Tin học")
    assert "khoa hoc va cong nghe" in key(event.target)
    assert event.confidence < 1
    assert any("OCR" in w for w in result.warnings)


def test_request_form_docx(documents, as_incoming):
    result = extract.read(as_incoming(documents["request_docx"]))
    assert result.kind is InputKind.REQUEST_FORM
    (req,) = result.requests
    assert req.request == "revoke"
    s = req.subscriber
    assert (s.name, s.id_number, s.title, s.agency) == (
        "Nguyễn Thị Hoa", "034185001234", "Phó Giám đốc", "Sở Tài chính tỉnh Thái Bình")
    assert s.cert_serial == "54010101AB12" and s.email == "hoa.nt@thaibinh.gov.vn"
    assert s.type == "person" and "Nghỉ hưu" in req.reason


def test_request_form_pdf(documents, as_incoming):
    result = extract.read(as_incoming(documents["request_pdf"]))
    assert result.kind is InputKind.REQUEST_FORM
    (req,) = result.requests
    assert req.request == "revoke" and req.subscriber.id_number == "034185001234"
    assert req.subscriber.cert_serial == "54010101AB12"


def test_kind_comes_from_content_not_extension(documents, tmp_path, as_incoming):
    disguised = tmp_path / "danh-sach.xlsx"
    disguised.write_bytes(documents["decision_docx"].read_bytes())
    assert extract.read(as_incoming(disguised)).kind is InputKind.DECISION


def test_plain_text_decision(tmp_path, as_incoming):
    p = tmp_path / "qd.txt"
    p.write_text("QUYẾT ĐỊNH\nSố: 9/QĐ-UBND\nĐiều 1. Giải thể Trung tâm A, theo đề nghị của "
                 "Sở Nội vụ.\n", encoding="utf-8")
    result = extract.read(as_incoming(p))
    (e,) = result.merge_events
    assert (e.kind, e.sources, e.decision) == (MergeKind.DISSOLVE, ("Trung tâm A",),
                                               "Quyết định số 9/QĐ-UBND")


def _title_verb_docx(path):
    """A decision as offices type it: the header is a two-column table (agency | national
    motto), the title holds the verb, the authority in capitals follows, then 'Căn cứ'."""
    import docx

    d = docx.Document()
    t = d.add_table(rows=2, cols=2)
    t.rows[0].cells[0].text = "ỦY BAN NHÂN DÂN\nTỈNH HƯNG YÊN"
    t.rows[0].cells[1].text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    t.rows[1].cells[0].text = "Số: 1601/QĐ-UBND"
    t.rows[1].cells[1].text = "Hưng Yên, ngày 30 tháng 6 năm 2025"
    for line in [
        "QUYẾT ĐỊNH",
        "Về việc sáp nhập Sở Giao thông vận tải vào Sở Xây dựng - Giao thông tỉnh Hưng Yên",
        "ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN",
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;",
        "QUYẾT ĐỊNH:",
        "Điều 1. Sáp nhập Sở Giao thông vận tải vào Sở Xây dựng - Giao thông tỉnh Hưng Yên.",
        "Điều 2. Chuyển Trung tâm Đăng kiểm từ Sở Giao thông vận tải về trực thuộc Sở Xây dựng "
        "- Giao thông tỉnh Hưng Yên.",
        "Điều 3. Điều động ông Nguyễn Văn An, Phó Giám đốc Sở Giao thông vận tải, đến công tác "
        "tại Sở Xây dựng - Giao thông tỉnh Hưng Yên kể từ ngày 01/7/2025.",
        "Điều 4. Quyết định này có hiệu lực kể từ ngày 01/7/2025.",
        "CHỦ TỊCH",
    ]:
        d.add_paragraph(line)
    d.save(path)
    return path


def test_title_holding_the_verb_makes_no_agency_of_the_header(tmp_path, as_incoming):
    result = extract.read(as_incoming(_title_verb_docx(tmp_path / "qd-1601.docx")))
    assert result.kind is InputKind.DECISION
    sxd = "Sở Xây dựng - Giao thông tỉnh Hưng Yên"
    got = {(e.kind, e.sources, e.target, e.superior, e.old_superior) for e in result.merge_events}
    assert got == {
        (MergeKind.MERGE_KEEP, ("Sở Giao thông vận tải",), sxd, "", ""),
        (MergeKind.SUPERIOR_CHANGE, ("Trung tâm Đăng kiểm",), "Trung tâm Đăng kiểm", sxd,
         "Sở Giao thông vận tải"),
    }
    for e in result.merge_events:
        assert e.decision == "Quyết định số 1601/QĐ-UBND ngày 30/06/2025"
        for name in (*e.sources, e.target, e.superior):
            assert "ỦY BAN" not in name and "CỘNG HÒA" not in name and "Căn cứ" not in name
    (p,) = result.subscribers       # the person moved, with the agency they go to
    assert (p.type, p.name, p.title, p.agency, p.new_agency) == (
        "person", "Nguyễn Văn An", "Phó Giám đốc", "Sở Giao thông vận tải", sxd)


def test_personnel_decision_alone_is_a_personnel_input(tmp_path, as_incoming):
    import docx

    d = docx.Document()
    for line in ["ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN", "Số: 1700/QĐ-UBND", "QUYẾT ĐỊNH",
                 "Về việc điều động, bố trí công chức sau sắp xếp",
                 "Điều 1. Điều động bà Trần Thị Bình, Chuyên viên Phòng Tài chính - Kế hoạch "
                 "huyện Tiên Lữ, đến nhận công tác tại Ủy ban nhân dân xã Tiên Lữ từ ngày "
                 "01/7/2025.",
                 "Điều 2. Cho ông Đỗ Văn Khoa, Chánh Văn phòng Sở Tài chính tỉnh Thái Bình, nghỉ "
                 "hưu theo chế độ từ ngày 01/7/2025."]:
        d.add_paragraph(line)
    d.save(tmp_path / "qd-1700.docx")
    result = extract.read(as_incoming(tmp_path / "qd-1700.docx"))
    assert result.kind is InputKind.PERSONNEL and not result.merge_events
    moved, retired = result.subscribers
    assert (moved.name, moved.agency, moved.new_agency, moved.needed) == (
        "Trần Thị Bình", "Phòng Tài chính - Kế hoạch huyện Tiên Lữ", "Ủy ban nhân dân xã Tiên Lữ",
        True)
    assert (retired.name, retired.new_agency, retired.needed) == ("Đỗ Văn Khoa", "", False)
    assert "nghỉ hưu" in retired.need_note


def test_ocr_damaged_unaccented_table_decision(tmp_path, as_incoming):
    """A before/after table typed without diacritics, names OCR-damaged: read as written,
    with a confidence below 1 where a letter is damaged."""
    import docx

    d = docx.Document()
    d.add_paragraph("QUYET DINH")
    d.add_paragraph("So: 55/QD-UBND")
    t = d.add_table(rows=1, cols=3)
    t.rows[0].cells[0].text = "STT"
    t.rows[0].cells[1].text = "Don vi truoc sap xep"
    t.rows[0].cells[2].text = "Don vi sau sap xep"
    for i, (before, after) in enumerate([("So Giao thong van tai", "So Xay dung"),
                                          ("S6 Thong tin va Truyen thong", "So KHCN")], 1):
        cells = t.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = str(i), before, after
    d.save(tmp_path / "qd-55.docx")
    result = extract.read(as_incoming(tmp_path / "qd-55.docx"))
    by_target = {e.target: e for e in result.merge_events}
    assert by_target["So Xay dung"].sources == ("So Giao thong van tai",)
    assert by_target["So KHCN"].sources == ("S6 Thong tin va Truyen thong",)
    assert by_target["So KHCN"].confidence < by_target["So Xay dung"].confidence <= 1.0


def test_old_managing_agency_reaches_the_plan_through_the_register(tmp_path, as_incoming):
    """'Chuyển … từ Sở Giao thông vận tải về trực thuộc …': the register keeps the old managing
    agency for the plan (rule 16), also in a register made before it was read."""
    import sqlalchemy as sa

    from paperflow.config import Settings
    from paperflow.register import Register

    result = extract.read(as_incoming(_title_verb_docx(tmp_path / "qd-1601.docx")))
    settings = Settings(workspace=tmp_path)
    with Register.open(settings) as reg, reg.engine.begin() as conn:
        # as made before the column existed
        conn.execute(sa.text("ALTER TABLE merge_events DROP COLUMN old_superior"))
        conn.execute(sa.text("DELETE FROM migrations WHERE name LIKE '%old-superior'"))
    with Register.open(settings) as reg:
        reg.store(result, source_sha="b" * 64, source_name="qd-1601.docx")
        (sup,) = [e for e in reg.snapshot().merge_events if e.kind is MergeKind.SUPERIOR_CHANGE]
    assert (sup.sources, sup.old_superior) == (("Trung tâm Đăng kiểm",), "Sở Giao thông vận tải")


@pytest.fixture(scope="module")
def long_decision_pdf(tmp_path_factory):
    """A 30-page decision (articles, running text, a bordered before/after table half-way) and
    the title-holding-the-verb decision, as LibreOffice PDFs (one soffice call)."""
    import docx

    root = tmp_path_factory.mktemp("long-pdf")
    d = docx.Document()
    for line in ["ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN", "Số: 1800/QĐ-UBND", "QUYẾT ĐỊNH",
                 "Về việc sắp xếp các đơn vị sự nghiệp"]:
        d.add_paragraph(line)
    filler = ("Căn cứ quy định về sắp xếp tổ chức bộ máy, các cơ quan, đơn vị có trách nhiệm "
              "thực hiện đúng quy trình, thời hạn và báo cáo kết quả theo quy định. ") * 6
    for n in range(1, 61):
        d.add_paragraph(f"Điều {n}. Giải thể Trung tâm Dịch vụ số {n}.")
        d.add_paragraph(filler)
        if n == 30:
            t = d.add_table(rows=1, cols=3)
            t.style = "Table Grid"
            for c, h in zip(t.rows[0].cells, ("STT", "Đơn vị trước sắp xếp", "Đơn vị sau sắp xếp"),
                            strict=True):
                c.text = h
            for i, (b, a) in enumerate([("Sở Giao thông vận tải", "Sở Xây dựng"),
                                        ("Sở Xây dựng", "Sở Xây dựng")], 1):
                cells = t.add_row().cells
                cells[0].text, cells[1].text, cells[2].text = str(i), b, a
    d.save(root / "qd-dai.docx")
    _title_verb_docx(root / "qd-1601.docx")
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    subprocess.run([soffice, f"-env:UserInstallation=file://{root / 'lo'}", "--headless",
                    "--norestore", "--convert-to", "pdf", "--outdir", str(root),
                    str(root / "qd-dai.docx"), str(root / "qd-1601.docx")],
                   check=True, capture_output=True, timeout=300)
    return root


@pytest.mark.slow
def test_long_pdf_reads_fast_with_its_table(long_decision_pdf, as_incoming, monkeypatch):
    import time

    import pdfplumber

    from paperflow.extract import documents

    pdf = long_decision_pdf / "qd-dai.pdf"
    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) > documents.LONG_PDF_PAGES       # poppler's text is used
    t = time.perf_counter()
    fast = extract.read(as_incoming(pdf))
    fast_s = time.perf_counter() - t
    monkeypatch.setattr(documents, "LONG_PDF_PAGES", 10**6)    # pdfminer on every page
    t = time.perf_counter()
    slow = extract.read(as_incoming(pdf))
    slow_s = time.perf_counter() - t
    got = {(e.kind, e.sources, e.target) for e in fast.merge_events}
    assert got == {(e.kind, e.sources, e.target) for e in slow.merge_events}
    assert (MergeKind.MERGE_KEEP, ("Sở Giao thông vận tải",), "Sở Xây dựng") in got
    assert {f"Trung tâm Dịch vụ số {n}" for n in range(1, 61)} == {
        e.sources[0] for e in fast.merge_events if e.kind is MergeKind.DISSOLVE}
    assert fast_s < slow_s


@pytest.mark.slow
def test_title_holding_the_verb_from_pdf(long_decision_pdf, as_incoming):
    result = extract.read(as_incoming(long_decision_pdf / "qd-1601.pdf"))
    sxd = "Sở Xây dựng - Giao thông tỉnh Hưng Yên"
    got = {(e.kind, e.sources, e.target, e.superior) for e in result.merge_events}
    assert got == {
        (MergeKind.MERGE_KEEP, ("Sở Giao thông vận tải",), sxd, ""),
        (MergeKind.SUPERIOR_CHANGE, ("Trung tâm Đăng kiểm",), "Trung tâm Đăng kiểm", sxd),
    }
    (p,) = result.subscribers
    assert (p.name, p.agency, p.new_agency) == ("Nguyễn Văn An", "Sở Giao thông vận tải", sxd)
