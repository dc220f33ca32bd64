"""The package's shape: layers you can draw, no import cycles, private names kept private.

The import graph is read from the source (every ``import`` statement, those inside
functions included: a cycle closed by a function-level import is still a cycle, only
one that a linter cannot see). Each module belongs to a layer; a layer may import
the layers below it, never one above.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.storeless  # run once: the external-store pass has nothing to add

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "kg"

#: From the ground up. A module may import its own layer and the layers before it.
LAYERS = (
    ("kg.errors", "kg.config"),
    ("kg.rdf",),
    ("kg.sparql",),
    ("kg.store",),
    ("kg.query",),
    ("kg.validate",),
    ("kg.write",),
    ("kg.ingest",),
    ("kg.publish",),
    ("kg.site",),
    ("kg.web",),
    ("kg.cli", "kg.__main__"),
)
#: The package itself re-exports the public API, lazily (PEP 562), so it sits on top.
TOP = "kg"


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> int:
    if module == TOP:
        return len(LAYERS)
    for i, names in enumerate(LAYERS):
        if any(module == n or module.startswith(n + ".") for n in names):
            return i
    raise AssertionError(f"{module} is in no layer: add it to LAYERS")


def imports_of(module: str) -> list[tuple[str, str, int]]:
    """(imported module, imported name or "", line) for every import of ``module``, functions included."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, "", node.lineno) for a in node.names if a.name.split(".")[0] == "kg"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "kg":
                continue
            for a in node.names:
                if f"{target}.{a.name}" in MODULES:
                    out.append((f"{target}.{a.name}", "", node.lineno))
                else:
                    out.append((target, a.name, node.lineno))
    return out


def graph() -> dict[str, set[str]]:
    return {m: {t for t, _, _ in imports_of(m) if t in MODULES and t != m} for m in MODULES}


def test_every_module_is_in_a_layer() -> None:
    for module in MODULES:
        layer_of(module)


def test_no_layer_imports_a_higher_one() -> None:
    wrong = []
    for module in MODULES:
        for target, name, line in imports_of(module):
            if target in MODULES and layer_of(target) > layer_of(module):
                wrong.append(f"{MODULES[module].relative_to(SRC)}:{line}: {module} imports {target}")
    assert not wrong, "lower layers must not import higher ones:\n" + "\n".join(wrong)


def test_no_import_cycles() -> None:
    edges = graph()
    cycles, state, stack = [], {}, []

    def visit(m: str) -> None:
        state[m] = "open"
        stack.append(m)
        for t in sorted(edges[m]):
            if state.get(t) == "open":
                cycles.append(" -> ".join(stack[stack.index(t):] + [t]))
            elif t not in state:
                visit(t)
        stack.pop()
        state[m] = "done"

    for m in sorted(edges):
        if m not in state:
            visit(m)
    # A package's __init__ importing its own submodules is how a package re-exports: not a cycle of design.
    real = [c for c in cycles if not _is_reexport(c)]
    assert not real, "import cycles:\n" + "\n".join(real)


def _is_reexport(cycle: str) -> bool:
    parts = cycle.split(" -> ")
    return any(b.startswith(a + ".") and MODULES[a].name == "__init__.py" for a, b in zip(parts, parts[1:]))


def test_no_module_imports_another_modules_private_names() -> None:
    wrong = []
    for module in MODULES:
        for target, name, line in imports_of(module):
            if name.startswith("_") and target != module:
                wrong.append(f"{MODULES[module].relative_to(SRC)}:{line}: {module} imports {target}.{name}")
    assert not wrong, "a name another module needs is public, in the module that owns it:\n" + "\n".join(wrong)


def test_the_top_of_the_package_is_small() -> None:
    top = [p.name for p in PACKAGE.glob("*.py")]
    assert len(top) <= 8, top


@pytest.mark.parametrize("argv", [["--help"], ["query", "--help"]])
def test_the_light_commands_import_no_web_shacl_or_ingest(argv: list[str]) -> None:
    """`kg --help` and `kg query` start fast: FastAPI, pyshacl and the ingest pipeline are imported only when used."""
    code = ("import sys; from kg.cli import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('fastapi', 'pyshacl', 'starlette', 'uvicorn')"
            " or m.startswith('kg.ingest.') or m.startswith('kg.web'))\n"
            "print('HEAVY', heavy)")
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=120)
    line = [x for x in done.stdout.splitlines() if x.startswith("HEAVY")]
    assert line == ["HEAVY []"], done.stdout[-2000:] + done.stderr[-2000:]
