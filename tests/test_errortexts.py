"""The error-text catalogue (errortexts.py) against the raise sites of src/paperflow.

Errors are raised by code with their facts as parameters; their sentences live in the catalogue
only. A source scan finds every code raised (an error class or a `Phrase` called with a literal
code, or one of the few factories below) and checks it exists, formats with the parameters its
site gives, and that no raise site holds a Vietnamese sentence.
"""

from __future__ import annotations

import ast
import pickle
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

import sources
from paperflow import errors, errortexts
from paperflow.errortexts import TEXTS, Phrase

SRC = sources.SRC
VIETNAMESE = re.compile(r"[À-ỹĐđ]")

# factories taking a code (as argument `index`) whose keyword arguments are its parameters
FACTORIES = {"doc_failed": 1, "_too_big": 0, "_mismatch": 0}
# archive's `_refuse(code, detail, **facts)`: the error's code, then the phrase's
ARCHIVE_REFUSE = "_refuse"

# files whose raise sites are not converted yet (owned by a helper still at work): shrink it
PENDING: set[str] = set()


def _parse() -> tuple[dict[str, list[ast.Call]], dict[str, set[str]]]:
    """Each file's calls, and each class's bases: the source parsed once."""
    calls: dict[str, list[ast.Call]] = {}
    bases: dict[str, set[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        calls[rel] = []
        for node in sources.nodes(path):
            if isinstance(node, ast.Call):
                calls[rel].append(node)
            elif isinstance(node, ast.ClassDef):
                bases.setdefault(node.name, set()).update(
                    b.attr if isinstance(b, ast.Attribute) else getattr(b, "id", "")
                    for b in node.bases)
    return calls, bases


CALLS, BASES = _parse()


def _error_classes(bases: dict[str, set[str]]) -> set[str]:
    found = {"PaperflowError"}
    while True:
        more = {c for c, bs in bases.items() if bs & found} - found
        if not more:
            return found
        found |= more


CLASSES = _error_classes(BASES)


def _name(call: ast.Call) -> str:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")


def _codes(node: ast.expr | None) -> list[str] | None:
    """The literal code(s) an argument can be; None when it is not literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        a, b = _codes(node.body), _codes(node.orelse)
        return a + b if a is not None and b is not None else None
    return None


def _sites() -> Iterator[tuple[str, int, str, list[str] | None, set[str]]]:
    """(file, line, callee, codes, parameter names) of every raise site and phrase."""
    for rel, calls in CALLS.items():
        for call in calls:
            name = _name(call)
            kw = {k.arg for k in call.keywords if k.arg}
            if name in CLASSES:
                yield rel, call.lineno, name, _codes(call.args[0] if call.args else None), kw
            elif name == "Phrase":
                facts = call.args[1] if len(call.args) > 1 else None
                keys = ({k.value for k in facts.keys if isinstance(k, ast.Constant)}
                        if isinstance(facts, ast.Dict) else set())
                yield rel, call.lineno, name, _codes(call.args[0] if call.args else None), keys
            elif name == ARCHIVE_REFUSE and rel == "extract/archive.py" and call.args:
                yield rel, call.lineno, name, _codes(call.args[0]), {"detail"}
                yield rel, call.lineno, name, _codes(call.args[1]), kw
            elif name in FACTORIES and len(call.args) > FACTORIES[name]:
                yield rel, call.lineno, name, _codes(call.args[FACTORIES[name]]), kw


SITES = list(_sites())
# calls that forward a code they were given (the factories themselves)
FORWARDING = {("convert/batch.py", "Phrase"), ("extract/sheets.py", "Phrase"),
              ("extract/archive.py", "InputRejected"),
              ("extract/archive.py", "Phrase"), ("register/identity.py", "Phrase"),
              ("errors.py", "PaperflowError")}


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_every_code_raised_is_in_the_catalogue_and_formats_with_its_sites_parameters():
    assert len([s for s in SITES if s[0] not in PENDING]) > 100
    for rel, line, name, codes, params in SITES:
        if rel in PENDING:
            continue
        if codes is None:
            assert (rel, name) in FORWARDING, f"{rel}:{line}: {name} without a literal code"
            continue
        for code in codes:
            assert code in TEXTS, f"{rel}:{line}: code {code!r} is not in errortexts.TEXTS"
            for side in TEXTS[code]:
                missing = _fields(side) - params
                assert not missing, f"{rel}:{line}: {code} needs {missing}, the site gives {params}"
                side.format(**dict.fromkeys(params, 7))     # 7 fits {n}, {n:g}, {n:.0f}


def test_every_entry_has_both_sides_and_is_used():
    used = {c for s in SITES for c in (s[3] or ())}
    for code, pair in TEXTS.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", code), code
        assert isinstance(pair, tuple) and len(pair) == 2, code
        vi, en = pair
        assert vi.strip() and en.strip(), code
        assert code in used, f"{code} is never raised (remove it, or raise it by its code)"


def test_no_raise_site_holds_a_sentence():
    held = []
    for rel, calls in CALLS.items():
        if rel in PENDING or rel == "errortexts.py":
            continue
        for call in calls:
            name = _name(call)
            if name not in CLASSES and name != "Phrase" and name not in FACTORIES \
                    and name != ARCHIVE_REFUSE:
                continue
            words = [c.value for a in [*call.args, *(k.value for k in call.keywords)]
                     for c in ast.walk(a) if isinstance(c, ast.Constant) and isinstance(c.value, str)]
            if any(VIETNAMESE.search(w) for w in words) or (
                    name in CLASSES and len([a for a in call.args
                                             if isinstance(a, (ast.JoinedStr, ast.Constant))]) > 1):
                held.append(f"{rel}:{call.lineno}: {name}")
    assert not held, "sentences at raise sites (move them to errortexts.py):\n" + "\n".join(held)


def test_the_scan_catches_a_sentence_at_a_raise_site():
    call = ast.parse('InputRejected(f"Tệp {name} bị hỏng", f"{name} is damaged")').body[0]
    words = [c.value for c in ast.walk(call) if isinstance(c, ast.Constant)]
    assert "InputRejected" in CLASSES and any(VIETNAMESE.search(w) for w in words)


def test_an_error_renders_its_sentences_and_crosses_a_process_boundary():
    err = errors.InputRejected("sheet_too_large", what=Phrase("over_rows", {"most": 5000}),
                               max_rows=5000, max_cols=200)
    assert "hơn 5000 dòng" in err.vi and "over 5000 rows" in err.en and str(err) == err.en
    back = pickle.loads(pickle.dumps(err))
    assert (type(back), back.code, back.params) == (type(err), err.code, err.params)
    assert back.clerk_message() == err.clerk_message()
    exc = errors.ConfigError("trust_root_unreadable", path=Path("a.pem"), exc=ValueError("bad"))
    assert exc.params == {"path": "a.pem", "exc": "bad"}        # plain data only


@pytest.mark.parametrize("lang", [0, 1])
def test_a_wrong_parameter_does_not_hide_the_error(lang):
    assert "{n_pages}" in errortexts.render("pdf_too_large", {}, lang)
    assert errortexts.render("no_such_code", {"a": 1}, lang).startswith("no_such_code")
