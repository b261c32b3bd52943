"""The whole tree for one council as an indented outline: for `explain` and the site."""
from __future__ import annotations

from . import engine
from .model import END, Bundle, Condition


def describe(cond: Condition, bundle: Bundle, tree, profile) -> str:
    op = cond.op
    if op in ("all", "any"):
        joiner = " and " if op == "all" else " or "
        return "(" + joiner.join(describe(p, bundle, tree, profile) for p in cond.parts) + ")"
    if op == "not":
        return "not " + describe(cond.parts[0], bundle, tree, profile)
    if op == "council_states":
        return f"the council's documents state {cond.key.replace('_', ' ')}"
    fact = engine.fact_for(bundle, tree, cond.fact)
    if op == "is":
        return f"{fact.name} is {engine.answer_label(fact, cond.value).lower() if fact.type == 'boolean' else cond.value}"
    if op == "in":
        return f"{fact.name} is one of {', '.join(cond.values)}"
    if cond.council_value:
        value = profile.values.get(cond.council_value)
        number = f"{value.value} [{', '.join(value.cite)}]" if value else f"(no {cond.council_value} stated)"
    else:
        number = str(cond.number)
    return f"{fact.name} {'is at least' if op == 'at_least' else 'is below'} {number}"


def static(cond: Condition | None, profile):
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


def _actions(codes, profile, optional=False) -> list[str]:
    out = []
    for code in codes:
        action = profile.actions.get(code)
        if action:
            out.append(f"{action.duty.upper()}: {code} [{', '.join(action.cite)}]")
        elif not optional:
            out.append(f"NOT COVERED: {code}")
    return out


def outline(bundle: Bundle, tool: str, council: str) -> list[tuple[int, str]]:
    """(depth, text) lines; each node is written once, later visits refer back to it."""
    tree = engine.tree_for(bundle, tool)
    profile = engine.profile_for(engine.council_for(bundle, council), tree)
    lines: list[tuple[int, str]] = []
    done: set[str] = set()

    def node_lines(name: str, depth: int):
        node = tree.nodes[name]
        if name in done:
            lines.append((depth, f"continue at '{name}' (above)"))
            return
        done.add(name)
        if node.ask:
            fact = engine.fact_for(bundle, tree, node.ask)
            cite = profile.question_cite.get(fact.name, ())
            lines.append((depth, f"[{name}] Ask: {fact.question}" + (f" [{', '.join(cite)}]" if cite else "")))
        else:
            lines.append((depth, f"[{name}] Check"))
        for text in _actions(node.add, profile) + _actions(node.add_if_stated, profile, True):
            lines.append((depth + 1, f"add {text}"))
        for route in node.routes:
            known = static(route.when, profile)
            if known is False:
                continue  # this council's data rules the route out
            if known is True:
                head = "Then" if route.when is not None else "Otherwise"
            else:
                head = f"If {describe(route.when, bundle, tree, profile)}"
            lines.append((depth + 1, head + ":"))
            for text in _actions(route.add, profile) + _actions(route.add_if_stated, profile, True):
                lines.append((depth + 2, f"add {text}"))
            if route.goto == END:
                lines.append((depth + 2, "outcome"))
            else:
                node_lines(route.goto, depth + 2)
            if known is True:
                break  # later routes are never reached for this council

    node_lines(tree.start, 0)
    return lines
