"""Benchmark: .docx → PDF, naive (one cold soffice per document) against the Converter.

    python bench/convert_bench.py --docs 20 [--workers 2] [--batch]

Generates N dispatch-like .docx (Vietnamese header, body, a table of certificates), converts
them (a) with one `soffice --convert-to pdf` process per document, (b) with the Converter's
persistent listeners (startup included; steady state shown too), optionally (c) with the
Converter's batched fallback. The last line is `speedup=<x>x` (b over a).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from docx import Document
from docx.shared import Mm

from paperflow.config import ConvertSettings, Settings
from paperflow.convert import Converter


def make_dispatch(path: Path, n: int) -> None:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    doc.add_paragraph("SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH HƯNG YÊN")
    doc.add_paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    doc.add_paragraph("Độc lập - Tự do - Hạnh phúc")
    doc.add_paragraph(f"Số: {n}/SKHCN-CĐS        Hưng Yên, ngày 28 tháng 6 năm 2025")
    doc.add_paragraph("V/v đề nghị thay đổi thông tin chứng thư chữ ký số chuyên dùng công vụ")
    doc.add_paragraph("Kính gửi: Cục Chứng thực số và Bảo mật thông tin, Ban Cơ yếu Chính phủ")
    for _ in range(4):
        doc.add_paragraph(
            "Thực hiện Nghị quyết về việc sắp xếp đơn vị hành chính cấp tỉnh năm 2025, "
            "Sở Khoa học và Công nghệ đề nghị thay đổi thông tin các chứng thư số sau đây.")
    table = doc.add_table(rows=11, cols=4)
    for i, row in enumerate(table.rows):
        cells = ("STT", "Họ và tên", "Số hiệu chứng thư", "Đơn vị mới") if i == 0 else (
            str(i), f"Nguyễn Văn Bình {i}", f"54010101AB{i:02d}", "Ủy ban nhân dân xã Tiên Lữ")
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    doc.add_paragraph("KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n\nNguyễn Văn An")
    doc.save(str(path))


def naive(paths: list[Path], soffice: str, profile: Path) -> float:
    """One cold soffice per document (what we never do in paperflow); returns seconds."""
    url = profile.as_uri()
    cmd = [soffice, f"-env:UserInstallation={url}", "--headless", "--norestore"]
    # Warm the profile first so (a) is not charged for creating it once.
    warm = paths[0].parent / "warm"
    warm.mkdir()
    subprocess.run([*cmd, "--convert-to", "pdf", "--outdir", str(warm), str(paths[0])],
                   check=True, capture_output=True)
    start = time.perf_counter()
    for p in paths:
        subprocess.run([*cmd, "--convert-to", "pdf", "--outdir", str(p.parent), str(p)],
                       check=True, capture_output=True)
    return time.perf_counter() - start


def with_converter(paths: list[Path], ws: Path, workers: int, mode: str) -> tuple[float, float]:
    """(total seconds incl. startup and shutdown, seconds for a second, warm round)."""
    settings = Settings(workspace=ws, convert=ConvertSettings(workers=workers))
    start = time.perf_counter()
    with Converter(settings, mode=mode) as conv:
        made = conv.convert(paths)
        first = time.perf_counter() - start
        assert len(made) == len(paths), conv.failures
        t = time.perf_counter()
        conv.convert(paths)
        warm = time.perf_counter() - t
        stats = conv.stats()
    total = time.perf_counter() - start - warm
    print(f"    ({mode}: first round {first:.2f} s, per worker {stats['per_worker']})")
    return total, warm


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=20)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch", action="store_true", help="also time the batched fallback")
    ap.add_argument("--soffice", default="soffice")
    args = ap.parse_args(argv)
    soffice = shutil.which(args.soffice)
    if soffice is None:
        print("soffice not found: apt-get install libreoffice-writer-nogui", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="convert-bench-") as tmp:
        root = Path(tmp)
        sets = {}
        for name in ("naive", "uno", "batch"):
            folder = root / name
            folder.mkdir()
            sets[name] = [folder / f"cong-van-{i:03d}.docx" for i in range(args.docs)]
            for i, p in enumerate(sets[name]):
                make_dispatch(p, i + 1)
        n = args.docs
        t_naive = naive(sets["naive"], soffice, root / "naive-profile")
        print(f"naive (one cold soffice per document): {n / t_naive:.2f} docs/s "
              f"({t_naive:.2f} s for {n})")
        t_uno, warm = with_converter(sets["uno"], root / "ws-uno", args.workers, "uno")
        print(f"converter, {args.workers} persistent listeners: {n / t_uno:.2f} docs/s "
              f"({t_uno:.2f} s incl. startup+shutdown); warm: {n / warm:.2f} docs/s")
        if args.batch:
            t_batch, warm_b = with_converter(sets["batch"], root / "ws-batch", args.workers,
                                             "batch")
            print(f"converter, batched fallback: {n / t_batch:.2f} docs/s "
                  f"({t_batch:.2f} s); second round {n / warm_b:.2f} docs/s")
        print(f"speedup={t_naive / t_uno:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
