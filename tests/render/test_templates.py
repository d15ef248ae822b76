"""The default templates: committed files are what scripts/build_templates.py builds, survive
Word editing, strict."""

from __future__ import annotations

import importlib
import shutil
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document

from paperflow.errors import TemplateError
from paperflow.render import engine
from paperflow.render.engine import lint_template, render_docx, template_tags

COMMITTED = Path(engine._defaults())  # noqa: SLF001 - the package data folder
SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def _script():
    """scripts/build_templates.py, imported as the script runs it (its folder first on the path)."""
    if str(SCRIPTS) not in sys.path:
        sys.path.insert(0, str(SCRIPTS))
    return importlib.import_module("build_templates")


builder = _script()
NAMES = sorted(builder.BUILDERS)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    """The templates built by the script's entry point into a new folder (1.3 s of python-docx)."""
    dest = tmp_path_factory.mktemp("built")
    assert builder.main([str(dest)]) == 0
    return dest


def _parts(path: Path) -> dict[str, bytes]:
    """A .docx as its parts; the zip's own timestamps are left out (they change on every build)."""
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_every_builder_has_a_committed_file_and_no_extra_files():
    assert engine.default_names() == NAMES


@pytest.mark.slow
def test_the_script_builds_every_committed_template_and_nothing_else(fresh):
    assert sorted(p.name for p in fresh.iterdir()) == engine.default_names()
    assert builder.main(["a", "b"]) == 2 and builder.main(["--help"]) == 2


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_committed_template_is_in_step_with_the_script(name, fresh):
    """Every part (word/document.xml, styles, headers, settings …) byte for byte: a change to the
    builders without regenerating, or a hand edit of a committed file, fails here."""
    built, committed = _parts(fresh / name), _parts(COMMITTED / name)
    assert sorted(committed) == sorted(built), f"{name}: other parts than the script makes"
    drifted = [n for n in built if built[n] != committed[n]]
    assert drifted == [], (f"{name} drifted in {drifted}: run PYTHONPATH=src python "
                           "scripts/build_templates.py and commit src/paperflow/data/templates")
    assert template_tags(COMMITTED / name) == template_tags(fresh / name)


@pytest.mark.parametrize("name", NAMES)
def test_committed_template_lints_clean(name):
    assert lint_template(COMMITTED / name) == []
    tags = template_tags(COMMITTED / name)
    assert tags, "a template without tags"
    # table loops use row tags, never a plain {% for %} that would leave empty rows
    assert not any(t.startswith("{% for") for t in tags)


def _edit_first_run(path: Path, old: str, new: str) -> None:
    doc = Document(str(path))
    for p in doc.paragraphs + [p for t in doc.tables for r in t.rows for c in r.cells
                               for p in c.paragraphs]:
        for run in p.runs:
            if old in run.text:
                run.text = run.text.replace(old, new)
                doc.save(str(path))
                return
    raise AssertionError(f"{old!r} not in {path.name}")


def test_lint_finds_smart_quotes_and_split_tags(tmp_path):
    path = tmp_path / "t.docx"
    shutil.copy(COMMITTED / "cong_van_trien_khai.docx", path)
    _edit_first_run(path, "{{ '.' if loop.last else ';' }}", "{{ \u2018.\u2019 if loop.last }}")
    doc = Document(str(path))
    p = doc.add_paragraph()
    p.add_run("{{ agency")
    p.add_run("_name }}")
    doc.save(str(path))
    problems = lint_template(path)
    assert any("smart quote" in x for x in problems)
    assert any("split" in x for x in problems)


def _ctx(**extra):
    base = {"managing_agency": "UBND", "agency": "Sở A", "number_symbol": "01/SA-VP",
            "subject": "thử", "place_date": "Hưng Yên, ngày 01 tháng 01 năm 2025",
            "recipients": ["Các sở"], "agency_name": "Sở A",
            "central": {"number": "1/X", "date": "1/1/2025", "issuer": "B", "subject": "s"},
            "intro": "i", "points": ["p"], "closing": "c", "cc": [], "drafting_unit": "VP",
            "signer_authority": "", "signer_title": "GIÁM ĐỐC", "signer_name": "N",
            "review_note": ""}
    base.update(extra)
    return base


def test_missing_variable_is_an_error_naming_template_and_variable(tmp_path):
    ctx = _ctx()
    del ctx["signer_name"]
    with pytest.raises(TemplateError) as err:
        render_docx(COMMITTED / "cong_van_trien_khai.docx", ctx, tmp_path / "o.docx")
    assert "signer_name" in err.value.en and "cong_van_trien_khai.docx" in err.value.en
    assert "signer_name" in err.value.vi


def test_missing_attribute_is_an_error_not_a_blank(tmp_path):
    ctx = _ctx(central={"number": "1/X", "date": "1/1/2025", "issuer": "B"})  # no subject
    with pytest.raises(TemplateError, match="subject"):
        render_docx(COMMITTED / "cong_van_trien_khai.docx", ctx, tmp_path / "o.docx")


def test_values_are_escaped(tmp_path):
    out = render_docx(COMMITTED / "cong_van_trien_khai.docx",
                      _ctx(points=["A < B & C > D"]), tmp_path / "o.docx")
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "A < B & C > D" in text
    with zipfile.ZipFile(out) as zf:
        assert "A &lt; B &amp; C &gt; D" in zf.read("word/document.xml").decode()


def test_install_copies_once_and_never_overwrites(tmp_path):
    dest = tmp_path / "templates"
    first = engine.install_templates(dest)
    assert sorted(p.name for p in first) == engine.default_names()
    edited = dest / "cong_van_mau04.docx"
    edited.write_bytes(b"clerk's edit")
    again = engine.install_templates(dest)
    assert again == []
    assert edited.read_bytes() == b"clerk's edit"


def test_workspace_template_wins_over_default(tmp_path, settings):
    from dataclasses import replace
    s = replace(settings, workspace=tmp_path)
    assert engine.template_path(s, "cong_van_mau05.docx") == COMMITTED / "cong_van_mau05.docx"
    engine.install_templates(s.templates)
    assert engine.template_path(s, "cong_van_mau05.docx") == s.templates / "cong_van_mau05.docx"
    with pytest.raises(TemplateError):
        engine.template_path(s, "khong_co.docx")


def test_rendered_pages_for_the_readme_are_committed():
    pages = Path(__file__).resolve().parents[2] / "docs" / "pages"
    names = {p.stem for p in pages.glob("*.png")}
    # scripts/render_pages.py: NAME.png for one page, NAME-pN.png for more
    for stem in ("dispatch-mau04-p1", "dispatch-mau05-p1", "dispatch-mau06", "list",
                 "dispatch-draft-other-agency", "receipt-tokens", "handover-tokens",
                 "handover-dossiers", "org-list", "report", "implementing-dispatch"):
        assert stem in names, stem


@pytest.mark.parametrize("name", NAMES)
def test_committed_templates_are_slim_and_every_style_they_use_is_defined(name):
    """python-docx's blank package (350 KB of styles, a stylesWithEffects copy, a thumbnail) made
    every conversion spend most of its time importing styles: the committed files carry only the
    styles they use, and each of those is still defined (Word would fall back to Normal)."""
    import re

    path = COMMITTED / name
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        styles = zf.read("word/styles.xml").decode()
        parts = "".join(zf.read(n).decode() for n in names
                        if n.startswith("word/") and n.endswith(".xml") and n != "word/styles.xml")
    assert "word/stylesWithEffects.xml" not in names and "docProps/thumbnail.jpeg" not in names
    assert "w:latentStyles" not in styles and len(styles) < 20_000
    used = set(re.findall(r'w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', parts))
    defined = set(re.findall(r'w:styleId="([^"]+)"', styles))
    assert used and used <= defined
    Document(str(path))                          # still opens as a Word document
