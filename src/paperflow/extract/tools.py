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
from ..errors import ConversionError
from .budget import paused
from .sniff import reject


def _run(cmd: list[str], *, timeout: float, what: str) -> subprocess.CompletedProcess[bytes]:
    exe = shutil.which(cmd[0])
    if exe is None:
        package = {"pdftoppm": "poppler-utils", "pdftotext": "poppler-utils",
                   "tesseract": "tesseract-ocr tesseract-ocr-vie"}
        raise ConversionError(
            f"Thiếu chương trình {cmd[0]} để {what}. Cài đặt: apt install "
            f"{package.get(cmd[0], cmd[0])}; tệp được giữ lại trong inbox/.",
            f"{cmd[0]} is not installed (needed to {what}). Install: apt install "
            f"{package.get(cmd[0], cmd[0])}; the file stays in inbox/.", code="missing_tool")
    try:
        with paused():
            proc = subprocess.run([exe, *cmd[1:]], capture_output=True, timeout=timeout,
                                  check=False, stdin=subprocess.DEVNULL, env=child_env())
    except subprocess.TimeoutExpired as exc:
        raise reject(
            f"Quá thời gian ({timeout:.0f} giây) khi {what}. Bản quét có thể quá lớn: quét lại "
            "ở 300 dpi, đen trắng, hoặc gửi bản .docx/.pdf có chữ.",
            f"Timed out after {timeout:.0f} s trying to {what}. The scan may be too large: "
            "rescan at 300 dpi black and white, or send a text .docx/.pdf.", "timeout") from exc
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()[-500:]
        raise reject(
            f"Không {what} được ({cmd[0]} báo lỗi: {err or proc.returncode}). Kiểm tra tệp "
            "mở được bằng trình đọc PDF; nếu được, in lại ra PDF rồi gửi lại.",
            f"Could not {what} ({cmd[0]} failed: {err or proc.returncode}). Check the file "
            "opens in a PDF reader; if so, print it to a new PDF and send it again.",
            "tool_failed")
    return proc


def pdftoppm(pdf: Path, out_dir: Path, *, dpi: int = 300, first: int = 1, last: int = 20,
             timeout: float = 300.0) -> list[Path]:
    """Rasterise pages first..last to grey PNGs; returns them in page order."""
    prefix = out_dir / "page"
    _run(["pdftoppm", "-r", str(dpi), "-gray", "-png", "-f", str(first), "-l", str(last),
          str(pdf), str(prefix)], timeout=timeout, what="chuyển trang PDF thành ảnh")
    return sorted(out_dir.glob("page*.png"))


def pdftotext(pdf: Path, *, timeout: float = 120.0) -> list[str]:
    """The text layer of every page, in physical layout (columns of a line kept on it); poppler
    reads a page in milliseconds where pdfminer's layout analysis takes a tenth of a second."""
    proc = _run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], timeout=timeout,
                what="đọc chữ trong tệp PDF")
    pages = proc.stdout.decode("utf-8", "replace").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def tesseract(image: Path, *, lang: str = "vie", timeout: float = 180.0) -> str:
    """OCR one image to text."""
    proc = _run(["tesseract", str(image), "stdout", "-l", lang, "--psm", "3"],
                timeout=timeout, what="nhận dạng chữ (OCR) bản quét")
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
        raise reject(
            "Không mở được tệp ảnh (hỏng hoặc không phải ảnh PNG/JPEG/TIFF). Chụp/quét lại rồi "
            "gửi lại, hoặc gửi bản .docx/.pdf.",
            f"Cannot open the image ({exc.__class__.__name__}). Photograph or scan it again, "
            "or send a .docx/.pdf.", "bad_image") from exc
    if w * h * min(frames, 20) > MAX_IMAGE_PIXELS * 4 or w * h > MAX_IMAGE_PIXELS:
        raise reject(
            f"Ảnh quá lớn ({w} × {h} điểm ảnh). Quét lại ở 300 dpi rồi gửi lại.",
            f"The image is too large ({w} × {h} pixels). Rescan at 300 dpi and send it again.",
            "too_large")
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
        raise reject(
            f"LibreOffice không chuyển được tệp trong {timeout:.0f} giây. Mở tệp bằng Word/Excel, "
            "'Lưu thành' .docx/.xlsx rồi gửi lại.",
            f"LibreOffice could not convert the file within {timeout:.0f} s. Open it in "
            "Word/Excel, 'Save As' .docx/.xlsx and send it again.", "timeout") from exc
    finally:
        if proc.poll() is None:
            kill_group(proc.pid)
            proc.wait()
        else:
            kill_group(proc.pid)        # any leftover of its group (its tree on Windows)
    produced = out_dir / f"{src.stem}.{to}"
    if proc.returncode != 0 or not produced.is_file():
        tail = err.decode("utf-8", "replace").strip()[-300:] if err else ""
        raise reject(
            "Không chuyển được tệp Word/Excel định dạng cũ (.doc/.xls) bằng LibreOffice "
            f"({tail or proc.returncode}). Mở tệp, 'Lưu thành' .docx/.xlsx rồi gửi lại.",
            "LibreOffice could not convert the old Word/Excel file "
            f"({tail or proc.returncode}). Open it, 'Save As' .docx/.xlsx, send it again.",
            "old_office")
    return produced
