"""Mail a clerk can file: the subject names the document type; no mail to ourselves."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from paperflow import deliver
from paperflow.config import CA_NAME, AgencySettings, MailSettings, Settings
from paperflow.deliver.message import mail_subject
from paperflow.models import RenderedDocument
from paperflow.register.db import open_engine

US = "Sở Khoa học và Công nghệ tỉnh Hưng Yên"


def doc(path: Path, type_: str, recipient: str = CA_NAME, **kw) -> RenderedDocument:
    return RenderedDocument(path=path, type=type_, request="", recipient=recipient, sender=US,
                            **kw)


@pytest.mark.parametrize(("type_", "word"), [
    ("dispatch", "Công văn"), ("org_list", "Công văn"), ("handover_tokens", "Biên bản"),
    ("handover_dossiers", "Biên bản"), ("report", "Báo cáo"), ("import_sheet", "Danh sách"),
])
def test_the_subject_names_the_document_type(tmp_path, type_, word):
    d = doc(tmp_path / "x.docx", type_, subject="V/v bàn giao", number="03/BB-SKHCN")
    assert mail_subject(d) == f"{word} số 03/BB-SKHCN: V/v bàn giao"
    assert mail_subject(doc(tmp_path / "x.docx", type_, subject="V/v x")).startswith(
        f"{word} số (chưa cấp số)")


@dataclass
class _Reg:
    engine: object


def test_no_mail_from_the_agency_to_itself(tmp_path):
    settings = Settings(workspace=tmp_path / "ws", agency=AgencySettings(
        name=US, contact_email="cds@hungyen.gov.vn"), mail=MailSettings(from_="cds@hy.gov.vn"))
    staging = tmp_path / "stage"
    staging.mkdir()
    for n in ("own.docx", "ca.docx"):
        (staging / n).write_bytes(b"docx")
    docs = [doc(staging / "own.docx", "handover_tokens", recipient=US.upper(), subject="V/v a"),
            doc(staging / "ca.docx", "dispatch", subject="V/v b")]
    reg = _Reg(open_engine(f"sqlite:///{tmp_path / 'r.db'}"))
    emls = deliver.prepare_batch(settings, reg, "b", docs, staging)
    assert [e.name[:15] for e in emls] == ["01-dispatch-cuc"]
    # the minutes we keep are still filed to print, only no e-mail
    assert any(p.name == "own.docx" for p in staging.rglob("1-in-truoc/*"))
