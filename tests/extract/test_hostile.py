"""Files that must be refused with a reason — quickly, and without reading them whole."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from paperflow import extract
from paperflow.errors import InputRejected


def _xlsx_bytes() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["Họ và tên", "Số CCCD"])
    wb.active.append(["Nguyễn Văn An", "034185001234"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _rezip(original: bytes, replace: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as zin, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info)))
        for name, data in replace.items():
            if name not in zin.namelist():
                zout.writestr(name, data)
    return out.getvalue()


def _docx_bytes() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("Sáp nhập Sở A vào Sở B.")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def _xxe_docx() -> bytes:
    original = _docx_bytes()
    with zipfile.ZipFile(io.BytesIO(original)) as z:
        doc = z.read("word/document.xml").decode()
    decl, rest = doc.split("?>", 1)
    evil = (decl + '?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            + rest.replace("Sáp nhập", "&x; Sáp nhập", 1))
    assert "<!DOCTYPE" in evil
    return _rezip(original, {"word/document.xml": evil.encode()})


def _zip_bomb_xlsx() -> bytes:
    # 40 MB of zeros squeezed into ~40 KB, hidden as a worksheet
    return _rezip(_xlsx_bytes(), {"xl/worksheets/sheet2.xml": b"\0" * (40 * 1024 * 1024)})


def _html_pdf() -> bytes:
    return (b"<!DOCTYPE html>\n<html><head><title>Dang nhap</title></head>"
            b"<body>Phien lam viec da het han</body></html>")


def _encrypted_pdf() -> bytes:
    from pyhanko.pdf_utils.writer import PdfFileWriter

    w = PdfFileWriter()
    w.encrypt("owner-secret", "user-secret")
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def _wide_sheet() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["Họ và tên", "Số CCCD"] + [f"c{i}" for i in range(200)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _long_sheet() -> bytes:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["Họ và tên", "Số CCCD"])
    for i in range(20_100):
        ws.append([f"Người {i}", i])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("a.txt", "x")
    return out.getvalue()


CASES = {
    "empty.xlsx": (lambda: b"", "empty"),
    "blank.csv": (lambda: b"  \r\n \n", "empty"),
    "truncated.xlsx": (lambda: _xlsx_bytes()[: len(_xlsx_bytes()) // 2], "broken_zip"),
    "bomb.xlsx": (_zip_bomb_xlsx, "zip_bomb"),
    "xxe.docx": (_xxe_docx, "xml_entities"),
    "login-page.pdf": (_html_pdf, "html"),
    "locked.pdf": (_encrypted_pdf, "pdf_encrypted"),
    "wide.xlsx": (_wide_sheet, "sheet_too_large"),
    "old.xls": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old_office"),
    "photo.jpg": (lambda: b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(range(256)) * 4, "bad_image"),
    "archive.docx": (_plain_zip, "zip_member"),
    "broken.pdf": (lambda: b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", "bad_pdf"),
    "data.xml": (lambda: b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>',
                 "xml"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_file_is_rejected_with_a_reason(tmp_path: Path, as_incoming, name: str):
    make, code = CASES[name]
    p = tmp_path / name
    p.write_bytes(make())
    with pytest.raises(InputRejected) as exc:
        extract.read(as_incoming(p))
    err = exc.value
    assert err.code == code
    # a clerk-actionable message in both languages
    assert len(err.vi) > 30 and len(err.en) > 30 and err.vi != err.en
