"""The .eml as mail clients read it: Vietnamese headers decoded exactly (RFC 2047), the fast
writer byte-identical to the email package's, the manifest's and mail log's shortcuts honest."""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import replace
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from deliver_factory import make_batch, make_register, settings_for, stage_docs
from docx import Document
from docx.shared import Pt
from sqlalchemy import select
from sqlalchemy.orm import Session

from paperflow import deliver
from paperflow.deliver import hashes
from paperflow.deliver.headers import MAX_WORD, encoded_words
from paperflow.deliver.journal import MailRecord
from paperflow.deliver.message import build_mail
from paperflow.deliver.mime import eml_bytes

BATCH = "20250701-hung-yen-001"
LONG_NAMES = [
    # the email package folded this one at the space before "Kiến": RFC 2047 readers showed
    # "huyệnKiến Xương"
    "Ủy ban nhân dân xã Đông Hưng, huyện Kiến Xương",
    "Văn phòng Ủy ban nhân dân tỉnh Thái Bình",
    "Cục Chứng thực số và Bảo mật thông tin, Ban Cơ yếu Chính phủ",
    "Phòng Kế hoạch - Tài chính, Phòng Giáo dục và Đào tạo huyện Đông Hưng, tỉnh Thái Bình "
    "(trước sắp xếp), nay là Ủy ban nhân dân xã Đông Hưng",
]


def rfc2047(value: str) -> str:
    """How a mail client reads a header: adjacent encoded words joined, the fold ignored."""
    return str(make_header(decode_header(value)))


def header_lines(raw: bytes) -> list[bytes]:
    return raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")


@pytest.mark.parametrize("name", LONG_NAMES)
def test_long_vietnamese_names_read_exactly_in_mail_clients(tmp_path: Path, pdfs,
                                                            name: str) -> None:
    settings = settings_for(tmp_path, addresses={name: "vanthu@xa.hungyen.gov.vn"})
    doc = replace(stage_docs(pdfs, tmp_path / "s")[0], recipient=name,
                  subject=f"V/v bàn giao thiết bị lưu khóa bí mật của {name}")
    mail = build_mail(settings, doc)
    address = mail.recipient.address            # the CA's is [mail] ca
    assert address
    raw = eml_bytes(mail.message, policy.SMTP)
    raw.decode("ascii")                                         # 7-bit clean
    assert max(len(line) for line in header_lines(raw)) <= 78
    legacy = message_from_bytes(raw, policy=policy.compat32)
    assert rfc2047(legacy["To"]) == f"{name} <{address}>"
    assert rfc2047(legacy["From"]) == "Sở Nội vụ tỉnh Hưng Yên <vanthu@snv.hungyen.gov.vn>"
    assert rfc2047(legacy["Reply-To"]) == "Trần Thị Bình <vanthu@snv.hungyen.gov.vn>"
    modern = message_from_bytes(raw, policy=policy.default)
    assert modern["Subject"] == f"Công văn số 12/SNV-VP: V/v bàn giao thiết bị lưu khóa bí mật " \
        f"của {name}"
    assert modern["To"].addresses[0].addr_spec == address
    # Python 3.11's own address parser keeps the fold between encoded words as a space
    # (CPython gh-128110); the words themselves are right
    assert re.sub(r"\s+", " ", modern["To"].addresses[0].display_name) == name


def test_encoded_words_stay_within_rfc_2047_limits() -> None:
    text = "Ủy" * 80 + " 😀 " + "ban nhân dân " * 10          # no space for long, a 4-byte char
    words = encoded_words(text, len("Subject: "))
    assert all(len(w) <= MAX_WORD for w in words)
    assert len("Subject: " + words[0]) <= 78
    assert rfc2047(" ".join(words)) == text


def test_fast_eml_writer_is_byte_identical_to_the_email_package(tmp_path: Path, pdfs) -> None:
    settings = settings_for(tmp_path)
    doc = stage_docs(pdfs, tmp_path / "s")[0]
    named = doc.attachments[1].with_name("Danh sách thuê bao.xlsx")   # RFC 2231 file name
    shutil.copyfile(doc.attachments[1], named)
    msg = build_mail(settings, replace(doc, attachments=(doc.attachments[0], named))).message
    assert eml_bytes(msg, policy.SMTP) == msg.as_bytes(policy=policy.SMTP)
    parsed = message_from_bytes(eml_bytes(msg, policy.SMTP), policy=policy.default)
    assert [p.get_filename() for p in parsed.iter_attachments()] == [
        "cv-ca-ky.pdf", "ds-ca-ky.pdf", "Danh sách thuê bao.xlsx"]
    assert [p.get_content() for p in parsed.iter_attachments()] == [
        (tmp_path / "s" / n).read_bytes() for n in ("cv-ca-ky.pdf", "ds-ca-ky.pdf",
                                                    "Danh sách thuê bao.xlsx")]


def test_manifest_from_memory_equals_manifest_from_the_files(tmp_path: Path, pdfs) -> None:
    settings = settings_for(tmp_path / "ws")
    final, docs, mails = make_batch(settings, make_register(tmp_path / "t.db"), pdfs, BATCH)
    remembered = json.loads((final / "manifest.json").read_text("utf-8"))
    hashes.forget()         # as a later process would: every file read, every .eml parsed
    deliver.write_manifest(final, docs, mails)
    assert json.loads((final / "manifest.json").read_text("utf-8")) == remembered


def test_a_file_changed_after_it_was_hashed_is_hashed_again(tmp_path: Path, pdfs) -> None:
    settings = settings_for(tmp_path)
    doc = stage_docs(pdfs, tmp_path / "s")[0]
    build_mail(settings, doc)                       # hashes the signed PDF on the way
    pdf = doc.signed_pdf
    assert pdf is not None
    before = hashes.sha256_file(pdf)
    pdf.write_bytes(pdf.read_bytes()[::-1])         # same size, new content
    st = pdf.stat()
    os.utime(pdf, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    import hashlib
    assert hashes.sha256_file(pdf) == hashlib.sha256(pdf.read_bytes()).hexdigest() != before


def test_the_same_mail_twice_in_one_batch_is_one_row_at_its_last_file(tmp_path: Path, pdfs) -> None:
    settings = settings_for(tmp_path / "ws")
    reg = make_register(tmp_path / "t.db")
    staging = settings.outbox / f".{BATCH}.partial"
    dispatch = stage_docs(pdfs, staging)[0]
    mails = deliver.prepare_batch(settings, reg, BATCH, [dispatch, dispatch], staging)
    assert len(mails) == 2
    with Session(reg.engine) as s:
        rows = list(s.scalars(select(MailRecord)))
    assert len(rows) == 1 and rows[0].eml == f"{BATCH}/mail/{mails[1].name}"
    assert rows[0].state == "pending"


def test_summary_table_has_every_document_in_the_look_of_the_first(tmp_path: Path, pdfs) -> None:
    settings = settings_for(tmp_path / "ws")
    final, docs, _mails = make_batch(settings, make_register(tmp_path / "t.db"), pdfs, BATCH)
    summary = Document(str(final / "TOM-TAT-LO.docx"))
    table = summary.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["STT", "Loại", "Số, ký hiệu", "Nơi nhận",
                                                     "Chữ ký"]
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert [r[0] for r in rows] == [str(i) for i in range(1, len(docs) + 1)]
    assert [r[3] for r in rows] == [d.recipient for d in docs]
    assert rows[2][2] == "13/SNV-VP" and rows[3][4] == "chưa ký số"
    for r in table.rows[1:]:
        for cell, width in zip(r.cells, (1.2, 4.0, 3.3, 5.5, 2.0), strict=True):
            assert cell.paragraphs[0].runs[-1].font.size == Pt(11)
            assert abs(cell.width.cm - width) < 0.01
    mail_lines = [p for p in summary.paragraphs if p.text.startswith("   Thư ")]
    assert len(mail_lines) == 3
    assert all(p.runs[-1].font.size == Pt(12) for p in mail_lines)


def test_a_province_summary_table_is_cut_into_pieces_each_with_its_header(tmp_path: Path) -> None:
    """Thousands of documents in one table made LibreOffice quadratic (20 s for the summary at
    scale 4): the table comes in 100-row pieces, each repeating the header, rows in order."""
    from paperflow.models import RenderedDocument
    from paperflow.render.summary import build_summary_docx

    settings = settings_for(tmp_path / "ws")
    folder = tmp_path / BATCH
    folder.mkdir()
    docs = [RenderedDocument(path=folder / f"BB-{i:03d}.docx", type="handover_tokens",
                             request="", recipient=f"Ủy ban nhân dân xã Số {i}", sender="x",
                             number=f"{i}/BB-X") for i in range(1, 231)]
    summary = Document(str(build_summary_docx(settings, BATCH, folder, [], docs)))
    pieces = [t for t in summary.tables if t.rows[0].cells[0].text == "STT"]
    assert len(pieces) == 3 and all(len(t.rows) <= 101 for t in pieces)
    numbers = [r.cells[0].text for t in pieces for r in t.rows[1:]]
    assert numbers == [str(i) for i in range(1, 231)]
