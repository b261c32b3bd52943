"""Synthetic councils for scale tests and `make bench`: a copy of the project in which an
existing council (Dover by default) is copied under new codes (`syn001`, `syn002`, ...),
with its rules, citations, anchors and policy page renamed. The copies are test data only;
they never go into the repository.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ("decision_trees", "docs", "overrides", "py_tools", "sources")


def copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT:
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    (dest / "node_modules").symlink_to(ROOT / "node_modules")  # the Pyodide runtime, read only
    return dest


def _rename(text: str, base: str, code: str, short: str) -> str:
    text = re.sub(rf"\b{base}(?=[:\-/]|-policy|\b)", code, text)
    return text.replace(base.capitalize(), short)


def add_councils(dest: Path, count: int, base: str = "dover") -> list[str]:
    """Add `count` copies of council `base` to the project at dest; returns their codes."""
    source = dest / "decision_trees" / "councils" / base
    pages = [p for p in (dest / "docs" / "policies").glob("*.md")
             if re.search(rf"^council: {base}$", p.read_text(encoding="utf-8"), re.M)]
    codes = []
    for i in range(1, count + 1):
        code, short = f"syn{i:03d}", f"Syn{i:03d}"
        target = dest / "decision_trees" / "councils" / code
        target.mkdir(parents=True)
        for path in source.glob("*.yaml"):
            (target / path.name).write_text(_rename(path.read_text(encoding="utf-8"), base, code, short),
                                            encoding="utf-8")
        for page in pages:
            name = page.name.replace(base, code, 1)
            (page.parent / name).write_text(_rename(page.read_text(encoding="utf-8"), base, code, short),
                                            encoding="utf-8")
        codes.append(code)
    return codes
