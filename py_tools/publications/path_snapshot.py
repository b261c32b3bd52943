"""Every path of every tool for every council as plain data, made by the code of the same
commit as the rules, so that two commits whose rule format differs can still be compared.

    python path_snapshot.py FOLDER     # FOLDER: a copy of decision_trees/, docs/ and py_tools/

prints {"paths": [...], "labels": {citation: label}}. Nothing of py_tools is imported at module
level: run as a script, it imports the copy's own py_tools (either package layout). CPython only.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def _words(engine, fact, answer) -> str:
    if fact.type == "score" and isinstance(answer.value, int):
        return answer.label.replace("-", " to ")
    return engine.answer_label(fact, answer.value)


def snapshot(bundle, paths, engine) -> dict:
    """Each path: tool, council, its answers as a key and in words, and its outcome's items."""
    found = []
    for tool, tree in bundle.trees.items():
        for council in bundle.councils:
            for path in paths.enumerate_paths(bundle, tool, council):
                facts = [engine.fact_for(bundle, tree, a.fact) for a in path.answers]
                found.append({
                    "tool": tool, "council": council,
                    "key": [[a.fact, a.label] for a in path.answers],
                    "answers": [[f.question, _words(engine, f, a)] for f, a in zip(facts, path.answers)],
                    "actions": [{k: item[k] for k in ("code", "about", "duty", "text", "cite", "related")}
                                for item in path.outcome["actions"]]})
    return {"paths": found, "labels": {c: link.label for c, link in bundle.links.items()}}


def _modules(folder: Path):
    sys.path.insert(0, str(folder))
    try:
        from py_tools.rules import build, paths
        from py_tools.engine import engine
    except ImportError:  # the layout before py_tools was split into folders
        from py_tools import build, engine, paths
    return build, paths, engine


def main(folder: Path) -> None:
    build, paths, engine = _modules(folder)
    bundle = build.load(folder / "decision_trees", folder / "docs" / "policies", check=False)
    json.dump(snapshot(bundle, paths, engine), sys.stdout)


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve())
