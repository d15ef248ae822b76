"""The naive baseline on a sample of the documents paperflow just produced (fresh process).

    python bench/naive.py WORKSPACE SAMPLE.json OUT.json

SAMPLE.json lists {"docx": path, "type": ..., "sigs": n}. For each document, what a script
without paperflow's care would do:
- one cold `soffice --headless --convert-to pdf` process per document, each with its own new
  profile folder (so concurrent runs could not clash — and profile creation is paid every time);
- for each signature, a new PKCS#11 session and login, a new signer (key and certificate looked
  up again) and the font loaded again, then a visible stamp; officer then seal on a dispatch,
  the seal alone on an attached list (the same signatures paperflow made).
The same demo SoftHSM tokens as paperflow's run are used.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FONT = "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf"   # 1000 units/em: no rescaling


def convert_cold(docx: Path, outdir: Path) -> float:
    with tempfile.TemporaryDirectory(prefix="pf-naive-profile-") as prof:
        t0 = time.perf_counter()
        subprocess.run(["soffice", f"-env:UserInstallation=file://{prof}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(outdir), str(docx)],
                       check=True, capture_output=True, timeout=300)
        took = time.perf_counter() - t0
    if not (outdir / f"{docx.stem}.pdf").exists():
        raise RuntimeError(f"soffice did not convert {docx.name}")
    return took


def sign_once(pdf_in: Path, pdf_out: Path, module: str, token: str, key: str, pin: str,
              field: str, box: tuple[float, float, float, float]) -> None:
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session
    from pyhanko.stamp import TextStampStyle

    session = open_pkcs11_session(module, token_criteria=TokenCriteria(label=token),
                                  user_pin=pin)
    try:
        signer = PKCS11Signer(session, cert_label=key, key_label=key)
        style = TextStampStyle(
            stamp_text="Ký bởi: %(signer)s\nThời gian ký: %(ts)s",
            text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(FONT), font_size=7))
        with pdf_in.open("rb") as f:
            writer = IncrementalPdfFileWriter(f)
            pdf_signer = signers.PdfSigner(
                signers.PdfSignatureMetadata(field_name=field), signer=signer,
                stamp_style=style, new_field_spec=fields.SigFieldSpec(field, on_page=0, box=box))
            out = pdf_signer.sign_pdf(writer)
            pdf_out.write_bytes(out.getvalue())
    finally:
        session.close()


def main(workspace: Path, sample_json: Path, out: Path) -> int:
    os.environ.setdefault("PAPERFLOW_PIN", "123456")
    os.environ.setdefault("PAPERFLOW_ORG_PIN", "123456")
    from paperflow.config import load_settings
    from paperflow.sign.demo import demo_pin, ensure_demo_pki

    settings = load_settings(workspace / "config.toml")
    pki = ensure_demo_pki(settings)     # sets SOFTHSM2_CONF for this process
    sample = json.loads(sample_json.read_text(encoding="utf-8"))
    convert_s: list[float] = []
    sign_s: list[float] = []
    sigs = 0
    with tempfile.TemporaryDirectory(prefix="pf-naive-") as tmp:
        work = Path(tmp)
        for i, item in enumerate(sample):
            src = work / f"doc{i:03d}.docx"
            shutil.copyfile(item["docx"], src)
            convert_s.append(convert_cold(src, work))
            pdf = work / f"doc{i:03d}.pdf"
            t0 = time.perf_counter()
            if item["sigs"] >= 2:
                mid = work / f"doc{i:03d}.officer.pdf"
                sign_once(pdf, mid, pki.module, pki.officer_token, pki.officer_key,
                          demo_pin("PAPERFLOW_PIN"), "Officer", (330, 120, 500, 192))
                pdf, sigs = mid, sigs + 1
            sign_once(pdf, work / f"doc{i:03d}.signed.pdf", pki.module, pki.agency_token,
                      pki.agency_key, demo_pin("PAPERFLOW_ORG_PIN"), "Seal", (300, 100, 402, 202))
            sigs += 1
            sign_s.append(time.perf_counter() - t0)
    n = len(sample)
    report = {
        "documents": n, "signatures": sigs,
        "convert_s": sum(convert_s), "sign_s": sum(sign_s),
        "total_s": sum(convert_s) + sum(sign_s),
        "s_per_doc": (sum(convert_s) + sum(sign_s)) / n if n else 0.0,
        "convert_s_per_doc": sum(convert_s) / n if n else 0.0,
        "sign_s_per_signature": sum(sign_s) / sigs if sigs else 0.0,
    }
    out.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])))
