"""The architecture rules of ARCHITECTURE.md that import-linter cannot express.

Import-linter (run by ``python3 tasks.py test`` as ``lint-imports``, contracts in
pyproject.toml) checks the layers, independent domains, who may import the generators and
the plotting libraries, and cycles between siblings.  These tests check the rest, over the
package's source files:

* no module over 1,000 lines and no function over 150 lines (docstring included);
* no import cycle anywhere, counting imports inside functions;
* no ``_private`` name imported from another package;
* ``DataFrame.attrs`` written and read only by :mod:`wellbeing_lib.io` (provenance) and
  :mod:`wellbeing_lib.validation` (naming the file in an error);
* colours only from :mod:`wellbeing_lib.reporting.palette`;
* the computational core written once: no branch on the kind of table (pandas goes
  through the same narwhals code as every other backend);
* the tests mirror the packages.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "wellbeing_lib"
TESTS = Path(__file__).resolve().parent
MAX_MODULE_LINES = 1000
MAX_FUNCTION_LINES = 150
SOURCES = sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_of(path: Path) -> str:
    """The package a source file belongs to (its folder, as a dotted name)."""
    return ".".join(path.relative_to(PACKAGE.parent).parent.parts)


@cache
def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imported_module(path: Path, node: ast.ImportFrom) -> str:
    """The absolute module a ``from ... import`` statement imports from."""
    if node.level == 0:
        return node.module or ""
    base = module_name(path).split(".")
    if path.name != "__init__.py":
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def internal_imports(path: Path) -> set[str]:
    """wellbeing_lib modules a file imports, at module level or inside functions."""
    found = set()
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("wellbeing_lib")}
        elif isinstance(node, ast.ImportFrom):
            mod = imported_module(path, node)
            if not mod.startswith("wellbeing_lib"):
                continue
            for alias in node.names:  # `from pkg import module` imports the module
                candidate = f"{mod}.{alias.name}"
                found.add(candidate if candidate in MODULES else mod)
    return found


MODULES = {module_name(p): p for p in SOURCES}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_is_at_most_1000_lines(path):
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_MODULE_LINES, f"{path.name} has {n} lines; split it by topic"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_functions_are_at_most_150_lines(path):
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines, line {node.lineno})"
        for node in ast.walk(tree(path))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"split at the phase comments into named helpers: {long}"


def test_no_import_cycles_even_inside_functions():
    graph = {name: internal_imports(path) & set(MODULES) - {name}
             for name, path in MODULES.items()}
    # Tarjan's strongly connected components: any component of 2+ modules is a cycle
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    assert not cycles, f"import cycles (import a sibling module, not the package): {cycles}"


def test_no_private_name_is_imported_across_packages():
    crossings = []
    for path in SOURCES:
        here = package_of(path)
        for node in ast.walk(tree(path)):
            if not isinstance(node, ast.ImportFrom):
                continue
            mod = imported_module(path, node)
            if not mod.startswith("wellbeing_lib"):
                continue
            there = mod if mod in MODULES and MODULES[mod].name == "__init__.py" \
                else mod.rsplit(".", 1)[0]
            private = [a.name for a in node.names if a.name.startswith("_")]
            if private and there != here:
                crossings.append(f"{module_name(path)} imports {private} from {mod}")
    assert not crossings, "promote the name or move it: " + "; ".join(crossings)


ATTRS_ALLOWED = {"wellbeing_lib.io", "wellbeing_lib.validation"}


def test_dataframe_attrs_only_for_provenance():
    users = sorted(
        f"{module_name(path)}:{node.lineno}"
        for path in SOURCES if module_name(path) not in ATTRS_ALLOWED
        for node in ast.walk(tree(path))
        if isinstance(node, ast.Attribute) and node.attr == "attrs"
    )
    assert not users, ("no state in DataFrame.attrs (pandas drops it on merge): pass it as "
                       f"an argument or a result field: {users}")


#: the computational core (issue 14): one implementation for every backend
CORE = ["outcomes/scoring.py", "outcomes/pairing.py", "outcomes/change.py",
        "outcomes/summaries.py", "outcomes/_common.py", "engagement/themes.py",
        "economics/costs.py", "diagnostic/scoring.py", "privacy/counting.py"]
#: what would branch on the kind of table (a pandas-only function's refusal of other tables
#: is an isinstance check that raises, and is not a second path)
BACKEND_TESTS = {"is_pandas", "is_pandas_like"}


@pytest.mark.parametrize("name", CORE)
def test_the_core_has_one_path_for_every_backend(name):
    found = [f"{node.id if isinstance(node, ast.Name) else node.attr} at line {node.lineno}"
             for node in ast.walk(tree(PACKAGE / name))
             if isinstance(node, ast.Name) and node.id in BACKEND_TESTS
             or isinstance(node, ast.Attribute) and node.attr in BACKEND_TESTS]
    assert not found, (f"{name} branches on the kind of table ({found}): write it once "
                       "in narwhals expressions (frames.py holds what differs)")


HEX_COLOUR = re.compile(r"^#?[0-9A-Fa-f]{6}$")


def test_colours_come_from_the_palette():
    literals = sorted(
        f"{module_name(path)}:{node.lineno} {node.value}"
        for path in SOURCES if path.name != "palette.py"
        for node in ast.walk(tree(path))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and HEX_COLOUR.match(node.value) and not node.value.isdigit()
    )
    assert not literals, f"use wellbeing_lib.reporting.palette: {literals}"


def test_tests_mirror_the_packages():
    packages = sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py"))
    missing = [name for name in packages if name != "data" and not (TESTS / name).is_dir()]
    assert not missing, f"add tests/<package>/ for {missing}"
