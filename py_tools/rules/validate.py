"""Checks of a loaded Bundle: structure first, then every path for every council.

Each problem is one line starting with file:line. An empty list means valid.
"""
from __future__ import annotations

import re

from py_tools.engine import engine
from . import paths
from py_tools.engine.model import Bundle, Condition, Tree

PLACEHOLDER = re.compile(r"\{([a-z_0-9]+)\}")


def _conditions(cond: Condition):
    yield cond
    for part in cond.parts:
        yield from _conditions(part)


def check_condition(bundle: Bundle, tree: Tree, cond: Condition, asked, profile=None) -> list[str]:
    """A condition reads only facts the tool asks (`asked`), with answers those facts have;
    numbers and `applies` only in a council's profile, naming what that profile states."""
    errors = []
    facts = {**bundle.facts, **tree.facts}
    for part in _conditions(cond):
        if part.op == "applies":
            if profile is None:
                errors.append(f"{part.where}: `applies` names a council's action: use it in a council profile")
            elif part.key not in profile.actions:
                errors.append(f"{part.where}: `applies: {part.key}`: the council states no such action")
        if part.op not in ("is", "in", "at_least", "below"):
            continue
        fact = facts.get(part.fact)
        if fact is None or part.fact not in asked:
            errors.append(f"{part.where}: condition reads {part.fact!r}, which the tool does not ask here"
                          if fact else f"{part.where}: condition uses unknown fact {part.fact!r}")
            continue
        for value in (part.values if part.op == "in" else (part.value,) if part.op == "is" else ()):
            try:
                engine.parse_answer(fact, value)
            except engine.BadValue:
                errors.append(f"{part.where}: {value!r} is not an answer to {part.fact!r} "
                              f"(valid: {engine.valid_choices(fact)})")
        if part.op in ("at_least", "below"):
            if fact.type != "score":
                errors.append(f"{part.where}: {part.op!r} needs a score fact, not {part.fact!r}")
            if profile is None:
                errors.append(f"{part.where}: a number comes from a council profile, with its citation")
            elif part.council_value not in profile.values:
                errors.append(f"{part.where}: the council states no value {part.council_value!r}")
    return errors


def check_tree(bundle: Bundle, tree: Tree) -> list[str]:
    errors: list[str] = []
    titles = tree.actions
    facts = {**bundle.facts, **tree.facts}
    asked: list[str] = []
    for question in tree.questions:
        if question.fact not in facts:
            errors.append(f"{question.where}: the tool asks unknown fact {question.fact!r}")
        elif question.fact in asked:
            errors.append(f"{question.where}: {question.fact!r} is asked twice")
        elif not facts[question.fact].short:
            errors.append(f"{facts[question.fact].where}: fact {question.fact!r} needs a `short` name "
                          f"for \"Because\" lines")
        if question.only_if is not None:  # a question's gate reads only questions before it
            errors += check_condition(bundle, tree, question.only_if, asked)
        asked.append(question.fact)
    for code, cond in tree.gaps.items():
        errors += check_condition(bundle, tree, cond, asked)
    for code in tree.permissions:
        if code not in titles:
            errors.append(f"{tree.where}: permission {code!r} is not in the tool's actions")
    for name, fact in tree.facts.items():
        shared = bundle.facts.get(name)
        if shared and (fact.type, fact.options, fact.if_unknown) != (shared.type, shared.options, shared.if_unknown):
            errors.append(f"{fact.where}: the tool's wording of {name!r} must keep its type, options "
                          f"and \"I don't know\" answer")
    for key, codes in (("never_silent", tree.never_silent), ("scope", (tree.scope,) if tree.scope else ())):
        errors += [f"{tree.where}: {key} names unknown action {code!r}" for code in codes if code not in titles]
    unsure = [q.fact for q in tree.questions if q.fact in facts and facts[q.fact].if_unknown]
    if unsure and engine.ASK_WHEN_UNSURE not in titles:
        errors.append(f"{tree.where}: {unsure[0]!r} accepts \"I don't know\", so the tool's actions "
                      f"need {engine.ASK_WHEN_UNSURE!r}")
    return errors


def check_profiles(bundle: Bundle) -> list[str]:
    errors: list[str] = []
    for council in bundle.councils.values():
        for tool, profile in council.tools.items():
            tree = bundle.trees.get(tool)
            titles = tree.actions if tree else {}
            facts = {**bundle.facts, **(tree.facts if tree else {})}
            asked = [q.fact for q in tree.questions] if tree else []
            for code, action in profile.actions.items():
                if code not in titles:
                    errors.append(f"{action.where}: unknown action {code!r} for {tool}")
                for name in PLACEHOLDER.findall(action.text):
                    if name not in profile.values:
                        errors.append(f"{action.where}: text uses {{{name}}} but no value {name!r} is stated")
                if action.when is not None and tree:
                    errors += check_condition(bundle, tree, action.when, asked, profile)
            for code, gap in profile.not_covered.items():
                if code not in titles:
                    errors.append(f"{gap.where}: unknown action {code!r} for {tool}")
                if code in profile.actions:
                    errors.append(f"{gap.where}: {code!r} is both an action and not_covered")
                if gap.when is not None and tree:  # without one: when the tool says the topic arises
                    errors += check_condition(bundle, tree, gap.when, asked, profile)
            for fact in profile.question_cite:
                if fact not in facts:
                    errors.append(f"{profile.where}: question cite for unknown fact {fact!r}")
            errors += _cites(bundle, profile, council.code)
    return errors


def never_silent(bundle: Bundle, skip=()) -> list[str]:
    """What a tool never leaves silent (e.g. confidentiality) each council states itself: in
    its own words with its citation, or, where its documents say nothing, in a plain statement
    of that (a `not_covered` entry with its own text) rather than the default wording."""
    errors = []
    for council in bundle.councils.values():
        if council.code in skip:
            continue
        for tool, profile in council.tools.items():
            tree = bundle.trees.get(tool)
            for code in tree.never_silent if tree else ():
                gap = profile.not_covered.get(code)
                if code not in profile.actions and not (gap and gap.text):
                    errors.append(f"{profile.where}: {council.short} must state {code!r} in its own "
                                  f"words with its citation, or say in a `not_covered` text that its "
                                  f"documents do not cover it ({tool} never leaves it silent)")
    return errors


def _cites(bundle: Bundle, profile, council: str) -> list[str]:
    """Citations belong to the council (none borrows another's rule) and resolve on the site."""
    errors = []
    pairs = [(v.where, c) for v in profile.values.values() for c in v.cite]
    pairs += [(a.where, c) for a in profile.actions.values() for c in a.cite]
    pairs += [(g.where, c) for g in profile.not_covered.values() for c in g.related]
    pairs += [(profile.where, c) for cs in profile.question_cite.values() for c in cs]
    for where, cite in pairs:
        if not cite.startswith(council + ":"):
            errors.append(f"{where}: citation {cite!r} is another council's: {council} cites only its own documents")
        elif cite not in bundle.links:
            errors.append(f"{where}: citation {cite!r} has no anchor in docs/policies/")
    return errors


def check_paths(bundle: Bundle) -> list[str]:
    errors: list[str] = []
    for tool in bundle.trees:
        for council in bundle.councils:
            try:
                found = paths.enumerate_paths(bundle, tool, council)
            except engine.EngineError as exc:
                errors.append(f"{exc} (tool {tool}, council {council})")
                continue
            for path in found:
                if not path.outcome["actions"]:
                    answers = ", ".join(f"{a.fact}={a.label}" for a in path.answers)
                    errors.append(f"{bundle.trees[tool].where}: path for {council} ends with no "
                                  f"action: {answers}")
    return errors


def check_cycles(bundle: Bundle) -> list[str]:
    """`applies` never leads back to the action itself."""
    errors = []
    for council in bundle.councils.values():
        for profile in council.tools.values():
            for code, action in profile.actions.items():
                todo, seen = [action.when] if action.when else [], set()
                while todo:
                    for part in _conditions(todo.pop()):
                        if part.op != "applies" or part.key not in profile.actions or part.key in seen:
                            continue
                        if part.key == code:
                            errors.append(f"{action.where}: the condition of {code!r} refers back to itself")
                            todo = []
                            break
                        seen.add(part.key)
                        target = profile.actions[part.key].when
                        todo += [target] if target else []
    return errors


def validate(bundle: Bundle) -> list[str]:
    errors = [e for tree in bundle.trees.values() for e in check_tree(bundle, tree)]
    errors += check_profiles(bundle)
    errors += check_cycles(bundle)
    from py_tools.rules.not_reviewed import check as check_not_reviewed  # a new council's skeleton profiles
    errors += check_not_reviewed(bundle)
    if not errors:  # walking broken trees only repeats the structural errors
        errors += check_paths(bundle)
    return errors
