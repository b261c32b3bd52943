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


def dot_source(bundle: Bundle, tool: str, council: str, base: str) -> str:
    r = rulebook.reader(bundle, tool, council)
    order, _ = outline._graph(r)
    ends: dict[tuple[str, int], list] = {}
    for path in rulebook.plain_paths(bundle, tool, council):
        walk = rulebook.trace(r, dict(path.facts))
        ends.setdefault(walk[-1], []).append(path.duties)
    lines = ["digraph rules {", 'graph [rankdir=TB, nodesep=0.3, ranksep=0.35, fontname="Helvetica", '
             'bgcolor="white", pad=0.2];',
             'node [fontname="Helvetica", fontsize=11, shape=box, style="rounded,filled", color="#3f51b5", '
             'fontcolor="#000000", margin="0.15,0.08"];',
             'edge [fontname="Helvetica", fontsize=10, color="#37474f", fontcolor="#000000"];']
    ids: dict[str, str] = {}
    count = [0]

    def new_id() -> str:
        count[0] += 1
        return f"n{count[0]}"

    def duties_box(items, box: str = "") -> str:
        box = box or new_id()
        text = [f"Adds {rulebook.duty_counts(items)}:"]
        for d in items:
            if d.covered:
                text.append(_wrap(f"{DUTY_WORDS[d.duty]}: {_short(d.text)}", 40))
            else:  # the tool's neutral title names the topic of a gap
                text.append(_wrap(f"Not covered: {_short(d.title or d.text)}", 40))
        cites = [c for d in items for c in (d.cite or d.related)]
        href = _href(bundle, cites, base)
        lines.append(f"{box} " + _attrs(label="\n".join(text), shape="note", style="filled",
                                        fillcolor=FILL["duties"], color="#5c6bc0", URL=href,
                                        tooltip="Policy paragraph: " + (rulebook.cite_label(bundle, cites[0])
                                                                        if cites else "none")))
        return box

    def passes(name: str) -> str:
        """A routing-only step with one way on and no duties is drawn as its target."""
        node = r.tree.nodes[name]
        routes = rulebook.live_routes(r, node)
        if (not node.ask and not rulebook.duties(r, node) and len(routes) == 1
                and rulebook.static(routes[0].when, r.profile) is True and routes[0].goto != END
                and not rulebook.duties(r, routes[0])):
            return routes[0].goto
        return ""

    def node_id(name: str) -> str:
        seen = set()
        while passes(name) and name not in seen:
            seen.add(name)
            name = passes(name)
        if name not in ids:
            ids[name] = new_id()
        return ids[name]

    def edge(a: str, b: str, label: str = "") -> None:
        lines.append(f"{a} -> {b} " + _attrs(label=_wrap(label, 30) if label else ""))

    start = new_id()
    lines.append(f"{start} " + _attrs(label=f"Start: {r.tree.title}", shape="oval", fillcolor="#c5cae9"))
    edge(start, node_id(r.tree.start))
    for name in order:
        if passes(name):
            continue
        node = r.tree.nodes[name]
        me = node_id(name)
        added = rulebook.duties(r, node)
        only = rulebook.live_routes(r, node)
        if (not node.ask and not added and len(only) == 1
                and rulebook.static(only[0].when, r.profile) is True and only[0].goto != END):
            # a routing-only step with one way on: drawn as the duties that way adds
            duties_box(rulebook.duties(r, only[0], rulebook.route_cites(r, only[0])), me)
            edge(me, node_id(only[0].goto))
            continue
        if node.ask:
            fact = rulebook.fact_of(r, node.ask)
            cites = r.profile.question_cite.get(fact.name, ())
            label, fill, href = _wrap(fact.question), FILL["ask"], _href(bundle, cites, base)
            tip = "Policy paragraph: " + rulebook.cite_label(bundle, cites[0]) if cites else "No paragraph cited"
        else:
            label, fill, href, tip = "Check the answers so far", FILL["check"], "", "A check of earlier answers"
        if added:  # duties added on reaching this step come first
            box = duties_box(added, me)
            me_after = new_id()
            lines.append(f"{me_after} " + _attrs(label=label, fillcolor=fill, URL=href, tooltip=tip))
            edge(box, me_after)
            me = me_after
        else:
            lines.append(f"{me} " + _attrs(label=label, fillcolor=fill, URL=href, tooltip=tip))
        for option in rulebook.branches(r, node):
            route = option.route
            index = node.routes.index(route)
            label = option.label if option.answers or option.label not in ("Always",) else ""
            label = label[3:] if label.startswith("If ") else label
            if label.startswith("the answer is "):  # an answer to the question in this box
                label = label[len("the answer is "):]
            items = rulebook.duties(r, route, rulebook.route_cites(r, route))
            here = me
            if items:
                box = duties_box(items)
                edge(here, box, label)
                here, label = box, ""
            if route.goto == END:
                outcomes = ends.get((name, index), [])
                cites = [c for duties in outcomes[:1] for d in duties for c in d[2]]
                end = new_id()
                lines.append(f"{end} " + _attrs(
                    label=f"Outcome\n{_counts_range(outcomes)}" if outcomes else "Outcome",
                    shape="oval", fillcolor=FILL["end"], color="#2e7d32", URL=_href(bundle, cites, base),
                    tooltip=("Policy paragraph: " + rulebook.cite_label(bundle, cites[0])) if cites
                    else "Outcome"))
                edge(here, end, label)
            else:
                edge(here, node_id(route.goto), label)
    lines.append("}")
    return "\n".join(lines) + "\n"


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
