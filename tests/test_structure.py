"""The package's import structure (docs/DESIGN.md: each stage one room, `batch` wires them):
no import cycle between modules, and no stage reaching into another's internals (a module or
name starting with an underscore in another package). Read from the source, so it holds for
imports inside functions too."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import paperflow
import sources

ROOT = Path(paperflow.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in ROOT.rglob("*.py")}


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    base = module.split(".")
    base = base if is_package else base[:-1]
    if level > 1:
        base = base[:len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


@functools.cache                    # each file parsed once for all the tests below
def _imports(module: str) -> list[tuple[str, str, int]]:
    """(imported module, imported name or '', line) for every import of `module`."""
    path = MODULES[module]
    out: list[tuple[str, str, int]] = []
    for node in sources.nodes(path):
        if isinstance(node, ast.Import):
            out += [(a.name, "", node.lineno) for a in node.names if a.name.startswith("paperflow")]
        elif isinstance(node, ast.ImportFrom):
            target = (_resolve(module, path.name == "__init__.py", node.level, node.module)
                      if node.level else node.module or "")
            if not target.startswith("paperflow"):
                continue
            for a in node.names:
                sub = f"{target}.{a.name}"
                # `from . import x` imports the module x; otherwise a name of `target`
                out.append((sub, "", node.lineno) if sub in MODULES else (target, a.name,
                                                                          node.lineno))
    return out


def _owner(module: str) -> str:
    """The room a module belongs to: its first-level package (or itself, at the top)."""
    parts = module.split(".")
    return ".".join(parts[:2])


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for m in MODULES:
        for target, _name, _line in _imports(m):
            while target not in MODULES and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in MODULES and target != m:
                graph[m].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    scc = []
                    while True:
                        top = stack.pop()
                        on_stack.discard(top)
                        scc.append(top)
                        if top == node:
                            break
                    if len(scc) > 1:
                        found.append(sorted(scc))
    return found


def test_the_walker_sees_the_packages_imports() -> None:
    graph = _graph()
    assert "paperflow.batch.produce" in graph["paperflow.batch.run"]
    assert "paperflow.register.base" in graph["paperflow.register.journals"]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle() -> None:
    assert _cycles(_graph()) == []


def test_no_stage_imports_another_stages_internals() -> None:
    wrong = []
    for m in MODULES:
        for target, name, line in _imports(m):
            if _owner(target) == _owner(m):
                continue
            tail = target.split(".")[len(_owner(target).split(".")):]
            if any(p.startswith("_") and p != "__init__" for p in tail) \
                    or (name.startswith("_") and name != "__version__"):
                wrong.append(f"{MODULES[m].relative_to(ROOT.parent)}:{line}: "
                             f"{target}{'.' + name if name else ''}")
    assert wrong == []


def test_the_cli_runs_batches_only_through_the_batch_package() -> None:
    stages = {"paperflow.intake", "paperflow.extract", "paperflow.plan", "paperflow.render",
              "paperflow.convert", "paperflow.deliver.outbox"}
    used = {t for t, _n, _l in _imports("paperflow.cli")}
    assert not {u for u in used if any(u == s or u.startswith(s + ".") for s in stages)}
