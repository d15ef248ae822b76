"""Extraction: recognise each inbox file by its content and read it with one reader per kind.

    subscriber lists (.xlsx/.xls/.csv) · personnel changes (.xlsx) · certificates (x509, PKCS#7)
    merger decisions (.docx/.doc, text .pdf, scanned .pdf or photo via OCR, .xlsx tables)
    request forms · .zip archives of those (each member read as its own file)

Anything that cannot be read raises InputRejected with a reason a clerk can act on. Every file
read gets a ReadingReport (rows read, stored and skipped with why, per sheet; every warning).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import InputChanged, InputRejected, PaperflowError
from ..errortexts import Phrase
from ..models import Extracted, Incoming, InputKind, ReadingReport, SheetReport
from ..text import key
from . import tools
from .archive import read_zip
from .budget import OutOfTime, time_budget
from .central import central_warnings, read_central, read_provincial
from .certs import read_certificates
from .clean import clean
from .columns import HEADER_WINDOW, LABELS, Header, locate_header
from .decisions import events_from_document, events_from_table, persons_from_text
from .documents import DocText, read_docx, read_pdf
from .forms import is_request_form, read_request
from .names import OCR_DAMAGE, ocr_damage
from .received import is_received_request, read_attached_list, read_received
from .sheets import read_csv, read_text, read_xlsx
from .sniff import Kind, sniff
from .statements import decision_number
from .subscribers import rows_to_subscribers

__all__ = ["read", "read_path", "InputRejected", "configure", "READ_TIMEOUT_S"]
log = logging.getLogger("paperflow.extract")

READ_TIMEOUT_S = 60.0       # per file; [intake] read_timeout_s (set by `configure`)

_PERSONNEL_WORDS = ("thay doi nhan su", "bien dong nhan su", "bien dong can bo", "nghi huu",
                    "dieu dong", "luan chuyen", "thay doi can bo")
# the columns a list must have for its rows to be of use; a missing one is said in the report
_KEY_COLUMNS = {InputKind.SUBSCRIBER_LIST: ("name", "cert_serial", "agency"),
                InputKind.PERSONNEL: ("name", "cert_serial")}


def configure(*, read_timeout_s: float | None = None) -> None:
    """Settings of extraction that come from config.toml (intake calls this)."""
    global READ_TIMEOUT_S
    if read_timeout_s is not None:
        READ_TIMEOUT_S = float(read_timeout_s)


def read(incoming: Incoming, *, timeout_s: float | None = None) -> Extracted:
    """What one inbox file says, with its reading report. Raises InputRejected when it cannot
    be read, or when reading it takes longer than the per-file budget.

    A reader crashing on a strange file must not stop every later batch (the file would stay
    in the inbox and be retried forever): unexpected errors quarantine the file too, with the
    traceback in the log for the developers. Machine problems (ConversionError: a missing OCR
    program) pass through, so the file waits in the inbox until the machine is fixed.
    """
    budget = READ_TIMEOUT_S if timeout_s is None else timeout_s
    try:
        with time_budget(budget):
            extracted = clean(read_path(incoming.path, source=incoming.name))
    except PaperflowError:
        if _changed(incoming):
            raise _changed_error(incoming) from None     # half a copy: not the file's fault
        raise
    except OutOfTime:
        log.warning("reading %s took more than %.0f s: rejected", incoming.name, budget)
        raise InputRejected("read_timeout", budget=budget) from None
    except Exception as exc:  # noqa: BLE001 - the reader boundary, see above
        if _changed(incoming):
            raise _changed_error(incoming) from None
        log.exception("reader failed on %s", incoming.name)
        raise InputRejected("unreadable", error_type=exc.__class__.__name__) from exc
    if _changed(incoming):
        raise _changed_error(incoming)
    return extracted


def _changed(incoming: Incoming) -> bool:
    from ..intake.files import changed_since_claim  # intake imports extract: import late

    return changed_since_claim(incoming)


def _changed_error(incoming: Incoming) -> InputChanged:
    return InputChanged("file_changed", name=incoming.name)


def read_path(path: Path, *, source: str = "") -> Extracted:
    """What the file at `path` says, its report included (no time budget: see `read`)."""
    source = source or path.name
    kind = sniff(path)
    if kind in (Kind.CERT_PEM, Kind.CERT_DER):
        certs = read_certificates(path, kind, source)
        return Extracted(kind=InputKind.CERTIFICATE, certificates=certs,
                         report=ReadingReport(source=source, kind=InputKind.CERTIFICATE))
    if kind is Kind.ZIP:
        return _from_zip(path, source)
    if kind in (Kind.DOC, Kind.XLS):
        # Word/Excel 97-2003: LibreOffice saves a .docx/.xlsx in a private folder, read as such
        with tempfile.TemporaryDirectory(prefix="paperflow-old-office-") as tmp:
            to = "docx" if kind is Kind.DOC else "xlsx"
            converted = tools.soffice_convert(path, Path(tmp), to=to)
            ex = read_path(converted, source=source)
        return _with_warning(ex, f"{source}: tệp {kind.value} đọc qua LibreOffice (chuyển sang "
                                 f".{to})")
    if kind is Kind.IMAGE:
        tools.image_pages(path)
        text = tools.tesseract(path, lang="vie")
        if len(key(text)) < 20:
            raise InputRejected("no_text")
        return _from_document(DocText(text=text, ocr=True), source)
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


def _with_warning(ex: Extracted, warning: str) -> Extracted:
    report = ex.report or ReadingReport(source="", kind=ex.kind)
    return replace(ex, warnings=(*ex.warnings, warning),
                   report=replace(report, warnings=(*report.warnings, warning)))


def _from_zip(path: Path, source: str) -> Extracted:
    parts = read_zip(path, source, lambda p, name: read_path(p, source=name))
    kind = parts[0].kind
    report = ReadingReport(source=source, kind=kind,
                           parts=tuple(p.report for p in parts if p.report is not None))
    return Extracted(
        kind=kind, report=report,
        subscribers=tuple(s for p in parts for s in p.subscribers),
        certificates=tuple(c for p in parts for c in p.certificates),
        merge_events=tuple(e for p in parts for e in p.merge_events),
        requests=tuple(r for p in parts for r in p.requests),
        central_dispatches=tuple(c for p in parts for c in p.central_dispatches),
        provincial_dispatches=tuple(c for p in parts for c in p.provincial_dispatches),
        warnings=report.all_warnings())


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


def _read_table(rows: Sequence[Sequence[Any]], header: Header, *, source: str, sheet: str,
                kind: InputKind, warnings: list[str]) -> tuple[list, SheetReport]:
    """The subscribers of one table and its report (missing key columns said as warnings)."""
    where = f"trang '{sheet}'" if sheet else "bảng"
    missing = tuple(m for m in _KEY_COLUMNS.get(kind, ()) if m not in header.cols)
    for m in missing:
        warnings.append(f"{source}: {where}: thiếu cột '{LABELS.get(m, m)}' ({m}) — các dòng "
                        "được đọc không có thông tin này")
    got = rows_to_subscribers(rows[header.last + 1:], header.cols, source=source,
                              first_row=header.last + 2, where=where)
    warnings.extend(got.warnings)
    report = SheetReport(
        sheet=sheet, header_rows=tuple(r + 1 for r in header.rows), columns=header.labels,
        missing=missing, rows_read=got.rows_read, rows_stored=len(got.subscribers),
        skipped=tuple(got.skipped), kind=str(kind))
    return got.subscribers, report


def _from_sheets(sheets: list[tuple[str, list[tuple[Any, ...]]]], source: str) -> Extracted:
    return _with_list(_read_sheets(sheets, source), read_attached_list(sheets, source))


def _read_sheets(sheets: list[tuple[str, list[tuple[Any, ...]]]], source: str) -> Extracted:
    kinds: list[InputKind] = []
    subscribers, events, warnings = [], [], []
    reports: list[SheetReport] = []
    for title, rows in sheets:
        header = locate_header(rows)
        if not header:
            if any(any(c not in (None, "") for c in r) for r in rows):
                warnings.append(f"{source}: trang '{title}': không có dòng tiêu đề bảng trong "
                                f"{HEADER_WINDOW} dòng đầu — trang không được đọc")
                reports.append(SheetReport(sheet=title, rows_read=sum(1 for r in rows if r)))
            continue
        start, cols = header.last, header.cols
        kind = _sheet_kind(rows, cols, start)
        kinds.append(kind)
        if kind is InputKind.DECISION:
            text = "\n".join(" ".join(str(c) for c in row if c) for row in rows[:start])
            found = events_from_table(rows, source=source, decision=decision_number(text))
            events.extend(found)
            reports.append(SheetReport(
                sheet=title, header_rows=tuple(r + 1 for r in header.rows),
                columns=header.labels, kind=str(kind), rows_stored=len(found),
                rows_read=sum(1 for r in rows[start + 1:] if r)))
        else:
            subs, report = _read_table(rows, header, source=source, sheet=title, kind=kind,
                                       warnings=warnings)
            subscribers.extend(subs)
            reports.append(report)
    if not kinds:
        raise InputRejected("no_header", header_window=HEADER_WINDOW)
    kind = kinds[0]
    report = ReadingReport(source=source, kind=str(kind), sheets=tuple(reports),
                           warnings=tuple(warnings))
    if kind is InputKind.DECISION:
        if not events:
            raise _nothing_found()
        return Extracted(kind=kind, merge_events=tuple(events), warnings=tuple(warnings),
                         report=report)
    if not subscribers:
        skipped = [f"dòng {n}: {why}" for r in reports for n, why in r.skipped][:5]
        count = sum(len(r.skipped) for r in reports)
        raise InputRejected("no_rows", skipped=Phrase("rows_skipped", {
            "rows": "; ".join(skipped), "count": count}) if skipped else "")
    return Extracted(kind=kind, subscribers=tuple(subscribers), warnings=tuple(warnings),
                     report=report)


def _with_list(ex: Extracted, attached: Any) -> Extracted:
    """A list whose title or file name names the dispatch it goes with: read as a list (as
    ever), and kept too for the register to join to that dispatch when the focal point has
    received it (register/received.join_lists)."""
    return ex if attached is None or not attached.rows else replace(ex, received=(attached,))


def _nothing_found() -> InputRejected:
    return InputRejected("nothing_found")


def _from_document(doc: DocText, source: str) -> Extracted:
    ex = _read_document(doc, source)
    if ex.report is not None:
        return ex
    return replace(ex, report=ReadingReport(source=source, kind=str(ex.kind),
                                            warnings=ex.warnings))


def _read_document(doc: DocText, source: str) -> Extracted:
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
    if is_received_request(doc.text):          # an agency's Mẫu 04/05/06 (rule 18)
        got = read_received(doc, source=source)
        return Extracted(kind=InputKind.RECEIVED_REQUEST, received=(got,),
                         warnings=tuple(warnings))
    for table in doc.tables:                   # a subscriber list pasted into Word/PDF
        header = locate_header(table)
        if header and "before" not in header.cols and len(table) > header.last + 1:
            kind = _sheet_kind(table, header.cols, header.last)
            subs, sheet = _read_table(table, header, source=source, sheet="", kind=kind,
                                      warnings=warnings)
            if subs:
                return _with_list(
                    Extracted(kind=kind, subscribers=tuple(subs), warnings=tuple(warnings),
                              report=ReadingReport(source=source, kind=str(kind),
                                                   sheets=(sheet,), warnings=tuple(warnings))),
                    read_attached_list([("", t) for t in doc.tables], source,
                                       "\n".join(doc.text.splitlines()[:15])))
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
    unread: list[str] = []
    events = events_from_document(doc.text, doc.tables, source=source,
                                  decision=decision_number(doc.text), ocr=ocr, unread=unread)
    warnings.extend(f"{source}: không đọc được nội dung sắp xếp trong câu «{c}» — kiểm tra, "
                    "bổ sung vào kế hoạch nếu cần" for c in unread)
    persons = persons_from_text(doc.text, source=source)
    if not events and not persons:
        raise _nothing_found()
    return Extracted(kind=InputKind.DECISION if events else InputKind.PERSONNEL,
                     merge_events=tuple(events), subscribers=tuple(persons),
                     warnings=tuple(warnings))
