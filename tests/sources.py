"""The package's source files parsed once per test run, for the tests that read the code itself
(tests/test_structure.py: imports; tests/test_errortexts.py: raise sites)."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import paperflow

SRC = Path(paperflow.__file__).parent


@functools.cache
def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


@functools.cache
def nodes(path: Path) -> tuple[ast.AST, ...]:
    """Every node of the file, walked once."""
    return tuple(ast.walk(tree(path)))
