"""Signing a batch on real SoftHSM tokens, checked by pyHanko's validator and poppler's pdfsig."""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader

from paperflow import sign
from paperflow.sign.appearance import ATTACH_W, OFFICER_H, OFFICER_W, scan_pdf

pytestmark = pytest.mark.slow


def _rects(pdf: Path) -> dict[str, tuple[float, ...]]:
    with pdf.open("rb") as fh:
        reader = PdfFileReader(fh)
        return {e.field_name: tuple(float(v) for v in e.sig_field["/Rect"])
                for e in reader.embedded_signatures}


def _pdfsig(pdf: Path) -> list[str]:
    """pdfsig's per-signature blocks (its exit code is 0 even on a digest mismatch)."""
    out = subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True).stdout
    return re.split(r"\nSignature #\d+:\n", out)[1:]


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def signed_batch(pki, pdfs, tmp_path_factory, make_settings, make_doc):
    ws = tmp_path_factory.mktemp("ws")
    settings = make_settings(ws, pki)
    docs = [make_doc(ws / "out", pdfs["marked"], "dispatch"),
            make_doc(ws / "out", pdfs["marked"], "list", type_="list"),
            make_doc(ws / "out", pdfs["plain"], "report", type_="report")]
    before = {d.pdf: _sha(d.pdf) for d in docs}
    outcome = sign.sign_batch(docs, settings)
    return settings, docs, outcome, before


def test_every_pdf_gets_a_signed_copy_and_the_unsigned_stays(signed_batch):
    _settings, docs, outcome, before = signed_batch
    assert outcome.signed == 3
    for doc in outcome.documents:
        assert doc.signed_pdf == doc.pdf.with_name(f"{doc.pdf.stem}.signed.pdf")
        assert doc.signed_pdf.is_file()
        assert _sha(doc.pdf) == before[doc.pdf]


def test_dispatch_officer_then_seal_valid_for_pyhanko(signed_batch, pki):
    _s, _d, outcome, _b = signed_batch
    [result] = sign.verify_pdfs([outcome.documents[0].signed_pdf], [pki.ca_pem])
    assert result.valid, result.lines()
    officer, seal = result.signatures
    assert officer.signer_cn == "Nguyễn Văn An"
    assert seal.signer_cn == "Sở Khoa học và Công nghệ tỉnh Hưng Yên"
    assert officer.intact and officer.trusted and not officer.covers_whole_file
    assert officer.modified_after == "signatures/forms only"
    assert seal.covers_whole_file
    assert officer.signing_time.utcoffset() is not None


def test_dispatch_valid_for_pdfsig(signed_batch):
    _s, _d, outcome, _b = signed_batch
    blocks = _pdfsig(outcome.documents[0].signed_pdf)
    assert len(blocks) == 2
    assert all("Signature Validation: Signature is Valid." in b for b in blocks)
    assert "Common Name: Nguyễn Văn An" in blocks[0]
    assert "Not total document signed" in blocks[0]
    assert "Common Name: Sở Khoa học và Công nghệ tỉnh Hưng Yên" in blocks[1]
    assert "Total document signed" in blocks[1] and "Not total" not in blocks[1]


def test_officer_signature_centred_on_the_marker_and_seal_over_its_left_third(signed_batch):
    _s, docs, outcome, _b = signed_batch
    marker = scan_pdf(docs[0].pdf).marker
    assert marker is not None
    _page, (mx1, my1, mx2, my2) = marker
    rects = _rects(outcome.documents[0].signed_pdf)
    ox1, oy1, ox2, oy2 = rects["PF_Officer"]
    assert abs((ox1 + ox2) / 2 - (mx1 + mx2) / 2) <= 1
    assert abs((oy1 + oy2) / 2 - (my1 + my2) / 2) <= 1
    assert abs(ox2 - ox1 - OFFICER_W) <= 1 and abs(oy2 - oy1 - OFFICER_H) <= 1
    sx1, sy1, sx2, sy2 = rects["PF_Seal"]
    assert abs(sx2 - (ox1 + OFFICER_W / 3)) <= 1          # covers the left third
    assert sx1 < ox1 and sy1 < (oy1 + oy2) / 2 < sy2


def test_attachment_has_only_the_agency_signature_top_right(signed_batch, pki):
    _s, _d, outcome, _b = signed_batch
    attachment = outcome.documents[1].signed_pdf
    [result] = sign.verify_pdfs([attachment], [pki.ca_pem])
    assert result.valid
    assert [s.signer_cn for s in result.signatures] == ["Sở Khoa học và Công nghệ tỉnh Hưng Yên"]
    media = scan_pdf(attachment).media[0]
    x1, y1, x2, y2 = _rects(attachment)["PF_Seal"]
    assert x2 > media[2] - 60 and y2 > media[3] - 40 and abs(x2 - x1 - ATTACH_W) <= 1


def test_no_marker_falls_back_bottom_right_of_last_page_and_says_so(signed_batch):
    _s, _d, outcome, _b = signed_batch
    report = outcome.documents[2].signed_pdf
    assert any("report.pdf" in n and "PFSIGN" in n for n in outcome.notes)
    media = scan_pdf(report).media[-1]
    x1, y1, x2, y2 = _rects(report)["PF_Officer"]
    assert x2 > media[2] * 0.75 and y1 < media[3] * 0.25


def _crop(pdf: Path, tmp: Path, box, page_h: float, dpi: int = 150) -> Image.Image:
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", "1", str(pdf),
                    str(tmp / "page")], check=True)
    [png] = sorted(tmp.glob("page*.png"))
    img = Image.open(png).convert("RGB")
    k = dpi / 72
    x1, y1, x2, y2 = box
    return img.crop((int(x1 * k), int((page_h - y2) * k), int(x2 * k), int((page_h - y1) * k)))


def test_visible_appearance_renders_blue_signature_red_seal_and_text(signed_batch, tmp_path):
    _s, docs, outcome, _b = signed_batch
    signed = outcome.documents[0].signed_pdf
    page_h = scan_pdf(signed).media[0][3]
    box = _rects(signed)["PF_Officer"]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    after = _crop(signed, tmp_path / "a", box, page_h)
    before = _crop(docs[0].pdf, tmp_path / "b", box, page_h)
    colours = after.getcolors(maxcolors=1 << 24)
    assert before.getcolors(maxcolors=1 << 24) == [(before.width * before.height,
                                                    (255, 255, 255))]   # white marker: blank
    blue = sum(n for n, (r, g, b) in colours if b > 150 and r < 100 and g < 120)
    red = sum(n for n, (r, g, b) in colours if r > 150 and g < 80 and b < 80)
    dark = sum(n for n, (r, g, b) in colours if r < 90 and g < 90 and b < 90)
    assert blue > 200 and red > 200 and dark > 50          # signature, seal, "Ký bởi" text


def test_appearance_font_is_embedded(signed_batch):
    _s, _d, outcome, _b = signed_batch
    out = subprocess.run(["pdffonts", str(outcome.documents[1].signed_pdf)],
                         capture_output=True, text=True, check=True).stdout
    line = next(ln for ln in out.splitlines() if "LiberationSerif" in ln)
    assert "Identity-H" in line and " yes yes yes " in line


def test_second_run_resumes_without_signing_again(signed_batch):
    settings, docs, outcome, _b = signed_batch
    stamps = {d.signed_pdf: d.signed_pdf.stat().st_mtime_ns for d in outcome.documents}
    again = sign.sign_batch(docs, settings)
    assert again.signed == 0 and again.resumed == 3
    assert {d.signed_pdf: d.signed_pdf.stat().st_mtime_ns for d in again.documents} == stamps


def test_half_finished_output_is_redone(pki, pdfs, tmp_path, make_settings, make_doc):
    settings = make_settings(tmp_path, pki)
    doc = make_doc(tmp_path / "out", pdfs["marked"], "d1")
    doc.pdf.with_name("d1.signed.pdf").write_bytes(doc.pdf.read_bytes()[:500])   # a crash
    out = sign.sign_documents([doc], settings)
    [result] = sign.verify_pdfs([out[0].signed_pdf], [pki.ca_pem])
    assert result.valid and len(result.signatures) == 2


def test_without_organisation_officer_signs_all_attachments_text_only(
        pki, pdfs, tmp_path, make_settings, make_doc):
    settings = make_settings(tmp_path, pki, org=False, images=False)
    docs = [make_doc(tmp_path, pdfs["marked"], "d"), make_doc(tmp_path, pdfs["marked"], "l",
                                                              type_="list")]
    out = sign.sign_documents(docs, settings)
    results = sign.verify_pdfs([d.signed_pdf for d in out], [pki.ca_pem])
    assert all(r.valid for r in results)
    assert [[s.signer_cn for s in r.signatures] for r in results] == [["Nguyễn Văn An"]] * 2


def test_docs_without_pdf_are_passed_through(pki, tmp_path, make_settings):
    from paperflow.models import RenderedDocument

    doc = RenderedDocument(path=tmp_path / "x.xlsx", type="org_list", request="", recipient="",
                           sender="")
    assert sign.sign_documents([doc], make_settings(tmp_path, pki)) == [doc]


def test_unreachable_tsa_signs_anyway_and_says_what_it_skipped(
        pki, pdfs, tmp_path, make_settings, make_doc):
    settings = make_settings(tmp_path, pki, tsa_url="http://127.0.0.1:9/tsa")
    outcome = sign.sign_batch([make_doc(tmp_path, pdfs["marked"], "d")], settings)
    assert outcome.signed == 1
    assert any("TSA unreachable" in n for n in outcome.notes)
    assert sign.verify_pdfs([outcome.documents[0].signed_pdf], [pki.ca_pem])[0].valid


def test_fast_marker_search_agrees_with_pdfplumber(pdfs):
    fast = scan_pdf(pdfs["marked"], engine="pdfium")
    slow = scan_pdf(pdfs["marked"], engine="pdfplumber")
    assert fast.media == slow.media and fast.marker[0] == slow.marker[0]
    assert all(abs(a - b) <= 1.5 for a, b in zip(fast.marker[1], slow.marker[1], strict=True))
    assert scan_pdf(pdfs["plain"], engine="pdfium").marker is None
    assert scan_pdf(pdfs["plain"], engine="pdfplumber").marker is None


def test_the_batch_font_cut_is_embedded_as_it_is(signed_batch):
    """The appearance font is cut once to the batch's characters and embedded as it is (not cut
    again per signature): the FontFile2 in the signed PDF is that file, byte for byte."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    settings, _d, outcome, _b = signed_batch
    cuts = {p.read_bytes() for p in settings.state.rglob("pf-serif-*.ttf")}
    with outcome.documents[0].signed_pdf.open("rb") as fh:
        reader = PdfFileReader(fh)
        embedded = []
        for page_annot in reader.root["/AcroForm"]["/Fields"]:
            ap = page_annot.get_object()["/AP"]["/N"].get_object()
            stack = [ap]
            while stack:
                xobj = stack.pop()
                res = xobj.get("/Resources", {})
                for font in res.get("/Font", {}).values():
                    desc = font.get_object()["/DescendantFonts"][0].get_object()
                    embedded.append(desc["/FontDescriptor"]["/FontFile2"].get_object().data)
                stack += [x.get_object() for x in res.get("/XObject", {}).values()]
    assert embedded and all(data in cuts for data in embedded)
