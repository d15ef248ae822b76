"""Word and PDF documents → plain text and tables (OCR for scans without a text layer)."""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputRejected
from ..text import nfc
from . import tools

MAX_PAGES = 300
MAX_OCR_PAGES = 20
MIN_TEXT_PER_PAGE = 25          # fewer characters: a scan (or a photo) without a text layer
# Longer PDFs take their text from poppler (pdftotext: ms a page) instead of pdfminer's layout
# analysis (~0.1 s a page: 152 pages took 15 s), and tables only from pages that paint lines.
LONG_PDF_PAGES = 20
_PAINT = re.compile(rb"(?<![A-Za-z*'\"])(?:f\*?|F|S|s|B\*?|b\*?)\s")


@dataclass(frozen=True)
class DocText:
    text: str                                   # paragraphs, one per line
    tables: tuple[tuple[tuple[str, ...], ...], ...] = ()
    ocr: bool = False
    warnings: tuple[str, ...] = field(default=())


def read_docx(path: Path) -> DocText:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises KeyError/ValueError/lxml errors on bad parts
        raise InputRejected("bad_docx", error_type=exc.__class__.__name__) from exc
    lines: list[str] = []
    tables: list[tuple[tuple[str, ...], ...]] = []
    # body order: paragraphs and tables interleaved as the reader sees them
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(block, document).text)
        elif tag == "tbl":
            rows = []
            for row in Table(block, document).rows:
                cells: list[str] = []
                for cell in row.cells:
                    t = "\n".join(p.text for p in cell.paragraphs).strip()
                    if not cells or t != cells[-1]:      # merged cells repeat their text
                        cells.append(t)
                rows.append(tuple(cells))
                lines.append(" | ".join(c.replace("\n", " ") for c in cells))
            tables.append(tuple(rows))
    return DocText(text="\n".join(lines), tables=tuple(tables))


def _encrypted() -> Exception:
    return InputRejected("pdf_encrypted")


def read_pdf(path: Path) -> DocText:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(path)
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise _encrypted() from exc
    except Exception as exc:  # pdfminer raises a zoo of errors on broken files
        causes = " ".join(type(a).__name__ for a in (exc, *exc.args)).lower()
        if "password" in causes or "encrypt" in causes:
            raise _encrypted() from exc
        raise InputRejected("bad_pdf", error_type=exc.__class__.__name__) from exc
    with pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise InputRejected("pdf_too_large", n_pages=len(pdf.pages), max_pages=MAX_PAGES)
        fast = len(pdf.pages) > LONG_PDF_PAGES and shutil.which("pdftotext") is not None
        pages: list[str] = tools.pdftotext(path) if fast else []
        tables: list[tuple[tuple[str, ...], ...]] = []
        try:
            for page in pdf.pages:
                if not fast:
                    pages.append(page.extract_text() or "")
                if not fast or _paints(page):
                    for t in page.extract_tables():
                        tables.append(tuple(tuple(nfc(c) if c else "" for c in row) for row in t))
                page.close()
        except Exception as exc:
            raise InputRejected("pdf_content_unreadable", error_type=exc.__class__.__name__) from exc
    text = "\n".join(pages)
    if len(text.strip()) >= MIN_TEXT_PER_PAGE * max(1, len(pages)) // 2:
        return DocText(text=text, tables=tuple(tables))
    return ocr_pdf(path, len(pages))


def _paints(page: Any) -> bool:
    """Whether the page fills or strokes a path (a table's borders): a page of text only has no
    table for pdfplumber to find. Unreadable content counts as painting (look, to be safe)."""
    from pdfminer.pdftypes import resolve1

    try:
        streams = resolve1(page.page_obj.contents) or []
        data = b"".join(resolve1(st).get_data() for st in streams)
    except Exception:  # noqa: BLE001 - pdfminer raises many kinds; the slow path is always right
        return True
    return _PAINT.search(data) is not None


def ocr_pdf(path: Path, n_pages: int) -> DocText:
    """A scan: rasterise at 300 dpi and OCR in Vietnamese."""
    warnings = []
    last = min(n_pages, MAX_OCR_PAGES)
    if n_pages > MAX_OCR_PAGES:
        warnings.append(f"{path.name}: chỉ nhận dạng {MAX_OCR_PAGES} trang đầu của bản quét")
    with tempfile.TemporaryDirectory(prefix="paperflow-ocr-") as tmp:
        images = tools.pdftoppm(path, Path(tmp), dpi=300, first=1, last=last)
        text = "\n\n".join(tools.tesseract(img, lang="vie") for img in images)
    if len(text.strip()) < MIN_TEXT_PER_PAGE:
        raise InputRejected("ocr_empty")
    return DocText(text=text, ocr=True, warnings=tuple(warnings))
