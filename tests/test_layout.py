"""The layout of py_tools/: folders by where the code runs, layers kept by an import contract,
small functions, and no council named in Python (councils are data)."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PY_TOOLS = ROOT / "py_tools"
PACKAGES = ("engine", "rules", "publications", "site_build", "authoring")
MAX_FUNCTION_LINES = 80


def _sources() -> list[Path]:
    return sorted(PY_TOOLS.rglob("*.py"))


def test_import_contracts_hold():
    """`lint-imports` (contracts in pyproject.toml): the engine imports only itself and the
    standard library; rules import the engine; publications and the site import the rules;
    nothing in the build or the checks imports the authoring tools; no import circle."""
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 3 kept, 0 broken." in done.stdout, done.stdout


def test_folders_by_where_code_runs():
    top = sorted(p.name for p in PY_TOOLS.glob("*.py"))
    assert len(top) <= 3, top
    folders = sorted(p.name for p in PY_TOOLS.iterdir() if p.is_dir() and p.name != "__pycache__")
    assert folders == sorted(PACKAGES)
    for name in PACKAGES:
        assert (PY_TOOLS / name / "__init__.py").read_text(encoding="utf-8").startswith('"""'), \
            f"py_tools/{name}/__init__.py says what the folder holds"


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(PY_TOOLS)))
def test_no_function_over_80_lines(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines, line {node.lineno})"
            for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, f"{path.relative_to(ROOT)}: " + "; ".join(long)


def _docstrings(tree: ast.Module) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def test_no_council_named_in_python(bundle):
    """Council codes, short names and names come from decision_trees/councils/<code>/council.yaml:
    a string in the code (not a docstring) that names a council means a new council would need
    a code change (its citation labels, say, would be wrong)."""
    names = set()
    for code, council in bundle.councils.items():
        names |= {code, council.short, *council.name.split()}
    names = {n for n in names if n[:1].isupper() and n not in ("Council", "Borough", "District", "The",
                                                               "Royal", "London", "of", "and")} | set(bundle.councils)
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, names))) + r")\b")
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
                    and pattern.search(node.value)):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:80]!r}")
    assert len(names) > len(bundle.councils), names
    assert not found, "\n".join(found)
