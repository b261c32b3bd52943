"""The decision engine: pure, stdlib only, deterministic.

Given a Bundle, a tool, a council and the facts answered so far, `decide` walks the tree
from its start and returns the next question or the outcome, as JSON-ready dicts. There
is no history: going back or changing an answer is replaying a smaller or different set
of facts. The same module runs in CPython (tests, CLI, build) and in Pyodide (browser).
"""
from __future__ import annotations

from .model import (END, UNKNOWN, UNKNOWN_LABEL, Bundle, Condition, Council, Fact, Route, Tree,
                    ToolProfile)

MAX_STEPS = 500  # no valid tree is this long; guards a cycle that validation missed
ASK_WHEN_UNSURE = "ask_when_unsure"  # every tool with an "I don't know" answer has this action
ANSWERED_UNKNOWN = "answered_unknown"  # the note naming the questions answered "I don't know"
UNSURE_NOTE = ("You answered \u201cI don't know\u201d to {questions}. The tool took the "
               "protective route for {them}, as shown under each action. Before you act, ask your "
               "line manager or safeguarding lead.")


class EngineError(ValueError):
    """A clear, one-line problem with the request (bad value, unknown tool...)."""


class UnknownTool(EngineError):
    pass


class UnknownCouncil(EngineError):
    pass


class BadValue(EngineError):
    pass


class RuleError(EngineError):
    """The rule data itself is wrong (validation should have caught it)."""


# --- answers -----------------------------------------------------------------------

def valid_choices(fact: Fact) -> str:
    if fact.type == "boolean":
        return "yes, no, unknown" if fact.if_unknown else "yes, no"
    if fact.type == "choice":
        return ", ".join(o.value for o in fact.options)
    extra = "".join(f", or {o.value}" for o in fact.options)
    return f"a whole number from {fact.min} to {fact.max}{extra}"


def parse_answer(fact: Fact, raw):
    """Normalise one answer: 'yes'/'no' for booleans, the option value, or an int score."""
    if fact.type == "boolean":
        if raw is True or raw is False:
            return "yes" if raw else "no"
        if isinstance(raw, str) and raw.strip().lower() in ("yes", "no", "true", "false"):
            return "yes" if raw.strip().lower() in ("yes", "true") else "no"
        if fact.if_unknown and isinstance(raw, str) and raw.strip().lower() == UNKNOWN:
            return UNKNOWN
    elif fact.type == "choice":
        if isinstance(raw, str) and raw in {o.value for o in fact.options}:
            return raw
    elif fact.type == "score":
        if isinstance(raw, str) and raw in {o.value for o in fact.options}:
            return raw
        number = None
        if isinstance(raw, int) and not isinstance(raw, bool):
            number = raw
        elif (isinstance(raw, str) and raw.strip().isdigit() and raw.strip().isascii()
              and len(raw.strip()) <= len(str(fact.max))):
            number = int(raw.strip())
        if number is not None and fact.min <= number <= fact.max:
            return number
    raise BadValue(f"bad value for {fact.name}: {_shown(raw)} (valid: {valid_choices(fact)})")


def _shown(raw) -> str:
    """The rejected value, short enough for one line (and safe for huge numbers)."""
    if isinstance(raw, int) and not isinstance(raw, bool) and abs(raw) >= 10 ** 20:
        return "a number too large"
    text = repr(raw) if not isinstance(raw, str) or len(raw) <= 60 else repr(raw[:57]) + "..."
    return text if len(text) <= 80 else text[:77] + "..."


def answer_label(fact: Fact, value) -> str:
    if value == UNKNOWN and fact.if_unknown:
        return UNKNOWN_LABEL
    if fact.type == "boolean":
        return "Yes" if value == "yes" else "No"
    for option in fact.options:
        if option.value == value:
            return option.label
    return str(value)


# --- lookups -----------------------------------------------------------------------

def tree_for(bundle: Bundle, tool: str) -> Tree:
    if tool not in bundle.trees:
        raise UnknownTool(f"unknown tool: {tool!r} (valid: {', '.join(sorted(bundle.trees))})")
    return bundle.trees[tool]


def council_for(bundle: Bundle, council: str) -> Council:
    if council not in bundle.councils:
        raise UnknownCouncil(
            f"unknown council: {council!r} (valid: {', '.join(sorted(bundle.councils))})")
    return bundle.councils[council]


def fact_for(bundle: Bundle, tree: Tree, name: str) -> Fact:
    fact = tree.facts.get(name) or bundle.facts.get(name)
    if fact is None:
        raise RuleError(f"{tree.where}: fact {name!r} is not defined")
    return fact


def profile_for(council: Council, tree: Tree) -> ToolProfile:
    profile = council.tools.get(tree.tool)
    if profile is None:
        raise RuleError(f"council {council.code!r} has no profile for {tree.tool!r}")
    return profile


# --- conditions --------------------------------------------------------------------

def council_number(profile: ToolProfile, cond: Condition) -> int:
    if not cond.council_value:
        return cond.number
    value = profile.values.get(cond.council_value)
    if value is None:
        raise RuleError(f"{cond.where}: council {profile.council!r} states no value "
                        f"{cond.council_value!r}; guard it with council_states")
    return value.value


def holds(cond: Condition, answers: dict, profile: ToolProfile) -> bool:
    op = cond.op
    if op == "all":
        return all(holds(p, answers, profile) for p in cond.parts)
    if op == "any":
        return any(holds(p, answers, profile) for p in cond.parts)
    if op == "not":
        return not holds(cond.parts[0], answers, profile)
    if op == "council_states":
        return cond.key in profile.values or cond.key in profile.actions
    if cond.fact not in answers:
        raise RuleError(f"{cond.where}: condition uses {cond.fact!r} before it is asked")
    answer = answers[cond.fact]
    if op == "is":
        return answer == cond.value
    if op == "in":
        return answer in cond.values
    if op in ("at_least", "below"):
        if not isinstance(answer, int):
            return False
        limit = council_number(profile, cond)
        return answer >= limit if op == "at_least" else answer < limit
    raise RuleError(f"{cond.where}: unknown condition {op!r}")


def values_used(cond: Condition | None) -> list[str]:
    """Council values a condition reads, so actions it leads to cite the number too."""
    if cond is None:
        return []
    names = [cond.council_value] if cond.council_value else []
    for part in cond.parts:
        names.extend(values_used(part))
    return names


def facts_in(cond: Condition | None) -> list[str]:
    """Every fact a condition reads."""
    if cond is None:
        return []
    names = [cond.fact] if cond.fact else []
    for part in cond.parts:
        names += [n for n in facts_in(part) if n not in names]
    return names


def facts_that_held(cond: Condition, answers: dict, profile: ToolProfile) -> list[str]:
    """The facts whose answers made a condition hold (for `any`, only the parts that held)."""
    if cond.op == "any":
        parts = [p for p in cond.parts if holds(p, answers, profile)]
    elif cond.op == "all":
        parts = list(cond.parts)
    else:
        return facts_in(cond)
    names: list[str] = []
    for part in parts:
        names += [n for n in facts_that_held(part, answers, profile) if n not in names]
    return names


def route_reasons(node, route: Route, answers: dict, profile: ToolProfile) -> list[str]:
    """The facts that chose this route: its own condition, or for `otherwise` the conditions
    of the routes before it (which all failed)."""
    if route.when is not None:
        return facts_that_held(route.when, answers, profile)
    names: list[str] = []
    for earlier in node.routes:
        if earlier is route:
            break
        names += [n for n in facts_in(earlier.when) if n not in names]
    return names


# --- outcome items -----------------------------------------------------------------

def fill_values(text: str, profile: ToolProfile) -> str:
    """`{name}` in a rule text replaced by the council's value (wherever text is shown)."""
    for name, value in profile.values.items():
        text = text.replace("{" + name + "}", str(value.value))
    return text


_format = fill_values


def _add(items: list, bundle: Bundle, tree: Tree, council: Council, profile: ToolProfile,
         code: str, extra_cite: tuple, required: bool, because: list = ()) -> None:
    action = profile.actions.get(code)
    if action is None and code in profile.not_reviewed and required:
        title = tree.actions.get(code, code)  # a new council's skeleton: never read as a rule
        item = {"code": "not_reviewed", "about": code, "duty": "info", "cite": [], "related": [],
                "text": f"Rules not yet reviewed: {council.short}'s documents have not been checked "
                        f"for this yet ({title[0].lower() + title[1:]}). Read the policy and ask a manager."}
        if item not in items:
            items.append(item)
        return
    if action is None:
        if not required:
            return
        gap = profile.not_covered.get(code)
        title = tree.actions.get(code, code)
        text = gap.text if gap and gap.text else \
            f"{council.short}'s documents do not cover this: {title[0].lower() + title[1:]}."
        item = {"code": "not_covered", "about": code, "duty": "info", "text": _format(text, profile),
                "cite": [], "related": list(gap.related) if gap else []}
    else:
        cite = list(action.cite)
        cite += [c for c in extra_cite if c not in cite]
        item = {"code": code, "about": code, "duty": action.duty,
                "text": _format(action.text, profile), "cite": cite, "related": []}
    item["because"] = [dict(b) for b in because]
    for existing in items:
        if existing["code"] == item["code"] and existing["about"] == item["about"]:
            existing["cite"] += [c for c in item["cite"] if c not in existing["cite"]]
            existing["because"] += [b for b in item["because"] if b not in existing["because"]]
            return
    items.append(item)


def _add_all(items, bundle, tree, council, profile, step, extra_cite=(), because=()) -> None:
    for code in step.add:
        _add(items, bundle, tree, council, profile, code, extra_cite, True, because)
    for code in step.add_if_stated:
        _add(items, bundle, tree, council, profile, code, extra_cite, False, because)


def _because(names: list, answered: list) -> list:
    """The answers behind an action, as {fact, short, label}, in the order they were asked."""
    return [{"fact": a["fact"], "short": a["short"], "label": a["label"]}
            for a in answered if a["fact"] in names]


def _unsure(items, bundle, tree, council, profile, answered) -> None:
    """"I don't know" answers: say which, that the protective route was taken, and what the
    council's documents say about asking for help (or that they do not cover it)."""
    unsure = [a for a in answered if a["value"] == UNKNOWN]
    if not unsure:
        return
    because = _because([a["fact"] for a in unsure], answered)
    questions = "; ".join(f"\u201c{a['question']}\u201d" for a in unsure)
    text = UNSURE_NOTE.format(questions=questions, them="it" if len(unsure) == 1 else "each")
    note = {"code": ANSWERED_UNKNOWN, "about": ANSWERED_UNKNOWN, "duty": "info", "text": text,
            "cite": [], "related": [], "because": None}
    head = [note]
    _add(head, bundle, tree, council, profile, ASK_WHEN_UNSURE, (), True, because)
    items[:0] = head


# --- the walk ----------------------------------------------------------------------

def _links(bundle: Bundle, cites) -> dict:
    out = {}
    for cite in cites:
        link = bundle.links.get(cite)
        out[cite] = {"href": link.href, "label": link.label} if link else {"href": "", "label": cite}
    return out


def _route(node, answers, profile) -> Route:
    for route in node.routes:
        if route.when is None or holds(route.when, answers, profile):
            return route
    raise RuleError(f"{node.where}: no route matches (add an `otherwise`)")


def decide(bundle: Bundle, tool: str, council: str, facts: dict) -> dict:
    """The next question, or the outcome, for these facts. Extra facts are ignored."""
    tree = tree_for(bundle, tool)
    where = council_for(bundle, council)
    profile = profile_for(where, tree)
    if not isinstance(facts, dict):
        raise BadValue("facts must be an object of fact names to answers")
    answers: dict = {}  # what the routes read: "I don't know" becomes the protective answer
    answered: list = []
    items: list = []
    taken: list = []  # (node, facts that chose its route) along the path
    name = tree.start
    for _ in range(MAX_STEPS):
        node = tree.nodes[name]
        if node.add or node.add_if_stated:
            # a node's own actions follow from the answers that led to it (none: every path)
            reached_by = _because(_reached_because(tree, name, taken), answered)
            _add_all(items, bundle, tree, where, profile, node, (), reached_by)
        if node.ask:
            fact = fact_for(bundle, tree, node.ask)
            if fact.name not in facts:
                return _question(bundle, tree, where, profile, fact, answered)
            given = parse_answer(fact, facts[fact.name])
            answers[fact.name] = fact.if_unknown if given == UNKNOWN else given
            answered.append(_answered(fact, given))
        route = _route(node, answers, profile)
        extra = tuple(c for v in values_used(route.when) for c in profile.values[v].cite)
        facts_read = route_reasons(node, route, answers, profile)
        _add_all(items, bundle, tree, where, profile, route, extra, _because(facts_read, answered))
        taken.append((node, facts_read))
        if route.goto == END:
            _unsure(items, bundle, tree, where, profile, answered)
            return _outcome(bundle, tree, where, items, answered)
        name = route.goto
    raise RuleError(f"{tree.where}: more than {MAX_STEPS} steps (a cycle?)")


def avoids(tree: Tree, start: str, name: str) -> bool:
    """Can a path from `start` (itself not `name`) reach the end without passing `name`?"""
    if start == END:
        return True
    if start == name:
        return False
    seen, todo = {start}, [start]
    while todo:
        for route in tree.nodes[todo.pop()].routes:
            if route.goto == END:
                return True
            if route.goto != name and route.goto not in seen:
                seen.add(route.goto)
                todo.append(route.goto)
    return False


def on_every_path(tree: Tree, name: str) -> bool:
    """Is the node reached whatever the answers (no path from the start avoids it)?"""
    return not avoids(tree, tree.start, name)


def _reached_because(tree: Tree, name: str, taken: list) -> list:
    """The facts behind reaching a node: those of each route taken on the way at a node where
    another route could have avoided it."""
    names: list[str] = []
    for node, facts in taken:
        if any(avoids(tree, r.goto, name) for r in node.routes):
            names += [f for f in facts if f not in names]
    return names


def _answered(fact: Fact, value) -> dict:
    label = answer_label(fact, value)
    if value == UNKNOWN:
        label += f" (treated as {answer_label(fact, fact.if_unknown).lower()}, the protective answer)"
    return {"fact": fact.name, "question": fact.question, "value": value, "label": label,
            "short": fact.short or fact.question}


def _base(tree: Tree, council: Council, answered: list) -> dict:
    return {"tool": tree.tool, "council": council.code, "title": tree.title,
            "council_name": council.name, "asked": [a["fact"] for a in answered],
            "answers": answered}


def _question(bundle, tree, council, profile, fact: Fact, answered) -> dict:
    if fact.type == "boolean":
        options = [{"value": v, "label": label} for v, label in (("yes", "Yes"), ("no", "No"))]
        if fact.if_unknown:
            options.append({"value": UNKNOWN, "label": UNKNOWN_LABEL})
    else:
        options = [{"value": o.value, "label": o.label} for o in fact.options]
    cite = list(profile.question_cite.get(fact.name, ()))
    step = _base(tree, council, answered)
    step.update({"type": "question", "fact": fact.name, "input": fact.type,
                 "question": fact.question, "hint": fact.hint, "options": options,
                 "min": fact.min, "max": fact.max, "cite": cite, "links": _links(bundle, cite)})
    return step


def _outcome(bundle, tree, council, items, answered) -> dict:
    step = _base(tree, council, answered)
    cites = [c for item in items for c in item["cite"] + item["related"]]
    step.update({"type": "outcome", "actions": items, "links": _links(bundle, cites)})
    return step


def back(facts: dict, asked: list) -> dict:
    """The facts with the last asked answer removed: replaying them is one step back."""
    if not asked:
        return dict(facts)
    return {k: v for k, v in facts.items() if k != asked[-1]}
