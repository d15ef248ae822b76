"""Signing throughput: a batch with visible dual signatures vs a naive baseline.

    /work/main/.venv/bin/python bench/sign_bench.py [--docs 200]

Batch  = one paperflow.sign.BatchSession for the whole batch, handed groups of 12 documents as
         the batch line does: one PKCS#11 session + login per token for the whole batch,
         appearance styles and a pre-cut 1000-upem font built once. Prints the token sessions
         it opened (must be 1 + 1) and the C_Login calls of the process.
Naive  = per signature: a new session + login (+ certificate checks) and the full-size font
         (rescaled to 1000 upem, ~400 KB) parsed and subset again.
Both run in the same process on the same SoftHSM2 tokens and the same LibreOffice-made PDF.
Prints signatures/s for each and the ratio; no test asserts on time.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from paperflow.config import AgencySettings, OrgSigningSettings, Settings, SigningSettings  # noqa: E402
from paperflow.models import RenderedDocument  # noqa: E402
from paperflow.sign import BatchSession, demo, sign_batch, signed_path  # noqa: E402
from paperflow.sign.appearance import Appearances, _font_source  # noqa: E402
from paperflow.sign.signing import BatchSigner, _write_atomically, resolve_setup  # noqa: E402
from paperflow.sign.tokens import LOGINS, open_credential  # noqa: E402

PIN, ORG_PIN = "1111", "2222"
GROUP = 12          # documents the batch line hands the session at a time


def make_pdf(root: Path) -> Path:
    from docx import Document
    from docx.shared import Pt, RGBColor

    d = Document()
    d.add_paragraph("SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH HƯNG YÊN — Số: 12/SKHCN-CĐS")
    for i in range(10):
        d.add_paragraph(f"Nội dung công văn, đoạn {i}: thay đổi thông tin chứng thư số.")
    d.add_paragraph("KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC")
    run = d.add_paragraph().add_run("PFSIGN")
    run.font.size, run.font.color.rgb = Pt(2), RGBColor(255, 255, 255)
    d.add_paragraph("Nguyễn Văn An")
    d.save(root / "bench.docx")
    subprocess.run(["soffice", f"-env:UserInstallation={(root / 'lo').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(root), str(root / "bench.docx")],
                   check=True, capture_output=True, timeout=180)
    return root / "bench.pdf"


def docs_in(folder: Path, pdf: Path, n: int) -> list[RenderedDocument]:
    folder.mkdir(parents=True)
    out = []
    for i in range(n):
        p = folder / f"d{i:03d}.pdf"
        shutil.copyfile(pdf, p)
        out.append(RenderedDocument(path=p.with_suffix(".docx"), type="dispatch",
                                    request="change_info", recipient="", sender="",
                                    number=f"{i}/SKHCN-CĐS", pdf=p))
    return out


def full_font_1000(root: Path) -> Path:
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    font = TTFont(str(_font_source()))
    scale_upem(font, 1000)
    out = root / "full-1000.ttf"
    font.save(str(out))
    return out


def naive(docs: list[RenderedDocument], settings: Settings, font: Path) -> None:
    setup = resolve_setup(settings)
    for doc in docs:
        data_doc = doc
        # officer alone, then agency alone: each signature opens its own session and font
        for who in ("officer", "agency"):
            cred = open_credential(setup.officer if who == "officer" else setup.agency)
            try:
                app = Appearances(setup.cache_dir, signature_image=setup.signature_image,
                                  seal_image=setup.seal_image, font_file=font)
                if who == "officer":
                    signer = BatchSigner(setup, cred, None, app)
                    data, _ = signer.sign_document(data_doc, ("officer",))
                    tmp = signed_path(doc.pdf).with_suffix(".half.pdf")
                    _write_atomically(tmp, data)
                    data_doc = replace(doc, pdf=tmp)
                else:
                    officer_cred = cred      # the seal needs the officer's box: reuse geometry
                    signer = BatchSigner(setup, officer_cred, cred, app)
                    data, _ = signer.sign_seal_only(data_doc) if hasattr(
                        signer, "sign_seal_only") else _seal_only(signer, data_doc)
                    _write_atomically(signed_path(doc.pdf), data)
            finally:
                cred.close()


def _seal_only(signer: BatchSigner, doc: RenderedDocument) -> tuple[bytes, str]:
    from datetime import datetime

    from paperflow.sign.appearance import officer_placement, scan_pdf, seal_box, vn_time
    from paperflow.sign.signing import SEAL_FIELD, VN_TZ

    assert doc.pdf is not None and signer.agency is not None
    place = officer_placement(scan_pdf(doc.pdf))
    when = datetime.now(VN_TZ).replace(microsecond=0)
    data = signer._sign(doc.pdf.read_bytes(), signer.agency, SEAL_FIELD, place.page,
                        seal_box(place.box, with_image=True), signer.app.seal,
                        {"cn": signer.agency.cn, "when": vn_time(when)}, when)
    return data, ""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=200)
    args = ap.parse_args()
    logging.basicConfig(level=logging.ERROR)
    root = Path(tempfile.mkdtemp(prefix="pf-sign-bench-"))
    try:
        ca = demo.make_ca(root / "ca.pem", root / "ca.key.pem")
        conf = demo.write_softhsm_conf(root / "hsm")
        agency = AgencySettings()
        demo.make_token(conf, ca, label="officer", key_label="signer", pin=PIN,
                        subject=demo._name(CN="Nguyễn Văn An", O=agency.name, C="VN"))
        demo.make_token(conf, ca, label="agency", key_label="seal", pin=ORG_PIN,
                        subject=demo._name(CN=agency.name, O=agency.managing, C="VN"))
        demo.draw_signature(root / "sig.png")
        demo.draw_seal(root / "seal.png")
        os.environ.update(PAPERFLOW_PIN=PIN, PAPERFLOW_ORG_PIN=ORG_PIN)
        settings = Settings(workspace=root, signing=SigningSettings(
            signature_image=str(root / "sig.png"),
            organization=OrgSigningSettings(seal_image=str(root / "seal.png"))))
        pdf = make_pdf(root)
        font = full_font_1000(root)
        n = args.docs
        batch_docs = docs_in(root / "batch", pdf, n)
        naive_docs = docs_in(root / "naive", pdf, n)
        sign_batch(docs_in(root / "warm", pdf, 2), settings)      # font cache, imports

        logins0 = LOGINS.attempts
        t0, c0 = time.perf_counter(), time.process_time()
        with BatchSession(settings) as session:
            for k in range(0, n, GROUP):
                session.sign(batch_docs[k:k + GROUP])
        t_batch, c_batch = time.perf_counter() - t0, time.process_time() - c0
        assert session.signed == n
        assert session.logins == {"officer": 1, "agency": 1}, session.logins
        logins = LOGINS.attempts - logins0
        t0, c0 = time.perf_counter(), time.process_time()
        naive(naive_docs, settings, font)
        t_naive, c_naive = time.perf_counter() - t0, time.process_time() - c0

        sigs = 2 * n
        print(f"documents: {n}, visible signatures: {sigs} (officer + seal each), "
              f"handed over in groups of {GROUP}")
        print(f"token sessions: officer {session.logins['officer']} + agency "
              f"{session.logins['agency']} (C_Login calls: {logins}; naive: {2 * n})")
        print(f"batch : {t_batch:7.2f} s  {sigs / t_batch:7.1f} signatures/s  "
              f"{1000 * t_batch / sigs:6.1f} ms/signature")
        print(f"naive : {t_naive:7.2f} s  {sigs / t_naive:7.1f} signatures/s  "
              f"{1000 * t_naive / sigs:6.1f} ms/signature")
        print(f"ratio : batch is {t_naive / t_batch:.1f}x faster (wall clock)")
        # on a shared machine wall time is noisy; CPU time of this process is steadier
        print(f"cpu   : batch {1000 * c_batch / sigs:.1f} ms/signature, naive "
              f"{1000 * c_naive / sigs:.1f} ms/signature, ratio {c_naive / c_batch:.1f}x "
              "(SoftHSM runs in-process, so its work is included)")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
