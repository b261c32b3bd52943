"""The decision engine: pure, stdlib only, deterministic.

Given a Bundle, a tool, a council and the facts answered so far, `decide` returns the next
question or the outcome, as JSON-ready dicts. The tool gives the order of its questions;
the council's profile gives, for each action, the condition under which its own text
applies it. A question is asked when it makes sense (`only_if`) and some condition of this
council still needs its answer; the outcome is every action whose condition holds.
Conditions are read with three values (holds, does not hold, not yet known); a condition
still not known when the questions end (it reads a question that does not arise on this path)
does not hold.

There is no history: going back or changing an answer is replaying a smaller or different
set of facts. The same module runs in CPython (tests, CLI, build) and in Pyodide (browser).
"""
from __future__ import annotations

from .model import (ALWAYS, UNKNOWN, UNKNOWN_LABEL, Bundle, Condition, Council, Fact, Tree,
                    ToolProfile)

ASK_WHEN_UNSURE = "ask_when_unsure"  # every tool with an "I don't know" answer has this action
ANSWERED_UNKNOWN = "answered_unknown"  # the note naming the questions answered "I don't know"
FIND_OUT_FIRST = "find_out_first"  # a permission an "I don't know" answer holds back
UNSURE_NOTE = ("You answered \u201cI don't know\u201d to {questions}. The tool took the "
               "protective side for {them}: it shows the duties the answer could bring, and allows "
               "nothing that depends on it until you find out. Before you act, ask your line manager "
               "or safeguarding lead.")


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


# --- conditions: three values (True, False, None = not yet known) -------------------

_NOT_YET = object()


class Case:
    """One council's rules for one tool, and the answers given so far ("unknown" for
    "I don't know"), as the conditions read them."""

    def __init__(self, bundle: Bundle, tree: Tree, profile: ToolProfile, answers: dict):
        self.bundle, self.tree, self.profile, self.answers = bundle, tree, profile, answers
        self.permissions = frozenset(tree.permissions)
        self.known: dict = {}  # what each condition read on these answers (cleared on a new answer)

    def answer(self, fact: str, given) -> None:
        self.answers[fact] = given
        self.known.clear()


def council_number(profile: ToolProfile, cond: Condition) -> int:
    if not cond.council_value:
        return cond.number
    value = profile.values.get(cond.council_value)
    if value is None:
        raise RuleError(f"{cond.where}: council {profile.council!r} states no value "
                        f"{cond.council_value!r}")
    return value.value


def _answer(case: Case, name: str, strict: bool):
    """The answer a condition reads: "I don't know" is the fact's protective answer, except
    for a permission (`strict`), which needs the answer itself."""
    if name not in case.answers:
        return _NOT_YET
    given = case.answers[name]
    if given == UNKNOWN:
        return _NOT_YET if strict else fact_for(case.bundle, case.tree, name).if_unknown
    return given


def _target(cond: Condition, case: Case, strict: bool, seen: frozenset):
    """The condition of the action an `applies` names, and whether it is read strictly."""
    if cond.key in seen:
        raise RuleError(f"{cond.where}: conditions refer to each other in a circle ({cond.key!r})")
    action = case.profile.actions.get(cond.key)
    if action is None:
        raise RuleError(f"{cond.where}: {case.profile.council!r} states no action {cond.key!r}")
    return action.when or ALWAYS, strict or cond.key in case.permissions


def value(cond: Condition, case: Case, strict: bool = False, seen: frozenset = frozenset()):
    """Does the condition hold on the answers so far: True, False, or None (not yet known)."""
    key = (id(cond), strict)
    if key not in case.known:
        case.known[key] = _value(cond, case, strict, seen)
    return case.known[key]


def _value(cond: Condition, case: Case, strict: bool, seen: frozenset):
    op = cond.op
    if op == "always":
        return True
    if op in ("all", "any"):
        got = [value(p, case, strict, seen) for p in cond.parts]
        decisive = op == "any"  # one part that holds decides `any`; one that fails decides `all`
        if any(g is decisive for g in got):
            return decisive
        return None if any(g is None for g in got) else not decisive
    if op == "not":
        inner = value(cond.parts[0], case, strict, seen)
        return None if inner is None else not inner
    if op == "applies":
        target, strict_there = _target(cond, case, strict, seen)
        got = value(target, case, strict_there, seen | {cond.key})
        if got is None and strict_there and not strict:
            return _granted(target, case, seen | {cond.key})
        return got
    answer = _answer(case, cond.fact, strict)
    if answer is _NOT_YET:
        return None
    if op == "is":
        return answer == cond.value
    if op == "in":
        return answer in cond.values
    if op in ("at_least", "below"):
        if not isinstance(answer, int):
            return False
        limit = council_number(case.profile, cond)
        return answer >= limit if op == "at_least" else answer < limit
    raise RuleError(f"{cond.where}: unknown condition {op!r}")


def _granted(permission: Condition, case: Case, seen: frozenset):
    """A permission read by another condition: not granted (False) once only "I don't know"
    answers keep it open; still open (None) while a question it reads is not answered."""
    for name in facts_in(permission, case.profile):
        if name not in case.answers and needs(permission, case, True, name, seen):
            return None
    return False


def needs(cond: Condition, case: Case, strict: bool, fact: str, seen: frozenset = frozenset()) -> bool:
    """Is the condition still open, with `fact` (not yet answered) in a part still open?"""
    if value(cond, case, strict, seen) is not None:
        return False
    if cond.op in ("all", "any", "not"):
        return any(needs(p, case, strict, fact, seen) for p in cond.parts)
    if cond.op == "applies":
        target, strict_there = _target(cond, case, strict, seen)
        return needs(target, case, strict_there, fact, seen | {cond.key})
    return cond.fact == fact


def held(cond: Condition, case: Case, strict: bool = False, seen: frozenset = frozenset()) -> list[str]:
    """The facts whose answers made a condition hold (for `any`, only the parts that held)."""
    if cond.op in ("any", "all"):
        parts = [p for p in cond.parts if cond.op == "all" or value(p, case, strict, seen) is True]
        names: list[str] = []
        for part in parts:
            names += [n for n in held(part, case, strict, seen) if n not in names]
        return names
    if cond.op == "not":
        return facts_in(cond.parts[0], case.profile)
    if cond.op == "applies":
        target, strict_there = _target(cond, case, strict, seen)
        return held(target, case, strict_there, seen | {cond.key})
    return [cond.fact] if cond.fact else []


def values_used(cond: Condition | None) -> list[str]:
    """Council values a condition reads, so an action it decides cites the number too."""
    if cond is None:
        return []
    names = [cond.council_value] if cond.council_value else []
    for part in cond.parts:
        names.extend(values_used(part))
    return names


def facts_in(cond: Condition | None, profile: ToolProfile | None = None, seen: frozenset = frozenset()) -> list[str]:
    """Every fact a condition reads (through `applies` too, given the council's profile)."""
    if cond is None:
        return []
    names = [cond.fact] if cond.fact else []
    if cond.op == "applies" and profile is not None and cond.key not in seen:
        action = profile.actions.get(cond.key)
        names += facts_in(action.when if action else None, profile, seen | {cond.key})
    for part in cond.parts:
        names += [n for n in facts_in(part, profile, seen) if n not in names]
    return list(dict.fromkeys(names))


# --- the rules of one council for one tool ------------------------------------------

def rules(tree: Tree, profile: ToolProfile) -> list[tuple]:
    """(code, kind, condition, strict) for each catalogue action that can show for this
    council, in the catalogue's order. kind: `action` (the council states it), `gap` (its
    documents do not cover it: shown when the topic arises) or `not_reviewed`."""
    if tree.scope and tree.scope not in profile.actions:
        kind = "not_reviewed" if tree.scope in profile.not_reviewed else "gap"
        return [(tree.scope, kind, ALWAYS, False)]
    found = []
    for code in tree.order or tuple(tree.actions):
        if code == ASK_WHEN_UNSURE:
            continue  # shown with any "I don't know" answer
        action = profile.actions.get(code)
        if action is not None:
            found.append((code, "action", action.when or ALWAYS, code in tree.permissions))
            continue
        gap = profile.not_covered.get(code)
        cond = gap.when if gap is not None and gap.when is not None else tree.gaps.get(code)
        if cond is not None:
            found.append((code, "not_reviewed" if code in profile.not_reviewed else "gap", cond, False))
    return found


def _needed(tree: Tree, index: int, case: Case, found: list) -> bool:
    """Does some open condition of this council read the question at `index`, or the gate
    (`only_if`) of a later question that one reads?"""
    fact = tree.questions[index].fact
    if any(needs(cond, case, strict, fact) for _, _, cond, strict in found):
        return True
    for later in tree.questions[index + 1:]:
        if (later.only_if is not None and later.fact not in case.answers
                and needs(later.only_if, case, False, fact)
                and any(needs(cond, case, strict, later.fact) for _, _, cond, strict in found)):
            return True
    return False


def asks(tree: Tree, index: int, case: Case, found: list) -> bool:
    """Is the question at `index` asked, given the answers before it?"""
    question = tree.questions[index]
    if question.only_if is not None and value(question.only_if, case) is not True:
        return False
    return _needed(tree, index, case, found)


# --- outcome items -----------------------------------------------------------------

def fill_values(text: str, profile: ToolProfile) -> str:
    """`{name}` in a rule text replaced by the council's value (wherever text is shown)."""
    for name, value_ in profile.values.items():
        text = text.replace("{" + name + "}", str(value_.value))
    return text


_format = fill_values


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if text else text


def item_for(case: Case, council: Council, code: str, kind: str, because: list, extra_cite=()) -> dict:
    """One outcome item: the council's action, its gap (not covered), or "not yet reviewed"."""
    profile, title = case.profile, case.tree.actions.get(code, code)
    if kind == "not_reviewed":  # a new council's skeleton: never read as a rule
        return {"code": "not_reviewed", "about": code, "duty": "info", "cite": [], "related": [],
                "text": f"Rules not yet reviewed: {council.short}'s documents have not been checked "
                        f"for this yet ({_lower_first(title)}). Read the policy and ask a manager.",
                "because": because}
    if kind == "gap":
        gap = profile.not_covered.get(code)
        text = gap.text if gap and gap.text else \
            f"{council.short}'s documents do not cover this: {_lower_first(title)}."
        return {"code": "not_covered", "about": code, "duty": "info", "text": _format(text, profile),
                "cite": [], "related": list(gap.related) if gap else [], "because": because}
    action = profile.actions[code]
    cite = list(action.cite) + [c for c in extra_cite if c not in action.cite]
    return {"code": code, "about": code, "duty": action.duty, "text": _format(action.text, profile),
            "cite": list(dict.fromkeys(cite)), "related": [], "because": because}


def _because(names: list, answered: list) -> list:
    """The answers behind an action, as {fact, short, label}, in the order they were asked."""
    return [{"fact": a["fact"], "short": a["short"], "label": a["label"]}
            for a in answered if a["fact"] in names]


def _completion(cond: Condition, case: Case, unknown: list):
    """Answers to the "I don't know" questions under which a permission would hold, or None."""
    for number in range(2 ** len(unknown)):
        trial = {f: ("yes" if number >> i & 1 == 0 else "no") for i, f in enumerate(unknown)}
        if value(cond, Case(case.bundle, case.tree, case.profile, {**case.answers, **trial}), True):
            return trial
    return None


def _find_out_first(case: Case, council: Council, code: str, cond: Condition, answered: list):
    """A permission that an "I don't know" answer holds back: what to find out, and what the
    council's text would then allow."""
    unknown = [f for f in facts_in(cond, case.profile) if case.answers.get(f) == UNKNOWN]
    trial = _completion(cond, case, unknown) if unknown else None
    if trial is None:
        return None
    facts = [fact_for(case.bundle, case.tree, f) for f in unknown]
    asks_ = " and ".join(f"\u201c{f.question}\u201d" for f in facts)
    if len(facts) == 1:
        known = f"the answer is {answer_label(facts[0], trial[facts[0].name]).lower()}"
    else:
        known = "the answers are " + "; ".join(
            f"{f.short or f.question}: {answer_label(f, trial[f.name]).lower()}" for f in facts)
    action = case.profile.actions[code]
    text = (f"Find out first: {asks_} You answered \u201cI don't know\u201d, so the tool does not "
            f"allow this yet. Once you know {known}, {council.short}'s documents say: "
            f"{_format(action.text, case.profile)}")
    because = _because(unknown, answered)
    return {"code": FIND_OUT_FIRST, "about": code, "duty": "info", "text": text,
            "cite": list(action.cite), "related": [], "because": because, "find_out": unknown}


def _unsure(items: list, case: Case, council: Council, answered: list) -> None:
    """"I don't know" answers: say which, that the protective side was taken, and what the
    council's documents say about asking for help (or that they do not cover it)."""
    unsure = [a for a in answered if a["value"] == UNKNOWN]
    if not unsure:
        return
    because = _because([a["fact"] for a in unsure], answered)
    questions = "; ".join(f"\u201c{a['question']}\u201d" for a in unsure)
    text = UNSURE_NOTE.format(questions=questions, them="it" if len(unsure) == 1 else "each")
    note = {"code": ANSWERED_UNKNOWN, "about": ANSWERED_UNKNOWN, "duty": "info", "text": text,
            "cite": [], "related": [], "because": None}
    profile = case.profile
    kind = ("action" if ASK_WHEN_UNSURE in profile.actions else
            "not_reviewed" if ASK_WHEN_UNSURE in profile.not_reviewed else "gap")
    items[:0] = [note, item_for(case, council, ASK_WHEN_UNSURE, kind, because)]


def outcome_items(case: Case, council: Council, found: list, answered: list) -> list:
    """Every action whose condition holds, in the catalogue's order; a permission that an
    "I don't know" answer holds back becomes a "find out first" item."""
    items = []
    for code, kind, cond, strict in found:
        got = value(cond, case, strict)
        if got is True:
            extra = [c for v in values_used(cond) if v in case.profile.values
                     for c in case.profile.values[v].cite] if kind == "action" else []
            items.append(item_for(case, council, code, kind,
                                  _because(held(cond, case, strict), answered), extra))
        elif got is None and kind == "action" and strict:
            held_back = _find_out_first(case, council, code, cond, answered)
            if held_back:
                items.append(held_back)
    _unsure(items, case, council, answered)
    return items


# --- the walk ----------------------------------------------------------------------

def _links(bundle: Bundle, cites) -> dict:
    out = {}
    for cite in cites:
        link = bundle.links.get(cite)
        out[cite] = {"href": link.href, "label": link.label} if link else {"href": "", "label": cite}
    return out


def decide(bundle: Bundle, tool: str, council: str, facts: dict) -> dict:
    """The next question, or the outcome, for these facts. Extra facts are ignored."""
    tree = tree_for(bundle, tool)
    where = council_for(bundle, council)
    profile = profile_for(where, tree)
    if not isinstance(facts, dict):
        raise BadValue("facts must be an object of fact names to answers")
    answers: dict = {}  # fact -> answer as given ("unknown" for "I don't know")
    answered: list = []
    case = Case(bundle, tree, profile, answers)
    found = rules(tree, profile)
    for index, question in enumerate(tree.questions):
        if not asks(tree, index, case, found):
            continue
        fact = fact_for(bundle, tree, question.fact)
        if fact.name not in facts:
            return _question(bundle, tree, where, profile, fact, answered)
        case.answer(fact.name, parse_answer(fact, facts[fact.name]))
        answered.append(_answered(fact, answers[fact.name]))
    return _outcome(bundle, tree, where, outcome_items(case, where, found, answered), answered)


def question_index(tree: Tree, fact: str) -> int:
    """Where a question stands in the tool's order (for asking several councils at once)."""
    return next((i for i, q in enumerate(tree.questions) if q.fact == fact), len(tree.questions))


def _answered(fact: Fact, value_) -> dict:
    label = answer_label(fact, value_)  # "I don't know": the note at the top says what it does
    return {"fact": fact.name, "question": fact.question, "value": value_, "label": label,
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
    hint = " ".join(h for h in (fact.hint, profile.question_hint.get(fact.name, "")) if h)
    step = _base(tree, council, answered)
    step.update({"type": "question", "fact": fact.name, "input": fact.type,
                 "question": fact.question, "hint": hint, "options": options,
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
