"""Finding templates and rendering them with docxtpl, strictly.

A clerk's edited copy in the workspace's templates/ wins over the package default. Values are
always escaped (`autoescape=True`: '<' or '&' in a name must not corrupt the .docx), and a
variable the template uses but the context lacks is an error naming both, never a blank.
"""

from __future__ import annotations

import functools
import io
import re
import shutil
import threading
import zipfile
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate

from ..config import Settings
from ..errors import TemplateError
from .tables import split_long_tables

# Parts of a .docx that may hold template text.
_PARTS = re.compile(r"word/(document|header\d*|footer\d*)\.xml")
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def _defaults():
    # data/templates is package data, not a package: reach it from the paperflow package.
    return resources.files("paperflow") / "data" / "templates"


def default_names() -> list[str]:
    return sorted(p.name for p in _defaults().iterdir() if p.name.endswith(".docx"))


def template_path(settings: Settings | None, name: str) -> Path:
    """The clerk's edited template if there is one, else the package default."""
    if settings is not None:
        own = settings.templates / name
        if own.is_file():
            return own
    default = _defaults() / name
    if not default.is_file():
        raise TemplateError("template_missing", name=name)
    return Path(str(default))


def install_templates(dest: Path) -> list[Path]:
    """Copy the default templates into a workspace's templates/; never overwrite a clerk's file.
    Returns the files copied now."""
    dest.mkdir(parents=True, exist_ok=True)
    copied = []
    for name in default_names():
        target = dest / name
        if target.exists():
            continue
        with resources.as_file(_defaults() / name) as src:
            shutil.copyfile(src, target)
        copied.append(target)
    return copied


class _Env(jinja2.Environment):
    """A Jinja environment that compiles each distinct source once. docxtpl compiles the XML
    of every part of a template on every render (≈ a third of its time); a batch renders the
    same few templates hundreds of times, and the patched XML of one template is always the
    same text, so the compiled template is reused."""

    def __init__(self) -> None:
        # StrictUndefined: r.nmae (a typo in Word) raises instead of printing nothing.
        super().__init__(undefined=jinja2.StrictUndefined, autoescape=True)
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(self, source, globals=None, template_class=None):  # type: ignore[no-untyped-def,override]
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        with _LOCK:
            tpl = self._compiled.get(source)
        if tpl is None:
            tpl = super().from_string(source)
            with _LOCK:
                if len(self._compiled) > 256:       # edited templates: bounded
                    self._compiled.clear()
                self._compiled[source] = tpl
        return tpl


_LOCK = threading.Lock()
_ENV: _Env | None = None
# (path, mtime, size) → (template bytes, variables the template uses): a clerk's edited
# template has a new mtime/size and is read again.
_TEMPLATES: dict[tuple[str, int, int], tuple[bytes, frozenset[str]]] = {}


def _env() -> jinja2.Environment:
    global _ENV
    with _LOCK:
        if _ENV is None:
            _ENV = _Env()
        return _ENV


@functools.lru_cache(maxsize=256)
def _patched(src_xml: str) -> str:
    return DocxTemplate.patch_xml(None, src_xml)  # type: ignore[arg-type]  # pure function


class _Template(DocxTemplate):
    """docxtpl's template, reading the template from memory and patching each part's XML once
    (docxtpl's patch_xml is a pure function of the text: a dozen regexes per render)."""

    def patch_xml(self, src_xml: str) -> str:
        return _patched(src_xml)


def _load(template: Path) -> tuple[bytes, frozenset[str]]:
    st = template.stat()
    ident = (str(template), st.st_mtime_ns, st.st_size)
    with _LOCK:
        hit = _TEMPLATES.get(ident)
    if hit is not None:
        return hit
    data = template.read_bytes()
    names = frozenset(_Template(io.BytesIO(data)).get_undeclared_template_variables(_env()))
    with _LOCK:
        if len(_TEMPLATES) > 64:
            _TEMPLATES.clear()
        _TEMPLATES[ident] = (data, names)
    return data, names


def render_docx(template: Path, context: dict[str, Any], out: Path) -> Path:
    """Render `template` with `context` into `out` (.docx)."""
    try:
        data, names = _load(template)
        tpl = _Template(io.BytesIO(data))
        missing = sorted(names - set(context))
    except (jinja2.TemplateSyntaxError, KeyError, ValueError) as exc:
        raise _broken(template, exc) from exc
    if missing:
        raise TemplateError("template_variable", name=template.name, missing=', '.join(missing))
    try:
        tpl.render(context, jinja_env=_env(), autoescape=True)
    except jinja2.UndefinedError as exc:
        raise TemplateError("template_value_missing", name=template.name, message=exc.message) from exc
    except jinja2.TemplateError as exc:
        raise _broken(template, exc) from exc
    split_long_tables(tpl.docx.element.body)     # LibreOffice: linear time on long lists
    out.parent.mkdir(parents=True, exist_ok=True)
    tpl.save(str(out))
    return out


def _broken(template: Path, exc: Exception) -> TemplateError:
    return TemplateError("template_syntax", name=template.name, exc=exc)


def docx_text_parts(path: Path) -> dict[str, str]:
    """The XML of each part of a .docx that can hold template text."""
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n).decode("utf-8") for n in zf.namelist() if _PARTS.fullmatch(n)}


def template_tags(path: Path) -> list[str]:
    """Every Jinja tag of a template, in order, read from the text of its runs joined."""
    tags = []
    for xml in docx_text_parts(path).values():
        text = "".join(re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", xml))
        tags.extend(_TAG.findall(text))
    return tags


def lint_template(path: Path) -> list[str]:
    """Problems that break docxtpl after editing in Word: a tag split over several runs
    (Word re-styled part of it), smart quotes inside a tag, an unbalanced tag."""
    problems = []
    for part, xml in docx_text_parts(path).items():
        for run_text in re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", xml):
            opens = run_text.count("{{") + run_text.count("{%")
            closes = run_text.count("}}") + run_text.count("%}")
            if opens != closes:
                problems.append(f"{part}: tag split across runs near {run_text!r}")
            for tag in _TAG.findall(run_text):
                if any(q in tag for q in "\u2018\u2019\u201c\u201d"):
                    problems.append(f"{part}: smart quote in {tag!r}")
    return problems
