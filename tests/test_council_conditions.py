"""Each council's conditions decide its actions, on every path.

The tool files order the questions; each council's profile says, for each of its actions, the
condition under which its own text applies it. This test reads the YAML files directly and
evaluates those conditions with its own small reader (not the engine's), on every path of
every tool for every council, "I don't know" answers included, and checks that an action is in
the outcome exactly when its council's condition admits the answers:

- a duty (or note) when its condition holds, "I don't know" read as the fact's protective answer;
- a permission (sharing without consent) only when its condition holds whatever the unknown
  answers are; otherwise, if some answer would grant it, a "find out first" item about it;
- a gap ("<council>'s documents do not cover this") when the council states no such action and
  its own gap condition, or the tool's "this topic arises" condition, holds.
"""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml

from py_tools.engine import engine
from py_tools.rules import paths

TREES = Path(__file__).resolve().parent.parent / "decision_trees"
FILES = {"referral-routes": "referral_routes.yaml", "consent-override": "consent_override.yaml",
         "accommodation-options": "accommodation_options.yaml", "contractor-duties": "contractor_duties.yaml"}
PAIRS = [(t, c) for t in FILES for c in ("rbkc", "tmbc", "dover", "camden")]


def read(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def token(value) -> str:
    return {True: "yes", False: "no"}.get(value, str(value)) if isinstance(value, bool) else str(value)


class Reader:
    """A council's conditions for one tool, read straight from the YAML."""

    def __init__(self, tool: str, council: str, protective: dict):
        self.tool_file = read(TREES / FILES[tool])
        self.profile = read(TREES / "councils" / council / FILES[tool])
        self.protective = protective  # fact -> the answer "I don't know" counts as, for a duty
        catalogue = self.tool_file["actions"]
        self.permissions = {c for c, v in catalogue.items() if isinstance(v, dict) and v.get("permission")}

    def value(self, cond, answers: dict, strict: bool):
        """True, False or None (the answer is not known)."""
        if cond is None or cond == "always":
            return True
        if "all" in cond or "any" in cond:
            got = [self.value(p, answers, strict) for p in cond.get("all", cond.get("any"))]
            decisive = "any" in cond
            if decisive in got:
                return decisive
            return None if None in got else not decisive
        if "not" in cond:
            inner = self.value(cond["not"], answers, strict)
            return None if inner is None else not inner
        if "applies" in cond:
            return self.applies(cond["applies"], answers, strict)
        answer = answers.get(cond["fact"])
        if answer == "unknown":
            answer = None if strict else self.protective[cond["fact"]]
        if answer is None:
            return None
        if "is" in cond:
            return answer == token(cond["is"])
        if "in" in cond:
            return answer in [token(v) for v in cond["in"]]
        number = self.profile["values"][next(iter(cond.get("at_least", cond.get("below", {})).values()))]["value"]
        if not isinstance(answer, int):
            return False
        return answer >= number if "at_least" in cond else answer < number

    def applies(self, code: str, answers: dict, strict: bool):
        when = self.profile["actions"][code].get("when")
        if code not in self.permissions or strict:
            return self.value(when, answers, strict or code in self.permissions)
        got = self.value(when, answers, True)  # a permission read by another condition: granted?
        if got is not None:
            return got
        unknown = [f for f, v in answers.items() if v == "unknown"]
        settled = all(self.value(when, {**answers, **dict(zip(unknown, combo))}, True) is not None
                      for combo in itertools.product(("yes", "no"), repeat=len(unknown)))
        return False if unknown and settled else None

    def could_hold(self, when, answers: dict) -> bool:
        unknown = [f for f, v in answers.items() if v == "unknown"]
        return any(self.value(when, {**answers, **dict(zip(unknown, combo))}, True)
                   for combo in itertools.product(("yes", "no"), repeat=len(unknown)))


def expected(r: Reader, answers: dict) -> set:
    """(code, about) of every item the council's conditions admit on these answers."""
    scope = r.tool_file.get("scope")
    actions, gaps = r.profile.get("actions", {}), r.profile.get("not_covered", {})
    if scope and scope not in actions:
        return {("not_covered", scope)}
    out = set()
    for code, entry in r.tool_file["actions"].items():
        if code == "ask_when_unsure":
            continue
        if code in actions:
            strict = code in r.permissions
            got = r.value(actions[code].get("when"), answers, strict)
            if got:
                out.add((code, code))
            elif strict and got is None and r.could_hold(actions[code].get("when"), answers):
                out.add(("find_out_first", code))
            continue
        arises = (gaps.get(code) or {}).get("when") or (entry.get("arises") if isinstance(entry, dict) else None)
        if arises is not None and r.value(arises, answers, False):
            out.add(("not_covered", code))
    return out


def walks(bundle, tool: str, council: str):
    """Every complete set of answers, "I don't know" included where a question accepts it."""
    tree = bundle.trees[tool]
    profile = bundle.councils[council].tools[tool]

    def walk(facts: dict):
        step = engine.decide(bundle, tool, council, facts)
        if step["type"] == "outcome":
            yield facts, step
            return
        fact = engine.fact_for(bundle, tree, step["fact"])
        options = [a.value for a in paths.domain(tree, profile, fact)]
        for value in options + (["unknown"] if fact.if_unknown else []):
            yield from walk({**facts, fact.name: value})

    yield from walk({})


@pytest.mark.parametrize("tool, council", PAIRS)
def test_each_action_is_in_the_outcome_exactly_when_its_councils_condition_holds(bundle, tool, council):
    protective = {n: f.if_unknown for n, f in {**bundle.facts, **bundle.trees[tool].facts}.items()}
    r = Reader(tool, council, protective)
    checked = 0
    for facts, step in walks(bundle, tool, council):
        answers = {a["fact"]: a["value"] for a in step["answers"]}
        # the note on "I don't know" and the council's words on asking for help come with any
        # unknown answer (tested in test_engine_properties); everything else is a condition's
        got = {(a["code"], a["about"]) for a in step["actions"]
               if a["about"] not in ("answered_unknown", "ask_when_unsure")}
        want = expected(r, answers)
        assert got == want, (f"{tool}/{council} {answers}: outcome has {sorted(got - want)} that its "
                             f"conditions do not admit, and lacks {sorted(want - got)}")
        checked += 1
    assert checked >= 1
