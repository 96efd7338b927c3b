"""The floors of the code (docs/architecture.md, "The floors"): every import points down.

A package may import its own modules and the packages of the floors below it, never one beside
or above it; the project's modules import each other without a cycle; and a project module is
imported at the top of a file, not inside a function, unless the line says why
(`# deferred: ...`, for a heavy third-party import kept out of the code location's load).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import PROJECT_DIR

# lowest first; a package imports only packages of a lower floor (and itself)
FLOORS: dict[str, int] = {
    "warehouse": 0,
    "transforms": 1,
    "models": 2,
    "quality": 2,
    "reports": 3,
    "assets": 4,
    "pipelines": 5,
    "sampledata": 5,
    "benchmarks": 6,
}
DEFERRED_MARK = "# deferred:"


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the imported project module
    line: int
    in_function: bool
    marked: bool  # `# deferred:` on the line or the one above


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules(root: Path) -> dict[str, Path]:
    return {
        module_name(p, root): p
        for package in FLOORS
        for p in sorted((root / package).rglob("*.py"))
        if ".venv" not in p.parts
    }


def resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The project module `name` refers to (a module, or the package that holds a name)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            names: list[str] = []
            if isinstance(child, ast.Import):
                names = [a.name for a in child.names]
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                names = [f"{child.module}.{a.name}" for a in child.names]
            for name in names:
                target = resolve(name, modules)
                if target is not None and target != module:
                    near = lines[max(0, child.lineno - 2) : child.end_lineno]
                    marked = any(DEFERRED_MARK in text for text in near)
                    found.append(Import(module, target, child.lineno, in_function, marked))
            visit(child, inner)

    visit(tree, False)
    return found


@pytest.fixture(scope="module")
def graph() -> list[Import]:
    modules = project_modules(PROJECT_DIR)
    return [i for m, p in modules.items() for i in imports_of(m, p, modules)]


def floor(module: str) -> int:
    return FLOORS[module.split(".")[0]]


def package(module: str) -> str:
    return module.split(".")[0]


def test_every_package_has_a_floor() -> None:
    packages = {
        p.parent.name
        for p in PROJECT_DIR.glob("*/__init__.py")
        if p.parent.name not in {"tests"} and not p.parent.name.startswith(".")
    }
    assert packages <= set(FLOORS), f"packages without a floor: {sorted(packages - set(FLOORS))}"


def test_imports_point_down(graph: list[Import]) -> None:
    upward = [
        f"{i.module}:{i.line} imports {i.target}"
        for i in graph
        if package(i.module) != package(i.target) and floor(i.target) >= floor(i.module)
    ]
    assert not upward, "imports that do not point down:\n" + "\n".join(upward)


def test_no_import_cycle(graph: list[Import]) -> None:
    edges: dict[str, set[str]] = {}
    for i in graph:
        edges.setdefault(i.module, set()).add(i.target)
    cycles = find_cycles(edges)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_project_modules_are_imported_at_the_top(graph: list[Import]) -> None:
    inside = [
        f"{i.module}:{i.line} imports {i.target} inside a function"
        for i in graph
        if i.in_function and not i.marked
    ]
    assert not inside, (
        f"project imports inside functions (move them up, or say why with `{DEFERRED_MARK}`):\n"
        + "\n".join(inside)
    )


def find_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return cycles


def test_the_walker_finds_what_it_must(tmp_path: Path) -> None:
    """The walker itself: an upward import, a cycle and an unmarked import in a function are found."""
    (tmp_path / "warehouse").mkdir()
    (tmp_path / "transforms").mkdir()
    (tmp_path / "warehouse" / "__init__.py").write_text("")
    (tmp_path / "transforms" / "__init__.py").write_text("")
    (tmp_path / "warehouse" / "a.py").write_text("from transforms.b import x\n")
    (tmp_path / "transforms" / "b.py").write_text(
        "def f():\n    from warehouse import a\n\n"
        "def g():\n    # deferred: heavy\n    from warehouse.a import y\n"
    )
    modules = project_modules(tmp_path)
    found = [i for m, p in modules.items() for i in imports_of(m, p, modules)]
    assert {(i.module, i.target, i.in_function, i.marked) for i in found} == {
        ("warehouse.a", "transforms.b", False, False),
        ("transforms.b", "warehouse.a", True, False),
        ("transforms.b", "warehouse.a", True, True),
    }
    upward = [i for i in found if floor(i.target) > floor(i.module)]
    assert [(i.module, i.target) for i in upward] == [("warehouse.a", "transforms.b")]
    edges: dict[str, set[str]] = {}
    for i in found:
        edges.setdefault(i.module, set()).add(i.target)
    assert find_cycles(edges) == [["transforms.b", "warehouse.a"]]
