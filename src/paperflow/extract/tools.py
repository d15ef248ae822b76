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
from .sniff import reject


def _run(cmd: list[str], *, timeout: float, what: str) -> subprocess.CompletedProcess[bytes]:
    exe = shutil.which(cmd[0])
    if exe is None:
        package = {"pdftoppm": "poppler-utils", "tesseract": "tesseract-ocr tesseract-ocr-vie"}
        raise ConversionError(
            f"Thiếu chương trình {cmd[0]} để {what}. Cài đặt: apt install "
            f"{package.get(cmd[0], cmd[0])}; tệp được giữ lại trong inbox/.",
            f"{cmd[0]} is not installed (needed to {what}). Install: apt install "
            f"{package.get(cmd[0], cmd[0])}; the file stays in inbox/.", code="missing_tool")
    try:
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


def tesseract(image: Path, *, lang: str = "vie", timeout: float = 180.0) -> str:
    """OCR one image to text."""
    proc = _run(["tesseract", str(image), "stdout", "-l", lang, "--psm", "3"],
                timeout=timeout, what="nhận dạng chữ (OCR) bản quét")
    return proc.stdout.decode("utf-8", "replace")
