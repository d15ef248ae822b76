"""The converter's two ways of driving LibreOffice, with a stand-in for it (a small script that
answers like soffice and like the UNO worker, writing a one-page PDF per document): PDFs land
beside their .docx, a file that is no .docx and one the office cannot read are failures named
by file, the persistent workers count the documents handed to them. LibreOffice itself is in the slow tests
beside this one."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from docx import Document

from paperflow.config import Settings
from paperflow.convert import Converter
from paperflow.convert._soffice import is_pdf
from paperflow.models import RenderedDocument

PDF = "%PDF-1.4\\n1 0 obj<</Type/Catalog>>endobj\\ntrailer<</Root 1 0 R>>\\n%%EOF\\n"
# soffice --convert-to … --outdir DIR FILE…: a PDF per file, none for a file named *unreadable*
SOFFICE = f'''#!{sys.executable}
import sys
from pathlib import Path
args = sys.argv[1:]
out = Path(args[args.index("--outdir") + 1])
out.mkdir(parents=True, exist_ok=True)
for a in args[args.index("--outdir") + 2:]:
    if "unreadable" not in a:
        (out / (Path(a).stem + ".pdf")).write_text("{PDF}")
'''
# the UNO worker's protocol: "-c import uno" succeeds; then JSON lines in and out
WORKER = f'''#!{sys.executable}
import json, os, sys
from pathlib import Path
if sys.argv[1:2] == ["-c"]:
    sys.exit(0)
print(json.dumps({{"ready": True, "soffice_pgid": os.getpgid(0)}}), flush=True)
for line in sys.stdin:
    job = json.loads(line)
    if "unreadable" in job["in"]:
        print(json.dumps({{"error": "cannot load"}}), flush=True)
        continue
    Path(job["out"]).write_text("{PDF}")
    print(json.dumps({{"ok": True}}), flush=True)
'''


def _script(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)
    return str(path)


@pytest.fixture
def inputs(tmp_path: Path) -> list[RenderedDocument]:
    folder = tmp_path / "batch"
    folder.mkdir()
    docs = []
    for stem in ("CV-Mau04", "BB-thiet-bi", "unreadable"):
        d = Document()
        d.add_paragraph(stem)
        d.save(str(folder / f"{stem}.docx"))
        docs.append(folder / f"{stem}.docx")
    (folder / "not-a-docx.docx").write_text("plain text, not a zip", encoding="utf-8")
    docs.append(folder / "not-a-docx.docx")
    return [RenderedDocument(path=p, type="dispatch", request="", recipient="", sender="")
            for p in docs]


def _check(conv: Converter, docs: list[RenderedDocument]) -> None:
    out = {d.path.stem: d for d in conv.convert_documents(docs)}
    for stem in ("CV-Mau04", "BB-thiet-bi"):
        pdf = out[stem].pdf
        assert pdf == out[stem].path.with_suffix(".pdf") and is_pdf(pdf)
    assert out["unreadable"].pdf is None and out["not-a-docx"].pdf is None
    failed = {p.name: err.en for p, err in conv.failures}
    assert set(failed) == {"unreadable.docx", "not-a-docx.docx"}
    assert "not a valid .docx" in failed["not-a-docx.docx"]
    assert not list(docs[0].path.parent.glob(".*.part"))       # nothing half-written left


def test_batched_soffice_calls(tmp_path: Path, inputs) -> None:
    settings = Settings(workspace=tmp_path / "ws")
    settings = replace(settings, convert=replace(
        settings.convert, soffice=_script(tmp_path / "stand-in-office", SOFFICE), mode="batch"))
    with Converter(settings) as conv:
        _check(conv, inputs)
        assert conv.stats()["mode"] == "batch"
    assert "could not read" in dict((p.name, e.en) for p, e in conv.failures)["unreadable.docx"]


def test_persistent_uno_workers(tmp_path: Path, inputs) -> None:
    settings = Settings(workspace=tmp_path / "ws")
    settings = replace(settings, convert=replace(
        settings.convert, soffice=_script(tmp_path / "stand-in-office", SOFFICE), mode="uno", workers=1,
        uno_python=_script(tmp_path / "python3", WORKER)))
    with Converter(settings) as conv:
        _check(conv, inputs)
        stats = conv.stats()
    assert stats["mode"] == "uno" and stats["per_worker"] == [3] and stats["restarts"] == 0
    assert json.dumps(stats)                        # what `paperflow run -v` logs
