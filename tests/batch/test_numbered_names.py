"""File names carry the document number once issued (issue 18 item 7): a draft keeps its name,
the issued document's files (.docx, .pdf, .signed.pdf, its list, its .eml) are that name behind
'So-0058-SKHCN-CDS_'; `sign --only` takes the draft's name the clerk saw; a batch signed again
keeps its names; nothing of the draft is left behind — in the folder, the manifest, the recipient
folders, the summary, the register or the mail log. Stub converter and token (stubs.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import select
from sqlalchemy.orm import Session
from stubs import Sessions, wrong_pin

from paperflow.batch import run_once, sign_pending
from paperflow.deliver.journal import MailRecord
from paperflow.errors import BatchNotFound
from paperflow.register import Register
from paperflow.sign import WrongPin
from paperflow.text import draft_stem, number_tag

META = {"manifest.json", "plan.json", "numbers.json"}
WINDOWS_BAD = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _manifest(folder: Path) -> dict[str, dict]:
    return {e["path"]: e for e in json.loads((folder / "manifest.json").read_text("utf-8"))}


def _summary_text(folder: Path) -> str:
    doc = Document(str(folder / "TOM-TAT-LO.docx"))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _stems(paths: list[str]) -> set[str]:
    return {Path(p).name.split(".", 1)[0] for p in paths if "/" not in p}


def test_drafts_keep_their_names_and_issued_files_carry_their_number(settings) -> None:
    drafts = run_once(settings, sign_now=False)
    folder = drafts.folder
    before = _files(folder)
    assert not [f for f in before if Path(f).name.startswith("So-")]    # no number, no prefix
    draft_of = {d.path.name: d for d in drafts.documents}

    issued = sign_pending(settings, sessions=Sessions())
    assert issued.signed > 0
    after = _files(folder)
    numbered = [d for d in issued.documents if d.number]
    assert numbered and all(d.signed_pdf for d in numbered)
    for d in issued.documents:
        tag = number_tag(d.number)
        stem = d.path.stem
        if not d.number:                # another agency's draft, the register, the sheet
            assert stem == draft_stem(stem) and d.path.name in draft_of
            continue
        draft = draft_stem(stem)
        assert stem == f"{tag}_{draft}" and f"{draft}{d.path.suffix}" in draft_of
        for p in (d.path, d.pdf, d.signed_pdf, *d.attachments):
            assert p is not None and p.name.startswith(f"{tag}_") and p.is_file(), p
        # the draft's files are gone: no second copy of the document under its old name
        assert not list(folder.glob(f"{draft}.*")), draft
    # each document once: no stem left both as a draft and behind a number
    assert not _stems(after) & {draft_stem(s) for s in _stems(after) if s.startswith("So-")}

    manifest = _manifest(folder)
    assert set(manifest) | META == {f for f in after if "/" not in f or f.startswith("mail/")}
    for path, e in manifest.items():
        assert (folder / path).is_file() and all((folder / c).is_file() for c in e["copies"])
        if e["number"] and e["type"] != "mail":
            assert Path(path).name.startswith(number_tag(e["number"]) + "_"), path
    assert json.loads((folder / "plan.json").read_text("utf-8"))["batch"] == issued.batch

    # the mail: each .eml of a numbered document says its number; the recipient folders and
    # the summary point at the numbered files
    emls = [f for f in after if f.startswith("mail/")]
    tagged = [e for e in emls if "_" in e]
    assert tagged and all(re.match(r"mail/\d\d-So-\d{4}-[A-Za-z0-9-]+_", e) for e in tagged)
    for d in numbered:
        copies = manifest[d.signed_pdf.name]["copies"]
        assert copies and all(Path(c).name == d.signed_pdf.name for c in copies)
    summary = _summary_text(folder)
    assert all(d.signed_pdf.name in summary for d in numbered if d.type != "list")

    with Register.open(settings) as reg:
        assert reg.awaiting_signature(issued.batch, settings.outbox, settings.agency.is_us) == []
        known = reg.documents(issued.batch, settings.outbox)
        assert known and all(d.path.is_file() for d in known)       # no row of a draft's name
        with Session(reg.engine) as s:
            live = [r for r in s.scalars(select(MailRecord).where(
                MailRecord.batch == issued.batch)) if r.state != "superseded"]
    assert live and all((settings.outbox / r.eml).is_file() for r in live)


def test_sign_only_takes_the_drafts_name_and_the_names_stay_when_signed_again(settings) -> None:
    drafts = run_once(settings, sign_now=False)
    folder = drafts.folder
    m05 = next(d for d in drafts.documents
               if d.type == "dispatch" and d.path.name.startswith("CV-Mau05"))
    seen = m05.path.with_suffix(".pdf").name        # what the clerk saw in the folder

    first = Sessions()
    one = sign_pending(settings, only=[seen], sessions=first)
    assert one.signed == 1
    (signed,) = first.opened[0].signed
    numbers = json.loads((folder / "numbers.json").read_text("utf-8"))
    given = numbers["dispatch"][0]
    assert signed == f"{number_tag(given)}_{m05.path.stem}.signed.pdf"
    assert (folder / signed).is_file() and not (folder / seen).exists()
    names = set(_files(folder))

    rest = sign_pending(settings, sessions=Sessions())          # everything else now
    assert rest.signed > 1 and signed in {p.name for p in folder.glob("*.signed.pdf")}
    assert json.loads((folder / "numbers.json").read_text("utf-8")) == numbers
    after = set(_files(folder))
    # the batch's own files keep the names of the first signing: only signed copies are new
    # (the recipient folders move a signed document from 1-in-truoc to 2-gui-di)
    top = {n for n in names if "/" not in n}
    assert top <= after and all(n.endswith(".signed.pdf") for n in
                                {n for n in after if "/" not in n} - top)


def test_a_signing_stopped_after_numbering_resumes_under_the_same_names(settings) -> None:
    drafts = run_once(settings, sign_now=False)
    with pytest.raises(WrongPin):
        sign_pending(settings, sessions=Sessions(fail=wrong_pin()))
    folder = drafts.folder
    def documents() -> list[str]:       # the batch's own files, not the recipient folders'
        return [f for f in _files(folder) if "/" not in f and f.endswith((".docx", ".pdf"))
                and not f.endswith(".signed.pdf")]

    names = documents()
    assert [f for f in names if f.startswith("So-")]         # numbered, not signed yet
    assert not list(folder.glob("*.signed.pdf"))
    done = sign_pending(settings, sessions=Sessions())
    assert done.signed > 0
    assert documents() == names
    assert {p.name.removesuffix(".signed.pdf") for p in folder.glob("*.signed.pdf")} \
        <= {Path(n).stem for n in names if n.startswith("So-")}


def test_names_are_safe_on_windows_and_short_enough(settings) -> None:
    """No reserved character, device name or trailing dot/space; ASCII; the longest path
    under outbox/ leaves a workspace path of 60 characters (D:\\...\\outbox\\) within
    Windows' 260."""
    result = run_once(settings, sign_now=True, sessions=Sessions())
    assert result.signed > 0
    paths = [p.relative_to(settings.outbox) for p in result.folder.rglob("*")]
    for p in paths:
        for part in p.parts:
            assert not WINDOWS_BAD.search(part) and part == part.rstrip(". ") and part.isascii()
            assert not re.match(r"(?i)(con|prn|aux|nul|com\d|lpt\d)(\.|$)", part)
    assert max(len(str(p)) for p in paths) <= 200


def test_sign_only_with_a_name_no_document_has_signs_nothing_and_says_which(settings) -> None:
    drafts = run_once(settings, sign_now=False)
    opened = Sessions()
    with pytest.raises(BatchNotFound) as caught:
        sign_pending(settings, only=["CV-Mau5-gui-Cuc.pdf"], sessions=opened)    # a typo
    assert "CV-Mau5-gui-Cuc.pdf" in caught.value.vi and "CV-Mau05" in caught.value.vi
    assert not opened.opened                                    # no token touched
    assert not list(drafts.folder.glob("*.signed.pdf"))
