"""Where a signature goes and what it looks like (Nghị định 30/2020, Phụ lục I).

- The officer's signature is centred on the `PFSIGN` marker the templates put in the signature
  block (between the title line and the signer's name); without a marker, bottom right of the
  last page (and the caller notes it).
- The agency's seal: red seal image over the left third of the officer's box.
- Attachments: the agency's signature alone, text only, top right of page 1.

Appearances use an embedded subset of a Times-compatible font (Liberation Serif) rescaled to
1000 units per em (pyHanko spaces 2048-upem TrueType glyphs twice too widely) and pre-cut to the
Latin + Vietnamese repertoire once, so each signature only parses a small font.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import zlib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import StaticStampStyle, TextStampStyle

log = logging.getLogger("paperflow.sign")

MARKER = "PFSIGN"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf",
)
# Latin, Latin-1, Latin Extended-A/B (ơ ư đ), combining marks, Vietnamese block, punctuation.
_REPERTOIRE = [*range(0x20, 0x7F), *range(0xA0, 0x250), *range(0x300, 0x324),
               *range(0x1EA0, 0x1EFA), *range(0x2010, 0x2027), 0x2030, 0x20AB]

OFFICER_W, OFFICER_H = 170.0, 72.0      # points; fits the blank lines of a signature block
SEAL_SIZE = 102.0                        # ≈ 36 mm, the usual seal diameter ("real size")
ATTACH_W, ATTACH_H = 240.0, 16.0
MARGIN = 28.0                            # ≈ 1 cm


Box = tuple[float, float, float, float]  # x1, y1, x2, y2 in PDF user space


def _font_source() -> Path:
    for cand in FONT_CANDIDATES:
        if Path(cand).is_file():
            return Path(cand)
    raise FileNotFoundError("no serif TrueType font (install fonts-liberation2)")


STATIC_TEXT = "Ký bởi: \nThời gian ký: 0123456789/:+-T; "


@lru_cache(maxsize=8)
def prepared_font(cache_dir: Path, chars: str = "") -> Path:
    """The appearance font: subset (to `chars`, or the whole Vietnamese repertoire) at 1000
    units per em, built once and kept in the workspace state.

    A batch's texts are known before it starts (signer names, numbers, digits), so cutting the
    font to exactly those characters makes each signature's own subsetting cheap.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    src = _font_source()
    wanted = sorted({ord(c) for c in chars if c.isprintable()}) if chars else _REPERTOIRE
    key = f"{src}:{src.stat().st_mtime_ns}:v2:{','.join(map(str, wanted))}"
    out = cache_dir / f"pf-serif-{hashlib.sha256(key.encode()).hexdigest()[:16]}.ttf"
    if out.is_file():
        return out
    font = TTFont(str(src))
    opts = subset.Options()
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=wanted)
    logging.getLogger("fontTools").setLevel(logging.ERROR)   # its INFO lines are noise here
    sub.subset(font)
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    cache_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".ttf.part")
    os.close(fd)
    font.save(tmp)
    os.replace(tmp, out)
    return out


@dataclass(frozen=True)
class Placement:
    page: int
    box: Box
    from_marker: bool


Media = tuple[float, float, float, float]


@dataclass(frozen=True)
class PdfLayout:
    """What placement needs from a PDF: page boxes and the last PFSIGN marker."""

    media: tuple[Media, ...]
    marker: tuple[int, Box] | None


def scan_pdf(pdf: Path, *, engine: str = "auto") -> PdfLayout:
    """Page boxes and the last PFSIGN marker, searching from the last page back.

    pypdfium2 (a pdfplumber dependency; C text extraction, ~5 ms a document) is used when
    present; pdfplumber (pure Python, ~0.2 s a page) is the fallback. Tests check they agree.
    """
    if engine in ("auto", "pdfium"):
        try:
            return _scan_pdfium(pdf)
        except ImportError:
            if engine == "pdfium":
                raise
    return _scan_pdfplumber(pdf)


def _scan_pdfium(pdf: Path) -> PdfLayout:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        media: list[Media] = []
        for i in range(len(doc)):
            mb = doc[i].get_mediabox()
            media.append((float(mb[0]), float(mb[1]), float(mb[2]), float(mb[3])))
        for i in range(len(doc) - 1, -1, -1):
            text = doc[i].get_textpage()
            search = text.search(MARKER, match_case=True, match_whole_word=False)
            last = None
            while (occ := search.get_next()) is not None:
                last = occ
            if last is not None:
                start, count = last
                boxes = [text.get_charbox(j) for j in range(start, start + count)]
                return PdfLayout(tuple(media), (i, (min(b[0] for b in boxes),
                                                    min(b[1] for b in boxes),
                                                    max(b[2] for b in boxes),
                                                    max(b[3] for b in boxes))))
        return PdfLayout(tuple(media), None)
    finally:
        doc.close()


def _scan_pdfplumber(pdf: Path) -> PdfLayout:
    import pdfplumber

    media: list[Media] = []
    found: tuple[int, Box] | None = None
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:                  # page boxes are cheap (no content parsing)
            mb = tuple(float(v) for v in page.mediabox)
            media.append((mb[0], mb[1], mb[2], mb[3]))
        # Parsing a page's text is the costly part (~0.1 s): the signature block is at the end,
        # so search from the last page back and stop at the first page with a marker.
        for i in range(len(doc.pages) - 1, -1, -1):
            page, mb = doc.pages[i], media[i]
            hits = page.search(MARKER, regex=False, case=True)
            if hits:
                hit = hits[-1]
                # pdfplumber measures from the top of the page; PDF user space from the bottom
                top_edge = mb[1] + float(page.height)
                found = (i, (mb[0] + float(hit["x0"]), top_edge - float(hit["bottom"]),
                             mb[0] + float(hit["x1"]), top_edge - float(hit["top"])))
                break
    return PdfLayout(tuple(media), found)


def _clamp(box: Box, media: Media) -> Box:
    x1, y1, x2, y2 = box
    w, h = x2 - x1, y2 - y1
    x1 = min(max(x1, media[0] + 4), media[2] - 4 - w)
    y1 = min(max(y1, media[1] + 4), media[3] - 4 - h)
    return (x1, y1, x1 + w, y1 + h)


def officer_placement(layout: PdfLayout) -> Placement:
    hit, media = layout.marker, layout.media
    if hit is not None:
        page, (mx1, my1, mx2, my2) = hit
        cx, cy = (mx1 + mx2) / 2, (my1 + my2) / 2
        box = (cx - OFFICER_W / 2, cy - OFFICER_H / 2, cx + OFFICER_W / 2, cy + OFFICER_H / 2)
        return Placement(page, _clamp(box, media[page]), True)
    page = len(media) - 1
    m = media[page]
    box = (m[2] - MARGIN - OFFICER_W, m[1] + 2 * MARGIN, m[2] - MARGIN, m[1] + 2 * MARGIN
           + OFFICER_H)
    return Placement(page, box, False)


def seal_box(officer: Box, *, with_image: bool) -> Box:
    """Seal over the left third of the officer's box; a text-only seal to its left."""
    x1, y1, x2, y2 = officer
    cy = (y1 + y2) / 2
    if with_image:
        right = x1 + (x2 - x1) / 3
        return (right - SEAL_SIZE, cy - SEAL_SIZE / 2, right, cy + SEAL_SIZE / 2)
    return (x1 - 4 - OFFICER_W, y1, x1 - 4, y2)


def attachment_box(media: Media) -> Box:
    x2, y2 = media[2] - MARGIN, media[3] - MARGIN / 1.4
    return (x2 - ATTACH_W, y2 - ATTACH_H, x2, y2)


class CachedImage(PdfImage):
    """A PdfImage whose pixels are compressed once and reused in every PDF of the batch.

    pyHanko's PdfImage re-encodes the PNG (RGB + alpha soft mask, deflate) per document.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        rgba = self.image.convert("RGBA")
        self._rgb = zlib.compress(rgba.convert("RGB").tobytes())
        self._alpha = zlib.compress(rgba.getchannel("A").tobytes())

    def _xobject(self, data: bytes, colour: str, smask=None) -> generic.StreamObject:
        d = {pdf_name("/Type"): pdf_name("/XObject"), pdf_name("/Subtype"): pdf_name("/Image"),
             pdf_name("/Width"): generic.NumberObject(self.image.width),
             pdf_name("/Height"): generic.NumberObject(self.image.height),
             pdf_name("/ColorSpace"): pdf_name(colour),
             pdf_name("/BitsPerComponent"): generic.NumberObject(8),
             pdf_name("/Filter"): pdf_name("/FlateDecode")}
        if smask is not None:
            d[pdf_name("/SMask")] = smask
        return generic.StreamObject(d, encoded_data=data)

    @property
    def image_ref(self) -> generic.IndirectObject:
        writer = self.writer
        assert writer is not None
        ref = self._image_ref
        if ref is None or ref.get_pdf_handler() is not writer:
            smask = writer.add_object(self._xobject(self._alpha, "/DeviceGray"))
            ref = self._image_ref = writer.add_object(
                self._xobject(self._rgb, "/DeviceRGB", smask))
        return ref


def vn_time(t: datetime) -> str:
    """'dd/mm/yyyy HH:MM:SS +07:00' as Vietnamese signing tools print it."""
    off = t.strftime("%z")
    return f"{t:%d/%m/%Y %H:%M:%S} {off[:3]}:{off[3:]}"


@lru_cache(maxsize=8)
def _font_bytes(path: str) -> bytes:
    return Path(path).read_bytes()


class _PrecutFontFactory(GlyphAccumulatorFactory):
    """For a font already cut to the batch's characters (`prepared_font` with texts): pyHanko
    would cut it again and re-serialise it for every signature (≈ 10 ms each, a fifth of a
    signature's CPU); the cut font is embedded as it is instead — the same glyphs, a few KB
    more. Falls back to pyHanko's own path if its internals are not what this expects."""

    def create_font_engine(self, writer, obj_stream=None):  # type: ignore[no-untyped-def]
        from pyhanko.pdf_utils import generic
        from pyhanko.pdf_utils.font.opentype import CIDFontType2

        engine = super().create_font_engine(writer, obj_stream)
        cid = getattr(engine, "cidfont_obj", None)
        if not (isinstance(cid, CIDFontType2) and hasattr(engine, "_extract_subset")
                and hasattr(cid, "_font_descriptor")):
            return engine
        data = _font_bytes(str(self.font_file))

        def set_font_file(writer):  # type: ignore[no-untyped-def]
            stream = generic.StreamObject(stream_data=data)
            stream.compress()
            ref = writer.add_object(stream)
            cid._font_descriptor[generic.pdf_name("/FontFile2")] = ref
            return ref

        engine._extract_subset = lambda options=None: None
        cid.set_font_file = set_font_file
        return engine


class Appearances:
    """Styles built once per batch; text differs per document via text params."""

    def __init__(self, cache_dir: Path, *, signature_image: Path | None,
                 seal_image: Path | None, font_file: Path | None = None,
                 texts: tuple[str, ...] = ()) -> None:
        chars = "".join(sorted(set(STATIC_TEXT + "".join(texts)))) if texts else ""
        font = str(font_file or prepared_font(cache_dir, chars))
        factory = _PrecutFontFactory if chars and font_file is None else GlyphAccumulatorFactory
        small = TextBoxStyle(font=factory(font, font_size=7), font_size=7, leading=8)
        ten = TextBoxStyle(font=factory(font, font_size=10), font_size=10)
        signed_text = "Ký bởi: %(cn)s\nThời gian ký: %(when)s"
        self.has_signature_image = signature_image is not None
        self.has_seal_image = seal_image is not None
        if signature_image is not None:
            # image in the upper part of the box, the text under it
            self.officer = TextStampStyle(
                stamp_text=signed_text, text_box_style=small, border_width=0,
                background=CachedImage(signature_image), background_opacity=1.0,
                background_layout=SimpleBoxLayoutRule(
                    x_align=AxisAlignment.ALIGN_MID, y_align=AxisAlignment.ALIGN_MAX,
                    margins=Margins(bottom=20)),
                inner_content_layout=SimpleBoxLayoutRule(
                    x_align=AxisAlignment.ALIGN_MID, y_align=AxisAlignment.ALIGN_MIN,
                    margins=Margins(bottom=1)),
            )
        else:
            self.officer = TextStampStyle(
                stamp_text=signed_text, text_box_style=small, border_width=0,
                inner_content_layout=SimpleBoxLayoutRule(
                    x_align=AxisAlignment.ALIGN_MID, y_align=AxisAlignment.ALIGN_MID))
        if seal_image is not None:
            self.seal = StaticStampStyle(background=CachedImage(seal_image), border_width=0)
        else:
            self.seal = self.officer if signature_image is None else TextStampStyle(
                stamp_text=signed_text, text_box_style=small, border_width=0,
                inner_content_layout=SimpleBoxLayoutRule(
                    x_align=AxisAlignment.ALIGN_MID, y_align=AxisAlignment.ALIGN_MID))
        self.attachment = TextStampStyle(
            stamp_text="%(number)s; %(iso)s", text_box_style=ten, border_width=0,
            inner_content_layout=SimpleBoxLayoutRule(
                x_align=AxisAlignment.ALIGN_MAX, y_align=AxisAlignment.ALIGN_MID))
