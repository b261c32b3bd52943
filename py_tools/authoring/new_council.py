"""A new council's rule files, ready to review: `python -m py_tools new-council CODE --name "…"`.

Writes decision_trees/councils/<code>/council.yaml (the council's policy pages from
docs/policies/<code>-*.md) and one profile per tool in which every action of the tool's
catalogue is listed under `not_reviewed`. Such a council builds and can be previewed, but
its tool pages carry a "rules not yet reviewed" banner, each outcome says which of its
items are not reviewed, and `validate` lists what is left. Reviewing an action is moving
its code from `not_reviewed` to `actions` (duty, text, cite, quote) or `not_covered`.
CPython only (writes files).
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from py_tools.rules import loader

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_LINE = "# yaml-language-server: $schema=../../schema/{kind}.schema.json\n"  # for editors
HEADER = (SCHEMA_LINE.format(kind="profile") + "# {name}: what its documents say for the {title} tool.\n"
          "# Written by `python -m py_tools new-council`: every action of the tool is listed under\n"
          "# not_reviewed. Review each against the council's documents and move it to `actions`\n"
          "# (duty, text, cite, quote) or `not_covered` (format: decision_trees/README.md).\n")


class CouncilExists(ValueError):
    pass


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def skeleton(root: Path, code: str, name: str, short: str | None = None,
             docs: Path | None = None) -> list[Path]:
    """Write the council's files under root/decision_trees/councils/<code>/; the paths written."""
    if not re.fullmatch(r"[a-z][a-z0-9]*", code):
        raise ValueError(f"council code {code!r}: use lower-case letters and digits")
    trees = root / "decision_trees"
    folder = trees / "councils" / code
    if folder.exists():
        raise CouncilExists(f"{folder.relative_to(root)} exists: a council's reviewed rules are never overwritten")
    docs = docs or root / "docs"
    pages = sorted(p.relative_to(docs).as_posix() for p in (docs / "policies").glob(f"{code}-*.md"))
    if not pages:
        raise ValueError(f"no policy page docs/policies/{code}-*.md: run import-policy first")
    folder.mkdir(parents=True)
    written = [folder / "council.yaml"]
    written[0].write_text(SCHEMA_LINE.format(kind="council") + f"code: {code}\nname: {_yaml_str(name)}\nshort: {_yaml_str(short or name)}\n"
                          f"documents: [{', '.join(pages)}]\n", encoding="utf-8")
    for tool, filename in loader.TOOL_FILES.items():
        tree = loader.load_tree(trees / filename)
        lines = [HEADER.format(name=name, title=tree.title), "not_reviewed:"]
        for action, title in tree.actions.items():
            lines.append(f"  - {action}  # not yet reviewed: {title}")
        path = folder / filename
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        written.append(path)
    return written


def add_arguments(p) -> None:
    p.add_argument("code", help="council code (lower case), the prefix of its policy pages")
    p.add_argument("--name", required=True, help="the council's full name")
    p.add_argument("--short", help="short name for navigation (default: the name)")


def cli(args) -> int:
    try:
        written = skeleton(ROOT, args.code, args.name, args.short)
    except (ValueError, loader.LoadError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path.relative_to(ROOT)}")
    print("every action is 'not yet reviewed': the tools show a banner until each is reviewed; "
          "`python -m py_tools validate` lists what is left")
    return 0
