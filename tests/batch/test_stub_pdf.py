"""The stub converter's PDF is one the real signer accepts: tests that pair it with the demo
token (test_watch_token) sign it whenever the seal's attachment reaches the line first."""

from __future__ import annotations

from io import BytesIO

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from stubs import PDF


def test_the_stub_pdf_opens_for_an_incremental_signature() -> None:
    writer = IncrementalPdfFileWriter(BytesIO(PDF + b"CV-Mau05-danh-sach.docx"), strict=False)
    assert writer.root["/Pages"]["/Count"] == 1
