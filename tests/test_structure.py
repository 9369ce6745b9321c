"""The house's structure, checked: no import cycles, small rooms, short builders, a complete public surface."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "vizlib"
MODULES = sorted(PACKAGE.rglob("*.py"))
#: Public modules whose ``__all__`` must list every public name they define.
PUBLIC = sorted(p.stem for p in PACKAGE.glob("*.py") if not p.stem.startswith("_") and p.stem not in ("cli",))


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(path: Path) -> set[str]:
    """Return the vizlib modules a module imports when it runs (anywhere in it; not under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for child in block.body
        for node in ast.walk(child)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("vizlib"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(
                    candidate
                    if (PACKAGE.parent / Path(*candidate.split("."))).with_suffix(".py").exists()
                    or (PACKAGE.parent / Path(*candidate.split("."))).is_dir()
                    else node.module
                )
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("vizlib")}
    return found - {"vizlib"}


def test_no_import_cycle_in_vizlib():
    graph = {_module_name(p): _runtime_imports(p) - {_module_name(p)} for p in MODULES}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt) :] + [nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_rooms_are_small(path):
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") <= 800, "a module over 800 lines"
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ClassDef):
            assert node.end_lineno - node.lineno + 1 <= 300, f"class {node.name} over 300 lines"


@pytest.mark.parametrize("module", ["maps", "charts"])
def test_every_public_builder_reads_in_one_screen(module):
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    builders = [n for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")]
    assert builders
    for fn in builders:
        body = fn.body[1:] if isinstance(fn.body[0], ast.Expr) else fn.body  # without the docstring
        lines = body[-1].end_lineno - body[0].lineno + 1
        assert lines <= 60, f"{module}.{fn.name} body is {lines} lines"


@pytest.mark.parametrize("module", PUBLIC)
def test_all_lists_every_public_name(module):
    mod = importlib.import_module(f"vizlib.{module}")
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    defined = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, ast.Assign):
            defined |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            defined.add(node.target.id)
    public = {name for name in defined if not name.startswith("_")}
    assert hasattr(mod, "__all__"), f"vizlib.{module} has no __all__"
    assert public <= set(mod.__all__), f"not in __all__: {sorted(public - set(mod.__all__))}"
    assert all(hasattr(mod, name) for name in mod.__all__)


def test_package_is_typed():
    assert (PACKAGE / "py.typed").is_file()


def test_builders_document_what_they_raise():
    from vizlib import charts, maps

    for module in (maps, charts):
        for name in module.__all__:
            fn = getattr(module, name)
            if callable(fn) and not isinstance(fn, type):
                doc = fn.__doc__ or ""
                assert "Raises\n" in doc and "DataError" in doc, f"{module.__name__}.{name}"
                unstamped = [line for line in doc.splitlines() if re.fullmatch(r"\s*\{\w+\}", line)]
                assert not unstamped, f"unstamped docs in {name}: {unstamped}"
