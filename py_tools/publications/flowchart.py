"""A flowchart of one tool for one council, drawn at build time by Graphviz `dot` from the
same rule reading as the outline (py_tools/publications/rulebook.py), as an inline SVG.

The SVG needs no JavaScript and no library in the browser: questions are boxes, the answers
are on the edges, the duties a branch adds are notes with their counts, each outcome says how
many duties of each kind it holds, and every node with a citation links to that paragraph.
CPython only (runs `dot`). The build fails with a clear message when `dot` is missing.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import textwrap

from . import outline, rulebook
from py_tools.engine.model import END, Bundle
from .rulebook import DUTY_WORDS

DOT = "dot"
INSTALL_HINT = ("Graphviz `dot` is not installed: run `make graphviz` "
                "(as root it runs `apt-get install -y graphviz`)")
FILL = {"ask": "#e8eaf6", "check": "#fff8e1", "duties": "#ffffff", "end": "#e8f5e9"}


class FlowchartError(RuntimeError):
    pass


def _q(text: str) -> str:
    """A DOT double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _wrap(text: str, width: int = 34) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _short(text: str, limit: int = 70) -> str:
    first = re.split(r"(?<=[.;:])\s", text, maxsplit=1)[0].rstrip(".;:")
    return first if len(first) <= limit else first[:limit - 1].rsplit(" ", 1)[0] + "…"


def _href(bundle: Bundle, cites, base: str) -> str:
    for cite in cites:
        link = bundle.links.get(cite)
        if link:
            return base + link.href
    return ""


def _attrs(**kw) -> str:
    return "[" + ", ".join(f"{k}={_q(str(v))}" for k, v in kw.items() if v != "") + "]"


def _counts_range(outcomes: list) -> str:
    """Duty counts of the outcomes ending at one place: "3 must, 1–2 should"."""
    per = []
    for duties in outcomes:
        counts = {}
        for d in duties:
            counts[d[0]] = counts.get(d[0], 0) + 1
        per.append(counts)
    parts = []
    for key, word in DUTY_WORDS.items():
        values = [c.get(key, 0) for c in per]
        low, high = min(values), max(values)
        if high == 0:
            continue
        parts.append(f"{low} {word.lower()}" if low == high else f"{low}–{high} {word.lower()}")
    return ", ".join(parts) if parts else "no duties"


HEADER = ["digraph rules {", 'graph [rankdir=TB, nodesep=0.3, ranksep=0.35, fontname="Helvetica", '
          'bgcolor="white", pad=0.2];',
          'node [fontname="Helvetica", fontsize=11, shape=box, style="rounded,filled", color="#3f51b5", '
          'fontcolor="#000000", margin="0.15,0.08"];',
          'edge [fontname="Helvetica", fontsize=10, color="#37474f", fontcolor="#000000"];']


class _Drawing:
    """The DOT statements of one tool's flowchart for one council, built step by step."""

    def __init__(self, bundle: Bundle, tool: str, council: str, base: str):
        self.bundle, self.base = bundle, base
        self.r = rulebook.reader(bundle, tool, council)
        self.ends: dict[tuple[str, int], list] = {}
        for path in rulebook.plain_paths(bundle, tool, council):
            walk = rulebook.trace(self.r, dict(path.facts))
            self.ends.setdefault(walk[-1], []).append(path.duties)
        self.lines = list(HEADER)
        self.ids: dict[str, str] = {}
        self.count = 0

    def new_id(self) -> str:
        self.count += 1
        return f"n{self.count}"

    def tip(self, cites, none: str) -> str:
        return "Policy paragraph: " + rulebook.cite_label(self.bundle, cites[0]) if cites else none

    def duties_box(self, items, box: str = "") -> str:
        box = box or self.new_id()
        text = [f"Adds {rulebook.duty_counts(items)}:"]
        for d in items:
            if d.covered:
                text.append(_wrap(f"{DUTY_WORDS[d.duty]}: {_short(d.text)}", 40))
            else:  # the tool's neutral title names the topic of a gap
                text.append(_wrap(f"Not covered: {_short(d.title or d.text)}", 40))
        cites = [c for d in items for c in (d.cite or d.related)]
        self.lines.append(f"{box} " + _attrs(label="\n".join(text), shape="note", style="filled",
                                             fillcolor=FILL["duties"], color="#5c6bc0",
                                             URL=_href(self.bundle, cites, self.base),
                                             tooltip=self.tip(cites, "Policy paragraph: none")))
        return box

    def one_way_on(self, node) -> list:
        """The single route of a routing-only step that always goes on to another step, if so."""
        routes = rulebook.live_routes(self.r, node)
        if (not node.ask and not rulebook.duties(self.r, node) and len(routes) == 1
                and rulebook.static(routes[0].when, self.r.profile) is True and routes[0].goto != END):
            return routes
        return []

    def passes(self, name: str) -> str:
        """A routing-only step with one way on and no duties is drawn as its target."""
        only = self.one_way_on(self.r.tree.nodes[name])
        return only[0].goto if only and not rulebook.duties(self.r, only[0]) else ""

    def node_id(self, name: str) -> str:
        seen = set()
        while self.passes(name) and name not in seen:
            seen.add(name)
            name = self.passes(name)
        if name not in self.ids:
            self.ids[name] = self.new_id()
        return self.ids[name]

    def edge(self, a: str, b: str, label: str = "") -> None:
        self.lines.append(f"{a} -> {b} " + _attrs(label=_wrap(label, 30) if label else ""))

    def step(self, name: str) -> None:
        """One step of the tree: its question (or check), the duties it adds, its branches."""
        node = self.r.tree.nodes[name]
        me = self.node_id(name)
        only = self.one_way_on(node)
        if only:  # a routing-only step with one way on: drawn as the duties that way adds
            self.duties_box(rulebook.duties(self.r, only[0], rulebook.route_cites(self.r, only[0])), me)
            self.edge(me, self.node_id(only[0].goto))
            return
        if node.ask:
            fact = rulebook.fact_of(self.r, node.ask)
            cites = self.r.profile.question_cite.get(fact.name, ())
            label, fill = _wrap(fact.question), FILL["ask"]
            href, tip = _href(self.bundle, cites, self.base), self.tip(cites, "No paragraph cited")
        else:
            label, fill, href, tip = "Check the answers so far", FILL["check"], "", "A check of earlier answers"
        added = rulebook.duties(self.r, node)
        box = self.duties_box(added, me) if added else ""  # duties added on reaching this step come first
        me = self.new_id() if added else me
        self.lines.append(f"{me} " + _attrs(label=label, fillcolor=fill, URL=href, tooltip=tip))
        if box:
            self.edge(box, me)
        for option in rulebook.branches(self.r, node):
            self.branch(name, node, me, option)

    def branch(self, name: str, node, me: str, option) -> None:
        """One answer's edge out of a step: through the duties it adds, to the next step or an outcome."""
        route = option.route
        label = option.label if option.answers or option.label not in ("Always",) else ""
        label = label[3:] if label.startswith("If ") else label
        if label.startswith("the answer is "):  # an answer to the question in this box
            label = label[len("the answer is "):]
        items = rulebook.duties(self.r, route, rulebook.route_cites(self.r, route))
        here = me
        if items:
            box = self.duties_box(items)
            self.edge(here, box, label)
            here, label = box, ""
        if route.goto != END:
            self.edge(here, self.node_id(route.goto), label)
            return
        outcomes = self.ends.get((name, node.routes.index(route)), [])
        cites = [c for duties in outcomes[:1] for d in duties for c in d[2]]
        end = self.new_id()
        self.lines.append(f"{end} " + _attrs(
            label=f"Outcome\n{_counts_range(outcomes)}" if outcomes else "Outcome",
            shape="oval", fillcolor=FILL["end"], color="#2e7d32", URL=_href(self.bundle, cites, self.base),
            tooltip=self.tip(cites, "Outcome")))
        self.edge(here, end, label)


def dot_source(bundle: Bundle, tool: str, council: str, base: str) -> str:
    drawing = _Drawing(bundle, tool, council, base)
    start = drawing.new_id()
    drawing.lines.append(f"{start} " + _attrs(label=f"Start: {drawing.r.tree.title}", shape="oval",
                                              fillcolor="#c5cae9"))
    drawing.edge(start, drawing.node_id(drawing.r.tree.start))
    order, _ = outline._graph(drawing.r)
    for name in order:
        if not drawing.passes(name):
            drawing.step(name)
    drawing.lines.append("}")
    return "\n".join(drawing.lines) + "\n"


def run_dot(source: str) -> str:
    exe = shutil.which(DOT)
    if exe is None:
        raise FlowchartError(INSTALL_HINT)
    result = subprocess.run([exe, "-Tsvg"], input=source, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise FlowchartError(f"dot failed: {result.stderr.strip()[:500]}")
    return result.stdout


def clean_svg(svg: str, label_id: str) -> str:
    """Inline-ready SVG: no XML prologue or comments, no id-like <title>s, named for AT."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r"<title>.*?</title>", "", svg, flags=re.S)
    svg = re.sub(r'\s(id|class)="(graph|node|edge|clust)\d*"', "", svg)
    svg = re.sub(r"\n\s*\n", "\n", svg)
    return svg.replace("<svg ", f'<svg role="group" aria-labelledby="{label_id}" class="da-flowchart__svg" ', 1)


def flowchart_svg(bundle: Bundle, tool: str, council: str, base: str, label_id: str) -> str:
    return clean_svg(run_dot(dot_source(bundle, tool, council, base)), label_id)
