"""The named hostile files not already in tests/extract/test_hostile.py (zip bomb, XXE,
encrypted PDF are there): billion laughs, deeply nested PDFs, giant images, path traversal
inside archives and as file names through intake.

Each extractor case runs in the fuzz worker (memory cap, wall-clock limit): it must end as an
Extracted or a clean InputRejected, and write nothing outside its folder."""

from __future__ import annotations

import io
import os
import struct
import uuid
import zipfile
import zlib
from pathlib import Path

import harness as h
import inputs
import pytest
from test_fuzz_extract import Reader

LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;")
                                                     * 10) for i in range(1, 10))
          + b"]>\n")


def _rezip(original: bytes, replace: dict[str, bytes], extra: dict[str, bytes] | None = None
           ) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(original))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, body in (extra or {}).items():
            z.writestr(zipfile.ZipInfo(name), body)
    return out.getvalue()


def _laughs_in(original: bytes, member: str) -> bytes:
    body = zipfile.ZipFile(io.BytesIO(original)).read(member).decode()
    root = body.split("?>", 1)[1] if body.startswith("<?xml") else body
    at = root.index(">") + 1
    evil = LAUGHS + (root[:at] + "&lol9;" + root[at:]).encode()
    return _rezip(original, {member: evil})


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF with a correct xref table around the given object bodies (1-based)."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def _page_pdf(content: bytes, resources: bytes = b"<< >>", extra: list[bytes] = ()) -> bytes:
    stream = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                 b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                 b"/Resources " + resources + b" >>", stream, *extra])


def _nested_arrays_pdf(depth: int) -> bytes:
    return _page_pdf(b"BT ET", resources=b"<< /X " + b"[" * depth + b"]" * depth + b" >>")


def _nested_dicts_pdf(depth: int) -> bytes:
    return _page_pdf(b"BT ET", resources=b"<< /X " + b"<< /A " * depth + b"1" + b" >>" * depth
                     + b" >>")


def _nested_pages_pdf(depth: int) -> bytes:
    """A page tree 'nested' by each Pages node pointing at the next, and the last at the
    first: an endless tree for a naive walker."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for k in range(depth):
        objs.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (k + 3 if k + 1 < depth
                                                                       else 2))
    return _pdf(objs)


def _giant_image_pdf() -> bytes:
    """A page that is one 20000 × 20000 image (1.2 GB decoded), 1 MB of zeros compressed.
    (60000 × 60000 costs ~60 s of pdftoppm + tesseract, bounded only by their time-outs.)"""
    data = zlib.compress(b"\0" * (1 << 20), 9)
    image = (b"<< /Type /XObject /Subtype /Image /Width 20000 /Height 20000 "
             b"/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\n"
             b"stream\n" % len(data)) + data + b"\nendstream"
    return _page_pdf(b"q 595 0 0 842 0 0 cm /Im0 Do Q",
                     resources=b"<< /XObject << /Im0 5 0 R >> >>", extra=[image])


def _png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))

    raw = zlib.compress(b"\0" * (1 << 20), 9)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                               0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def _giant_image_docx() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("Điều 1. Sáp nhập Sở Kế hoạch và Đầu tư vào Sở Tài chính.")
    buf = io.BytesIO()
    d.save(buf)
    return _rezip(buf.getvalue(), {}, {"word/media/image1.png": _png_header(80000, 80000)})


def _traversal(original: bytes, marker: str) -> bytes:
    return _rezip(original, {}, {f"../../../../../../tmp/{marker}": b"owned",
                                 f"/tmp/{marker}-abs": b"owned",
                                 f"..\\..\\..\\tmp\\{marker}-win": b"owned"})


MARKER = f"pf-traversal-{uuid.uuid4().hex[:8]}"
CASES = {
    "billion-laughs.docx": lambda: _laughs_in(inputs.DECISION.read_bytes(),
                                              "word/document.xml"),
    "billion-laughs.xlsx": lambda: _laughs_in(inputs.subscriber_xlsx([1], 1),
                                              "xl/worksheets/sheet1.xml"),
    "billion-laughs-strings.xlsx": lambda: _laughs_in(inputs.subscriber_xlsx([1], 1),
                                                      "xl/workbook.xml"),
    "nested-arrays.pdf": lambda: _nested_arrays_pdf(200_000),
    "nested-dicts.pdf": lambda: _nested_dicts_pdf(50_000),
    "page-tree-loop.pdf": lambda: _nested_pages_pdf(5_000),
    "giant-image.pdf": _giant_image_pdf,
    "giant-image.docx": _giant_image_docx,
    "traversal.docx": lambda: _traversal(inputs.DECISION.read_bytes(), MARKER),
    "traversal.xlsx": lambda: _traversal(inputs.subscriber_xlsx([1], 1), MARKER),
}


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    r = Reader(tmp_path_factory.mktemp("hostile"))
    yield r
    r.close()
    h.record("hostile_files", files=sum(r.outcomes.values()), **dict(r.outcomes),
             failures=len(r.failures))


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_file_is_read_or_rejected_within_bounds(reader, name):
    answer = reader.read(name, CASES[name]())
    assert "error" not in answer, answer["error"]
    if name.startswith("billion-laughs"):
        assert answer.get("rejected"), answer       # never expanded into the register
    assert not list(Path("/tmp").glob(f"{MARKER}*"))


HOSTILE_NAMES = [
    "hoso\\..\\..\\..\\evil.cer",          # Windows separators: one odd name on Linux
    "-rf --no-preserve-root.cer",
    "tên\nxuống dòng.cer",
    "con.cer",                              # a reserved device name on Windows
    "a" * 200 + "ệ" * 15 + ".cer",          # 245 bytes in UTF-8
    "Quye\u0302\u0301t-di\u0323nh.cer",     # NFD, as macOS writes names
    "  .cer",
]


def test_hostile_file_names_stay_inside_the_workspace(tmp_path):
    """Through intake and the batch's ingest: every original ends in archive/ or
    inbox/rejected/ under a safe name; nothing is written outside the workspace."""
    from paperflow.batch.ingest import ingest
    from paperflow.config import Settings
    from paperflow.register import Register

    outside = tmp_path / "outside"
    outside.mkdir()
    ws = tmp_path / "ws"
    inbox = ws / "inbox"
    (inbox / "sub" / "rejected").mkdir(parents=True)
    (inbox / "rejected").mkdir()            # as `paperflow init` makes it
    made = {}
    for n, name in enumerate(HOSTILE_NAMES):
        data = inputs.certificate_pem(n, 0x999)
        (inbox / name).write_bytes(data)
        made[name] = data
    (inbox / "sub" / "rejected" / "hidden-deeper.cer").write_bytes(inputs.certificate_pem(50,
                                                                                          0x999))
    (inbox / "link-to-outside.cer").symlink_to(outside / "secret.cer")
    # a name starting with '.' is a hidden/temporary file by the ignore rules: left alone
    (inbox / "..\\..\\evil.cer").write_bytes(b"hidden")
    (outside / "secret.cer").write_bytes(inputs.certificate_pem(60, 0x999))
    past = os.path.getmtime(inbox) - 10
    for p in inbox.rglob("*"):
        if not p.is_symlink():
            os.utime(p, (past, past))
    settings = Settings(workspace=ws)
    with Register.open(settings) as reg:
        result = ingest(settings, reg)
    assert len(result.taken) == len(HOSTILE_NAMES) + 1, (result.taken, result.rejected)
    placed = [p for p in (ws / "archive").rglob("*") if p.is_file()]
    assert len(placed) == len(HOSTILE_NAMES) + 1
    for p in placed:
        assert p.resolve().is_relative_to(ws.resolve())
        assert "\n" not in p.name and "\\" not in p.name and not p.name.startswith("-")
        assert len(p.name.encode()) <= 255
    assert sorted(p.name for p in outside.iterdir()) == ["secret.cer"]     # not taken, not moved
    assert (inbox / "link-to-outside.cer").is_symlink()
    assert (inbox / "..\\..\\evil.cer").read_bytes() == b"hidden"
    h.record("hostile_names", files=len(HOSTILE_NAMES) + 2, archived=len(placed))


def test_a_file_named_rejected_does_not_stop_intake(tmp_path):
    from paperflow.batch.ingest import ingest
    from paperflow.config import Settings
    from paperflow.register import Register

    inbox = tmp_path / "ws" / "inbox"
    inbox.mkdir(parents=True)
    pem = inputs.certificate_pem(1, 0x998)
    (inbox / "rejected").write_bytes(pem)
    settings = Settings(workspace=tmp_path / "ws")
    with Register.open(settings) as reg:
        ingest(settings, reg)
    # the file was moved aside and taken like any other certificate; the folder now exists
    assert (inbox / "rejected").is_dir() and not any((inbox / "rejected").iterdir())
    archived = [p for p in (tmp_path / "ws" / "archive").rglob("*") if p.is_file()]
    assert [p.read_bytes() for p in archived] == [pem]
    assert [p.name.endswith("rejected-file") for p in archived] == [True]   # archive prefixes a hash
