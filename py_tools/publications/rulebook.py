"""The rules of one tool for one council in plain words: the shared reading behind the
outline, the flowchart, the sign-off sheet and `changes`.

Everything here comes from the rule data generically: the questions and their answers are
the engine's own option lists (so an added answer, such as "I don't know", appears by
itself), the branches are the tree's routes, the duties are the council's profile with the
engine's formatting. No fact name or action code is ever part of the text produced.
CPython and Pyodide alike (pure, stdlib only), though only the build and the CLI use it.
"""
from __future__ import annotations

from dataclasses import dataclass

from py_tools.engine import engine
from py_tools.rules import paths
from py_tools.engine.model import END, UNKNOWN, Bundle, Condition, Node, Route, Tree, ToolProfile

DUTY_WORDS = {"must": "Must", "should": "Should", "may": "May", "info": "For information"}


@dataclass(frozen=True)
class Duty:
    duty: str  # must | should | may | info
    text: str  # the council's words, values filled in
    cite: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    covered: bool = True
    title: str = ""  # the tool's neutral title of the action (short, for the flowchart)


@dataclass(frozen=True)
class Branch:
    label: str  # "Yes", "No or I don't know", "a score of 14 to 24", or a plain condition
    route: Route
    answers: tuple[str, ...] = ()  # answer labels taking this branch (empty: a condition)


@dataclass(frozen=True)
class Reader:
    bundle: Bundle
    tree: Tree
    council_code: str
    profile: ToolProfile

    @property
    def council(self):
        return self.bundle.councils[self.council_code]


def reader(bundle: Bundle, tool: str, council: str) -> Reader:
    tree = engine.tree_for(bundle, tool)
    profile = engine.profile_for(engine.council_for(bundle, council), tree)
    return Reader(bundle, tree, council, profile)


def fill(text: str, profile: ToolProfile) -> str:
    """`{name}` placeholders filled with the council's values (the engine's own helper)."""
    return engine._format(text, profile)


def cite_label(bundle: Bundle, cite: str) -> str:
    link = bundle.links.get(cite)
    return link.label if link else cite


# --- duties ----------------------------------------------------------------------------

def duty_of(r: Reader, code: str, required: bool, extra_cite: tuple = ()) -> Duty | None:
    """What adding `code` means for this council, as the engine words it."""
    action = r.profile.actions.get(code)
    title = r.tree.actions.get(code, "")
    if action is None:
        if not required:
            return None
        gap = r.profile.not_covered.get(code)
        neutral = title or "this"
        text = gap.text if gap and gap.text else \
            f"{r.council.short}'s documents do not cover this: {neutral[0].lower() + neutral[1:]}."
        return Duty("info", fill(text, r.profile), (), tuple(gap.related) if gap else (), False, title)
    cite = tuple(action.cite) + tuple(c for c in extra_cite if c not in action.cite)
    return Duty(action.duty, fill(action.text, r.profile), cite, (), True, title)


def duties(r: Reader, step, extra_cite: tuple = ()) -> list[Duty]:
    """The duties a node or a route adds, in the order the engine adds them."""
    out = [duty_of(r, code, True, extra_cite) for code in step.add]
    out += [duty_of(r, code, False, extra_cite) for code in step.add_if_stated]
    return [d for d in out if d is not None]


def route_cites(r: Reader, route: Route) -> tuple:
    return tuple(c for v in engine.values_used(route.when) if v in r.profile.values
                 for c in r.profile.values[v].cite)


# --- questions and answers ---------------------------------------------------------------

def fact_of(r: Reader, name: str):
    return engine.fact_for(r.bundle, r.tree, name)


def answer_domain(r: Reader, fact) -> list[tuple[object, str]]:
    """(value, plain label) for every answer the engine offers, score ranges for a score."""
    if fact.type == "score":
        out = []
        for low, high in paths.score_ranges(r.tree, r.profile, fact):
            out.append((low, f"a score of {low}" if low == high else f"a score of {low} to {high}"))
        return out + [(o.value, o.label) for o in fact.options]
    step = engine._question(r.bundle, r.tree, r.council, r.profile, fact, [])
    return [(o["value"], o["label"]) for o in step["options"]]


def answer_words(r: Reader, fact_name: str, value) -> str:
    fact = fact_of(r, fact_name)
    if fact.type == "score" and isinstance(value, int):
        return str(value)
    for v, label in answer_domain(r, fact):
        if v == value:
            return label
    return engine.answer_label(fact, value)


def static(cond: Condition | None, profile: ToolProfile):
    """True/False where a condition depends only on the council's data; None otherwise."""
    if cond is None:
        return True
    if cond.op == "council_states":
        return cond.key in profile.values or cond.key in profile.actions
    if cond.op in ("all", "any"):
        parts = [static(p, profile) for p in cond.parts]
        if cond.op == "all":
            return False if False in parts else (True if all(x is True for x in parts) else None)
        return True if True in parts else (False if all(x is False for x in parts) else None)
    if cond.op == "not":
        inner = static(cond.parts[0], profile)
        return None if inner is None else not inner
    return None


def live_routes(r: Reader, node: Node) -> list[Route]:
    """The routes this council's data leaves open, in order (stops at one that always holds)."""
    out = []
    for route in node.routes:
        known = static(route.when, r.profile)
        if known is False:
            continue
        out.append(route)
        if known is True:
            break
    return out


def _joined(labels: list[str]) -> str:
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " or " + labels[-1]


def describe(r: Reader, cond: Condition | None, here: str = "") -> str:
    """A condition in words: the question and the answer, never the fact's name. `here`:
    the fact just asked, whose answers are named without repeating the question."""
    if cond is None:
        return "in every other case"
    op = cond.op
    if op in ("all", "any"):
        parts = [p for p in cond.parts if static(p, r.profile) is None]
        words = [describe(r, p, here) for p in parts]
        return (" and " if op == "all" else " or ").join(words) if words else "always"
    if op == "not":
        return "not (" + describe(r, cond.parts[0], here) + ")"
    if op == "council_states":
        return "the council's documents say so"
    fact = fact_of(r, cond.fact)
    if fact.name == here and op in ("is", "in"):
        values = [cond.value] if op == "is" else list(cond.values)
        return "the answer is " + _joined([answer_words(r, fact.name, v) for v in values])
    asked = f"the answer to “{fact.question}”"
    if op == "is":
        return f"{asked} is {answer_words(r, fact.name, cond.value)}"
    if op == "in":
        return f"{asked} is {_joined([answer_words(r, fact.name, v) for v in cond.values])}"
    if cond.council_value:
        value = r.profile.values.get(cond.council_value)
        number = value.value if value else None
    else:
        number = cond.number
    if number is None:
        return f"{asked} reaches a number the council's documents do not state"
    return f"{asked} is {number} or more" if op == "at_least" else f"{asked} is below {number}"


def _uses_only(cond: Condition | None, fact: str) -> bool:
    if cond is None or cond.op == "council_states":
        return True
    if cond.op in ("all", "any", "not"):
        return all(_uses_only(p, fact) for p in cond.parts)
    return cond.fact == fact


def branches(r: Reader, node: Node) -> list[Branch]:
    """The ways out of a node, labelled by the answers that take them where they can be."""
    routes = live_routes(r, node)
    if node.ask and all(_uses_only(route.when, node.ask) for route in routes):
        fact = fact_of(r, node.ask)
        taken: dict[int, list[str]] = {}
        for value, label in answer_domain(r, fact):
            # "I don't know" routes as the fact's protective answer, as the engine routes it
            routed = fact.if_unknown if value == UNKNOWN and fact.if_unknown else value
            for i, route in enumerate(routes):
                if route.when is None or engine.holds(route.when, {fact.name: routed}, r.profile):
                    taken.setdefault(i, []).append(label)
                    break
        return [Branch(_joined(taken[i])[0].upper() + _joined(taken[i])[1:], routes[i], tuple(taken[i]))
                for i in sorted(taken)]
    out = []
    for i, route in enumerate(routes):
        if route.when is None or static(route.when, r.profile) is True:
            label = "Otherwise" if i else "Always"
        else:
            label = "If " + describe(r, route.when, node.ask)
        out.append(Branch(label, route))
    return out


def step_name(r: Reader, node: Node) -> str:
    """How a node is named to a reader: its question, or what it checks."""
    seen = set()
    while not node.ask and node.name not in seen:
        seen.add(node.name)
        routes = live_routes(r, node)
        if len(routes) != 1 or routes[0].goto == END or static(routes[0].when, r.profile) is not True:
            break
        node = r.tree.nodes[routes[0].goto]
    if node.ask:
        return fact_of(r, node.ask).question
    return "Check the answers so far"


# --- the walk the engine makes, for one set of answers ---------------------------------------

def trace(r: Reader, facts: dict) -> list[tuple[str, int]]:
    """(node name, index of the route taken) along the engine's walk for complete facts."""
    answers = {}
    out = []
    name = r.tree.start
    for _ in range(engine.MAX_STEPS):
        node = r.tree.nodes[name]
        if node.ask:
            answers[node.ask] = engine.parse_answer(fact_of(r, node.ask), facts[node.ask])
        route = engine._route(node, answers, r.profile)
        out.append((name, node.routes.index(route)))
        if route.goto == END:
            return out
        name = route.goto
    raise engine.RuleError(f"{r.tree.where}: more than {engine.MAX_STEPS} steps")


# --- every path, in words --------------------------------------------------------------------

@dataclass(frozen=True)
class PlainPath:
    tool: str
    council: str
    answers: tuple[tuple[str, str], ...]  # (question, answer in words)
    duties: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...]  # (duty, text, cite, related)
    facts: tuple = ()  # (fact, value) pairs, for replaying


def plain_paths(bundle: Bundle, tool: str, council: str) -> list[PlainPath]:
    r = reader(bundle, tool, council)
    out = []
    for path in paths.enumerate_paths(bundle, tool, council):
        answers = []
        for a in path.answers:
            fact = fact_of(r, a.fact)
            if fact.type == "score" and isinstance(a.value, int):
                words = a.label.replace("-", " to ")
            else:
                words = answer_words(r, a.fact, a.value)
            answers.append((fact.question, words))
        duties_ = tuple((a["duty"], a["text"], tuple(a["cite"]), tuple(a["related"]))
                        for a in path.outcome["actions"])
        out.append(PlainPath(tool, council, tuple(answers), duties_,
                             tuple((a.fact, a.value) for a in path.answers)))
    return out


def duty_counts(duties_) -> str:
    """"2 must, 1 should, 1 for information" for a list of (duty, ...) tuples or Duty."""
    counts = {}
    for d in duties_:
        key = d.duty if isinstance(d, Duty) else d[0]
        counts[key] = counts.get(key, 0) + 1
    parts = [f"{counts[k]} {DUTY_WORDS[k].lower()}" for k in DUTY_WORDS if counts.get(k)]
    return ", ".join(parts) if parts else "no duties"
