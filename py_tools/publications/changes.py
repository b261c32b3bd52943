"""What changed in the rules since a git ref: each path whose outcome changed, in plain words.

    python -m py_tools changes --since GIT_REF

The rules at the ref are read with `git archive` into a temporary folder and loaded like
the working tree's; then every path of every tool and council is compared by its answers.
A path is new, gone, or its outcome changed (a duty added or removed, its level, wording or
paragraph changed). CPython only (runs git).
"""
from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from py_tools.rules import build, paths
from py_tools.engine import engine
from py_tools.engine.model import Bundle
from .rulebook import DUTY_WORDS

ROOT = Path(__file__).resolve().parents[2]
RULE_FOLDERS = ("decision_trees", "docs/policies")


class ChangesError(ValueError):
    pass


@dataclass
class Change:
    tool: str
    council: str
    kind: str  # added | removed | changed
    answers: list[tuple[str, str]]  # (question, answer in words)
    details: list[str] = field(default_factory=list)


def load_at(ref: str, repo: Path = ROOT) -> Bundle:
    """The rules as they were at `ref` (a commit, tag or branch of the repository at `repo`)."""
    check = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd=repo,
                           capture_output=True, text=True)
    if check.returncode != 0:
        raise ChangesError(f"unknown git ref: {ref!r} (not a commit in {repo})")
    archive = subprocess.run(["git", "archive", "--format=tar", ref, *RULE_FOLDERS], cwd=repo,
                             capture_output=True)
    if archive.returncode != 0:
        raise ChangesError(f"git archive {ref} failed: {archive.stderr.decode(errors='replace').strip()}")
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp, filter="data")
        folder = Path(tmp)
        return build.load(folder / "decision_trees", folder / "docs" / "policies", check=False)


def _answers(bundle: Bundle, tool: str, path) -> tuple:
    tree = bundle.trees[tool]
    out = []
    for a in path.answers:
        fact = engine.fact_for(bundle, tree, a.fact)
        if fact.type == "score" and isinstance(a.value, int):
            words = a.label.replace("-", " to ")
        else:
            words = engine.answer_label(fact, a.value)
        out.append((fact.question, words))
    return out


def _items(outcome: dict) -> dict:
    return {(a["code"], a["about"]): a for a in outcome["actions"]}


def _refs(bundle: Bundle, cites) -> str:
    return ", ".join(bundle.links[c].label if c in bundle.links else c for c in cites) or "no paragraph"


def _words(item: dict) -> str:
    return "Not covered" if item["code"] == "not_covered" else DUTY_WORDS[item["duty"]]


def _outcome_details(old_b: Bundle, new_b: Bundle, old: dict, new: dict) -> list[str]:
    details = []
    was, now = _items(old), _items(new)
    for key, item in now.items():
        if key not in was:
            details.append(f"Added: {_words(item)}: {item['text']} ({_refs(new_b, item['cite'] or item['related'])})")
            continue
        before = was[key]
        if before["duty"] != item["duty"]:
            details.append(f"Duty changed from {_words(before)} to {_words(item)}: {item['text']}")
        if before["text"] != item["text"]:
            details.append(f"Wording changed: was “{before['text']}”, now “{item['text']}”")
        if list(before["cite"]) != list(item["cite"]) or list(before["related"]) != list(item["related"]):
            details.append(f"Paragraph changed: was {_refs(old_b, before['cite'] or before['related'])}, "
                           f"now {_refs(new_b, item['cite'] or item['related'])}: {item['text']}")
    for key, item in was.items():
        if key not in now:
            details.append(f"Removed: {_words(item)}: {item['text']} ({_refs(old_b, item['cite'] or item['related'])})")
    return details


def _keyed(bundle: Bundle) -> dict:
    out = {}
    for tool in bundle.trees:
        for council in bundle.councils:
            for path in paths.enumerate_paths(bundle, tool, council):
                out[(tool, council, tuple((a.fact, a.label) for a in path.answers))] = path
    return out


def compare(old: Bundle, new: Bundle) -> list[Change]:
    before, after = _keyed(old), _keyed(new)
    changes = []
    for key, path in after.items():
        tool, council, _ = key
        if key not in before:
            details = [f"{_words(a)}: {a['text']} ({_refs(new, a['cite'] or a['related'])})"
                       for a in path.outcome["actions"]]
            changes.append(Change(tool, council, "added", _answers(new, tool, path), details))
            continue
        details = _outcome_details(old, new, before[key].outcome, path.outcome)
        if details:
            changes.append(Change(tool, council, "changed", _answers(new, tool, path), details))
    for key, path in before.items():
        if key not in after:
            tool, council, _ = key
            changes.append(Change(tool, council, "removed", _answers(old, tool, path), []))
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
