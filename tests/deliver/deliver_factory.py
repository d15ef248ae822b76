"""Real artefacts for the delivery tests: PDFs made by LibreOffice, a real SQLite register,
a batch laid out exactly as the batch does (staging folder renamed into outbox/<batch>)."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

from docx import Document
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from paperflow import deliver
from paperflow.batch.produce import write_outbox
from paperflow.config import CA_NAME, AgencySettings, MailSettings, Settings
from paperflow.convert import Converter
from paperflow.deliver.journal import MailRecord
from paperflow.models import RenderedDocument
from paperflow.register.db import open_engine

FOCAL = "Sở Khoa học và Công nghệ tỉnh Hưng Yên"
UNKNOWN = "Sở Tài chính tỉnh Hưng Yên"
PDF_TEXTS = {
    "cv-ca": "Công văn đề nghị thay đổi nội dung thông tin chứng thư số (bản thảo)",
    "cv-ca-ky": "Công văn số 12/SNV-VP đã ký số",
    "ds-ca-ky": "Danh sách thuê bao đề nghị thay đổi thông tin, đã ký số",
    "cv-khcn-ky": "Công văn số 13/SNV-VP về bàn giao thiết bị lưu khóa",
    "cv-stc": "Công văn số 14/SNV-VP gửi Sở Tài chính (chưa ký)",
}


def make_pdfs(folder: Path) -> dict[str, Path]:
    """One LibreOffice call for all the test PDFs (a cold start per file is ~1 s)."""
    folder.mkdir(parents=True, exist_ok=True)
    docxs = []
    for stem, text in PDF_TEXTS.items():
        d = Document()
        d.add_paragraph(text)
        d.add_paragraph("Kính gửi: " + CA_NAME)
        path = folder / f"{stem}.docx"
        d.save(str(path))
        docxs.append(str(path))
    profile = folder / "lo-profile"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(folder), *docxs],
        check=True, capture_output=True, timeout=180)
    out = {stem: folder / f"{stem}.pdf" for stem in PDF_TEXTS}
    out["xlsx"] = _list_xlsx(folder)
    return out


def make_blank_pdfs(folder: Path) -> dict[str, Path]:
    """The same files as make_pdfs without LibreOffice: one blank page each (Pillow), for the
    fast tests that carry PDFs without reading them."""
    import io

    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for n, stem in enumerate(PDF_TEXTS):
        buf = io.BytesIO()
        Image.new("L", (595, 842), 255 - n).save(buf, "PDF", resolution=72)   # distinct bytes
        out[stem] = folder / f"{stem}.pdf"
        out[stem].write_bytes(buf.getvalue())
    out["xlsx"] = _list_xlsx(folder)
    return out


def _list_xlsx(folder: Path) -> Path:
    # made once: openpyxl stamps the creation time, and the same content must stay the same bytes
    wb = Workbook()
    wb.active.append(["STT", "Họ và tên", "Số hiệu chứng thư cũ"])
    wb.active.append([1, "Nguyễn Văn Ánh", "54010101AB12"])
    path = folder / "danh-sach-thay-doi.xlsx"
    wb.save(str(path))
    return path


@dataclass
class Reg:
    """The part of the register deliver uses."""

    engine: object


def make_register(path: Path) -> Reg:
    return Reg(open_engine(f"sqlite:///{path}"))


def settings_for(workspace: Path, **mail: object) -> Settings:
    base = {"addresses": {"SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH HƯNG YÊN": "vanthu@skhcn.hungyen.gov.vn"}}
    base.update(mail)
    return Settings(
        workspace=workspace,
        agency=AgencySettings(name="Sở Nội vụ tỉnh Hưng Yên", contact_name="Trần Thị Bình",
                              contact_phone="0221 3 888 999",
                              contact_email="vanthu@snv.hungyen.gov.vn"),
        mail=MailSettings(from_="vanthu@snv.hungyen.gov.vn", **base),  # type: ignore[arg-type]
    )


def stage_docs(pdfs: dict[str, Path], staging: Path) -> list[RenderedDocument]:
    """What render+convert+sign hand over: a signed dispatch to the CA with a signed list and
    an .xlsx list, a signed dispatch to the focal point, an unsigned one to an unknown agency."""
    staging.mkdir(parents=True, exist_ok=True)
    for p in pdfs.values():
        shutil.copy2(p, staging / p.name)
    (staging / "cv-ca.docx").write_bytes(b"docx placeholder")
    xlsx = staging / "danh-sach-thay-doi.xlsx"
    sender = "Sở Nội vụ tỉnh Hưng Yên"
    lst = RenderedDocument(path=staging / "cv-ca.docx", type="list", request="change_info",
                           recipient=CA_NAME, sender=sender, pdf=staging / "ds-ca-ky.pdf",
                           signed_pdf=staging / "ds-ca-ky.pdf")
    return [
        RenderedDocument(
            path=staging / "cv-ca.docx", type="dispatch", request="change_info",
            recipient=CA_NAME, sender=sender, number="12/SNV-VP",
            subject="V/v đề nghị thay đổi nội dung thông tin chứng thư chữ ký số",
            pdf=staging / "cv-ca.pdf", signed_pdf=staging / "cv-ca-ky.pdf",
            attachments=(staging / "ds-ca-ky.pdf", xlsx)),
        lst,
        RenderedDocument(
            path=staging / "cv-khcn-ky.pdf", type="handover_tokens", request="recall",
            recipient=FOCAL, sender=sender, number="13/SNV-VP",
            subject="V/v bàn giao thiết bị lưu khóa bí mật", pdf=staging / "cv-khcn-ky.pdf",
            signed_pdf=staging / "cv-khcn-ky.pdf"),
        RenderedDocument(
            path=staging / "cv-stc.pdf", type="dispatch", request="revoke",
            recipient=UNKNOWN, sender=sender, number="14/SNV-VP",
            subject="V/v thu hồi chứng thư số", pdf=staging / "cv-stc.pdf"),
    ]


def make_batch(settings: Settings, reg: Reg, pdfs: dict[str, Path], batch: str, *,
               convert: bool = False) -> tuple[Path, list[RenderedDocument], list[Path]]:
    """Exactly the batch's order: outbox, summary (its PDF by LibreOffice only when `convert`)
    and manifest in staging, then the rename."""
    staging = settings.outbox / f".{batch}.partial"
    docs = stage_docs(pdfs, staging)
    if convert:
        with Converter(settings) as conv:
            mails = write_outbox(settings, reg, batch, docs, staging, conv).emls
    else:
        mails = write_outbox(settings, reg, batch, docs, staging, None).emls
    deliver.write_manifest(staging, docs, mails)
    final = settings.outbox / batch
    os.replace(staging, final)

    def move(p: Path | None) -> Path | None:
        return None if p is None else final / p.relative_to(staging)

    docs = [replace(d, path=move(d.path), pdf=move(d.pdf), signed_pdf=move(d.signed_pdf),
                    attachments=tuple(final / a.relative_to(staging) for a in d.attachments))
            for d in docs]
    return final, docs, [final / m.relative_to(staging) for m in mails]


BATCH = "20250701-hung-yen-001"


def made_batch(tmp_path: Path, pdfs: dict[str, Path]) -> tuple[Settings, Reg, Path,
                                                                list[RenderedDocument], list[Path]]:
    """A workspace with its register and one batch in outbox/ (settings, register, batch
    folder, documents, mails)."""
    settings = settings_for(tmp_path / "ws")
    reg = make_register(tmp_path / "t.db")
    final, docs, mails = make_batch(settings, reg, pdfs, BATCH)
    return settings, reg, final, docs, mails


def mail_records(reg: Reg) -> list[MailRecord]:
    """The mail log's rows, detached from their session, by .eml path."""
    with Session(reg.engine) as s:
        out = list(s.scalars(select(MailRecord).order_by(MailRecord.eml)))
        s.expunge_all()
    return out
