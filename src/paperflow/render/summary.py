"""The batch's printable summary (Vietnamese): what it contains and what the clerk does next.

Built as .docx with python-docx (clerks can edit it); the batch converts it to PDF with the
batch's own converter, like every other document, and a failed conversion leaves the .docx
(a missing summary PDF never loses a batch). What it shows of the outbox comes in as
`SummaryRecipient`s, so render knows nothing of deliver.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.shared import Cm, Pt

from .. import clock
from ..config import Settings
from ..models import RenderedDocument
from .slim import slim
from .tables import split_long_tables

SUMMARY_STEM = "TOM-TAT-LO"


@dataclass(frozen=True)
class SummaryMail:
    eml_name: str
    address: str            # "" when no address is known
    state: str              # the mail_log state: pending | held | sending | sent | failed


@dataclass(frozen=True)
class SummaryRecipient:
    """One recipient's folder of the outbox, as the summary lists it."""

    name: str
    folder_name: str
    to_print: tuple[str, ...] = ()      # file names in <folder>/1-in-truoc
    to_send: tuple[str, ...] = ()       # file names in <folder>/2-gui-di
    mails: tuple[SummaryMail, ...] = ()


TYPE_VI = {
    "dispatch": "Công văn",
    "list": "Danh sách kèm theo",
    "handover_tokens": "Biên bản bàn giao thiết bị lưu khóa",
    "handover_dossiers": "Biên bản bàn giao hồ sơ",
    "org_list": "Danh sách cơ quan, tổ chức",
    "report": "Báo cáo",
    "import_sheet": "Bảng nhập liệu hệ thống",
}
STATE_VI = {
    "pending": "chờ gửi",
    "held": "chưa gửi (xem ghi chú)",
    "sending": "đang gửi",
    "sent": "đã gửi",
    "failed": "gửi lỗi",
}


def _para(doc, text: str, *, bold: bool = False, size: int = 13, center: bool = False,
          italic: bool = False):  # type: ignore[no-untyped-def]
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.bold, run.italic = bold, italic
    run.font.size = Pt(size)
    run.font.name = "Times New Roman"
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(4)
    return p


class _Paragraphs:
    """`_para` for a whole document: each look (bold, size, …) is made once by python-docx and
    copied for the next paragraph of that look, with its text set. python-docx's property
    setters cost about a millisecond a paragraph, and a province batch has thousands."""

    def __init__(self, doc) -> None:  # type: ignore[no-untyped-def]
        self.doc = doc
        self.looks: dict[tuple[bool, int, bool, bool], Any] = {}

    def __call__(self, text: str, *, bold: bool = False, size: int = 13, center: bool = False,
                 italic: bool = False) -> None:
        look = (bold, size, center, italic)
        made = self.looks.get(look)
        if made is None:
            self.looks[look] = _para(self.doc, text, bold=bold, size=size, center=center,
                                     italic=italic)._p
            return
        p = deepcopy(made)
        p.xpath("./w:r[last()]")[0].text = text     # the run's text, its look kept
        body = self.doc.element.body
        if body.sectPr is not None:                 # paragraphs go before the section end
            body.sectPr.addprevious(p)
        else:
            body.append(p)


def _table(doc, header: Sequence[str], rows: Sequence[Sequence[str]],  # type: ignore[no-untyped-def]
           widths_cm: Sequence[float] = ()) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.autofit = False
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(11)
    # the header repeats on every page (and on every piece of a long table, see tables.py)
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    if rows:        # the first row made by python-docx, the others copied from it (see above)
        cells = table.add_row().cells
        for cell, text in zip(cells, rows[0], strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(text).font.size = Pt(11)
    for col, width in zip(table.columns, widths_cm, strict=False):
        col.width = Cm(width)
        for cell in col.cells:      # Word reads the cell widths, LibreOffice the grid
            cell.width = Cm(width)
    if len(rows) > 1:
        first = table.rows[1]._tr       # noqa: SLF001 — python-docx has no public row element
        for row in rows[1:]:
            tr = deepcopy(first)
            for run, text in zip(tr.xpath("./w:tc/w:p/w:r[last()]"), row, strict=True):
                run.text = text
            first.getparent().append(tr)


def _plan_warnings(folder: Path) -> list[str]:
    try:
        plan = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [str(w.get("message", "")) for w in plan.get("warnings", []) if w.get("message")]


def build_summary_docx(settings: Settings, batch: str, folder: Path,
                       recipients: Sequence[SummaryRecipient],
                       docs: Sequence[RenderedDocument]) -> Path:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(2.0)
    section.top_margin = section.bottom_margin = Cm(2.0)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)

    para = _Paragraphs(doc)
    para(settings.agency.name.upper(), bold=True, size=12)
    para(f"TÓM TẮT LÔ VĂN BẢN {batch}", bold=True, size=14, center=True)
    para(f"Lập lúc {clock.now():%H:%M ngày %d/%m/%Y}", italic=True, center=True)

    para("1. Lô này gồm", bold=True)
    rows = []
    for i, d in enumerate(docs, 1):
        signed = ("đã ký số" if d.signed_pdf else "chưa ký số" if d.awaits_signature
                  else "không ký")
        rows.append([str(i), TYPE_VI.get(d.type, d.type), d.number or "(chưa cấp số)",
                     d.recipient, signed])
    _table(doc, ["STT", "Loại", "Số, ký hiệu", "Nơi nhận", "Chữ ký"], rows,
           widths_cm=(1.2, 4.0, 3.3, 5.5, 2.0))

    para("2. Theo từng nơi nhận", bold=True)
    for rf in recipients:
        para(f"{rf.folder_name}: {rf.name}", bold=True, size=12)
        if rf.to_print:
            para(f"   In trước (thư mục {rf.folder_name}/1-in-truoc): "
                 + ", ".join(dict.fromkeys(rf.to_print)), size=12)
        if rf.to_send:
            para(f"   Gửi đi (thư mục {rf.folder_name}/2-gui-di): "
                 + ", ".join(dict.fromkeys(rf.to_send)), size=12)
        for m in rf.mails:
            where = m.address or "CHƯA CÓ ĐỊA CHỈ THƯ"
            para(f"   Thư {m.eml_name} → {where}: {STATE_VI.get(m.state, m.state)}", size=12)

    para("3. Việc cần làm tiếp", bold=True)
    steps = []
    if any(rf.to_print for rf in recipients):
        steps.append("In các văn bản trong thư mục 1-in-truoc của từng nơi nhận; trình ký tay, "
                     "đóng dấu; biên bản bàn giao đi kèm thiết bị lưu khóa, hồ sơ.")
    if any(d.awaits_signature and d.type != "list" for d in docs):
        steps.append("Văn bản chưa ký số: chạy 'paperflow sign' với thiết bị lưu khóa của "
                     "người ký và của cơ quan, sau đó gửi lại.")
    if any(m.state == "held" and not m.address for rf in recipients for m in rf.mails):
        steps.append("Nơi nhận chưa có địa chỉ thư: bổ sung vào mục [mail] addresses trong "
                     "config.toml, hoặc mở tệp .eml, điền địa chỉ và gửi bằng phần mềm thư.")
    if settings.mail.send and settings.mail.smtp_host:
        steps.append("Thư chờ gửi được gửi tự động; kiểm tra bằng 'paperflow status'. "
                     "Thư gửi lỗi: 'paperflow send --retry-failed'.")
    else:
        steps.append("Gửi thư: mở từng tệp .eml trong thư mục 2-gui-di bằng Outlook/Thunderbird "
                     "và bấm Gửi, hoặc cấu hình [mail] rồi chạy 'paperflow send'.")
    steps.append("Lưu bản giấy đã ký vào hồ sơ; danh mục tệp đầy đủ ở manifest.json.")
    for i, s in enumerate(steps, 1):
        para(f"{i}. {s}", size=12)

    # the plan's warnings, every one (issue 15: never dropped): plan.json is written first
    warnings = _plan_warnings(folder)
    if warnings:
        para(f"4. Lưu ý của kế hoạch ({len(warnings)} cảnh báo, cần kiểm tra trước khi gửi)",
             bold=True)
        for i, w in enumerate(warnings, 1):
            para(f"{i}. {w}", size=12)
    # a document LibreOffice could not convert: its .docx is kept, unsigned (batch/quarantine.py)
    unconverted = [d.path.name for d in docs if d.path.suffix.lower() == ".docx" and d.pdf is None]
    if unconverted:
        para(f"5. Văn bản chưa chuyển được sang PDF ({len(unconverted)}; not converted to PDF)",
             bold=True)
        for i, name in enumerate(unconverted, 1):
            para(f"{i}. {name}: chỉ có bản .docx, chưa ký; 'paperflow sign' chuyển và ký lại "
                 "(kept as .docx, unsigned; 'paperflow sign' converts and signs it again)", size=12)

    ag = settings.agency
    para(f"Đầu mối liên hệ: {ag.contact_name}, {ag.contact_phone}, {ag.contact_email}",
          italic=True, size=12)
    out = folder / f"{SUMMARY_STEM}.docx"
    split_long_tables(doc.element.body)     # a province's thousands of rows: linear in LibreOffice
    slim(doc).save(str(out))                # without python-docx's 800 KB of unused styles
    return out


def summary_document(settings: Settings, docx: Path) -> RenderedDocument:
    """The summary as a document of the batch, to be converted like the others."""
    return RenderedDocument(path=docx, type="report", request="", recipient="",
                            sender=settings.agency.name, subject="Tóm tắt lô")
