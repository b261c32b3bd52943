"""The decision engine: pure, stdlib only, deterministic.

Given a Bundle, a tool, a council and the facts answered so far, `decide` walks the tree
from its start and returns the next question or the outcome, as JSON-ready dicts. There
is no history: going back or changing an answer is replaying a smaller or different set
of facts. The same module runs in CPython (tests, CLI, build) and in Pyodide (browser).
"""
from __future__ import annotations

from .model import END, Bundle, Condition, Council, Fact, Route, Tree, ToolProfile

MAX_STEPS = 500  # no valid tree is this long; guards a cycle that validation missed


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
        return "yes, no"
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


# --- outcome items -----------------------------------------------------------------

def _format(text: str, profile: ToolProfile) -> str:
    for name, value in profile.values.items():
        text = text.replace("{" + name + "}", str(value.value))
    return text


def _add(items: list, bundle: Bundle, tree: Tree, council: Council, profile: ToolProfile,
         code: str, extra_cite: tuple, required: bool) -> None:
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
    for existing in items:
        if existing["code"] == item["code"] and existing["about"] == item["about"]:
            existing["cite"] += [c for c in item["cite"] if c not in existing["cite"]]
            return
    items.append(item)


def _add_all(items, bundle, tree, council, profile, step, extra_cite=()) -> None:
    for code in step.add:
        _add(items, bundle, tree, council, profile, code, extra_cite, True)
    for code in step.add_if_stated:
        _add(items, bundle, tree, council, profile, code, extra_cite, False)


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
    answers: dict = {}
    answered: list = []
    items: list = []
    name = tree.start
    for _ in range(MAX_STEPS):
        node = tree.nodes[name]
        _add_all(items, bundle, tree, where, profile, node)
        if node.ask:
            fact = fact_for(bundle, tree, node.ask)
            if fact.name not in facts:
                return _question(bundle, tree, where, profile, fact, answered)
            answers[fact.name] = parse_answer(fact, facts[fact.name])
            answered.append(_answered(fact, answers[fact.name]))
        route = _route(node, answers, profile)
        extra = tuple(c for v in values_used(route.when) for c in profile.values[v].cite)
        _add_all(items, bundle, tree, where, profile, route, extra)
        if route.goto == END:
            return _outcome(bundle, tree, where, items, answered)
        name = route.goto
    raise RuleError(f"{tree.where}: more than {MAX_STEPS} steps (a cycle?)")


def _answered(fact: Fact, value) -> dict:
    return {"fact": fact.name, "question": fact.question, "value": value,
            "label": answer_label(fact, value)}


def _base(tree: Tree, council: Council, answered: list) -> dict:
    return {"tool": tree.tool, "council": council.code, "title": tree.title,
            "council_name": council.name, "asked": [a["fact"] for a in answered],
            "answers": answered}


def _question(bundle, tree, council, profile, fact: Fact, answered) -> dict:
    if fact.type == "boolean":
        options = [{"value": v, "label": label} for v, label in (("yes", "Yes"), ("no", "No"))]
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
