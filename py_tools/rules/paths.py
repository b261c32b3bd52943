"""Every path through a tree for a council: the answers asked and the outcome reached.

A score fact is enumerated by the ranges its thresholds make (for this council), so each
path stands for one range ("dash_score=14-24"), not for 25 separate numbers.
"""
from __future__ import annotations

from dataclasses import dataclass

from py_tools.engine import engine
from py_tools.engine.model import Bundle, Condition, Fact, Tree, ToolProfile


@dataclass(frozen=True)
class Answer:
    fact: str
    value: object  # what is given to the engine
    label: str  # what the golden file shows (a range for a score)


@dataclass(frozen=True)
class Path:
    tool: str
    council: str
    answers: tuple[Answer, ...]
    outcome: dict

    def facts(self) -> dict:
        return {a.fact: a.value for a in self.answers}


def conditions(tree: Tree, profile: ToolProfile):
    """Every condition that decides something for this council: the tool's question gates and
    gap conditions, the council's action and gap conditions (each part of each)."""
    def walk(cond: Condition):
        yield cond
        for part in cond.parts:
            yield from walk(part)
    tops = [q.only_if for q in tree.questions] + list(tree.gaps.values())
    tops += [a.when for a in profile.actions.values()] + [g.when for g in profile.not_covered.values()]
    for top in tops:
        if top is not None:
            yield from walk(top)


def score_ranges(tree: Tree, profile: ToolProfile, fact: Fact) -> list[tuple[int, int]]:
    cuts = {fact.min}
    for cond in conditions(tree, profile):
        if cond.fact == fact.name and cond.op in ("at_least", "below"):
            if cond.council_value and cond.council_value not in profile.values:
                continue  # validation reports it
            limit = engine.council_number(profile, cond)
            if fact.min < limit <= fact.max:
                cuts.add(limit)
    points = sorted(cuts)
    return [(low, (points[i + 1] - 1) if i + 1 < len(points) else fact.max)
            for i, low in enumerate(points)]


def domain(tree: Tree, profile: ToolProfile, fact: Fact) -> list[Answer]:
    if fact.type == "boolean":
        return [Answer(fact.name, "yes", "yes"), Answer(fact.name, "no", "no")]
    answers = []
    if fact.type == "score":
        for low, high in score_ranges(tree, profile, fact):
            answers.append(Answer(fact.name, low, str(low) if low == high else f"{low}-{high}"))
    answers += [Answer(fact.name, o.value, o.value) for o in fact.options]
    return answers


def enumerate_paths(bundle: Bundle, tool: str, council: str) -> list[Path]:
    tree = engine.tree_for(bundle, tool)
    profile = engine.profile_for(engine.council_for(bundle, council), tree)
    found: list[Path] = []

    def walk(answers: tuple[Answer, ...]):
        step = engine.decide(bundle, tool, council, {a.fact: a.value for a in answers})
        if step["type"] == "outcome":
            found.append(Path(tool, council, answers, step))
            return
        fact = engine.fact_for(bundle, tree, step["fact"])
        for answer in domain(tree, profile, fact):
            walk(answers + (answer,))

    walk(())
    return found


def all_paths(bundle: Bundle) -> list[Path]:
    return [p for tool in bundle.trees for council in bundle.councils
            for p in enumerate_paths(bundle, tool, council)]


def golden_text(paths: list[Path]) -> str:
    """A readable listing: one block per path, answers then actions. Diff it to review a rule change."""
    lines: list[str] = []
    current = None
    for path in paths:
        if (path.tool, path.council) != current:
            current = (path.tool, path.council)
            lines.append(f"## {path.tool} / {path.council}")
        answers = ", ".join(f"{a.fact}={a.label}" for a in path.answers) or "(no questions)"
        lines.append(f"- {answers}")
        for action in path.outcome["actions"]:
            cite = ", ".join(action["cite"]) or "no citation"
            about = f" ({action['about']})" if action["code"] == "not_covered" else ""
            related = f"; related reading {', '.join(action['related'])}" if action["related"] else ""
            lines.append(f"    {action['duty']:6} {action['code']}{about} [{cite}{related}]")
    return "\n".join(lines) + "\n"
