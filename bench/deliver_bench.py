"""deliver alone: `prepare_batch` + `write_manifest` on a batch shaped like scale 1's.

    python bench/deliver_bench.py [--docs 550] [--agencies 200] [--pdf-dir DIR] [--profile FILE]

The batch: two dispatches to the focal point and the CA, each with a signed list PDF and an
.xlsx list, then token and dossier hand-over minutes (most signed, some not) to `--agencies`
agencies with Vietnamese names, a third of them with an address in [mail] addresses. PDFs are
real: made once by LibreOffice (or taken from `--pdf-dir`, e.g. a demo run's outbox) and copied
per document with a distinct tail so every attachment has its own content, ~100 KB like the
signed minutes of a real run. A fresh SQLite register each run. The summary's LibreOffice
conversion is left out unless `--convert-summary` (it is LibreOffice's CPU, not ours).

Prints ms per mail for prepare_batch and for write_manifest, and the split inside prepare_batch.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from vn_names import DEPARTMENTS, FAMILY, GIVEN_M, MIDDLE_M, PROVINCES, SYLLABLES  # noqa: E402

from paperflow import (
    deliver,  # noqa: E402
    render,  # noqa: E402
)
from paperflow.batch.produce import write_outbox  # noqa: E402
from paperflow.config import CA_NAME, AgencySettings, MailSettings, Settings  # noqa: E402
from paperflow.convert import Converter  # noqa: E402
from paperflow.models import RenderedDocument  # noqa: E402
from paperflow.register.db import open_engine  # noqa: E402

FOCAL = "Sở Khoa học và Công nghệ tỉnh Hưng Yên"
PDF_SIZE = 100_000


class Reg:
    def __init__(self, url: str) -> None:
        self.engine = open_engine(url)


def agencies(n: int, rng: random.Random) -> list[str]:
    out: list[str] = []
    for p, (_code, _domain, districts) in PROVINCES.items():
        out += [f"{d} {p}" if d.endswith("tỉnh") else f"{d} tỉnh {p}" for d in DEPARTMENTS]
        out += [f"Ủy ban nhân dân {k} {name}" for k, name in districts]
    while len(out) < n:
        commune = " ".join(rng.sample(SYLLABLES, 2)).title()
        out.append(f"Ủy ban nhân dân xã {commune}, huyện {rng.choice(list(PROVINCES['Thái Bình'][2]))[1]}")
    return list(dict.fromkeys(out))[:n]


def base_pdfs(work: Path, pdf_dir: Path | None) -> list[bytes]:
    if pdf_dir is not None:
        found = sorted(pdf_dir.rglob("*.pdf"))[:20]
        if found:
            return [p.read_bytes() for p in found]
    from docx import Document

    src = work / "src"
    src.mkdir()
    docxs = []
    for i in range(4):
        d = Document()
        d.add_paragraph(f"BIÊN BẢN BÀN GIAO THIẾT BỊ LƯU KHÓA BÍ MẬT số {i}")
        for j in range(40):
            d.add_paragraph(f"{j}. {FAMILY[j % len(FAMILY)]} {MIDDLE_M[j % len(MIDDLE_M)]} "
                            f"{GIVEN_M[j % len(GIVEN_M)]} — thiết bị lưu khóa số 5401{j:06d}, "
                            "Ủy ban nhân dân tỉnh Hưng Yên, Sở Khoa học và Công nghệ")
        path = src / f"m{i}.docx"
        d.save(str(path))
        docxs.append(str(path))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{work / 'lo'}", "--headless",
                    "--norestore", "--convert-to", "pdf", "--outdir", str(src), *docxs],
                   check=True, capture_output=True, timeout=300)
    return [(src / f"m{i}.pdf").read_bytes() for i in range(4)]


def write_pdf(path: Path, base: bytes, n: int) -> Path:
    # a comment after %%EOF: readers ignore it, the content (and so every hash) is distinct
    pad = max(0, PDF_SIZE - len(base))
    path.write_bytes(base + f"\n% paperflow bench {n}\n".encode() + b"%" + b"x" * pad + b"\n")
    return path


def make_docs(staging: Path, bases: list[bytes], n_docs: int, names: list[str],
              rng: random.Random) -> list[RenderedDocument]:
    from openpyxl import Workbook

    staging.mkdir(parents=True)
    sender = FOCAL
    docs: list[RenderedDocument] = []
    k = 0

    def pdf(stem: str) -> Path:
        nonlocal k
        k += 1
        return write_pdf(staging / f"{stem}.pdf", bases[k % len(bases)], k)

    for i, (rcpt, req) in enumerate(((CA_NAME, "change_info"), (FOCAL, "revoke"))):
        stem = f"CV-Mau04-{i}"
        wb = Workbook()
        wb.active.append(["STT", "Họ và tên", "Số hiệu chứng thư"])
        for r in range(200):
            wb.active.append([r + 1, f"Nguyễn Văn Ánh {r}", f"5401{r:08d}"])
        xlsx = staging / f"{stem}-danh-sach.xlsx"
        wb.save(str(xlsx))
        lst_pdf, lst_signed = pdf(f"{stem}-danh-sach"), pdf(f"{stem}-danh-sach.signed")
        docs.append(RenderedDocument(
            path=staging / f"{stem}.docx", type="dispatch", request=req, recipient=rcpt,
            sender=sender, number=f"{12 + i}/SKHCN-CĐS",
            subject="V/v đề nghị thay đổi nội dung thông tin chứng thư chữ ký số chuyên dùng "
                    "công vụ do sắp xếp tổ chức bộ máy",
            pdf=pdf(stem), signed_pdf=pdf(f"{stem}.signed"),
            attachments=(staging / f"{stem}-danh-sach.docx", xlsx)))
        docs.append(RenderedDocument(
            path=staging / f"{stem}-danh-sach.docx", type="list", request=req, recipient=rcpt,
            sender=sender, pdf=lst_pdf, signed_pdf=lst_signed))
    while len(docs) < n_docs:
        n = len(docs)
        rcpt = names[n % len(names)]
        kind = "handover_tokens" if rng.random() < 0.85 else "handover_dossiers"
        stem = f"BB-{'thiet-bi' if kind == 'handover_tokens' else 'ho-so'}-{n:04d}"
        signed = rng.random() < 0.6
        what = "thiết bị lưu khóa bí mật" if kind == "handover_tokens" else "hồ sơ"
        plain = pdf(stem)
        docs.append(RenderedDocument(
            path=staging / f"{stem}.docx", type=kind,
            request="recall" if kind == "handover_tokens" else "hand_over", recipient=rcpt,
            sender=sender, number=f"{100 + n}/BB-SKHCN",
            subject=f"Biên bản bàn giao {what} của {rcpt}",
            pdf=plain, signed_pdf=pdf(f"{stem}.signed") if signed else None))
    return docs


def settings_for(ws: Path, names: list[str]) -> Settings:
    addresses = {FOCAL: "cds.skhcn@hungyen.gov.vn"}
    addresses.update({nm: f"vanthu{i}@hungyen.gov.vn" for i, nm in enumerate(names[::3])})
    return Settings(
        workspace=ws,
        agency=AgencySettings(name=FOCAL, contact_name="Trần Thị Bình",
                              contact_phone="0221 3 888 999",
                              contact_email="cds.skhcn@hungyen.gov.vn"),
        mail=MailSettings(from_="cds.skhcn@hungyen.gov.vn", ca="ca@bcy.gov.vn",
                          addresses=addresses),
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=550)
    ap.add_argument("--agencies", type=int, default=200)
    ap.add_argument("--pdf-dir", type=Path)
    ap.add_argument("--profile", type=Path, help="write a cProfile of prepare_batch here")
    ap.add_argument("--convert-summary", action="store_true")
    ap.add_argument("--keep", type=Path, help="copy the batch folder here afterwards")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="deliver-bench-") as tmp:
        work = Path(tmp)
        names = agencies(args.agencies, rng)
        bases = base_pdfs(work, args.pdf_dir)
        ws = work / "ws"
        settings = settings_for(ws, names)
        staging = settings.outbox / ".20250715-hung-yen-001.partial"
        docs = make_docs(staging, bases, args.docs, names, rng)
        reg = Reg(f"sqlite:///{work / 'paperflow.db'}")

        # split inside write_outbox: the summary's .docx is its own cost
        t_summary = [0.0]
        real_build = render.build_summary_docx

        def timed_build(*a, **k):  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            try:
                return real_build(*a, **k)
            finally:
                t_summary[0] += time.perf_counter() - t

        render.build_summary_docx = timed_build  # type: ignore[assignment]
        conv = Converter(settings) if args.convert_summary else None

        prof = cProfile.Profile() if args.profile else None
        c0, t0 = time.process_time(), time.perf_counter()
        if prof:
            prof.enable()
        mails = write_outbox(settings, reg, "20250715-hung-yen-001", docs, staging, conv).emls
        if conv is not None:
            conv.close()
        t1, c1 = time.perf_counter(), time.process_time()
        deliver.write_manifest(staging, docs, mails)
        if prof:
            prof.disable()
        t2, c2 = time.perf_counter(), time.process_time()
        if prof:
            prof.dump_stats(str(args.profile))
            pstats.Stats(prof).sort_stats("cumulative").print_stats(25)

        n = len(mails)
        print(f"docs={len(docs)} mails={n} recipients={len(set(d.recipient for d in docs))}")
        print(f"write_outbox: {t1 - t0:.2f} s wall, {c1 - c0:.2f} s CPU, "
              f"{1000 * (t1 - t0) / n:.1f} ms a mail (summary .docx {t_summary[0]:.2f} s, "
              f"rest {1000 * (t1 - t0 - t_summary[0]) / n:.1f} ms a mail)")
        print(f"write_manifest: {t2 - t1:.2f} s wall, {c2 - c1:.2f} s CPU, "
              f"{1000 * (t2 - t1) / n:.1f} ms a mail")
        import resource
        print(f"maxrss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        print(f"deliver_ms_per_mail={1000 * (t2 - t0) / n:.1f}")
        if args.keep:
            shutil.rmtree(args.keep, ignore_errors=True)
            shutil.copytree(staging, args.keep, symlinks=True)
        os.sync()


if __name__ == "__main__":
    main()
