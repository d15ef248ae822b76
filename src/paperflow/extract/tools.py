"""Wrappers for the external programs of extraction: pdftoppm (poppler) and tesseract.

One function per tool, keyword-only options, a timeout, captured stderr, and errors that say
how to fix the problem (OCRmyPDF's `_exec/` style). A missing program is a setup problem of the
machine, not of the clerk's file: it raises ConversionError so the file stays in the inbox.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from ..childenv import child_env
from ..errors import ConversionError, InputRejected
from ..errortexts import Phrase
from .budget import paused


def _run(cmd: list[str], *, timeout: float, what: Phrase) -> subprocess.CompletedProcess[bytes]:
    exe = shutil.which(cmd[0])
    if exe is None:
        package = {"pdftoppm": "poppler-utils", "pdftotext": "poppler-utils",
                   "tesseract": "tesseract-ocr tesseract-ocr-vie"}
        raise ConversionError("missing_tool", cmd=cmd[0], what=what, package=package.get(cmd[0], cmd[0]))
    try:
        with paused():
            proc = subprocess.run([exe, *cmd[1:]], capture_output=True, timeout=timeout,
                                  check=False, stdin=subprocess.DEVNULL, env=child_env())
    except subprocess.TimeoutExpired as exc:
        raise InputRejected("tool_timeout", timeout=timeout, what=what) from exc
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()[-500:]
        raise InputRejected("tool_failed", what=what, cmd=cmd[0], reason=err or proc.returncode)
    return proc


def pdftoppm(pdf: Path, out_dir: Path, *, dpi: int = 300, first: int = 1, last: int = 20,
             timeout: float = 300.0) -> list[Path]:
    """Rasterise pages first..last to grey PNGs; returns them in page order."""
    prefix = out_dir / "page"
    _run(["pdftoppm", "-r", str(dpi), "-gray", "-png", "-f", str(first), "-l", str(last),
          str(pdf), str(prefix)], timeout=timeout, what=Phrase("pdf_to_images"))
    return sorted(out_dir.glob("page*.png"))


def pdftotext(pdf: Path, *, timeout: float = 120.0) -> list[str]:
    """The text layer of every page, in physical layout (columns of a line kept on it); poppler
    reads a page in milliseconds where pdfminer's layout analysis takes a tenth of a second."""
    proc = _run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], timeout=timeout,
                what=Phrase("pdf_text"))
    pages = proc.stdout.decode("utf-8", "replace").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def tesseract(image: Path, *, lang: str = "vie", timeout: float = 180.0) -> str:
    """OCR one image to text."""
    proc = _run(["tesseract", str(image), "stdout", "-l", lang, "--psm", "3"],
                timeout=timeout, what=Phrase("ocr_scan"))
    return proc.stdout.decode("utf-8", "replace")


MAX_IMAGE_PIXELS = 120_000_000      # an A3 page at 600 dpi is ~70 M; more is not a document


def image_pages(image: Path) -> int:
    """How many pages (frames) an image holds, checking its size before any decoding: a
    'decompression bomb' (80,000 × 80,000 pixels in a few KB) is refused unread."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(image) as im:
            w, h = im.size
            frames = getattr(im, "n_frames", 1)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise InputRejected("bad_image", error_type=exc.__class__.__name__) from exc
    if w * h * min(frames, 20) > MAX_IMAGE_PIXELS * 4 or w * h > MAX_IMAGE_PIXELS:
        raise InputRejected("image_too_large", w=w, h=h)
    return frames


def soffice_convert(src: Path, out_dir: Path, *, to: str, timeout: float = 120.0) -> Path:
    """Convert an old Office file (.doc → docx, .xls → xlsx) with a headless LibreOffice that
    has its own throw-away profile (a shared one silently loses conversions) in its own process
    group (killed whole on a timeout). Returns the converted file."""

    from ..convert import find_soffice, kill_group, profile_url, soffice_env

    exe = find_soffice("soffice")
    profile = out_dir / "profile"
    profile.mkdir(parents=True, exist_ok=True)
    cmd = [exe, f"-env:UserInstallation={profile_url(profile)}", "--headless", "--invisible",
           "--nologo", "--norestore", "--nolockcheck", "--convert-to", to,
           "--outdir", str(out_dir), str(src)]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=soffice_env(profile),
                            start_new_session=True)
    try:
        with paused():
            _out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise InputRejected("old_office_timeout", timeout=timeout) from exc
    finally:
        if proc.poll() is None:
            kill_group(proc.pid)
            proc.wait()
        else:
            kill_group(proc.pid)        # any leftover of its group (its tree on Windows)
    produced = out_dir / f"{src.stem}.{to}"
    if proc.returncode != 0 or not produced.is_file():
        tail = err.decode("utf-8", "replace").strip()[-300:] if err else ""
        raise InputRejected("old_office_unconverted", reason=tail or proc.returncode)
    return produced
