"""HTML for one widget step: the same Python renders the first question at build time and
every later step in the browser (Pyodide), so the page's JavaScript only inserts it.

Pure: stdlib only, no I/O. `base` is the relative path from the page to the site root.
"""
from __future__ import annotations

import re
from html import escape

from .engine import ANSWERED_UNKNOWN
from .record import DUTY_HEADINGS, because_text

DUTY_INTROS = {"must": "The policy says you must", "should": "The policy says you should",
               "may": "The policy says you may", "info": "For information"}


def _cite_links(cites, links: dict, base: str) -> str:
    out = []
    for cite in cites:
        link = links.get(cite, {})
        label = escape(link.get("label") or cite)
        href = link.get("href")
        if href:
            out.append(f'<a href="{escape(base + href)}" data-cite="{escape(cite)}">{label}</a>')
        else:
            out.append(f'<span data-cite="{escape(cite)}">{label}</span>')
    return ", ".join(out)


def _id(uid: str, *parts: str) -> str:
    """An id for an `id`/`for`/`aria-*` attribute, escaped: the loader refuses names that
    need it, but a name that got through anyway must not break out of the attribute."""
    return escape("-".join((uid,) + parts))


def render_question(step: dict, uid: str, base: str, error: str = "") -> str:
    fact = step["fact"]
    hint_id = _id(uid, "hint")
    err_id = _id(uid, "error")
    described = " ".join(x for x in (hint_id if step["hint"] else "", err_id if error else "") if x)
    aria = f' aria-describedby="{described}"' if described else ""
    parts = [f'<form class="da-step da-step--question" novalidate data-step="question">',
             f'<fieldset data-question="{escape(fact)}"{aria}>',
             f'<legend class="da-question"><span class="da-question__text" tabindex="-1">'
             f'{escape(step["question"])}</span></legend>']
    if step["hint"]:
        parts.append(f'<p class="da-hint" id="{hint_id}">{escape(step["hint"])}</p>')
    if error:
        parts.append(f'<p class="da-error" id="{err_id}" role="alert"><span class="da-visually-hidden">'
                     f'Error: </span>{escape(error)}</p>')
    if step["input"] == "score":
        num_id = _id(uid, fact, "number")
        parts.append(f'<div class="da-number"><label for="{num_id}">Score ({step["min"]} to {step["max"]})</label>'
                     f'<input type="number" id="{num_id}" name="{escape(fact)}" min="{step["min"]}" '
                     f'max="{step["max"]}" step="1" inputmode="numeric" data-score-input></div>')
        if step["options"]:
            parts.append('<p class="da-or">or</p>')
    parts.append('<div class="da-radios">')
    for option in step["options"]:
        opt_id = _id(uid, fact, option["value"])
        parts.append(f'<div class="da-radio"><input type="radio" id="{opt_id}" name="{escape(fact)}" '
                     f'value="{escape(option["value"])}"><label for="{opt_id}">{escape(option["label"])}'
                     f'</label></div>')
    parts.append('</div></fieldset>')
    if step["cite"]:
        parts.append(f'<p class="da-cite">Policy: {_cite_links(step["cite"], step["links"], base)}</p>')
    parts.append('<div class="da-buttons">'
                 '<button type="submit" class="md-button md-button--primary" data-action="next">Continue</button>')
    if step["asked"]:
        parts.append('<button type="button" class="md-button" data-action="back">Back</button>')
        parts.append('<button type="button" class="md-button" data-action="restart">Start again</button>')
    parts.append('</div></form>')
    return "".join(parts)


def render_answers(step: dict, uid: str) -> str:
    rows = []
    for answer in step["answers"]:
        rows.append(f'<div class="da-summary__row"><dt>{escape(answer["question"])}</dt>'
                    f'<dd data-answer="{escape(answer["fact"])}">{escape(answer["label"])}</dd>'
                    f'<dd><button type="button" class="da-link" data-action="change" '
                    f'data-fact="{escape(answer["fact"])}">Change<span class="da-visually-hidden"> '
                    f'answer to: {escape(answer["question"])}</span></button></dd></div>')
    return (f'<section class="da-summary" data-summary aria-labelledby="{_id(uid, "summary")}">'
            f'<h2 id="{_id(uid, "summary")}">Check your answers</h2>'
            f'<dl class="da-summary__list">{"".join(rows)}</dl></section>')


UNSURE = ANSWERED_UNKNOWN  # the engine's note on "I don't know" answers: shown first


def _unsure_notice(step: dict, heading_level: int) -> str:
    notes = [a for a in step["actions"] if a["code"] == UNSURE]
    if not notes:
        return ""
    lis = "".join(f'<li class="da-action da-action--info" data-action-code="{UNSURE}" data-duty="info">'
                  f'<span class="da-action__text">{escape(a["text"])}</span></li>' for a in notes)
    return (f'<section class="admonition warning da-unsure" data-unsure><h{heading_level} class="admonition-title">'
            f'You answered \u201cI don\'t know\u201d</h{heading_level}><ul>{lis}</ul></section>')


def render_groups(step: dict, base: str, heading_level: int = 3) -> str:
    """The actions grouped by duty (must, should, may, for information), after a notice of
    any "I don't know" answers."""
    groups = [_unsure_notice(step, heading_level)]
    for duty, heading in DUTY_HEADINGS:
        items = [a for a in step["actions"] if a["duty"] == duty and a["code"] != UNSURE]
        if not items:
            continue
        lis = []
        for item in items:
            cite = (f'<span class="da-action__cite">Policy: {_cite_links(item["cite"], step["links"], base)}</span>'
                    if item["cite"] else "")
            related = (f'<span class="da-action__related">Related reading (not the duty): '
                       f'{_cite_links(item["related"], step["links"], base)}</span>' if item["related"] else "")
            gap = ' data-about="%s"' % escape(item["about"]) if item["code"] == "not_covered" else ""
            due = (f'<span class="da-action__due" data-due><strong>Due {escape(item["due"])}</strong></span>'
                   if item.get("due") else "")
            because = (f'<span class="da-action__because" data-because>{escape(because_text(item))}</span>'
                       if because_text(item) else "")
            lis.append(f'<li class="da-action da-action--{duty}" data-action-code="{escape(item["code"])}" '
                       f'data-duty="{duty}"{gap}><span class="da-action__text">{escape(item["text"])}</span>'
                       f'{due}{cite}{related}{because}</li>')
        groups.append(f'<section class="da-duty da-duty--{duty}"><h{heading_level}>{escape(heading)}'
                      f'</h{heading_level}><p class="da-duty__intro">{DUTY_INTROS[duty]}:</p>'
                      f'<ul>{"".join(lis)}</ul></section>')
    return "".join(groups)


def _record_box(uid: str, record: str) -> str:
    record_id = _id(uid, "record")
    return (f'<section class="da-record-box"><h3><label for="{record_id}">Decision record</label></h3>'
            f'<p class="da-hint">Plain text to copy into the case management system. It is made in this page '
            f'and is not stored or sent anywhere.</p>'
            f'<textarea id="{record_id}" class="da-record" data-record readonly rows="12">{escape(record)}</textarea>'
            f'<div class="da-buttons"><button type="button" class="md-button md-button--primary" data-action="copy">'
            f'Copy the record</button><button type="button" class="md-button" data-action="print">Print</button>'
            f'<button type="button" class="md-button" data-action="back">Back</button>'
            f'<button type="button" class="md-button" data-action="restart">Start again</button></div>'
            f'<p class="da-copied" data-copied role="status"></p></section>')


def render_reported_form(uid: str, reported: str, error: str) -> str:
    """Ask when the abuse was reported, to show due dates (kept in memory only)."""
    field = _id(uid, "reported")
    err = (f'<p class="da-error" id="{field}-error" role="alert"><span class="da-visually-hidden">Error: '
           f'</span>{escape(error)}</p>' if error else "")
    return (f'<form class="da-step da-deadline" novalidate data-step="deadline">'
            f'<fieldset data-question="report_received"><legend class="da-question">'
            f'<span class="da-question__text" tabindex="-1">Due dates</span></legend>'
            f'<p class="da-hint" id="{field}-hint">Enter when the abuse was reported to work out the due dates. '
            f'Working days skip weekends and England and Wales bank holidays. Not stored.</p>{err}'
            f'<label for="{field}">Reported on (date and time)</label> '
            f'<input type="datetime-local" id="{field}" name="report_received" value="{escape(reported)}" '
            f'aria-describedby="{field}-hint{" " + field + "-error" if error else ""}" data-reported-input>'
            f'</fieldset><div class="da-buttons"><button type="submit" class="md-button" data-action="next">'
            f'Show due dates</button></div></form>')


def render_outcome(step: dict, uid: str, base: str, record: str, reported=None, error: str = "") -> str:
    form = render_reported_form(uid, reported, error) if reported is not None else ""
    return (f'<div class="da-step da-step--outcome" data-step="outcome">'
            f'{render_answers(step, uid)}'
            f'<section class="da-outcome" data-outcome aria-labelledby="{_id(uid, "outcome")}">'
            f'<h2 id="{_id(uid, "outcome")}" tabindex="-1" class="da-outcome__title">What the policy says to do</h2>'
            f'{render_groups(step, base)}</section>{form}{_record_box(uid, record)}</div>')


def render_compare(steps: list, answers_step: dict, uid: str, base: str, record: str,
                   glossary=None) -> str:
    """The same answers through every council's rules, side by side."""
    html = _render_compare(steps, answers_step, uid, base, record)
    return abbreviate(html, glossary) if glossary else html


def _render_compare(steps: list, answers_step: dict, uid: str, base: str, record: str) -> str:
    columns = "".join(
        f'<section class="da-compare__council" data-council-outcome="{escape(s["council"])}" '
        f'aria-labelledby="{_id(uid, s["council"])}"><h3 id="{_id(uid, s["council"])}">'
        f'{escape(s["council_name"])}</h3>{render_groups(s, base, 4)}</section>' for s in steps)
    return (f'<div class="da-step da-step--outcome" data-step="outcome">'
            f'{render_answers(answers_step, uid)}'
            f'<section class="da-outcome" data-outcome aria-labelledby="{_id(uid, "outcome")}">'
            f'<h2 id="{_id(uid, "outcome")}" tabindex="-1" class="da-outcome__title">What each council\'s '
            f'documents say to do</h2><div class="da-compare__grid">{columns}</div></section>'
            f'{_record_box(uid, record)}</div>')


def render_step(step: dict, uid: str, base: str, record: str = "", error: str = "",
                reported=None, glossary=None) -> str:
    if step["type"] == "question":
        html = render_question(step, uid, base, error)
    else:
        html = render_outcome(step, uid, base, record, reported, error)
    return abbreviate(html, glossary) if glossary else html


# --- abbreviations ---------------------------------------------------------------------

# Text inside these is not wrapped: links, controls, code, the record, and the SVG flowchart.
_NO_ABBR = {"a", "abbr", "button", "textarea", "label", "script", "style", "svg", "code", "pre",
            "summary", "option", "select", "title", "kbd", "input"}
_TAG = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][a-zA-Z0-9:-]*)\b[^>]*?(/?)>", re.S)
_ABBR = re.compile(r'<abbr\b[^>]*\btitle="[^"]*"[^>]*>([^<]+)</abbr>')


def _terms(glossary: dict):
    terms = sorted(glossary, key=len, reverse=True)
    if not terms:
        return None
    alternation = "|".join(re.escape(escape(t, quote=False)) for t in terms)
    return re.compile(r"(?<![\w&;/-])(" + alternation + r")(?![\w/-])")


def abbreviated(html: str, glossary: dict) -> set:
    """Glossary terms the HTML already explains with an <abbr title>."""
    from html import unescape
    return {unescape(m.group(1)) for m in _ABBR.finditer(html)} & set(glossary)


def abbreviate(html: str, glossary: dict, seen=None) -> str:
    """Wrap the first use of each glossary term in the text of `html` in <abbr title>.

    `seen`: terms already explained (not wrapped again). Once per call: a widget step, or
    a page. Attributes, links, controls and the record are never touched.
    """
    pattern = _terms(glossary or {})
    if pattern is None:
        return html
    seen = set(seen or ())
    from html import unescape

    def wrap(text: str) -> str:
        def one(match):
            term = unescape(match.group(1))
            if term in seen or term not in glossary:
                return match.group(0)
            seen.add(term)
            return f'<abbr tabindex="0" title="{escape(glossary[term])}">{match.group(1)}</abbr>'
        return pattern.sub(one, text)

    out, skip, pos = [], [], 0
    for tag in _TAG.finditer(html):
        text = html[pos:tag.start()]
        out.append(wrap(text) if text and not skip else text)
        out.append(tag.group(0))
        pos = tag.end()
        name = (tag.group(2) or "").lower()
        if name in _NO_ABBR and name != "input":
            if tag.group(1):
                if skip and skip[-1] == name:
                    skip.pop()
            elif not tag.group(3):
                skip.append(name)
    rest = html[pos:]
    out.append(wrap(rest) if rest and not skip else rest)
    return "".join(out)
