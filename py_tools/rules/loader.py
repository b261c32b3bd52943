"""YAML rule files -> the model. CPython only (the browser receives the bundle as JSON).

Every error names the file, the line and what is wrong:
    decision_trees/consent_override.yaml:42: node 'x' points to unknown node 'y'
"""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import yaml

from py_tools.engine.model import (ALWAYS, DUTIES, FACT_TYPES, TOOLS, ActionDef, Bundle, Condition, Council,
                    Document, Fact, NotCovered, Option, Question, ToolProfile, Tree, Value)

ROOT = Path(__file__).resolve().parents[2]
TREES = ROOT / "decision_trees"
CITE = re.compile(r"^[a-z][a-z0-9]*:[a-z0-9][a-z0-9.\-]*$")  # council:locator; council ownership is checked in validate
TOOL_FILES = {tool: tool.replace("-", "_") + ".yaml" for tool in TOOLS}


class LoadError(ValueError):
    """A rule file is wrong; the message starts with file:line."""


class _Map(dict):
    line = 0
    key_lines: dict


class _List(list):
    line = 0


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
        return out
    return yaml.constructor.SafeConstructor().construct_object(node)


class _File:
    """One YAML file, read with line numbers, and helpers that fail with file:line."""

    def __init__(self, path: Path):
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
        self.data = _convert(node) if node is not None else _Map()

    def at(self, line: int) -> str:
        return f"{self.name}:{line}"

    def fail(self, line: int, message: str):
        raise LoadError(f"{self.at(line)}: {message}")

    def mapping(self, value, line: int, what: str) -> _Map:
        if not isinstance(value, dict):
            self.fail(getattr(value, "line", line), f"{what} must be a mapping")
        return value

    def keys(self, data: _Map, allowed: set, what: str, required: set = frozenset(), line: int = 0):
        for key in data:
            if key not in allowed:
                self.fail(data.key_lines.get(key, data.line),
                          f"{what}: unknown key {key!r} (allowed: {', '.join(sorted(allowed))})")
        for key in sorted(required):
            if key not in data:
                self.fail(line or data.line, f"{what}: missing {key!r}")

    def text(self, data: _Map, key: str, what: str, default=None) -> str:
        if key not in data:
            if default is None:
                self.fail(data.line, f"{what}: missing {key!r}")
            return default
        value = data[key]
        if not isinstance(value, str) or not value.strip():
            self.fail(data.key_lines[key], f"{what}: {key!r} must be non-empty text")
        return value.strip()

    def codes(self, data: _Map, key: str, what: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(data.key_lines.get(key, data.line), f"{what}: {key!r} must be a list of names")
        return tuple(value)

    def cites(self, data: _Map, key: str, what: str, required: bool = True) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(data.line, f"{what}: missing 'cite' (every rule needs its paragraph)")
            return ()
        if isinstance(value, str):
            value = [value]
        line = data.key_lines.get(key, data.line)
        if not isinstance(value, list) or (required and not value):
            self.fail(line, f"{what}: {key!r} must be a non-empty list of citations")
        for cite in value:
            if not isinstance(cite, str) or not CITE.match(cite):
                self.fail(line, f"{what}: bad citation {cite!r} (form council:locator: the council code, a colon, the paragraph as printed, e.g. kent:8.23)")
        return tuple(value)


# --- facts and actions -------------------------------------------------------------

def _fact(f: _File, name: str, data, line: int) -> Fact:
    what = f"fact {name!r}"
    data = f.mapping(data, line, what)
    f.keys(data, {"type", "question", "hint", "short", "options", "min", "max", "if_unknown"}, what,
           {"type", "question"})
    kind = data["type"]
    if kind not in FACT_TYPES:
        f.fail(data.key_lines["type"], f"{what}: type must be one of {', '.join(FACT_TYPES)}")
    options = ()
    if "options" in data:
        opts = f.mapping(data["options"], data.key_lines["options"], f"{what} options")
        options = tuple(Option(str(k), str(v)) for k, v in opts.items())
    if kind == "choice" and not options:
        f.fail(data.line, f"{what}: a choice needs options")
    if kind == "boolean" and options:
        f.fail(data.key_lines["options"], f"{what}: a boolean has the options yes and no")
    low, high = data.get("min"), data.get("max")
    if kind == "score" and not (isinstance(low, int) and isinstance(high, int) and low < high):
        f.fail(data.line, f"{what}: a score needs whole numbers min < max")
    if_unknown = ""
    if "if_unknown" in data:
        if_unknown = _token(data["if_unknown"])
        if kind != "boolean" or if_unknown not in ("yes", "no"):
            f.fail(data.key_lines["if_unknown"], f"{what}: if_unknown is for a yes/no question "
                                                 "and names the protective answer, yes or no")
    return Fact(name, kind, f.text(data, "question", what), data.get("hint", "") or "",
                options, low, high, f.at(line), str(data.get("short", "") or "").strip(), if_unknown)


def load_facts(path: Path) -> dict[str, Fact]:
    f = _File(path)
    return {name: _fact(f, name, value, f.data.key_lines[name]) for name, value in f.data.items()}


# --- conditions --------------------------------------------------------------------

CONDITION_OPS = ("fact", "applies", "all", "any", "not")
FACT_TESTS = ("is", "in", "at_least", "below")


def _condition(f: _File, data, line: int) -> Condition:
    if data == "always":
        return ALWAYS
    if not isinstance(data, dict):
        f.fail(getattr(data, "line", line), "a condition must be `always` or a mapping "
                                            "(fact with is/in/at_least/below, applies, all, any, not)")
    where = f.at(data.line)
    ops = [k for k in data if k in CONDITION_OPS]
    if len(ops) != 1:
        f.fail(data.line, f"a condition needs exactly one of {', '.join(CONDITION_OPS)}")
    op = ops[0]
    if op in ("all", "any"):
        f.keys(data, {op}, f"condition {op!r}")
        parts = data[op]
        if not isinstance(parts, list) or not parts:
            f.fail(data.line, f"{op!r} needs a list of conditions")
        return Condition(op, parts=tuple(_condition(f, p, data.line) for p in parts), where=where)
    if op == "not":
        f.keys(data, {"not"}, "condition 'not'")
        return Condition("not", parts=(_condition(f, data["not"], data.line),), where=where)
    if op == "applies":
        f.keys(data, {"applies"}, "condition 'applies'")
        return Condition("applies", key=str(data["applies"]), where=where)
    f.keys(data, {"fact", *FACT_TESTS}, "condition on a fact")
    tests = [k for k in FACT_TESTS if k in data]
    if len(tests) != 1:
        f.fail(data.line, f"a fact condition needs exactly one of {', '.join(FACT_TESTS)}")
    test, arg = tests[0], data[tests[0]]
    fact = str(data["fact"])
    if test == "is":
        return Condition("is", fact=fact, value=_token(arg), where=where)
    if test == "in":
        if not isinstance(arg, list):
            f.fail(data.line, "'in' needs a list of values")
        return Condition("in", fact=fact, values=tuple(_token(a) for a in arg), where=where)
    if isinstance(arg, dict) and set(arg) == {"council"}:
        return Condition(test, fact=fact, council_value=str(arg["council"]), where=where)
    if isinstance(arg, int) and not isinstance(arg, bool):
        f.fail(data.line, f"{test!r} takes {{council: name}}: every number comes from a council "
                          "profile, with its citation")
    f.fail(data.line, f"{test!r} needs {{council: value_name}}")


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
    raw = f.mapping(data["actions"], data.key_lines["actions"], "actions")
    for code, body in raw.items():
        line = raw.key_lines[code]
        what = f"action {code!r}"
        if isinstance(body, str):
            body = _Map({"title": body})
            body.line, body.key_lines = line, {"title": line}
        body = f.mapping(body, line, what)
        f.keys(body, {"title", "arises", "permission"}, what, {"title"}, line)
        titles[code] = f.text(body, "title", what)
        if "arises" in body:
            gaps[code] = _condition(f, body["arises"], body.key_lines["arises"])
        if body.get("permission") is True:
            permissions.append(code)
        elif "permission" in body and body["permission"] is not False:
            f.fail(body.key_lines["permission"], f"{what}: permission is true or false")
    return titles, gaps, tuple(permissions)


def _questions(f: _File, data: _Map) -> tuple[Question, ...]:
    raw = data["questions"]
    if not isinstance(raw, list) or not raw:
        f.fail(data.key_lines["questions"], "questions must be a non-empty list of `ask:` steps")
    out = []
    for step in raw:
        step = f.mapping(step, raw.line, "question")
        f.keys(step, {"ask", "only_if", "comment"}, "question", {"ask"}, step.line)
        only_if = _condition(f, step["only_if"], step.key_lines["only_if"]) if "only_if" in step else None
        out.append(Question(str(step["ask"]), only_if, str(step.get("comment", "") or "").strip(),
                            f.at(step.line)))
    return tuple(out)


def load_tree(path: Path) -> Tree:
    f = _File(path)
    data = f.data
    f.keys(data, {"tool", "title", "summary", "actions", "questions", "facts", "never_silent", "scope"},
           "tool", {"tool", "title", "actions", "questions"})
    tool = f.text(data, "tool", "tool")
    if tool not in TOOLS:
        f.fail(data.key_lines["tool"], f"unknown tool {tool!r} (valid: {', '.join(TOOLS)})")
    facts = {}
    if "facts" in data:
        local = f.mapping(data["facts"], data.key_lines["facts"], "facts")
        facts = {n: _fact(f, n, v, local.key_lines[n]) for n, v in local.items()}
    titles, gaps, permissions = _catalogue(f, data)
    return Tree(tool, f.text(data, "title", "tool"), str(data.get("summary", "") or "").strip(),
                _questions(f, data), facts, titles, gaps, permissions,
                f.at(data.key_lines["questions"]),  # where the questions start: errors about order point here
                f.codes(data, "never_silent", "tool"), str(data.get("scope", "") or ""), tuple(titles))


# --- councils ----------------------------------------------------------------------

def load_profile(path: Path, council: str, tool: str) -> ToolProfile:
    f = _File(path)
    data = f.data
    f.keys(data, {"values", "actions", "not_covered", "questions", "not_reviewed"}, "profile")
    values, actions, gaps, question_cite = {}, {}, {}, {}
    for name, body in f.mapping(data.get("values", _Map()), data.line, "values").items():
        line = data["values"].key_lines[name]
        what = f"value {name!r}"
        body = f.mapping(body, line, what)
        f.keys(body, {"value", "cite", "quote"}, what, {"value", "cite"}, line)
        if not isinstance(body["value"], int) or isinstance(body["value"], bool):
            f.fail(body.line, f"{what}: value must be a whole number")
        values[name] = Value(name, body["value"], f.cites(body, "cite", what),
                             str(body.get("quote", "") or "").strip(), f.at(line))
    for code, body in f.mapping(data.get("actions", _Map()), data.line, "actions").items():
        line = data["actions"].key_lines[code]
        what = f"action {code!r}"
        body = f.mapping(body, line, what)
        f.keys(body, {"duty", "text", "cite", "quote", "when"}, what, {"duty", "text", "cite"}, line)
        if body["duty"] not in DUTIES:
            f.fail(body.key_lines["duty"], f"{what}: duty must be one of {', '.join(DUTIES)}")
        actions[code] = ActionDef(code, body["duty"], f.text(body, "text", what),
                                  f.cites(body, "cite", what),
                                  str(body.get("quote", "") or "").strip(), f.at(line), _when(f, body))
    for code, body in f.mapping(data.get("not_covered", _Map()), data.line, "not_covered").items():
        line = data["not_covered"].key_lines[code]
        what = f"not_covered {code!r}"
        body = f.mapping(body, line, what)
        f.keys(body, {"text", "related", "when"}, what)
        gaps[code] = NotCovered(code, str(body.get("text", "") or "").strip(),
                                f.cites(body, "related", what, required=False), f.at(line), _when(f, body))
    hints = {}
    for fact, body in f.mapping(data.get("questions", _Map()), data.line, "questions").items():
        line = data["questions"].key_lines[fact]
        body = f.mapping(body, line, f"question {fact!r}")
        f.keys(body, {"cite", "hint"}, f"question {fact!r}", {"cite"})
        question_cite[fact] = f.cites(body, "cite", f"question {fact!r}")
        if "hint" in body:
            hints[fact] = f.text(body, "hint", f"question {fact!r}")
    return ToolProfile(council, tool, values, actions, gaps, question_cite, f.at(1),
                       not_reviewed=f.codes(data, "not_reviewed", "profile"), question_hint=hints)


def _when(f: _File, body: _Map) -> Condition | None:
    """A profile entry's own condition (`when:`), or None when it has none."""
    return _condition(f, body["when"], body.key_lines["when"]) if "when" in body else None


def load_council(folder: Path) -> Council:
    f = _File(folder / "council.yaml")
    data = f.data
    f.keys(data, {"code", "name", "short", "documents"}, "council", {"code", "name", "short", "documents"})
    code = f.text(data, "code", "council")
    if code != folder.name:
        f.fail(data.key_lines["code"], f"code {code!r} must match the folder name {folder.name!r}")
    pages = data["documents"]
    if not isinstance(pages, list) or not pages or not all(isinstance(p, str) for p in pages):
        f.fail(data.key_lines["documents"], "documents must be a non-empty list of policy pages")
    # Title, approval and review dates come from each page's front matter (build.load).
    docs = [Document(title=page, page=page) for page in pages]
    tools = {}
    for tool, filename in TOOL_FILES.items():
        path = folder / filename
        if not path.exists():
            f.fail(1, f"council {code!r} has no profile {filename} for {tool}")
        tools[tool] = load_profile(path, code, tool)
    return Council(code, f.text(data, "name", "council"), f.text(data, "short", "council"),
                   tuple(docs), tools, f.at(1))


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
