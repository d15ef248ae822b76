"""The Converter in its primary mode: persistent LibreOffice listeners driven through UNO."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from convert_factory import MOTTO, NATION, make_docx, make_settings, pdf_fonts, pdf_page_size, pdf_text
from openpyxl import Workbook

from paperflow.convert import ConversionError, Converter
from paperflow.models import RenderedDocument


@pytest.fixture(scope="module")
def conv(tmp_path_factory: pytest.TempPathFactory):
    settings = make_settings(tmp_path_factory.mktemp("ws"))
    with Converter(settings) as c:
        yield c


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    return tmp_path / "outbox" / "20250628-hung-yen-001"


def test_vietnamese_dispatch_becomes_an_a4_pdf_with_embedded_fonts(conv, outbox):
    docx = make_docx(outbox / "cong-van-thay-doi.docx", body="Kính gửi: Sở Khoa học và Công nghệ")
    made = conv.convert([docx])
    assert conv.mode == "uno"
    assert made == [outbox / "cong-van-thay-doi.pdf"]
    text = pdf_text(made[0])
    for line in (NATION.upper(), MOTTO, "Kính gửi: Sở Khoa học và Công nghệ"):
        assert line in text
    fonts = pdf_fonts(made[0])
    assert fonts and all(emb == "yes" for _name, emb in fonts), fonts
    assert "(A4)" in pdf_page_size(made[0])


def test_page_size_follows_the_document(conv, outbox):
    made = conv.convert([make_docx(outbox / "letter.docx", paper="Letter")])
    size = pdf_page_size(made[0])
    assert "letter" in size.lower() and "A4" not in size


def test_convert_documents_sets_pdf_and_leaves_the_folder_clean(conv, outbox):
    dispatch = make_docx(outbox / "cong-van.docx")
    listing = outbox / "danh-sach.xlsx"
    wb = Workbook()
    wb.active.append(["STT", "Họ và tên"])
    wb.save(listing)
    docs = [
        RenderedDocument(path=dispatch, type="dispatch", request="change_info",
                         recipient="Cục Chứng thực số", sender="Sở KH&CN Hưng Yên"),
        RenderedDocument(path=listing, type="list", request="change_info",
                         recipient="Cục Chứng thực số", sender="Sở KH&CN Hưng Yên"),
    ]
    out = conv.convert_documents(docs)
    assert out[0].pdf == outbox / "cong-van.pdf" and out[0].pdf.exists()
    assert out[1] == docs[1]                       # xlsx passes through unchanged
    # Nothing else in the outbox: no .~lock files, no LibreOffice temp files, no .part files.
    assert sorted(p.name for p in outbox.iterdir()) == ["cong-van.docx", "cong-van.pdf",
                                                        "danh-sach.xlsx"]


def test_many_documents_are_shared_by_both_workers(conv, outbox):
    before = list(conv.stats()["per_worker"])
    paths = [make_docx(outbox / f"cv-{i:02d}.docx", body=f"Văn bản thứ {i}") for i in range(10)]
    made = conv.convert(paths)
    assert made == [p.with_suffix(".pdf") for p in paths]
    for i, pdf in enumerate(made):
        assert f"Văn bản thứ {i}" in pdf_text(pdf)
    after = conv.stats()["per_worker"]
    assert len(after) == 2
    assert all(a > b for a, b in zip(after, before, strict=True)), (before, after)


def test_broken_documents_are_reported_and_the_rest_converts(conv, outbox):
    garbage = outbox / "hong.docx"
    garbage.parent.mkdir(parents=True, exist_ok=True)
    garbage.write_bytes(b"\x00\xffnot a word file" * 64)
    # A real zip that looks like a .docx but whose XML is broken: LibreOffice itself refuses it.
    broken_xml = outbox / "xml-hong.docx"
    with zipfile.ZipFile(broken_xml, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types")
        zf.writestr("word/document.xml", "<<< not xml")
    good = [make_docx(outbox / f"tot-{i}.docx") for i in range(3)]
    failed_before = len(conv.failures)
    made = conv.convert([good[0], garbage, good[1], broken_xml, good[2]])
    assert made == [g.with_suffix(".pdf") for g in good]
    new = conv.failures[failed_before:]
    assert sorted(p.name for p, _e in new) == ["hong.docx", "xml-hong.docx"]
    for _path, err in new:
        assert isinstance(err, ConversionError)
        assert "Không chuyển được" in err.vi and "Could not convert" in err.en
    assert not garbage.with_suffix(".pdf").exists()
    assert not broken_xml.with_suffix(".pdf").exists()
    docs = conv.convert_documents([RenderedDocument(path=garbage, type="dispatch", request="",
                                                    recipient="", sender="")])
    assert docs[0].pdf is None


def test_an_existing_pdf_is_replaced(conv, outbox):
    docx = make_docx(outbox / "lai.docx", body="Bản mới")
    docx.with_suffix(".pdf").write_bytes(b"old")
    conv.convert([docx])
    assert "Bản mới" in pdf_text(docx.with_suffix(".pdf"))


def test_stream_keeps_both_workers_busy_and_reports_each_document_once(conv, outbox):
    """Documents handed over one by one while the caller still 'renders': a long list goes to
    one worker and the short ones keep the other busy (no barrier), a broken one fails alone."""
    import queue
    import threading
    import time

    slow = make_docx(outbox / "danh-sach-dai.docx", table_rows=600)
    small = [make_docx(outbox / f"bb-{i}.docx", body=f"Biên bản thứ {i}") for i in range(6)]
    garbage = outbox / "hong.docx"
    garbage.write_bytes(b"\x00\xffnot a word file" * 64)
    order = [slow, small[0], small[1], garbage, *small[2:]]
    feed: queue.Queue = queue.Queue()

    def render() -> None:
        for i, p in enumerate(order):
            feed.put((i, RenderedDocument(path=p, type="list", request="", recipient="",
                                          sender="")))
            time.sleep(0.05)
        feed.put(None)

    ended = threading.Event()

    def take():
        if ended.is_set():
            return None
        item = feed.get()
        if item is None:
            ended.set()
        return item

    finished: list[tuple[int, RenderedDocument]] = []
    lock = threading.Lock()

    def done(tag, doc):
        with lock:
            finished.append((tag, doc))

    producer = threading.Thread(target=render)
    producer.start()
    conv.convert_stream(take, done)
    producer.join()
    assert sorted(t for t, _d in finished) == list(range(len(order)))      # each exactly once
    by_tag = dict(finished)
    assert by_tag[3].pdf is None
    for i, p in enumerate(order):
        if p is not garbage:
            assert by_tag[i].pdf == p.with_suffix(".pdf") and by_tag[i].pdf.exists()
    assert "Biên bản thứ 5" in pdf_text(by_tag[len(order) - 1].pdf)
    # the long list was taken first, yet the short ones did not wait for it
    finish_order = [t for t, _d in finished]
    assert finish_order.index(0) >= 4, finish_order
