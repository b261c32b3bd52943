"""The rules of one tool for one council as a plain-language outline: for `explain`, the tool
pages (the no-JavaScript fallback) and the rules pages.

Part A lists the questions in the tool's order, each with when it is asked and what its answer
decides; part B lists every duty the council's rules can give (Must / Should / May / For
information, or a gap "not covered") with its policy paragraph and, in words, the council's
own condition for it ("When: …"); part C says what "I don't know" does. No fact name or action
code appears in the text.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

from . import rulebook
from py_tools.engine import engine
from py_tools.engine.model import Bundle
from .rulebook import DUTY_WORDS


@dataclass(frozen=True)
class Line:
    depth: int
    kind: str  # part | ask | note | duty | gap | when
    text: str
    cite: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    duty: str = ""
    part: str = ""  # the letter of a `part` line


def _question_lines(r) -> list[Line]:
    out = [Line(0, "part", f"Part A: {r.tree.title}: the questions, in order", part="A")]
    asked = rulebook.questions(r)
    if not asked:
        out.append(Line(1, "note", "No questions are asked: the outcome below is the same for every case."))
    for question in asked:
        fact = rulebook.fact_of(r, question.fact)
        out.append(Line(1, "ask", fact.question, tuple(r.profile.question_cite.get(fact.name, ()))))
        options = ", ".join(label for _, label in rulebook.answer_domain(r, fact))
        out.append(Line(2, "note", f"Answers: {options}."))
        if question.only_if is not None:
            words = rulebook.describe(r, question.only_if)
            out.append(Line(2, "note", f"Asked only when {words}."))
        decides = [d.title for d in rulebook.readers_of(r, fact.name)]
        out.append(Line(2, "note", "Asked when its answer can still decide: " + "; ".join(decides) + "."
                        if decides else "Asked to know whether a later question arises."))
    return out


def _duty_lines(r) -> list[Line]:
    out = [Line(0, "part", "Part B: What the tool says, and when", part="B")]
    for d in rulebook.duties(r):
        if d.covered:
            out.append(Line(1, "duty", d.text, d.cite, (), d.duty))
        else:
            out.append(Line(1, "gap", d.text, (), d.related, "info"))
        out.append(Line(2, "when", rulebook.when_words(r, d)))
        if d.permission:
            out.append(Line(2, "note", "If an answer this reads is “I don't know”, the tool does not allow "
                                       "this: it says what to find out first."))
    return out


def _unsure_lines(r) -> list[Line]:
    unsure = [q for q in rulebook.questions(r) if rulebook.fact_of(r, q.fact).if_unknown]
    help_ = rulebook.unsure_duty(r)
    if not unsure or help_ is None:
        return []
    out = [Line(0, "part", "Part C: If an answer is “I don't know”", part="C"),
           Line(1, "note", "The outcome names the questions answered “I don't know” and takes the "
                           "protective side: a duty the answer could bring is shown; nothing the answer "
                           "would allow is.")]
    for question in unsure:
        fact = rulebook.fact_of(r, question.fact)
        protective = engine.answer_label(fact, fact.if_unknown)
        out.append(Line(1, "note", f"“{fact.question}” “I don't know” counts as {protective} for a duty."))
    if help_.covered:
        out.append(Line(1, "duty", help_.text, help_.cite, (), help_.duty))
    else:
        out.append(Line(1, "gap", help_.text, (), help_.related, "info"))
    return out


def lines(bundle: Bundle, tool: str, council: str) -> list[Line]:
    r = rulebook.reader(bundle, tool, council)
    return _question_lines(r) + _duty_lines(r) + _unsure_lines(r)


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
    if line.kind == "when":
        return f'<em class="da-ol__when">{escape(line.text)}</em>'
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
