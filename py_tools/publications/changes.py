"""What changed in the rules since a git ref: each path whose outcome changed, in plain words.

    python -m py_tools changes --since GIT_REF

The rules and the code at the ref are read with `git archive` into a temporary folder, and
that commit's own code lists every path of its rules (path_snapshot.py), so a change of the
rule format between the two commits does not matter; then every path of every tool and
council is compared by its answers. A path is new, gone, or its outcome changed (a duty added
or removed, its level, wording or paragraph changed). CPython only (runs git).
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from py_tools.rules import paths
from py_tools.engine import engine
from py_tools.engine.model import Bundle
from . import path_snapshot
from .rulebook import DUTY_WORDS

ROOT = Path(__file__).resolve().parents[2]
ARCHIVED = ("decision_trees", "docs", "py_tools")


class ChangesError(ValueError):
    pass


@dataclass
class Change:
    tool: str
    council: str
    kind: str  # added | removed | changed
    answers: list[tuple[str, str]]  # (question, answer in words)
    details: list[str] = field(default_factory=list)


def load_at(ref: str, repo: Path = ROOT) -> dict:
    """Every path of the rules as they were at `ref` (a commit, tag or branch of the repository
    at `repo`), listed by that commit's own code."""
    check = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd=repo,
                           capture_output=True, text=True)
    if check.returncode != 0:
        raise ChangesError(f"unknown git ref: {ref!r} (not a commit in {repo})")
    archive = subprocess.run(["git", "archive", "--format=tar", ref, *ARCHIVED], cwd=repo, capture_output=True)
    if archive.returncode != 0:
        raise ChangesError(f"git archive {ref} failed: {archive.stderr.decode(errors='replace').strip()}")
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp, filter="data")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        run = subprocess.run([sys.executable, path_snapshot.__file__, tmp], cwd=tmp, capture_output=True,
                             text=True, env=env, timeout=600)
    if run.returncode != 0:
        last = (run.stderr.strip().splitlines() or ["no message"])[-1]
        raise ChangesError(f"the rules at {ref} could not be read: {last}")
    return json.loads(run.stdout)


def current(bundle: Bundle) -> dict:
    """The working tree's paths, in the same form as `load_at`."""
    return path_snapshot.snapshot(bundle, paths, engine)


def _items(actions: list) -> dict:
    return {(a["code"], a["about"]): a for a in actions}


def _refs(labels: dict, cites) -> str:
    return ", ".join(labels.get(c, c) for c in cites) or "no paragraph"


def _words(item: dict) -> str:
    return "Not covered" if item["code"] == "not_covered" else DUTY_WORDS[item["duty"]]


def _outcome_details(old_labels: dict, new_labels: dict, old: list, new: list) -> list[str]:
    details = []
    was, now = _items(old), _items(new)
    for key, item in now.items():
        if key not in was:
            details.append(f"Added: {_words(item)}: {item['text']} ({_refs(new_labels, item['cite'] or item['related'])})")
            continue
        before = was[key]
        if before["duty"] != item["duty"]:
            details.append(f"Duty changed from {_words(before)} to {_words(item)}: {item['text']}")
        if before["text"] != item["text"]:
            details.append(f"Wording changed: was “{before['text']}”, now “{item['text']}”")
        if list(before["cite"]) != list(item["cite"]) or list(before["related"]) != list(item["related"]):
            details.append(f"Paragraph changed: was {_refs(old_labels, before['cite'] or before['related'])}, "
                           f"now {_refs(new_labels, item['cite'] or item['related'])}: {item['text']}")
    for key, item in was.items():
        if key not in now:
            details.append(f"Removed: {_words(item)}: {item['text']} ({_refs(old_labels, item['cite'] or item['related'])})")
    return details


def _keyed(snapshot: dict) -> dict:
    return {(p["tool"], p["council"], tuple(tuple(k) for k in p["key"])): p for p in snapshot["paths"]}


def compare(old: dict, new: Bundle) -> list[Change]:
    """`old`: what `load_at` read; `new`: the rules now."""
    now = current(new)
    before, after = _keyed(old), _keyed(now)
    labels_old, labels_new = old["labels"], now["labels"]
    changes = []
    for key, path in after.items():
        tool, council, _ = key
        answers = [tuple(a) for a in path["answers"]]
        if key not in before:
            details = [f"{_words(a)}: {a['text']} ({_refs(labels_new, a['cite'] or a['related'])})"
                       for a in path["actions"]]
            changes.append(Change(tool, council, "added", answers, details))
            continue
        details = _outcome_details(labels_old, labels_new, before[key]["actions"], path["actions"])
        if details:
            changes.append(Change(tool, council, "changed", answers, details))
    for key, path in before.items():
        if key not in after:
            changes.append(Change(key[0], key[1], "removed", [tuple(a) for a in path["answers"]], []))
    order = {t: i for i, t in enumerate(new.trees)}
    corder = {c: i for i, c in enumerate(new.councils)}
    changes.sort(key=lambda c: (order.get(c.tool, 99), corder.get(c.council, 99)))
    return changes


KIND_WORDS = {"added": "New path", "removed": "Path no longer exists", "changed": "Outcome changed"}


def _title(bundle: Bundle, tool: str) -> str:
    return bundle.trees[tool].title if tool in bundle.trees else tool


def _council(bundle: Bundle, council: str) -> str:
    return bundle.councils[council].name if council in bundle.councils else council


def text(changes: list[Change], new: Bundle, since: str) -> str:
    if not changes:
        return f"No path's outcome changed since {since}.\n"
    lines = [f"{len(changes)} path{'s' if len(changes) != 1 else ''} changed since {since}."]
    current = None
    for change in changes:
        if (change.tool, change.council) != current:
            current = (change.tool, change.council)
            lines += ["", f"{_title(new, change.tool)}, {_council(new, change.council)}"]
        when = "; ".join(f"{q} {a}" for q, a in change.answers) or "no questions asked"
        lines.append(f"- {KIND_WORDS[change.kind]}. When: {when}")
        lines += [f"    {d}" for d in change.details]
    return "\n".join(lines) + "\n"
