"""The house's layering: imports between the package's modules form no cycle, the engine
library is imported in one module, and the surfaces (CLI, web app) are imported by nothing below.

Imports inside functions count: a lazy import hides a cycle from the interpreter, not from
the reader who has to follow it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "imr_rules"


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _imported(module: str, path: Path) -> list[tuple[str, int]]:
    """(absolute module name, line) of every import in the file, at any depth."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # "from . import schemas" imports the module schemas, "from .x import f" the module x.
            out += [(f"{target}.{alias.name}" if f"{target}.{alias.name}" in MODULES else target, node.lineno)
                    for alias in node.names]
    return out


def _graph() -> dict[str, set[str]]:
    return {m: {t for t, _ in _imported(m, p) if t in MODULES and t != m} for m, p in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], 0
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
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_the_package_is_found():
    assert {"imr_rules.engine", "imr_rules.loader", "imr_rules.cli", "imr_rules.backtest.run"} <= set(MODULES)


def test_no_import_cycles():
    assert _cycles(_graph()) == []


def test_durable_rules_is_imported_in_the_engine_module_only():
    users = sorted(f"{p.relative_to(PACKAGE.parent)}:{line}" for m, p in MODULES.items()
                   for target, line in _imported(m, p)
                   if target.split(".")[0] in ("durable", "durable_rules_engine"))
    assert users and all(u.startswith("imr_rules/engine.py:") for u in users), users


@pytest.mark.parametrize("surface", ["imr_rules.cli", "imr_rules.serve"])
def test_surfaces_are_imported_by_nothing_below_them(surface):
    below = sorted(f"{m} imports {t}" for m, p in MODULES.items() if not (m == surface or m.startswith(surface + "."))
                   for t, _ in _imported(m, p) if t == surface or t.startswith(surface + "."))
    # The CLI starts the web app (imr-rules serve): that is the one import across.
    assert [b for b in below if not b.startswith("imr_rules.cli")] == []
