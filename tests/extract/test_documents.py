from __future__ import annotations

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
