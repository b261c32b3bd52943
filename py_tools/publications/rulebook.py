"""The rules of one tool for one council in plain words: the shared reading behind the
outline, the flowchart, the sign-off sheet and `changes`.

Everything here comes from the rule data generically: the questions and their answers are
the engine's own option lists, each duty is the council's profile with the engine's
formatting, and each "when" is the council's own condition in words. No fact name or action
code is ever part of the text produced.
"""
from __future__ import annotations

from dataclasses import dataclass

from py_tools.engine import engine
from py_tools.rules import paths
from py_tools.engine.model import Bundle, Condition, Question, ToolProfile, Tree

DUTY_WORDS = {"must": "Must", "should": "Should", "may": "May", "info": "For information"}


@dataclass(frozen=True)
class Duty:
    duty: str  # must | should | may | info
    text: str  # the council's words, values filled in
    cite: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    covered: bool = True
    title: str = ""  # the tool's neutral title of the action (short, for the flowchart)
    code: str = ""  # the action it is about (never shown)
    when: Condition | None = None  # the council's condition for it (None: every path)
    permission: bool = False


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

def duties(r: Reader) -> list[Duty]:
    """Every item this council's rules can give, in the catalogue's order, with its condition."""
    out = []
    for code, kind, cond, strict in engine.rules(r.tree, r.profile):
        title = r.tree.actions.get(code, "")
        when = None if cond.op == "always" else cond
        if kind == "action":
            action = r.profile.actions[code]
            cite = tuple(dict.fromkeys(tuple(action.cite) + tuple(
                c for v in engine.values_used(cond) if v in r.profile.values for c in r.profile.values[v].cite)))
            out.append(Duty(action.duty, fill(action.text, r.profile), cite, (), True, title, code, when, strict))
            continue
        item = engine.item_for(engine.Case(r.bundle, r.tree, r.profile, {}), r.council, code, kind, [])
        out.append(Duty("info", item["text"], (), tuple(item["related"]), False, title, code, when))
    return out


def unsure_duty(r: Reader) -> Duty | None:
    """What the outcome adds when an answer is "I don't know" (None: no question accepts it)."""
    facts = [fact_of(r, q.fact) for q in r.tree.questions]
    if not any(f.if_unknown for f in facts if f.name in asked_facts(r)):
        return None
    profile = r.profile
    kind = ("action" if engine.ASK_WHEN_UNSURE in profile.actions else
            "not_reviewed" if engine.ASK_WHEN_UNSURE in profile.not_reviewed else "gap")
    item = engine.item_for(engine.Case(r.bundle, r.tree, profile, {}), r.council, engine.ASK_WHEN_UNSURE,
                           kind, [])
    return Duty(item["duty"], item["text"], tuple(item["cite"]), tuple(item["related"]), kind == "action",
                r.tree.actions.get(engine.ASK_WHEN_UNSURE, ""), engine.ASK_WHEN_UNSURE)


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


def readers_of(r: Reader, fact: str) -> list[Duty]:
    """The items whose condition reads this question's answer."""
    return [d for d in duties(r) if d.when is not None and fact in engine.facts_in(d.when, r.profile)]


def asked_facts(r: Reader) -> list[str]:
    """The questions this council's rules can ask, in the tool's order: read by a condition of
    its rules, or the gate (`only_if`) of such a question."""
    read = {f for d in duties(r) if d.when is not None for f in engine.facts_in(d.when, r.profile)}
    out = [q.fact for q in r.tree.questions if q.fact in read]
    for q in r.tree.questions:
        if q.fact in out and q.only_if is not None:
            read |= set(engine.facts_in(q.only_if))
    return [q.fact for q in r.tree.questions if q.fact in read]


def questions(r: Reader) -> list[Question]:
    asked = asked_facts(r)
    return [q for q in r.tree.questions if q.fact in asked]


# --- conditions in words ---------------------------------------------------------------------

def _joined(labels: list[str], word: str = "or") -> str:
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + f" {word} " + labels[-1]


def _leaf_words(r: Reader, cond: Condition) -> str:
    fact = fact_of(r, cond.fact)
    asked = f"“{fact.question}”"
    if cond.op == "is":
        return f"{asked} {answer_words(r, fact.name, cond.value)}"
    if cond.op == "in":
        return f"{asked} {_joined([answer_words(r, fact.name, v) for v in cond.values])}"
    value = r.profile.values.get(cond.council_value)
    if value is None:
        return f"{asked} reaches a number the council's documents do not state"
    return f"{asked} {value.value} or more" if cond.op == "at_least" else f"{asked} below {value.value}"


def describe(r: Reader, cond: Condition | None, top: bool = True) -> str:
    """A condition in words: each question with its answer, never the fact's name."""
    if cond is None or cond.op == "always":
        return "on every path"
    op = cond.op
    if op in ("all", "any"):
        words = _joined([describe(r, p, False) for p in cond.parts], "and" if op == "all" else "or")
        return words if top else f"({words})"
    if op == "not":
        return f"not {describe(r, cond.parts[0], False)}"
    if op == "applies":
        return f"the tool says “{r.tree.actions.get(cond.key, cond.key)}”"
    return _leaf_words(r, cond)


def when_words(r: Reader, duty: Duty) -> str:
    """"When: …" for an item, in the council's own condition."""
    if duty.when is None:
        return "On every path."
    words = describe(r, duty.when)
    return f"When: {words[0].upper() + words[1:]}."


# --- every path, in words --------------------------------------------------------------------

@dataclass(frozen=True)
class PlainPath:
    tool: str
    council: str
    answers: tuple[tuple[str, str], ...]  # (question, answer in words)
    duties: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...]  # (duty, text, cite, related)
    facts: tuple = ()  # (fact, value) pairs, for replaying
    about: tuple[str, ...] = ()  # the action each duty is about, in the same order


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
                             tuple((a.fact, a.value) for a in path.answers),
                             tuple(a["about"] for a in path.outcome["actions"])))
    return out


def settled(r: Reader, facts: dict) -> list[str]:
    """The items already decided to show once these answers are given (for the flowchart)."""
    case = engine.Case(r.bundle, r.tree, r.profile, dict(facts))
    return [code for code, _, cond, strict in engine.rules(r.tree, r.profile)
            if engine.value(cond, case, strict) is True]


def duty_counts(duties_) -> str:
    """"2 must, 1 should, 1 for information" for a list of (duty, ...) tuples or Duty."""
    counts = {}
    for d in duties_:
        key = d.duty if isinstance(d, Duty) else d[0]
        counts[key] = counts.get(key, 0) + 1
    parts = [f"{counts[k]} {DUTY_WORDS[k].lower()}" for k in DUTY_WORDS if counts.get(k)]
    return ", ".join(parts) if parts else "no duties"

