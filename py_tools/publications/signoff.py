"""The sign-off sheet of one council: every path of every tool in plain words (the answers,
then the outcome's duties with their paragraphs), grouped by tool, with the rules version,
the policy documents and their dates, and space to sign. Built from the rule data (CPython).
"""
from __future__ import annotations

import re
from html import escape

from . import rulebook
from py_tools.engine.model import Bundle
from .rulebook import DUTY_WORDS


def _links(bundle: Bundle, cites, base: str) -> str:
    out = []
    for cite in cites:
        link = bundle.links.get(cite)
        out.append(f'<a href="{escape(base + link.href)}" data-cite="{escape(cite)}">{escape(link.label)}</a>'
                   if link else escape(cite))
    return ", ".join(out)


def documents_html(bundle: Bundle, council: str, base: str) -> str:
    items = []
    for doc in bundle.councils[council].documents:
        dates = "; ".join(x for x in (f"approved {doc.approved}" if doc.approved else "",
                                      f"review due {doc.review_due}" if doc.review_due else "",
                                      f"version {doc.version}" if doc.version else "") if x)
        href = base + doc.page[:-3] + "/"
        items.append(f'<li><a href="{escape(href)}">{escape(doc.title)}</a>'
                     + (f" ({escape(dates)})" if dates else "") + "</li>")
    return "<ul>" + "".join(items) + "</ul>"


def sign_box(what: str) -> str:
    return (f'<div class="da-sign" data-sign><p class="da-sign__what">{escape(what)}</p>'
            f'<p class="da-sign__row"><span>Checked by:</span><span class="da-sign__line"></span>'
            f'<span>Date:</span><span class="da-sign__line da-sign__line--short"></span></p></div>')


def _short(text: str, limit: int = 60) -> str:
    first = re.split(r"(?<=[.;:])\s", text, maxsplit=1)[0].rstrip(".;:")
    return first if len(first) <= limit else first[:limit - 1].rsplit(" ", 1)[0] + "…"


def _words(duty) -> str:
    kind, _, cite, related = duty
    return DUTY_WORDS[kind] if cite or not related else "Not covered"


def _refs(bundle: Bundle, duty, base: str) -> str:
    _, _, cite, related = duty
    if cite:
        return f' <span class="da-so__cite">({_links(bundle, cite, base)})</span>'
    if related:
        return f' <span class="da-so__cite">(related reading, not the duty: {_links(bundle, related, base)})</span>'
    return ""


def _plain_refs(bundle: Bundle, duty) -> str:
    """Paragraph references as text (the numbered duty above links to each paragraph)."""
    _, _, cite, related = duty
    labels = ", ".join(rulebook.cite_label(bundle, c) for c in (cite or related))
    if not labels:
        return ""
    return f" ({labels})" if cite else f" (related reading, not the duty: {labels})"


def signoff_html(bundle: Bundle, council: str, base: str, rules_pages: dict[str, str]) -> str:
    """`rules_pages`: tool -> href of its rules page (outline and flowchart) from this page.

    Per tool: each duty the tool can give, in full and numbered, with the council's own
    condition for it ("When: …"), then every path (its answers and the numbered duties of its
    outcome with their paragraphs), then a signing box.
    """
    c = bundle.councils[council]
    out = [f'<div class="da-so" data-signoff="{escape(council)}">',
           '<dl class="da-so__meta">',
           f'<div><dt>Council</dt><dd>{escape(c.name)}</dd></div>',
           f'<div><dt>Rules version</dt><dd data-rules-version>{escape(bundle.version or "unknown")}</dd></div>',
           f'<div><dt>Policy documents</dt><dd>{documents_html(bundle, council, base)}</dd></div>',
           '</dl>']
    toc = "".join(f'<li><a href="#signoff-{escape(tool)}">{escape(tree.title)}</a></li>'
                  for tool, tree in bundle.trees.items())
    out.append(f'<nav class="da-so__toc" aria-label="Tools on this sheet"><ul>{toc}</ul></nav>')
    for tool, tree in bundle.trees.items():
        found = rulebook.plain_paths(bundle, tool, council)
        r = rulebook.reader(bundle, tool, council)
        items = {d.code: d for d in rulebook.duties(r)}
        numbers: dict = {}
        about: dict = {}
        for path in found:
            for duty, code in zip(path.duties, path.about):
                numbers.setdefault(duty, len(numbers) + 1)
                about.setdefault(duty, code)
        uid = f"signoff-{escape(tool)}"
        out.append(f'<section class="da-so__tool" data-signoff-tool="{escape(tool)}">'
                   f'<h2 id="{uid}">{escape(tree.title)}</h2>'
                   f'<p>{len(found)} path{"s" if len(found) != 1 else ""} through the questions, '
                   f'{len(numbers)} different dut{"ies" if len(numbers) != 1 else "y"}. The same rules as a '
                   f'flowchart and an outline: <a href="{escape(rules_pages[tool])}">{escape(tree.title)}: how '
                   f'the tool decides</a>.</p>'
                   f'<h3 id="{uid}-duties">What the tool can say to do, in full</h3><ol class="da-so__duties">')
        for duty, n in numbers.items():
            item = items.get(about[duty])
            when = (f' <span class="da-so__when" data-when>{escape(rulebook.when_words(r, item))}</span>'
                    if item else "")
            out.append(f'<li id="{uid}-d{n}" class="da-so__duty da-so__duty--{duty[0]}"><strong>'
                       f'{_words(duty)}:</strong> {escape(duty[1])}{_refs(bundle, duty, base)}{when}</li>')
        out.append(f'</ol><h3 id="{uid}-paths">Every path</h3><ol class="da-so__paths">')
        for i, path in enumerate(found, 1):
            answers = "".join(f"<li>{escape(q)} <strong>{escape(a)}</strong></li>" for q, a in path.answers) \
                or "<li>No questions are asked.</li>"
            duties = "".join(
                f'<li class="da-so__duty--{d[0]}"><strong>{_words(d)}</strong> '
                f'(<a href="#{uid}-d{numbers[d]}">duty {numbers[d]}</a>): {escape(_short(d[1]))}'
                f'{_plain_refs(bundle, d)}</li>' for d in path.duties)
            out.append(f'<li class="da-so__path" data-path="{i}"><p class="da-so__label">When the answers '
                       f'are:</p><ul>{answers}</ul><p class="da-so__label">the tool says '
                       f'({escape(rulebook.duty_counts(path.duties))}):</p><ul>{duties}</ul></li>')
        out.append("</ol>")
        out.append(sign_box(f"{tree.title}, {c.short}: every path above checked against the policy."))
        out.append("</section>")
    out.append("</div>")
    return "".join(out)
