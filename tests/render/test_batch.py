"""A realistic batch rendered, converted by LibreOffice and read back as a clerk would."""

from __future__ import annotations

import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from docx import Document
from render_plan import HY, NNMT, STC, SYT_TB, realistic_plan

from paperflow.config import CA_NAME
from paperflow.render import render_batch, render_implementing_dispatch


def _of(rendered, type_, request=None):
    return [d for d in rendered if d.type == type_ and (request is None or d.request == request)]


def _pdftext(pdf: Path) -> str:
    """The page as laid out (header columns side by side) and in reading order (table cells
    whole), whitespace folded: a wrapped cell must still match."""
    texts = [subprocess.run(["pdftotext", *mode, str(pdf), "-"], capture_output=True, text=True,
                            check=True).stdout for mode in (["-layout"], [])]
    return " | ".join(" ".join(t.split()) for t in texts)


def test_one_dispatch_per_sender_route_and_form(rendered):
    dispatches = _of(rendered, "dispatch")
    keys = Counter((d.sender, d.recipient, d.path.name.split("-")[1]) for d in dispatches)
    assert keys == Counter({(HY, CA_NAME, "Mau04"): 1, (HY, CA_NAME, "Mau05"): 1,
                            (HY, CA_NAME, "Mau06"): 1, (SYT_TB, HY, "Mau04"): 1})
    for d in dispatches:
        assert d.subject.startswith("V/v ")
        assert [a.suffix for a in d.attachments] == [".docx", ".xlsx"]
        assert all(a.exists() for a in d.attachments)
        assert d.number == ""          # drafts: no numbers given
    assert {d.request for d in dispatches} == {"change_info", "revoke", "restore_token"}


def test_every_document_type_is_produced(rendered):
    types = Counter(d.type for d in rendered)
    assert types == Counter({"dispatch": 4, "list": 4, "handover_tokens": 2,
                             "handover_dossiers": 1, "org_list": 1, "import_sheet": 1,
                             "report": 1})
    assert len({d.path for d in rendered}) == len(rendered)


def test_numbers_are_taken_when_issued(settings, tmp_path):
    asked: list[str] = []

    def numbers(doc_type: str) -> str:
        asked.append(doc_type)
        sym = {"handover_tokens": "BB-SKHCN", "handover_dossiers": "BB-SKHCN",
               "report": "BC-SKHCN"}.get(doc_type, "SKHCN-CĐS")
        return f"{len(asked):02d}/{sym}"

    docs = render_batch(realistic_plan(), settings, tmp_path, numbers=numbers)
    own = [d for d in docs if d.type in ("dispatch", "org_list", "report") and d.sender == HY]
    assert all(d.number for d in own)
    assert len({d.number for d in own}) == len(own)
    other = [d for d in docs if d.sender == SYT_TB]
    assert other and all(d.number == "" for d in other)
    m04 = next(d for d in own if "_CV-Mau04" in d.path.name)     # So-00NN-SKHCN-CDS_CV-…
    text = "\n".join(c.text for t in Document(str(m04.path)).tables for r in t.rows
                     for c in r.cells)
    assert f"Số: {m04.number}" in text


def test_escaped_names_survive_in_the_docx(rendered):
    m04 = next(d for d in _of(rendered, "dispatch", "change_info") if d.sender == HY)
    with zipfile.ZipFile(m04.path) as zf:
        xml = zf.read("word/document.xml").decode()
    assert "Phạm Quốc &lt;Bảo&gt; &amp; Cộng" in xml
    assert "{{" not in xml and "{%" not in xml


REQUIRED = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số:", "V/v",
            "Kính gửi:", "Nơi nhận:", "- Như trên;", "- Lưu: VT, CĐS.", "KT. GIÁM ĐỐC",
            "PHÓ GIÁM ĐỐC", "Nguyễn Văn An", "Hưng Yên, ngày 03 tháng 7 năm 2025",
            "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "PFSIGN"]


def test_dispatch_pdfs_carry_every_required_part(rendered, pdfs):
    m04 = next(d for d in _of(rendered, "dispatch", "change_info") if d.sender == HY)
    text = _pdftext(pdfs[m04.path])
    for part in REQUIRED + ["Trần Văn Minh", "5402B1", "034085001234", "Phạm Quốc <Bảo> & Cộng",
                           "5402B3", "Gia hạn", "Sở Nông nghiệp và Môi trường tỉnh Hưng Yên",
                           "Cục Chứng thực số và Bảo mật thông tin", "Trần Thị Bình"]:
        assert part in text, part
    m05 = next(d for d in _of(rendered, "dispatch", "revoke"))
    text = _pdftext(pdfs[m05.path])
    for part in REQUIRED + ["5401A1", "5401A4", "5402B2", "Nghỉ hưu", "Lý do thu hồi"]:
        assert part in text, part
    m06 = next(d for d in _of(rendered, "dispatch", "restore_token"))
    assert "TK0123" in _pdftext(pdfs[m06.path])


def test_thai_binh_draft_goes_to_the_hung_yen_focal_point(rendered, pdfs):
    d = next(d for d in rendered if d.type == "dispatch" and d.sender == SYT_TB)
    text = _pdftext(pdfs[d.path])
    assert "SỞ Y TẾ TỈNH THÁI BÌNH" in text and "Kính gửi: Sở Khoa học và Công nghệ tỉnh" in text
    assert "/SYT-VP" in text and "Tỉnh/Thành phố: Thái Bình → Hưng Yên" in text


def test_minutes_org_list_and_report_pdfs(rendered, pdfs):
    receipt, recall = _of(rendered, "handover_tokens")
    # rule 6: both officers of the merged department hand their tokens over in ONE receipt
    assert receipt.recipient == NNMT and receipt.path.name.startswith("BB-tiep-nhan-thiet-bi")
    tok = _pdftext(pdfs[receipt.path])
    for part in ["BIÊN BẢN", "Tiếp nhận thiết bị lưu khóa bí mật",
                 "Bên giao: các cá nhân có tên tại bảng dưới đây", f"Bên nhận: {NNMT}",
                 "Lê Thị Hoa", "TK0099", "Vũ Văn Tùng", "TK0100", "Chuyển công tác ra ngoài tỉnh",
                 "Nghỉ hưu", "Người giao ký", "bàn giao cho", "2 thiết bị",
                 "NGƯỜI LẬP BIÊN BẢN", "ĐẠI DIỆN BÊN NHẬN", "PFSIGN",
                 "SỞ NÔNG NGHIỆP VÀ MÔI", "/BB-SNNMT"]:       # the receiving agency's draft
        assert part in tok, part
    assert "/BB-SKHCN" not in tok and receipt.sender == NNMT and receipt.number == ""
    rec = _pdftext(pdfs[recall.path])
    for part in ["Bàn giao thiết bị lưu khóa bí mật", f"Bên giao: {STC}", "TK0001",
                 "ĐẠI DIỆN BÊN GIAO", "/BB-SKHCN"]:
        assert part in rec, part
    dos = _pdftext(pdfs[_of(rendered, "handover_dossiers")[0].path])
    # each dossier the register knows, with its request, number and date (rule 7)
    for part in ("Trần Văn Minh", "5402B1", "Thay đổi nội dung thông tin",
                 "12/KHĐT-VP ngày 05/6/2025", "Phạm Quốc <Bảo> & Cộng", "5402B3", "Gia hạn",
                 "Loại đề nghị", "Số, ngày văn bản", "Sở Tài chính tỉnh Hưng Yên"):
        assert part in dos, part
    assert "Hồ sơ đề nghị (kiểm đếm khi bàn giao)" in dos      # none known: one row to count
    org = _pdftext(pdfs[_of(rendered, "org_list")[0].path])
    assert "Sở Nông nghiệp và Môi trường tỉnh Hưng Yên" in org
    assert "Sở Kế hoạch và Đầu tư" not in org.split("Tên cũ")[0].split("STT")[1]   # revoked
    rep = _pdftext(pdfs[_of(rendered, "report")[0].path])
    assert "BÁO CÁO" in rep and "Tổng cộng" in rep and "Sở Y tế tỉnh Thái Bình" in rep
    assert "khẩn cấp" in rep                                    # the plan's warning


def test_pdfs_are_a4_with_embedded_fonts(rendered, pdfs):
    for doc in rendered:
        if doc.path.suffix != ".docx":
            continue
        pdf = pdfs[doc.path]
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        size = next(line for line in info.splitlines() if line.startswith("Page size"))
        assert "(A4" in size, (doc.path.name, size)      # poppler names A4, either orientation
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
        rows = fonts.splitlines()[2:]
        assert rows and all(r.split()[-5] == "yes" for r in rows), fonts   # emb column


def test_page_png_is_not_blank(rendered, pdfs, tmp_path):
    pytest.importorskip("PIL")
    from PIL import Image

    m04 = next(d for d in _of(rendered, "dispatch", "change_info") if d.sender == HY)
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdfs[m04.path]),
                    str(tmp_path / "p")], check=True)
    png = next(tmp_path.glob("p*.png"))
    img = Image.open(png).convert("L")
    dark = sum(img.histogram()[:128])
    assert dark > img.width * img.height * 0.01


def test_implementing_dispatch(settings, tmp_path):
    central = {"number": "393/BCY-CTSBMTT", "date": "27/6/2025", "issuer": "Ban Cơ yếu Chính phủ",
               "subject": "triển khai một số giải pháp để đảm bảo kịp thời chứng thư chữ ký số",
               "points": ["Không thực hiện quy trình cấp mới.", "Thu hồi thiết bị <hết nhu cầu>."],
               "recipients": ["Các sở, ban, ngành tỉnh", "UBND các xã, phường"]}
    doc = render_implementing_dispatch(settings, central, tmp_path)
    text = "\n".join(p.text for p in Document(str(doc.path)).paragraphs)
    assert "nhận Văn bản số 393/BCY-CTSBMTT ngày 27/6/2025 của Ban Cơ yếu Chính phủ" in text
    assert "1. Không thực hiện quy trình cấp mới." in text
    assert "2. Thu hồi thiết bị <hết nhu cầu>." in text
    assert "- Các sở, ban, ngành tỉnh;" in text and "- UBND các xã, phường." in text
    assert doc.type == "dispatch" and doc.subject.startswith("V/v triển khai")
    from paperflow.errors import TemplateError
    with pytest.raises(TemplateError, match="points"):
        render_implementing_dispatch(settings, {**central, "points": []}, tmp_path)


def test_signature_marker_sits_between_title_and_name_with_room(rendered, pdfs):
    """The sign stage centres a 72 pt signature on PFSIGN: it must not cover title or name."""
    import pdfplumber

    m05 = next(d for d in _of(rendered, "dispatch", "revoke"))
    with pdfplumber.open(pdfs[m05.path]) as pdf:
        page = pdf.pages[-1]
        mark = page.search("PFSIGN")[0]
        title = page.search("PHÓ GIÁM ĐỐC")[-1]
        name = page.search("Nguyễn Văn An")[-1]
    centre = (mark["top"] + mark["bottom"]) / 2
    assert centre - title["bottom"] >= 30 and name["top"] - centre >= 30
    assert mark["x0"] > page.width / 2 - 20                            # right-hand column


def _docx_text(path: Path) -> str:
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_a_large_request_names_counts_and_its_list_comes_in_parts(settings, tmp_path, monkeypatch):
    """45 officers: the dispatch gives the count (the rows would fill pages twice over) and the
    attached list is cut into parts that keep the numbering — every officer in exactly one."""
    from render_plan import TNMT, person

    import paperflow.render.batch as batch
    from paperflow.models import Action, Plan

    monkeypatch.setattr(batch, "LIST_PART_ROWS", 20)
    names = [f"Nguyễn Văn Thứ{i:02d}" for i in range(1, 46)]
    acts = tuple(Action("certificate", "revoke", "275/BCY-CTSBMTT 1.2", "Nghỉ hưu.",
                        serial=f"5409{i:04X}", subscriber=person(n, TNMT, f"5409{i:04X}"),
                        route_to=CA_NAME, sender=HY) for i, n in enumerate(names, start=1))
    docs = render_batch(Plan("big", acts, ()), settings, tmp_path)
    dispatch = next(d for d in docs if d.type == "dispatch")
    text = _docx_text(dispatch.path)
    assert "Thuê bao là cá nhân: 45 thuê bao" in text
    assert not any(n in text for n in names)                  # no inline table
    parts = [d for d in docs if d.type == "list"]
    assert [p.path.name for p in parts] == [
        f"CV-Mau05-skhcn-gui-Cuc-CTSBMTT-danh-sach-phan-{i}.docx" for i in (1, 2, 3)]
    assert [a.suffix for a in dispatch.attachments] == [".docx"] * 3 + [".xlsx"]
    seen = []
    for i, p in enumerate(parts, start=1):
        t = _docx_text(p.path)
        assert f"(phần {i}/3)" in t
        seen += [n for n in names if n in t]
    assert seen == names                                      # each once, in order
    assert "\n45\n" in _docx_text(parts[-1].path)             # numbering carried on
