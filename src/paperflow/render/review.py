"""The batch's review sheet, XEM-XET.xlsx (and its printable .docx → PDF): every action of the
plan with what the clerk checks before anything is numbered or signed — subscriber,
certificate, action, every changed field, reason, clause, source file and row, warnings — and
an empty decision column the clerk may fill (docs/DESIGN.md, `paperflow approve`).

Row 1 is the title, row 3 the header; each action's row carries its key (hidden column A) so an
edited sheet is read back exactly (batch/review.py). The workbook's keywords name the batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from ..config import Settings
from .sheets import put_text
from .slim import slim
from .summary import _Paragraphs, _table
from .tables import split_long_tables

REVIEW_STEM = "XEM-XET"
KEYWORD = "paperflow-review:"
HEADER_ROW = 3
HEADER = ("Mã", "STT", "Thuê bao", "Cơ quan", "Chứng thư / thiết bị", "Hành động",
          "Thay đổi", "Lý do", "Căn cứ", "Tệp nguồn", "Dòng", "Cảnh báo",
          "QUYẾT ĐỊNH CỦA VĂN THƯ", "Ghi chú của văn thư")
DECISION_COL = HEADER.index("QUYẾT ĐỊNH CỦA VĂN THƯ") + 1       # 1-based, as openpyxl counts
NOTE_COL = DECISION_COL + 1
ACTION_VI = {
    "change_info": "thay đổi thông tin", "revoke": "thu hồi", "keep": "giữ nguyên",
    "renew": "gia hạn", "restore_token": "khôi phục thiết bị", "issue_new": "cấp mới",
    "recall": "thu hồi thiết bị", "hand_over": "bàn giao", "implement": "triển khai",
}
HOW_TO = ("Cột QUYẾT ĐỊNH CỦA VĂN THƯ: để trống = đồng ý; ghi một hành động khác (ví dụ "
          "'thu hồi', 'giữ nguyên', 'thay đổi thông tin') để đổi; ghi 'bỏ' để loại dòng khỏi "
          "kế hoạch. Lưu tệp rồi thả lại vào inbox/ hoặc chạy 'paperflow approve --edits "
          "XEM-XET.xlsx'. (Decision column: empty = agreed; another action to change it; "
          "'bỏ' to exclude the row.)")


@dataclass(frozen=True)
class ReviewRow:
    key: str
    subscriber: str
    agency: str
    certificate: str
    action: str
    changes: str
    reason: str
    rule: str
    source: str
    source_row: str
    warnings: str


def write_review_xlsx(settings: Settings, batch: str, rows: Sequence[ReviewRow],
                      folder: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Xem xét"
    wb.properties.keywords = f"{KEYWORD}{batch}"
    wb.properties.title = f"Xem xét kế hoạch lô {batch}"
    # every cell is text (issue 17 item 6): a name beginning with = + - @ never runs as a formula
    put_text(ws, 1, 2, f"XEM XÉT KẾ HOẠCH LÔ {batch} — {settings.agency.name}"
             ).font = Font(bold=True, size=13)
    put_text(ws, 2, 2, HOW_TO).alignment = Alignment(wrap_text=False)
    for col, title in enumerate(HEADER, 1):
        c = put_text(ws, HEADER_ROW, col, title)
        c.font = Font(bold=True)
    ws.cell(row=HEADER_ROW, column=DECISION_COL).fill = PatternFill("solid", fgColor="FFF2CC")
    for i, r in enumerate(rows, 1):
        values = (r.key, i, r.subscriber, r.agency, r.certificate,
                  ACTION_VI.get(r.action, r.action), r.changes, r.reason, r.rule, r.source,
                  r.source_row, r.warnings, "", "")
        for col, v in enumerate(values, 1):
            # text cells: a serial or a number like 0054 stays as written
            put_text(ws, HEADER_ROW + i, col, v).number_format = "@"
    ws.column_dimensions["A"].hidden = True
    for col, width in zip("BCDEFGHIJKLMN", (5, 28, 28, 20, 16, 40, 50, 18, 24, 6, 30, 22),
                          strict=False):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=3)
    out = folder / f"{REVIEW_STEM}.xlsx"
    wb.save(str(out))
    return out


def build_review_docx(settings: Settings, batch: str, rows: Sequence[ReviewRow],
                      folder: Path) -> Path:
    """The same sheet to print (landscape A4); converted to XEM-XET.pdf by the batch."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(1.5)
    section.top_margin = section.bottom_margin = Cm(1.5)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(10)
    para = _Paragraphs(doc)
    para(settings.agency.name.upper(), bold=True, size=11)
    para(f"XEM XÉT KẾ HOẠCH LÔ {batch}", bold=True, size=13, center=True)
    para("Chưa văn bản nào được cấp số hay ký số trước khi văn thư duyệt ('paperflow approve'). "
         + HOW_TO, italic=True, size=10)
    _table(doc, ["STT", "Thuê bao", "Chứng thư", "Hành động", "Thay đổi", "Lý do", "Nguồn",
                 "Cảnh báo", "Quyết định"],
           [[str(i), f"{r.subscriber}\n{r.agency}".strip(), r.certificate,
             ACTION_VI.get(r.action, r.action), r.changes, f"{r.reason} ({r.rule})",
             f"{r.source} {r.source_row}".strip(), r.warnings, ""]
            for i, r in enumerate(rows, 1)],
           widths_cm=(1.0, 4.2, 2.8, 2.2, 4.0, 6.0, 2.6, 2.6, 1.8))
    out = folder / f"{REVIEW_STEM}.docx"
    split_long_tables(doc.element.body)
    slim(doc).save(str(out))
    return out
