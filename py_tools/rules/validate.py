"""Checks of a loaded Bundle: structure first, then every path for every council.

Each problem is one line starting with file:line. An empty list means valid.
"""
from __future__ import annotations

import re

from py_tools.engine import engine
from . import paths
from py_tools.engine.model import END, Bundle, Condition, Tree

PLACEHOLDER = re.compile(r"\{([a-z_0-9]+)\}")


def _conditions(cond: Condition):
    yield cond
    for part in cond.parts:
        yield from _conditions(part)


def check_tree(bundle: Bundle, tree: Tree) -> list[str]:
    errors: list[str] = []
    titles = tree.actions
    facts = {**bundle.facts, **tree.facts}
    if tree.start not in tree.nodes:
        errors.append(f"{tree.where}: start node {tree.start!r} does not exist")
    for node in tree.nodes.values():
        if node.ask and node.ask not in facts:
            errors.append(f"{node.where}: node {node.name!r} asks unknown fact {node.ask!r}")
        for code in node.add + node.add_if_stated:
            if code not in titles:
                errors.append(f"{node.where}: node {node.name!r} adds unknown action {code!r}")
        for route in node.routes:
            if route.goto != END and route.goto not in tree.nodes:
                errors.append(f"{route.where}: node {node.name!r} points to unknown node {route.goto!r}")
            for code in route.add + route.add_if_stated:
                if code not in titles:
                    errors.append(f"{route.where}: route adds unknown action {code!r} "
                                  f"(not in the tree's actions)")
            for cond in _conditions(route.when) if route.when else ():
                if cond.op in ("is", "in", "at_least", "below"):
                    fact = facts.get(cond.fact)
                    if fact is None:
                        errors.append(f"{cond.where}: condition uses unknown fact {cond.fact!r}")
                        continue
                    for value in (cond.values if cond.op == "in" else (cond.value,) if cond.op == "is" else ()):
                        try:
                            engine.parse_answer(fact, value)
                        except engine.BadValue:
                            errors.append(f"{cond.where}: {value!r} is not an answer to {cond.fact!r} "
                                          f"(valid: {engine.valid_choices(fact)})")
                    if cond.op in ("at_least", "below") and fact.type != "score":
                        errors.append(f"{cond.where}: {cond.op!r} needs a score fact, not {cond.fact!r}")
    for name, fact in tree.facts.items():
        shared = bundle.facts.get(name)
        if shared and (fact.type, fact.options, fact.if_unknown) != (shared.type, shared.options, shared.if_unknown):
            errors.append(f"{fact.where}: the tool's wording of {name!r} must keep its type, options "
                          f"and \"I don't know\" answer")
    for node in tree.nodes.values():
        fact = facts.get(node.ask)
        if fact is not None and not fact.short:
            errors.append(f"{fact.where}: fact {fact.name!r} needs a `short` name for \"Because\" lines")
    for code in tree.never_silent:
        if code not in titles:
            errors.append(f"{tree.where}: never_silent names unknown action {code!r}")
    unsure = [n.ask for n in tree.nodes.values() if n.ask in facts and facts[n.ask].if_unknown]
    if unsure and engine.ASK_WHEN_UNSURE not in titles:
        errors.append(f"{tree.where}: {unsure[0]!r} accepts \"I don't know\", so the tree's actions "
                      f"need {engine.ASK_WHEN_UNSURE!r}")
    errors += _graph(tree)
    return errors


def _graph(tree: Tree) -> list[str]:
    if tree.start not in tree.nodes:
        return []
    edges = {n.name: [r.goto for r in n.routes if r.goto in tree.nodes] for n in tree.nodes.values()}
    errors, seen, state = [], set(), {}

    def visit(name, trail):
        state[name] = "open"
        seen.add(name)
        for nxt in edges[name]:
            if state.get(nxt) == "open":
                cycle = " -> ".join(trail[trail.index(nxt):] + [nxt])
                errors.append(f"{tree.nodes[name].where}: cycle: {cycle}")
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[name] = "done"

    visit(tree.start, [tree.start])
    for name, node in tree.nodes.items():
        if name not in seen:
            errors.append(f"{node.where}: node {name!r} is unreachable from {tree.start!r}")
    return errors


def check_profiles(bundle: Bundle) -> list[str]:
    errors: list[str] = []
    for council in bundle.councils.values():
        for tool, profile in council.tools.items():
            tree = bundle.trees.get(tool)
            titles = tree.actions if tree else {}
            facts = {**bundle.facts, **(tree.facts if tree else {})}
            for code, action in profile.actions.items():
                if code not in titles:
                    errors.append(f"{action.where}: unknown action {code!r} for {tool}")
                for name in PLACEHOLDER.findall(action.text):
                    if name not in profile.values:
                        errors.append(f"{action.where}: text uses {{{name}}} but no value {name!r} is stated")
            for code, gap in profile.not_covered.items():
                if code not in titles:
                    errors.append(f"{gap.where}: unknown action {code!r} for {tool}")
                if code in profile.actions:
                    errors.append(f"{gap.where}: {code!r} is both an action and not_covered")
            for fact in profile.question_cite:
                if fact not in facts:
                    errors.append(f"{profile.where}: question cite for unknown fact {fact!r}")
            errors += _cites(bundle, profile, council.code)
    return errors


def never_silent(bundle: Bundle, skip=()) -> list[str]:
    """What a tool never leaves silent (e.g. confidentiality) each council states itself."""
    errors = []
    for council in bundle.councils.values():
        if council.code in skip:
            continue
        for tool, profile in council.tools.items():
            tree = bundle.trees.get(tool)
            for code in tree.never_silent if tree else ():
                if code not in profile.actions:
                    errors.append(f"{profile.where}: {council.short} must state {code!r} in its own "
                                  f"words with its citation ({tool} never leaves it silent)")
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


def validate(bundle: Bundle) -> list[str]:
    errors = [e for tree in bundle.trees.values() for e in check_tree(bundle, tree)]
    errors += check_profiles(bundle)
    from py_tools.rules.not_reviewed import check as check_not_reviewed  # a new council's skeleton profiles
    errors += check_not_reviewed(bundle)
    if not errors:  # walking broken trees only repeats the structural errors
        errors += check_paths(bundle)
    return errors
