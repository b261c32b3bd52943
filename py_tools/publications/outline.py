"""The whole tree for one council as a plain-language outline: for `explain`, the tool
pages (the no-JavaScript fallback) and the rules pages.

Each question in its own words, each branch as "If yes → …", each duty as Must / Should /
May / For information with its policy paragraph, gaps in words. A step reached from more
than one place is written once, as its own lettered part, and referred to by name.
No fact name or action code appears in the text.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

from . import rulebook
from py_tools.engine.model import END, Bundle
from .rulebook import DUTY_WORDS


@dataclass(frozen=True)
class Line:
    depth: int
    kind: str  # part | ask | check | note | duty | gap | branch | goto | end
    text: str
    cite: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    duty: str = ""
    part: str = ""  # the letter of the part a `part` or `goto` line names


def _graph(r) -> tuple[list[str], dict[str, int]]:
    """Nodes reachable for this council (in walk order) and how many routes lead to each."""
    order, incoming = [], {}
    stack = [r.tree.start]
    while stack:
        name = stack.pop(0)
        if name in order or name == END:
            continue
        order.append(name)
        for route in rulebook.live_routes(r, r.tree.nodes[name]):
            if route.goto != END:
                incoming[route.goto] = incoming.get(route.goto, 0) + 1
                stack.append(route.goto)
    return order, incoming


def lines(bundle: Bundle, tool: str, council: str) -> list[Line]:
    r = rulebook.reader(bundle, tool, council)
    order, incoming = _graph(r)
    shared = [n for n in order if incoming.get(n, 0) > 1 and n != r.tree.start]
    letters = {name: chr(ord("B") + i) for i, name in enumerate(shared)}
    out: list[Line] = []

    def duty_lines(items, depth):
        for d in items:
            if d.covered:
                out.append(Line(depth, "duty", d.text, d.cite, (), d.duty))
            else:
                out.append(Line(depth, "gap", d.text, (), d.related, "info"))

    def follow(goto: str, depth: int):
        if goto == END:
            out.append(Line(depth, "end", "End of the questions: the outcome is every duty above on this path."))
        elif goto in letters:
            out.append(Line(depth, "goto", f"Then go to part {letters[goto]}, "
                                           f"“{rulebook.step_name(r, r.tree.nodes[goto])}”, below.",
                            part=letters[goto]))
        else:
            node_lines(goto, depth)

    def node_lines(name: str, depth: int):
        node = r.tree.nodes[name]
        added = rulebook.duties(r, node)
        if node.ask:
            fact = rulebook.fact_of(r, node.ask)
            out.append(Line(depth, "ask", fact.question, tuple(r.profile.question_cite.get(fact.name, ()))))
            if added:
                out.append(Line(depth + 1, "note", "Whatever the answer:"))
                duty_lines(added, depth + 2)
        else:
            duty_lines(added, depth)
        options = rulebook.branches(r, node)
        if len(options) == 1 and not options[0].answers:
            route = options[0].route
            duty_lines(rulebook.duties(r, route, rulebook.route_cites(r, route)), depth)
            follow(route.goto, depth)
            return
        if not node.ask:
            out.append(Line(depth, "check", "Then, depending on the answers so far:"))
        for option in options:
            if option.answers:
                text = f"If {option.label[0].lower() + option.label[1:]} →"
            else:
                text = option.label + " →"
            out.append(Line(depth + 1, "branch", text))
            route = option.route
            duty_lines(rulebook.duties(r, route, rulebook.route_cites(r, route)), depth + 2)
            follow(route.goto, depth + 2)

    out.append(Line(0, "part", f"Part A: {r.tree.title}", part="A"))
    node_lines(r.tree.start, 1)
    for name in shared:
        out.append(Line(0, "part", f"Part {letters[name]}: {rulebook.step_name(r, r.tree.nodes[name])}",
                        part=letters[name]))
        node_lines(name, 1)
    return out


def _cites_text(bundle: Bundle, cites) -> str:
    return ", ".join(rulebook.cite_label(bundle, c) for c in cites)


def line_text(bundle: Bundle, line: Line) -> str:
    if line.kind == "ask":
        return f"Ask: {line.text}" + (f" [{_cites_text(bundle, line.cite)}]" if line.cite else "")
    if line.kind == "duty":
        return f"{DUTY_WORDS[line.duty]}: {line.text}" + (f" [{_cites_text(bundle, line.cite)}]" if line.cite else "")
    if line.kind == "gap":
        related = f" [related reading, not the duty: {_cites_text(bundle, line.related)}]" if line.related else ""
        return f"Not covered: {line.text}{related}"
    return line.text


def outline(bundle: Bundle, tool: str, council: str) -> list[tuple[int, str]]:
    """(depth, text) lines in plain words, for the command line."""
    return [(line.depth, line_text(bundle, line)) for line in lines(bundle, tool, council)]


# --- HTML ------------------------------------------------------------------------------------

def _links(bundle: Bundle, cites, base: str) -> str:
    out = []
    for cite in cites:
        link = bundle.links.get(cite)
        if link is None:
            out.append(escape(cite))
        else:
            out.append(f'<a href="{escape(base + link.href)}" data-cite="{escape(cite)}">{escape(link.label)}</a>')
    return ", ".join(out)


def _item_html(bundle: Bundle, line: Line, base: str, uid: str) -> str:
    if line.kind == "ask":
        cite = f' <span class="da-ol__cite">(policy: {_links(bundle, line.cite, base)})</span>' if line.cite else ""
        return f'<span class="da-ol__ask"><strong>Ask:</strong> {escape(line.text)}</span>{cite}'
    if line.kind == "duty":
        cite = f' <span class="da-ol__cite">({_links(bundle, line.cite, base)})</span>' if line.cite else ""
        return (f'<span class="da-ol__duty da-ol__duty--{line.duty}"><strong>{DUTY_WORDS[line.duty]}:</strong> '
                f'{escape(line.text)}</span>{cite}')
    if line.kind == "gap":
        related = (f' <span class="da-ol__cite">(related reading, not the duty: '
                   f'{_links(bundle, line.related, base)})</span>' if line.related else "")
        return f'<span class="da-ol__gap"><strong>Not covered:</strong> {escape(line.text)}</span>{related}'
    if line.kind == "goto":
        return f'<a href="#{uid}-part-{line.part.lower()}" class="da-ol__goto">{escape(line.text)}</a>'
    if line.kind == "branch":
        return f'<strong class="da-ol__branch">{escape(line.text)}</strong>'
    if line.kind == "end":
        return f'<em class="da-ol__end">{escape(line.text)}</em>'
    return escape(line.text)


def outline_html(bundle: Bundle, tool: str, council: str, base: str, heading: int = 3) -> str:
    """Every part as a heading and a nested list; readable without JavaScript and printable."""
    uid = f"da-ol-{tool}-{council}"
    parts: list[tuple[Line, list[Line]]] = []
    for line in lines(bundle, tool, council):
        if line.kind == "part":
            parts.append((line, []))
        else:
            parts[-1][1].append(line)
    out = [f'<div class="da-ol" data-outline="{escape(tool)}-{escape(council)}">']
    for head, body in parts:
        out.append(f'<h{heading} id="{uid}-part-{head.part.lower()}" class="da-ol__part">'
                   f'{escape(head.text)}</h{heading}>')
        depth = 0
        out.append("<ul>")
        first = True
        for line in body:
            level = line.depth - 1
            while depth < level:
                out.append("<ul>")
                depth += 1
            while depth > level:
                out.append("</li></ul>")
                depth -= 1
            if not first and out[-1] != "<ul>":
                out.append("</li>")
            first = False
            out.append(f"<li>{_item_html(bundle, line, base, uid)}")
        while depth > 0:
            out.append("</li></ul>")
            depth -= 1
        out.append("</li></ul>" if body else "</ul>")
    out.append("</div>")
    return "".join(out)
