"""Decision reading speed (issue 15 item 4): a 200 KB decision text must read in under 2 s, and
a 16,000-character paragraph without a full stop must not take seconds.

    python bench/decision_bench.py [--old-rev REV] [--old-full] [--repeat 3] [--pdf]

Prints the time of `extract.read_path` on a 200 KB .txt decision (articles, running text, a
before/after table as text), of `statements.parse_text` on the 16 k paragraph, and — in the
same run — the old statement reader (statements.py at --old-rev, default the commit before
the linear-time rewrite) on the paragraph and on a 20 KB slice of the text (the whole 200 KB
with --old-full: minutes). --pdf also converts the text to a PDF with LibreOffice (one call,
its own profile) and times `read_path` on it: poppler's text for a long PDF against pdfminer's
layout analysis for every page (the path of PDFs up to documents.LONG_PDF_PAGES pages).
The last line is `ok=<bool> text_s=… paragraph_s=… ratio=…x`.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from paperflow.extract import documents, read_path  # noqa: E402
from paperflow.extract.names import damaged_word  # noqa: E402
from paperflow.extract.statements import clauses, parse_text  # noqa: E402

OLD_REV = "418f171"         # main before the linear-time statement reader
LIMIT_S = 2.0

_UNITS = ["Sở Kế hoạch và Đầu tư", "Sở Tài chính", "Sở Giao thông vận tải", "Sở Xây dựng",
          "Sở Thông tin và Truyền thông", "Sở Khoa học và Công nghệ", "Sở Nội vụ",
          "Sở Lao động - Thương binh và Xã hội", "Sở Tài nguyên và Môi trường",
          "Sở Nông nghiệp và Phát triển nông thôn", "Ban Dân tộc", "Sở Y tế"]
_CENTRES = ["Trung tâm Kiểm định", "Trung tâm Tin học", "Chi cục Thủy lợi", "Ban Quản lý dự án",
            "Trung tâm Dịch vụ việc làm", "Trung tâm Xúc tiến đầu tư", "Phòng Văn hóa và Thông tin"]
_TEXT = ("công tác quản lý sử dụng chữ ký số chuyên dùng công vụ được thông suốt chặt chẽ hiệu "
         "quả trước trong và sau khi hoàn thành quá trình sắp xếp tổ chức bộ máy của hệ thống "
         "chính trị Sở Nội vụ Trung tâm cơ quan đơn vị thuộc tỉnh theo quy định")
_WORDS = _TEXT.split(" ")


def paragraph(rng: random.Random, n: int = 16_000) -> str:
    """Running text without a full stop: one 'clause' of n characters."""
    return " ".join(rng.choice(_WORDS) for _ in range(n // 4))[:n]


def decision_text(rng: random.Random, size: int = 200_000) -> str:
    parts = ["ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN", "Số: 1520/QĐ-UBND",
             "Hưng Yên, ngày 27 tháng 6 năm 2025", "QUYẾT ĐỊNH",
             "Về việc sắp xếp tổ chức bộ máy các cơ quan chuyên môn",
             "ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN"]
    n = 0
    while sum(len(p) + 1 for p in parts) < size:
        n += 1
        a, b, c = rng.sample(_UNITS, 3)
        x = rng.choice(_CENTRES)
        parts.append(rng.choice([
            f"Điều {n}. Sáp nhập {a} vào {b} kể từ ngày 01/7/2025.",
            f"Điều {n}. Hợp nhất {a} và {b} thành {c} tỉnh Hưng Yên.",
            f"Điều {n}. Chuyển {x} {n} từ {a} về trực thuộc {b}.",
            f"Điều {n}. Đổi tên {x} {n} thành {x} khu vực {n}.",
            f"Điều {n}. Giải thể {x} huyện {n}.",
            f"Điều {n}. Điều động ông Nguyễn Văn An{n}, Phó Giám đốc {a}, đến công tác tại {b}.",
        ]))
        if n % 5 == 0:                      # running text, line-broken as a PDF breaks it
            body = paragraph(rng, 1500)
            parts.extend(body[i:i + 90] for i in range(0, len(body), 90))
            parts[-1] += "."
        if n % 40 == 0:                     # the appendix table, one row a line
            parts.append("STT | Đơn vị trước sắp xếp | Đơn vị sau sắp xếp")
            parts.extend(f"{i} | {u} | {b}" for i, u in enumerate(_UNITS, 1))
    return "\n".join(parts)


def old_parse_text(rev: str) -> types.FunctionType | None:
    """parse_text of statements.py at `rev`, loaded beside the current package."""
    try:
        src = subprocess.run(["git", "-C", str(ROOT), "show",
                              f"{rev}:src/paperflow/extract/statements.py"],
                             check=True, capture_output=True, text=True).stdout
    except (subprocess.CalledProcessError, FileNotFoundError):
        return None
    mod = types.ModuleType("old_statements")
    mod.__dict__["__package__"] = "paperflow.extract"
    exec(compile(src, f"statements.py@{rev}", "exec"), mod.__dict__)  # noqa: S102
    return mod.parse_text


def pdf_figures(text: str) -> None:
    import shutil

    import docx

    soffice = shutil.which("soffice")
    if soffice is None:
        print("pdf: LibreOffice not installed, skipped")
        return
    with tempfile.TemporaryDirectory() as tmp:
        d = docx.Document()
        for line in text.splitlines():
            d.add_paragraph(line)
        d.save(f"{tmp}/qd.docx")
        subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                        "--norestore", "--convert-to", "pdf", "--outdir", tmp, f"{tmp}/qd.docx"],
                       check=True, capture_output=True, timeout=600)
        pdf = Path(tmp) / "qd.pdf"
        fast = timed(read_path, pdf)
        limit, documents.LONG_PDF_PAGES = documents.LONG_PDF_PAGES, 10**6
        try:
            slow = timed(read_path, pdf)
        finally:
            documents.LONG_PDF_PAGES = limit
        print(f"pdf: {pdf.stat().st_size / 1024:.0f} KB -> read_path {fast:.2f} s (poppler text, "
              f"tables from painted pages) vs {slow:.2f} s (pdfminer every page), "
              f"{slow / fast:.1f}x")


def timed(fn, *args, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        clauses.cache_clear()           # every run reads cold: no memo from the run before
        damaged_word.cache_clear()
        t = time.perf_counter()
        fn(*args)
        best = min(best, time.perf_counter() - t)
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old-rev", default=OLD_REV)
    ap.add_argument("--old-full", action="store_true", help="old code on all 200 KB (minutes)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pdf", action="store_true", help="also a LibreOffice PDF of the text")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    text = decision_text(rng)
    para = paragraph(rng)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "quyet-dinh-200k.txt"
        path.write_text(text, encoding="utf-8")
        got = read_path(path)
        text_s = timed(read_path, path, repeat=args.repeat)
    para_s = timed(parse_text, para, repeat=args.repeat)
    print(f"text: {len(text.encode()) / 1024:.0f} KB, {len(text):,} characters -> "
          f"{len(got.merge_events)} events, {len(got.subscribers)} persons in {text_s:.3f} s "
          f"(limit {LIMIT_S} s)")
    print(f"paragraph: {len(para):,} characters without a full stop in {para_s:.4f} s")
    ratio = ""
    old = old_parse_text(args.old_rev)
    if old is not None:
        old_para = timed(old, para)
        part = text if args.old_full else text[:20_000]
        new_part = timed(parse_text, part, repeat=args.repeat)
        old_part = timed(old, part)
        print(f"old code ({args.old_rev}) in this run: paragraph {old_para:.2f} s "
              f"({old_para / para_s:,.0f}x the new); parse_text on {len(part) // 1000} KB "
              f"{old_part:.2f} s vs {new_part:.3f} s now ({old_part / new_part:,.0f}x)")
        ratio = f" ratio={old_para / para_s:.0f}x"
    if args.pdf:
        pdf_figures(text)
    ok = text_s < LIMIT_S and para_s < LIMIT_S
    print(f"ok={ok} text_s={text_s:.3f} paragraph_s={para_s:.4f}{ratio}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
