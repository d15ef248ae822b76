"""Extraction: recognise each inbox file by its content and read it with one reader per kind.

    subscriber lists (.xlsx/.csv) · personnel changes (.xlsx) · certificates (x509, PKCS#7)
    merger decisions (.docx, text .pdf, scanned .pdf via OCR, .xlsx tables) · request forms

Anything that cannot be read raises InputRejected with a reason a clerk can act on.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import InputRejected, PaperflowError
from ..models import Extracted, Incoming, InputKind
from ..text import key
from .central import central_warnings, read_central, read_provincial
from .certs import read_certificates
from .columns import HEADER_WINDOW, find_header
from .decisions import events_from_document, events_from_table, persons_from_text
from .documents import DocText, read_docx, read_pdf
from .forms import is_request_form, read_request
from .names import OCR_DAMAGE, ocr_damage
from .sheets import read_csv, read_text, read_xlsx
from .sniff import Kind, reject, sniff
from .statements import decision_number
from .subscribers import rows_to_subscribers

__all__ = ["read", "read_path", "InputRejected"]
log = logging.getLogger("paperflow.extract")

_PERSONNEL_WORDS = ("thay doi nhan su", "bien dong nhan su", "bien dong can bo", "nghi huu",
                    "dieu dong", "luan chuyen", "thay doi can bo")


def read(incoming: Incoming) -> Extracted:
    """What one inbox file says. Raises InputRejected when it cannot be read.

    A reader crashing on a strange file must not stop every later batch (the file would stay
    in the inbox and be retried forever): unexpected errors quarantine the file too, with the
    traceback in the log for the developers. Machine problems (ConversionError: a missing OCR
    program) pass through, so the file waits in the inbox until the machine is fixed.
    """
    try:
        return read_path(incoming.path, source=incoming.name)
    except PaperflowError:
        raise
    except Exception as exc:  # noqa: BLE001 - the reader boundary, see above
        log.exception("reader failed on %s", incoming.name)
        raise reject(
            f"Không đọc được tệp (lỗi {exc.__class__.__name__} khi đọc). Mở tệp bằng "
            "Word/Excel/trình đọc PDF, lưu thành tệp mới rồi gửi lại; nếu vẫn lỗi, gửi tệp cho "
            "bộ phận kỹ thuật.",
            f"The file could not be read ({exc.__class__.__name__}). Re-save it from "
            "Word/Excel/a PDF reader and send it again; if it still fails, pass it to IT.",
            "unreadable") from exc


def read_path(path: Path, *, source: str = "") -> Extracted:
    source = source or path.name
    kind = sniff(path)
    if kind in (Kind.CERT_PEM, Kind.CERT_DER):
        return Extracted(kind=InputKind.CERTIFICATE,
                         certificates=read_certificates(path, kind, source))
    if kind is Kind.XLSX:
        return _from_sheets(read_xlsx(path), source)
    if kind is Kind.CSV:
        try:
            return _from_sheets(read_csv(path), source)
        except InputRejected as exc:
            if exc.code != "no_header":
                raise
            # not a table: plain text (an OCR'd or typed decision saved as .txt)
            try:
                return _from_document(DocText(text=read_text(path)), source)
            except InputRejected:
                raise exc from None
    doc = read_docx(path) if kind is Kind.DOCX else read_pdf(path)
    return _from_document(doc, source)


def _title_text(rows: Sequence[Sequence[Any]], upto: int) -> str:
    return " ".join(key(c) for row in rows[:upto] for c in row if isinstance(c, str))


def _sheet_kind(rows: Sequence[Sequence[Any]], cols: dict[str, int], start: int) -> InputKind:
    if {"before", "after"} <= cols.keys():
        return InputKind.DECISION
    title = _title_text(rows, start)
    if cols.keys() & {"change", "new_title", "new_agency"} or any(
            w in title for w in _PERSONNEL_WORDS):
        return InputKind.PERSONNEL
    return InputKind.SUBSCRIBER_LIST


def _from_sheets(sheets: list[tuple[str, list[tuple[Any, ...]]]], source: str) -> Extracted:
    kinds: list[InputKind] = []
    subscribers, events, warnings = [], [], []
    for _title, rows in sheets:
        found = find_header(rows)
        if not found:
            continue
        start, cols = found
        kind = _sheet_kind(rows, cols, start)
        kinds.append(kind)
        if kind is InputKind.DECISION:
            text = "\n".join(" ".join(str(c) for c in row if c) for row in rows[:start])
            events.extend(events_from_table(rows, source=source,
                                            decision=decision_number(text)))
        else:
            subs, warns = rows_to_subscribers(rows[start + 1:], cols, source=source)
            subscribers.extend(subs)
            warnings.extend(warns)
    if not kinds:
        raise reject(
            f"Không tìm thấy dòng tiêu đề bảng trong {HEADER_WINDOW} dòng đầu. Danh sách cần có "
            "cột 'Họ và tên' (hoặc 'Tên thuê bao', 'Tên cơ quan/tổ chức') và các cột như 'Số "
            "CCCD', 'Số serial chứng thư'; bảng sắp xếp cần cột 'Đơn vị trước sắp xếp' và "
            "'Đơn vị sau sắp xếp'.",
            f"No table header found in the first {HEADER_WINDOW} rows. A list needs a 'Họ và "
            "tên' (or 'Tên thuê bao') column plus columns such as 'Số CCCD', 'Số serial chứng "
            "thư'; a reorganisation table needs 'Đơn vị trước/sau sắp xếp'.", "no_header")
    kind = kinds[0]
    if kind is InputKind.DECISION:
        if not events:
            raise _nothing_found()
        return Extracted(kind=kind, merge_events=tuple(events), warnings=tuple(warnings))
    if not subscribers:
        raise reject(
            "Danh sách có dòng tiêu đề nhưng không có dòng dữ liệu nào (cột họ tên/tên thuê "
            "bao trống). Kiểm tra lại trang tính rồi gửi lại.",
            "The list has a header but no data rows (the name column is empty). Check the "
            "sheet and send it again.", "no_rows")
    return Extracted(kind=kind, subscribers=tuple(subscribers), warnings=tuple(warnings))


def _nothing_found() -> InputRejected:
    return reject(
        "Không tìm thấy nội dung sắp xếp tổ chức nào (sáp nhập, hợp nhất, đổi tên, giải thể, "
        "chuyển trực thuộc) hay bảng 'Đơn vị trước/sau sắp xếp' trong văn bản. Nếu đây là quyết "
        "định sắp xếp, gửi bản .docx hoặc bản quét rõ hơn; nếu là đơn đề nghị, văn bản cần có "
        "tiêu đề 'Đơn đề nghị'/'Phiếu yêu cầu' và dòng 'Họ và tên: …'.",
        "No reorganisation statement (merge, rename, dissolve, change of superior) or "
        "before/after table was found. If this is a decision, send the .docx or a clearer "
        "scan; a request form needs a 'Đơn đề nghị'/'Phiếu yêu cầu' title and a 'Họ và tên:' "
        "line.", "nothing_found")


def _from_document(doc: DocText, source: str) -> Extracted:
    warnings = list(doc.warnings)
    if doc.ocr:
        warnings.append(f"{source}: văn bản đọc bằng OCR — kiểm tra tên đơn vị trong kế hoạch")
    # PDF text loses the column borders of label | value tables: add the tables' rows
    form_text = "\n".join([doc.text, *(" | ".join(c.replace("\n", " ") for c in row)
                                        for table in doc.tables for row in table)])
    if is_request_form(form_text):
        req = read_request(form_text, source=source)
        if req is not None:
            if not req.request:
                warnings.append(f"{source}: không xác định được loại yêu cầu")
            return Extracted(kind=InputKind.REQUEST_FORM, requests=(req,),
                             warnings=tuple(warnings))
    for table in doc.tables:                   # a subscriber list pasted into Word/PDF
        found = find_header(table)
        if found and "before" not in found[1] and len(table) > found[0] + 1:
            subs, warns = rows_to_subscribers(table[found[0] + 1:], found[1], source=source)
            if subs:
                kind = _sheet_kind(table, found[1], found[0])
                return Extracted(kind=kind, subscribers=tuple(subs),
                                 warnings=tuple(warnings + warns))
    # a typed copy of a scan (.txt, or a PDF whose text layer came from OCR) is OCR'd too
    ocr = doc.ocr or ocr_damage(doc.text) >= OCR_DAMAGE
    if ocr and not doc.ocr:
        warnings.append(f"{source}: văn bản có nhiều chữ hỏng như bản nhận dạng OCR — kiểm tra "
                        "tên đơn vị trong kế hoạch")
    central = read_central(doc.text, source=source, ocr=ocr)
    if central is not None:         # before the statements: 275 quotes "sáp nhập … thành …"
        return Extracted(kind=InputKind.CENTRAL_DISPATCH, central_dispatches=(central,),
                         warnings=tuple(warnings + central_warnings(central, source)))
    provincial = read_provincial(doc.text, source=source, ocr=ocr)
    if provincial is not None:      # it quotes the merger cases too, but decides nothing
        return Extracted(kind=InputKind.PROVINCIAL_DISPATCH, provincial_dispatches=(provincial,),
                         warnings=tuple(warnings + [
                             f"{source}: công văn triển khai của {provincial.issuer} "
                             f"(số {provincial.number}) — đã ghi nhận; không phải quyết định "
                             "sắp xếp, không tạo thay đổi nào"]))
    events = events_from_document(doc.text, doc.tables, source=source,
                                  decision=decision_number(doc.text), ocr=ocr)
    persons = persons_from_text(doc.text, source=source)
    if not events and not persons:
        raise _nothing_found()
    return Extracted(kind=InputKind.DECISION if events else InputKind.PERSONNEL,
                     merge_events=tuple(events), subscribers=tuple(persons),
                     warnings=tuple(warnings))
