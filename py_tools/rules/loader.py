"""YAML rule files -> the model. CPython only (the browser receives the bundle as JSON).

Every error names the file, the line and what is wrong:
    decision_trees/consent_override.yaml:42: node 'x' points to unknown node 'y'

Each file is read in three steps: the YAML (a key given twice is refused), its structure
against the JSON Schema of its kind (decision_trees/schema/, the same files an editor uses),
then the model and the checks of its meaning.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import yaml

from . import schema
from py_tools.engine.model import (ALWAYS, TOOLS, ActionDef, Bundle, Condition, Council, Document, Fact,
                                  NotCovered, Option, Question, ToolProfile, Tree, Value)

ROOT = Path(__file__).resolve().parents[2]
TREES = ROOT / "decision_trees"
TOOL_FILES = {tool: tool.replace("-", "_") + ".yaml" for tool in TOOLS}


class LoadError(ValueError):
    """A rule file is wrong; the message starts with file:line."""


class _Map(dict):
    line = 0
    key_lines: dict


class _List(list):
    line = 0
    item_lines: list


def _convert(node):
    if isinstance(node, yaml.MappingNode):
        out = _Map()
        out.line = node.start_mark.line + 1
        out.key_lines = {}
        for key_node, value_node in node.value:
            key = _convert(key_node)
            out[key] = _convert(value_node)
            out.key_lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        out = _List(_convert(v) for v in node.value)
        out.line = node.start_mark.line + 1
        out.item_lines = [v.start_mark.line + 1 for v in node.value]
        return out
    return yaml.constructor.SafeConstructor().construct_object(node)


def refuse_duplicate_keys(node, name: str) -> None:
    """A key given twice in one mapping is an error naming both lines: YAML would keep the
    second silently (`duty: must` then `duty: may` would load as may)."""
    if isinstance(node, yaml.MappingNode):
        seen: dict = {}
        for key_node, value_node in node.value:
            key, line = _key(key_node), key_node.start_mark.line + 1
            if key in seen:
                raise LoadError(f"{name}:{line}: duplicate key {key!r} (first given at line {seen[key]}): "
                                "a key may appear once; the second would silently replace the first")
            seen[key] = line
            refuse_duplicate_keys(value_node, name)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            refuse_duplicate_keys(item, name)


def _key(key_node):
    if isinstance(key_node, yaml.ScalarNode):
        return yaml.constructor.SafeConstructor().construct_object(key_node)
    return ("not a name", key_node.start_mark.line, key_node.start_mark.column)  # never equal


class _File:
    """One YAML file, read with line numbers, and helpers that fail with file:line.

    `kind` names its schema (decision_trees/schema/<kind>.schema.json), checked on reading."""

    def __init__(self, path: Path, kind: str = ""):
        self.path = path
        try:
            self.name = str(path.relative_to(ROOT))
        except ValueError:
            self.name = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise LoadError(f"{self.name}:1: cannot read: {exc.strerror}") from None
        try:
            node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml: fast
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 1
            raise LoadError(f"{self.name}:{line}: invalid YAML: {exc.problem}") from None
        if node is not None:
            refuse_duplicate_keys(node, self.name)
        self.data = _convert(node) if node is not None else _Map()
        if kind:
            problems = schema.problems(self.data, kind)
            if problems:
                line, message = problems[0]
                self.fail(line, message)

    def at(self, line: int) -> str:
        return f"{self.name}:{line}"

    def fail(self, line: int, message: str):
        raise LoadError(f"{self.at(line)}: {message}")

    def keys(self, data: _Map, allowed: set, what: str):
        """Unknown keys, where a schema leaves the entry open (services)."""
        for key in data:
            if key not in allowed:
                self.fail(data.key_lines.get(key, data.line),
                          f"{what}: unknown key {key!r} (allowed: {', '.join(sorted(allowed))})")


# The structure of each file (keys, types, names, citations, the shape of conditions and
# routes) is its schema's (decision_trees/schema/), checked when the file is read: what
# follows builds the model and checks only what a schema cannot say.

def _text(data: dict, key: str) -> str:
    return str(data.get(key) or "").strip()


def _codes(value) -> tuple[str, ...]:
    """A name or a list of names (as the schema allows) -> a tuple."""
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


# --- facts and actions -------------------------------------------------------------

def _fact(f: _File, name: str, data: _Map, line: int) -> Fact:
    what = f"fact {name!r}"
    kind = data["type"]
    options = tuple(Option(str(k), str(v)) for k, v in (data.get("options") or {}).items())
    low, high = data.get("min"), data.get("max")
    if kind == "score" and not low < high:
        f.fail(data.line, f"{what}: a score needs whole numbers min < max")
    if_unknown = _token(data["if_unknown"]) if "if_unknown" in data else ""
    if if_unknown and kind != "boolean":
        f.fail(data.key_lines["if_unknown"], f"{what}: if_unknown is for a yes/no question "
                                             "and names the protective answer, yes or no")
    return Fact(name, kind, _text(data, "question"), _text(data, "hint"), options, low, high,
                f.at(line), _text(data, "short"), if_unknown)


def load_facts(path: Path) -> dict[str, Fact]:
    f = _File(path, "facts")
    return {name: _fact(f, name, value, f.data.key_lines[name]) for name, value in f.data.items()}


# --- conditions --------------------------------------------------------------------

FACT_TESTS = ("is", "in", "at_least", "below")


def _condition(f: _File, data) -> Condition:
    """A condition as the schema allows it: `always`, a test of a fact's answer, `applies`
    (another action of the same council applies), all, any or not."""
    if data == "always":
        return ALWAYS
    where = f.at(data.line)
    if "all" in data or "any" in data:
        op = "all" if "all" in data else "any"
        return Condition(op, parts=tuple(_condition(f, p) for p in data[op]), where=where)
    if "not" in data:
        return Condition("not", parts=(_condition(f, data["not"]),), where=where)
    if "applies" in data:
        return Condition("applies", key=str(data["applies"]), where=where)
    test = next(k for k in FACT_TESTS if k in data)
    arg, fact = data[test], str(data["fact"])
    if test == "is":
        return Condition("is", fact=fact, value=_token(arg), where=where)
    if test == "in":
        return Condition("in", fact=fact, values=tuple(_token(a) for a in arg), where=where)
    return Condition(test, fact=fact, council_value=str(arg["council"]), where=where)


def _token(value) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


# --- tools -------------------------------------------------------------------------

def _catalogue(f: _File, data: _Map) -> tuple[dict, dict, tuple]:
    """The action catalogue: code -> title, the conditions under which a topic arises (for a
    council silent on it) and the actions that are permissions."""
    titles, gaps, permissions = {}, {}, []
    for code, body in data["actions"].items():
        if isinstance(body, str):
            titles[code] = body.strip()
            continue
        titles[code] = _text(body, "title")
        if "arises" in body:
            gaps[code] = _condition(f, body["arises"])
        if body.get("permission") is True:
            permissions.append(code)
    return titles, gaps, tuple(permissions)


def _questions(f: _File, data: _Map) -> tuple[Question, ...]:
    return tuple(Question(str(step["ask"]), _condition(f, step["only_if"]) if "only_if" in step else None,
                          _text(step, "comment"), f.at(step.line))
                 for step in data["questions"])


def load_tree(path: Path) -> Tree:
    f = _File(path, "tool")
    data = f.data
    local = data.get("facts") or _Map()
    facts = {n: _fact(f, n, v, local.key_lines[n]) for n, v in local.items()}
    titles, gaps, permissions = _catalogue(f, data)
    return Tree(data["tool"], _text(data, "title"), _text(data, "summary"), _questions(f, data), facts,
                titles, gaps, permissions,
                f.at(data.key_lines["questions"]),  # where the questions start: errors about order point here
                _codes(data.get("never_silent")), _text(data, "scope"), tuple(titles))


# --- councils ----------------------------------------------------------------------

def _entries(data: _Map, key: str):
    """(name, body, line) of each entry of the mapping under `key` (none if it is absent)."""
    section = data.get(key) or _Map()
    return [(name, body, section.key_lines[name]) for name, body in section.items()]


def load_profile(path: Path, council: str, tool: str) -> ToolProfile:
    f = _File(path, "profile")
    data = f.data
    values = {name: Value(name, body["value"], _codes(body["cite"]), _text(body, "quote"), f.at(line))
              for name, body, line in _entries(data, "values")}
    actions = {code: ActionDef(code, body["duty"], _text(body, "text"), _codes(body["cite"]),
                               _text(body, "quote"), f.at(line), _when(f, body))
               for code, body, line in _entries(data, "actions")}
    gaps = {code: NotCovered(code, _text(body, "text"), _codes(body.get("related")), f.at(line), _when(f, body))
            for code, body, line in _entries(data, "not_covered")}
    questions = _entries(data, "questions")
    question_cite = {fact: _codes(body["cite"]) for fact, body, _ in questions}
    hints = {fact: _text(body, "hint") for fact, body, _ in questions if "hint" in body}
    return ToolProfile(council, tool, values, actions, gaps, question_cite, f.at(1),
                       not_reviewed=_codes(data.get("not_reviewed")), question_hint=hints)


def _when(f: _File, body: _Map) -> Condition | None:
    """A profile entry's own condition (`when:`), or None when it has none."""
    return _condition(f, body["when"]) if "when" in body else None


def load_council(folder: Path) -> Council:
    f = _File(folder / "council.yaml", "council")
    data = f.data
    code = data["code"]
    if code != folder.name:
        f.fail(data.key_lines["code"], f"code {code!r} must match the folder name {folder.name!r}")
    # Title, approval and review dates come from each page's front matter (build.load).
    docs = [Document(title=page, page=page) for page in data["documents"]]
    tools = {}
    for tool, filename in TOOL_FILES.items():
        path = folder / filename
        if not path.exists():
            f.fail(1, f"council {code!r} has no profile {filename} for {tool}")
        tools[tool] = load_profile(path, code, tool)
    return Council(code, _text(data, "name"), _text(data, "short"), tuple(docs), tools, f.at(1))


def _inherit(tree: Tree, shared: dict[str, Fact]) -> Tree:
    """A tool's own wording of a shared fact keeps the shared short name and "I don't know"
    rule unless it states them (validation checks it does not change the protective answer)."""
    local = {}
    for name, fact in tree.facts.items():
        base = shared.get(name)
        if base is not None:
            fact = dataclasses.replace(fact, short=fact.short or base.short,
                                       if_unknown=fact.if_unknown or base.if_unknown)
        local[name] = fact
    return dataclasses.replace(tree, facts=local)


def load_bundle(root: Path = TREES, links: dict | None = None, version: str = "") -> Bundle:
    """Read every rule file under `root` into one Bundle (not yet validated)."""
    facts = load_facts(root / "facts.yaml")
    trees = {}
    for tool, filename in TOOL_FILES.items():
        path = root / filename
        if path.exists():
            trees[tool] = _inherit(load_tree(path), facts)
    councils = {}
    for folder in sorted((root / "councils").iterdir()):
        if folder.is_dir() and (folder / "council.yaml").exists():
            councils[folder.name] = load_council(folder)
    return Bundle(facts, trees, councils, dict(links or {}), version)
