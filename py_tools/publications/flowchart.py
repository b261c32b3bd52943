"""A flowchart of one tool for one council, drawn at build time by Graphviz `dot` from every
path of the council's rules (py_tools/publications/rulebook.py), as an inline SVG.

The SVG needs no JavaScript and no library in the browser: questions are boxes, the answers
are on the edges, the duties an answer settles are notes with their counts, the outcome says
how many duties of each kind a path holds, and every node with a citation links to that
paragraph.
CPython only (runs `dot`). The build fails with a clear message when `dot` is missing.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import textwrap

from . import rulebook
from py_tools.engine.model import Bundle
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
    """The DOT statements of one tool's flowchart for one council, drawn from every path: the
    questions in the order they are asked, each answer an edge, the duties an answer settles
    in a note on that edge, and one outcome. Steps whose remaining questions and duties are the
    same are drawn once."""

    def __init__(self, bundle: Bundle, tool: str, council: str, base: str):
        self.bundle, self.base = bundle, base
        self.r = rulebook.reader(bundle, tool, council)
        self.paths = rulebook.plain_paths(bundle, tool, council)
        self.items = {d.code: d for d in rulebook.duties(self.r)}
        self.trie: dict[tuple, dict] = {}
        for path in self.paths:
            prefix: tuple = ()
            for pair, (_, words) in zip(path.facts, path.answers):
                node = self.trie.setdefault(prefix, {"fact": pair[0], "edges": {}})
                node["edges"].setdefault(words, prefix + (pair,))
                prefix = prefix + (pair,)
            self.trie.setdefault(prefix, {"fact": None, "edges": {}})
        self.settled: dict[tuple, list] = {}
        self.sigs: dict[tuple, tuple] = {}
        self.lines = list(HEADER)
        self.ids: dict[tuple, str] = {}
        self.count = 0

    def new_id(self) -> str:
        self.count += 1
        return f"n{self.count}"

    def decided(self, prefix: tuple) -> list:
        if prefix not in self.settled:
            self.settled[prefix] = rulebook.settled(self.r, dict(prefix))
        return self.settled[prefix]

    def delta(self, prefix: tuple, child: tuple) -> tuple:
        before = set(self.decided(prefix))
        return tuple(c for c in self.decided(child) if c not in before)

    def sig(self, prefix: tuple) -> tuple:
        """What follows a step: its question, and per answer the duties settled and what follows."""
        if prefix not in self.sigs:
            node = self.trie[prefix]
            if node["fact"] is None:
                self.sigs[prefix] = ("end",)
            else:
                self.sigs[prefix] = (node["fact"], tuple((label, self.delta(prefix, child), self.sig(child))
                                                         for label, child in node["edges"].items()))
        return self.sigs[prefix]

    def tip(self, cites, none: str) -> str:
        return "Policy paragraph: " + rulebook.cite_label(self.bundle, cites[0]) if cites else none

    def duties_box(self, codes) -> str:
        box = self.new_id()
        items = [self.items[c] for c in codes]
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

    def edge(self, a: str, b: str, label: str = "") -> None:
        self.lines.append(f"{a} -> {b} " + _attrs(label=_wrap(label, 30) if label else ""))

    def outcome(self) -> str:
        if ("end",) not in self.ids:
            end = self.ids[("end",)] = self.new_id()
            outcomes = [p.duties for p in self.paths]
            cites = [c for duties in outcomes[:1] for d in duties for c in d[2]]
            self.lines.append(f"{end} " + _attrs(
                label=f"Outcome: every duty on the way\n{_counts_range(outcomes)}" if outcomes else "Outcome",
                shape="oval", fillcolor=FILL["end"], color="#2e7d32", URL=_href(self.bundle, cites, self.base),
                tooltip=self.tip(cites, "Outcome")))
        return self.ids[("end",)]

    def step(self, sig: tuple) -> str:
        """A question box (drawn once per distinct step) and its answers' edges."""
        if sig == ("end",):
            return self.outcome()
        if sig in self.ids:
            return self.ids[sig]
        me = self.ids[sig] = self.new_id()
        fact = rulebook.fact_of(self.r, sig[0])
        cites = self.r.profile.question_cite.get(fact.name, ())
        self.lines.append(f"{me} " + _attrs(label=_wrap(fact.question), fillcolor=FILL["ask"],
                                            URL=_href(self.bundle, cites, self.base),
                                            tooltip=self.tip(cites, "No paragraph cited")))
        for label, delta, after in sig[1]:
            target = self.step(after)
            if delta:
                box = self.duties_box(delta)
                self.edge(me, box, label)
                self.edge(box, target)
            else:
                self.edge(me, target, label)
        return me


def dot_source(bundle: Bundle, tool: str, council: str, base: str) -> str:
    drawing = _Drawing(bundle, tool, council, base)
    start = drawing.new_id()
    drawing.lines.append(f"{start} " + _attrs(label=f"Start: {drawing.r.tree.title}", shape="oval",
                                              fillcolor="#c5cae9"))
    first = drawing.decided(())
    here = drawing.duties_box(first) if first else start
    if first:
        drawing.edge(start, here)
    drawing.edge(here, drawing.step(drawing.sig(())))
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
