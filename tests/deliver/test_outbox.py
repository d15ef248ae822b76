"""prepare_batch + write_manifest: the .eml files, the clerk's folders, the summary, the manifest."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from deliver_factory import (
    BATCH,
    FOCAL,
    UNKNOWN,
    made_batch,
    mail_records,
    make_batch,
    make_register,
    settings_for,
    stage_docs,
)
from docx import Document
from sqlalchemy import update

from paperflow import deliver
from paperflow.config import CA_NAME
from paperflow.deliver.journal import MailRecord
from paperflow.deliver.message import build_mail, resolve_recipient


@pytest.fixture
def made(tmp_path: Path, pdfs):  # type: ignore[no-untyped-def]
    return made_batch(tmp_path, pdfs)


@pytest.mark.parametrize(("name", "address"), [
    (CA_NAME, "ca@bcy.gov.vn"),
    ("Cục Chứng thực số và Bảo mật thông tin", "ca@bcy.gov.vn"),
    ("CUC CHUNG THUC SO VA BAO MAT THONG TIN", "ca@bcy.gov.vn"),     # diacritics lost
    (FOCAL, "vanthu@skhcn.hungyen.gov.vn"),                          # config key in capitals
    ("So Khoa hoc va Cong nghe tinh Hung Yen", "vanthu@skhcn.hungyen.gov.vn"),
    (UNKNOWN, ""),
])
def test_recipient_addresses(tmp_path: Path, name: str, address: str) -> None:
    assert resolve_recipient(settings_for(tmp_path), name).address == address


def test_message_id_is_derived_from_content(tmp_path: Path, pdfs) -> None:
    settings = settings_for(tmp_path)
    docs = stage_docs(pdfs, tmp_path / "a")
    first, again = build_mail(settings, docs[0]), build_mail(settings, docs[0])
    assert first.message_id == again.message_id
    other = replace(docs[0], attachments=docs[0].attachments[:1])
    assert build_mail(settings, other).message_id != first.message_id
    # the same content staged elsewhere (another batch folder) is the same message
    assert build_mail(settings, stage_docs(pdfs, tmp_path / "b")[0]).message_id \
        == first.message_id


def test_eml_headers_are_encoded_and_vietnamese_names_survive(tmp_path: Path, pdfs) -> None:
    settings = settings_for(tmp_path)
    doc = stage_docs(pdfs, tmp_path / "s")[0]
    named = doc.attachments[1].with_name("Danh sách thuê bao.xlsx")
    shutil.copyfile(doc.attachments[1], named)
    assert doc.attachments[0].name == "ds-ca-ky.pdf"
    raw = build_mail(settings, replace(doc, attachments=(doc.attachments[0], named))) \
        .message.as_bytes(policy=policy.SMTP)
    raw.decode("ascii")                          # 7-bit clean: no server can mangle it
    assert b"filename*=utf-8''Danh%20s%C3%A1ch%20thu%C3%AA%20bao.xlsx" in raw   # RFC 2231
    msg = message_from_bytes(raw, policy=policy.default)
    assert msg["Subject"] == ("Công văn số 12/SNV-VP: V/v đề nghị thay đổi nội dung thông tin "
                              "chứng thư chữ ký số")
    assert [p.get_filename() for p in msg.iter_attachments()] == [
        "cv-ca-ky.pdf", "ds-ca-ky.pdf", "Danh sách thuê bao.xlsx"]
    body = msg.get_body(("plain",)).get_content()
    assert "Trần Thị Bình" in body and "0221 3 888 999" in body and "cv-ca-ky.pdf" in body


def test_outbox_layout_for_the_clerk(made) -> None:
    _settings, _reg, final, _docs, mails = made
    ca, focal, unknown = sorted(p for p in final.iterdir() if p.is_dir() and p.name[:2].isdigit())
    assert ca.name.startswith("01-cuc-chung-thuc-so")
    assert sorted(p.name for p in (ca / "2-gui-di").iterdir()) == [
        mails[0].name, "cv-ca-ky.pdf", "danh-sach-thay-doi.xlsx", "ds-ca-ky.pdf"]
    assert not (ca / "1-in-truoc").exists()             # signed: nothing to sign by hand
    # the hand-over record travels on paper with the tokens, and is mailed signed
    assert [p.name for p in (focal / "1-in-truoc").iterdir()] == ["cv-khcn-ky.pdf"]
    # unsigned dispatch: print and sign by hand; its .eml is there to fill in an address
    assert [p.name for p in (unknown / "1-in-truoc").iterdir()] == ["cv-stc.pdf"]
    assert (ca / "2-gui-di" / "cv-ca-ky.pdf").stat().st_ino == (final / "cv-ca-ky.pdf").stat().st_ino
    assert (final / "TOM-TAT-LO.docx").is_file()
    assert not list(final.rglob("*.tmp"))


def test_mail_log_rows_point_at_the_final_batch_folder(made) -> None:
    settings, reg, _final, _docs, mails = made
    rows = mail_records(reg)
    assert [r.state for r in rows] == ["pending", "pending", "held"]
    assert [settings.outbox / r.eml for r in rows] == mails
    assert all(p.is_file() for p in mails)
    held = rows[2]
    assert held.recipient == "" and held.recipient_name == UNKNOWN
    assert "addresses" in held.answer
    raw = mails[2].read_bytes()
    assert b"X-Paperflow-Warning" in raw


def test_preparing_the_same_content_again_adds_no_row_and_sent_stays_sent(made, pdfs) -> None:
    settings, reg, _final, _docs, _mails = made
    first = mail_records(reg)
    with reg.engine.begin() as conn:
        conn.execute(update(MailRecord).where(MailRecord.message_id == first[0].message_id)
                     .values(state="sent", answer="250 ok"))
    make_batch(settings, reg, pdfs, "20250701-hung-yen-002")
    again = {r.message_id: r for r in mail_records(reg)}
    assert set(again) == {r.message_id for r in first}
    assert again[first[0].message_id].state == "sent"
    assert again[first[0].message_id].eml.startswith(BATCH)     # the sent one keeps its file
    assert again[first[1].message_id].eml.startswith("20250701-hung-yen-002")


def test_manifest_lists_every_file_once_with_its_copies(made) -> None:
    _settings, _reg, final, _docs, _mails = made
    manifest = json.loads((final / "manifest.json").read_text("utf-8"))
    listed = {e["path"] for e in manifest} | {c for e in manifest for c in e["copies"]}
    on_disk = {p.relative_to(final).as_posix() for p in final.rglob("*") if p.is_file()}
    assert on_disk - listed == {"manifest.json"}
    import hashlib
    for e in manifest:
        assert hashlib.sha256((final / e["path"]).read_bytes()).hexdigest() == e["sha256"]
        for c in e["copies"]:
            assert hashlib.sha256((final / c).read_bytes()).hexdigest() == e["sha256"]
    by_path = {e["path"]: e for e in manifest}
    assert by_path["cv-ca-ky.pdf"]["signed"] is True and by_path["cv-ca-ky.pdf"]["type"] == \
        "dispatch"
    assert by_path["cv-stc.pdf"]["signed"] is False
    assert by_path["danh-sach-thay-doi.xlsx"]["type"] == "list"
    mails = [e for e in manifest if e["type"] == "mail"]
    assert [m["recipient"] for m in mails] == [CA_NAME, FOCAL, UNKNOWN]
    assert [m["request"] for m in mails] == ["change_info", "recall", "revoke"]
    assert by_path["TOM-TAT-LO.docx"]["type"] == "report"


def test_summary_docx_says_what_to_do_next(made) -> None:
    _settings, _reg, final, _docs, _mails = made
    text = "\n".join(p.text for p in Document(str(final / "TOM-TAT-LO.docx")).paragraphs)
    assert f"TÓM TẮT LÔ VĂN BẢN {BATCH}" in text and "Việc cần làm tiếp" in text
    assert "[mail] addresses" in text          # the unknown recipient
    assert "paperflow sign" in text            # the unsigned dispatch
    assert "CHƯA CÓ ĐỊA CHỈ THƯ" in text


def test_summary_is_converted_to_pdf(tmp_path: Path, pdfs) -> None:
    """The real LibreOffice conversion through paperflow.convert (once in this module)."""
    settings = settings_for(tmp_path / "ws")
    reg = make_register(tmp_path / "t.db")
    final, _docs, _mails = make_batch(settings, reg, pdfs, BATCH, convert=True)
    pdf = final / "TOM-TAT-LO.pdf"
    assert pdf.is_file()
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "TÓM TẮT LÔ VĂN BẢN" in text and "Việc cần làm tiếp" in text
    manifest = json.loads((final / "manifest.json").read_text("utf-8"))
    assert any(e["path"] == "TOM-TAT-LO.pdf" and e["type"] == "report" for e in manifest)


def test_prepare_batch_returns_paths_inside_the_staging_folder(tmp_path: Path, pdfs) -> None:
    settings = settings_for(tmp_path / "ws")
    reg = make_register(tmp_path / "t.db")
    staging = settings.outbox / f".{BATCH}.partial"
    docs = stage_docs(pdfs, staging)
    mails = deliver.prepare_batch(settings, reg, BATCH, docs, staging)
    assert all(m.is_relative_to(staging / "mail") for m in mails) and len(mails) == 3
    assert deliver.write_manifest(staging, docs, mails) == staging / "manifest.json"


def test_own_agency_is_its_own_clerks_mailbox(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    own = resolve_recipient(settings, "SỞ NỘI VỤ TỈNH HƯNG YÊN")
    assert own.address == "vanthu@snv.hungyen.gov.vn"


def test_a_sheet_that_is_never_signed_is_sent_as_is(tmp_path: Path, pdfs) -> None:
    settings = settings_for(tmp_path / "ws")
    reg = make_register(tmp_path / "t.db")
    staging = settings.outbox / f".{BATCH}.partial"
    docs = stage_docs(pdfs, staging)
    sheet = replace(docs[0], type="import_sheet", request="", path=docs[0].attachments[1],
                    pdf=None, signed_pdf=None, attachments=(), number="",
                    subject="V/v gửi bảng nhập liệu hệ thống đăng ký")
    mails = deliver.prepare_batch(settings, reg, BATCH, [sheet], staging)
    assert [r.state for r in mail_records(reg)] == ["pending"]
    folder = next(staging.glob("01-*"))
    assert sorted(p.name for p in (folder / "2-gui-di").iterdir()) == [
        mails[0].name, "danh-sach-thay-doi.xlsx"]
    assert not (folder / "1-in-truoc").exists()


def test_attachments_named_by_their_docx_travel_as_the_signed_pdf(tmp_path: Path, pdfs) -> None:
    """render names a dispatch's list by its .docx (before convert and sign ran)."""
    settings = settings_for(tmp_path / "ws")
    reg = make_register(tmp_path / "t.db")
    staging = settings.outbox / f".{BATCH}.partial"
    dispatch, lst, *_ = stage_docs(pdfs, staging)
    list_docx = staging / "ds-ca.docx"
    list_docx.write_bytes(b"docx")
    lst = replace(lst, path=list_docx)
    dispatch = replace(dispatch, attachments=(list_docx, dispatch.attachments[1]))
    mails = deliver.prepare_batch(settings, reg, BATCH, [dispatch, lst], staging)
    msg = message_from_bytes(mails[0].read_bytes(), policy=policy.default)
    assert [p.get_filename() for p in msg.iter_attachments()] == [
        "cv-ca-ky.pdf", "ds-ca-ky.pdf", "danh-sach-thay-doi.xlsx"]
    send_dir = next(staging.glob("01-*")) / "2-gui-di"
    assert "ds-ca.docx" not in {p.name for p in send_dir.iterdir()}
