"""mkdocs-macros: page macros over the validated rule data (CPython, build time)."""
from __future__ import annotations

import sys
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from py_tools.engine import engine, render  # noqa: E402
from py_tools.publications import outline
from py_tools.site_build.mkdocs_hooks import coverage_page, rules, rules_page, signoff_page, tool_page  # noqa: E402


def _base(page) -> str:
    """Relative path from a page to the site root."""
    url = page.url if page is not None else ""
    depth = url.count("/") if url.endswith("/") else url.count("/")
    return "../" * depth


def _href(base: str, docs_path: str) -> str:
    return base + docs_path[:-3] + "/" if docs_path.endswith(".md") else base + docs_path


def outline_html(bundle, tool: str, council: str, base: str) -> str:
    """The whole tree in plain words (py_tools/publications/outline.py), readable without JavaScript and printable."""
    return outline.outline_html(bundle, tool, council, base)


def _anchor_label(anchor: str, council, headings: dict) -> str:
    import re
    numbered = re.fullmatch(rf"{council.code}-(\d+(?:-\d+)*)", anchor)
    if numbered:
        number = numbered.group(1).replace("-", ".")
        return f"{council.short} {number}" if "." in number else f"{council.short} section {number}"
    return f"{council.short}: {headings.get(anchor) or anchor}"


def coverage_html(bundle, council: str, base: str) -> str:
    """Duty coverage of one council: counts, every set-aside sentence with its reason, and
    every sentence a rule uses with the rule."""
    from py_tools.rules import anchors, coverage
    where = bundle.councils[council]
    rep = coverage.report(bundle, council)
    headings = {a: text for a, (_, text) in anchors.page_anchors().items()}

    def where_link(s) -> str:
        return (f'<a href="{escape(_href(base, s.page))}#{escape(s.anchor)}">'
                f'{escape(_anchor_label(s.anchor, where, headings))}</a>')

    def rows(status: str, why) -> str:
        return "".join(f"<tr><td>{where_link(s)}</td><td>{escape(s.text)}</td><td>{escape(why(s))}</td></tr>"
                       for s in rep.sentences if s.status == status)

    total = len(rep.sentences)
    head = (f'<p data-coverage="{escape(council)}">Every sentence of {escape(where.short)}\'s documents that '
            f'states a duty (must, will, shall, should, need to, required, duty, expected to, all cases, '
            f'ensure, always, never, obliged, have to) is either used by a rule of the decision tools or '
            f'set aside here with a reason. The build fails on a duty sentence that is neither.</p>'
            f'<table class="da-coverage-counts"><tbody>'
            f'<tr><th scope="row">Duty sentences</th><td data-count="total">{total}</td></tr>'
            f'<tr><th scope="row">Used by a rule</th><td data-count="used">{rep.count("used")}</td></tr>'
            f'<tr><th scope="row">Set aside with a reason</th><td data-count="set-aside">{rep.count("set aside")}</td></tr>'
            f'<tr><th scope="row">Neither</th><td data-count="open">{rep.count("open")}</td></tr>'
            f'<tr><th scope="row">Covered</th><td data-count="percent">{rep.percent:.0f}%</td></tr>'
            f'</tbody></table>')
    table = ('<table><thead><tr><th scope="col">Where</th><th scope="col">Sentence</th>'
             '<th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>')
    return (head + "<h2 id=\"set-aside\">Set aside, and why</h2>"
            + table.format("Reason", rows("set aside", lambda s: s.reason))
            + "<h2 id=\"used\">Used by a rule</h2>"
            + table.format("Used by (tool: action)", rows("used", lambda s: "; ".join(s.used_by))))


def widget_html(bundle, tool: str, council: str, base: str) -> str:
    uid = f"da-{tool}-{council}"
    first = engine.decide(bundle, tool, council, {})
    tree = bundle.trees[tool]
    name = bundle.councils[council].name
    return (
        f'<div class="da-tool" data-tool="{tool}" data-council="{council}" data-engine="loading" '
        f'data-uid="{uid}" data-base="{base}">\n'
        f'<p class="da-status" data-status role="status" aria-live="polite">The decision engine is '
        f'starting. You can answer the first question now.</p>\n'
        f'<div class="da-body" data-body>{render.render_step(first, uid, base, glossary=bundle.glossary)}</div>\n'
        f'<div class="da-fallback" data-fallback hidden><p><strong>The interactive tool cannot run in '
        f'this browser.</strong> The outline below shows every question and outcome, and the policy '
        f'text says the same: read {_docs_links(bundle, council, base)}.</p></div>\n'
        f'<noscript><p>The interactive tool needs JavaScript. The outline below shows every question '
        f'and outcome with its policy paragraph.</p></noscript>\n'
        f'</div>\n'
        f'<details class="da-outline" data-search-exclude><summary>Outline of the whole tool: {escape(tree.title)}, '
        f'{escape(name)}</summary>{outline_html(bundle, tool, council, base)}</details>\n')


def review_links(bundle, council: str, base: str) -> str:
    """The council page's links to the rules pages (flowchart and outline) and the sign-off sheet."""
    c = bundle.councils[council]
    pages = "".join(f'<li><a href="{_href(base, rules_page(council, t))}">{escape(tree.title)}: how the tool '
                    f'decides</a> (flowchart and outline)</li>' for t, tree in bundle.trees.items())
    return (f'<h2 id="rules-and-sign-off">Rules and sign-off</h2><p>For policy leads: what each tool '
            f'does with {escape(c.short)}\'s documents, drawn from the same rules the tools run.</p>'
            f'<ul>{pages}<li><a href="{_href(base, signoff_page(council))}">Sign-off sheet for '
            f'{escape(c.short)}</a>: every path of every tool, to check and sign</li>'
            f'<li><a href="{_href(base, "rules/changes.md")}">What changed since the last release</a></li></ul>')


def rules_page_html(bundle, tool: str, council: str, base: str) -> str:
    """A tool's rules for one council: the flowchart, then the outline (its text alternative)."""
    from py_tools.publications import flowchart
    tree = bundle.trees[tool]
    c = bundle.councils[council]
    cap = f"da-fc-{tool}-{council}"
    svg = flowchart.flowchart_svg(bundle, tool, council, base, cap).replace("\n", " ")
    return (
        f'<p>How the <a href="{_href(base, tool_page(council, tool))}">{escape(tree.title)} tool</a> decides '
        f'for {escape(c.name)}, drawn from the same rules the tool runs. The flowchart and the outline say the '
        f'same; the outline is the text version. To check every path and sign the rules off, use the '
        f'<a href="{_href(base, signoff_page(council))}">sign-off sheet for {escape(c.short)}</a>; to see what '
        f'changed since the last release, see <a href="{_href(base, "rules/changes.md")}">What changed</a>.</p>\n'
        f'<h2 id="flowchart">Flowchart</h2>\n'
        f'<div class="da-flowchart"><div class="da-flowchart__scroll" tabindex="0" role="region" '
        f'aria-labelledby="{cap}">{svg}</div><p class="da-flowchart__caption" id="{cap}">Flowchart of the '
        f'{escape(tree.title)} tool for {escape(c.short)}: the questions in boxes, in the order they are asked, '
        f'answers on the arrows, the duties an answer settles in notes, and the outcome with the number of '
        f'duties a path gives. Select a box to read the paragraph it cites. <a href="#outline">The outline below</a> says the same in words.</p></div>\n'
        f'<h2 id="outline">The rules in words</h2>\n'
        f'{outline.outline_html(bundle, tool, council, base)}\n')


def _docs_links(bundle, council: str, base: str) -> str:
    return ", ".join(f'<a href="{_href(base, d.page)}">{escape(d.title)}</a>'
                     for d in bundle.councils[council].documents)


def council_overview_html(bundle, council: str, base: str) -> str:
    c = bundle.councils[council]
    docs = "".join(
        f'<li><a href="{_href(base, d.page)}">{escape(d.title)}</a>'
        + (f" — approved {escape(d.approved)}" if d.approved else "")
        + (f"; review due {escape(d.review_due)}" if d.review_due else "") + "</li>"
        for d in c.documents)
    tools = "".join(f'<li><a href="{_href(base, tool_page(council, t))}">{escape(tree.title)}</a>'
                    f' — {escape(tree.summary)}</li>' for t, tree in bundle.trees.items())
    return (f"<h2>Policy documents</h2><ul>{docs}</ul>"
            f"<h2>Decision tools</h2><ul>{tools}</ul>"
            + review_links(bundle, council, base)
            + f'<h2>Duty coverage</h2><p><a href="{_href(base, coverage_page(council))}">How every duty '
              f'sentence of {escape(c.short)}\'s documents is used by a rule or set aside</a>.</p>')


def councils_index_html(bundle, base: str) -> str:
    items = []
    for code, c in bundle.councils.items():
        docs = "; ".join(f'<a href="{_href(base, d.page)}">{escape(d.title)}</a>' for d in c.documents)
        items.append(f'<li><a href="{_href(base, f"councils/{code}.md")}"><strong>{escape(c.name)}</strong></a>'
                     f' ({escape(c.short)}): {docs}</li>')
    return f'<ul class="da-councils">{"".join(items)}</ul>'


def tools_index_html(bundle, base: str) -> str:
    rows = []
    for tool, tree in bundle.trees.items():
        links = " · ".join(f'<a href="{_href(base, tool_page(code, tool))}">{escape(c.short)}</a>'
                           for code, c in bundle.councils.items())
        rows.append(f"<tr><td>{escape(tree.title)}</td><td>{escape(tree.summary)}</td><td>{links}</td></tr>")
    return ('<table><thead><tr><th>Tool</th><th>What it answers</th><th>Council</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def all_councils_html(bundle, base: str) -> str:
    """"Same case, all councils": one widget per tool, each answer run through every council."""
    import json
    from py_tools.engine import browser
    blocks = ["<p>Answer once: the same answers run through every council's rules, and the "
              "outcomes are shown side by side. A question is asked if any council needs it.</p>"]
    for tool, tree in bundle.trees.items():
        uid = f"da-{tool}-all"
        first = json.loads(browser.apply_all(bundle, tool, "{}", '{"type": "start"}', uid, base, ""))
        blocks.append(
            f'<h2 id="all-{tool}">{escape(tree.title)}</h2>\n'
            f'<div class="da-tool" data-tool="{tool}" data-council="all" data-engine="loading" '
            f'data-uid="{uid}" data-base="{base}">\n'
            f'<p class="da-status" data-status role="status" aria-live="polite">The decision engine is '
            f'starting. You can answer the first question now.</p>\n'
            f'<div class="da-body" data-body>{first["html"]}</div>\n'
            f'<div class="da-fallback" data-fallback hidden><p><strong>The interactive tool cannot run '
            f'in this browser.</strong> Use each council\'s tool page outline instead.</p></div>\n'
            f'</div>\n')
    return "\n".join(blocks)


def council_widget_html(tool: str, council: str, base: str) -> str:
    from py_tools.site_build import site_runtime, site_scope  # this council's rules and links only
    bundle = site_scope.shared(f"council:{council}", lambda: site_runtime.council_bundle(rules(), council))
    return widget_html(bundle, tool, council, base)


def signoff_sheet_html(bundle, council: str, base: str) -> str:
    from py_tools.publications import signoff
    pages = {t: _href(base, rules_page(council, t)) for t in bundle.trees}
    return signoff.signoff_html(bundle, council, base, pages)


def define_env(env):  # noqa: D401 - mkdocs-macros entry point
    """Register the macros: each renders with the page's relative path to the site root."""
    from py_tools.publications import release
    macros = {
        "tool_widget": lambda tool, council: council_widget_html(tool, council, _base(env.page)),
        "council_overview": lambda council: council_overview_html(rules(), council, _base(env.page)),
        "duty_coverage": lambda council: coverage_html(rules(), council, _base(env.page)),
        "tool_rules": lambda tool, council: rules_page_html(rules(), tool, council, _base(env.page)),
        "signoff_sheet": lambda council: signoff_sheet_html(rules(), council, _base(env.page)),
        "rules_changes": lambda: release.changes_html(rules(), _base(env.page)),
        "councils_index": lambda: councils_index_html(rules(), _base(env.page)),
        "tools_index": lambda: tools_index_html(rules(), _base(env.page)),
        "all_councils_widget": lambda: all_councils_html(rules(), _base(env.page)),
    }
    for name, macro in macros.items():
        env.macro(macro, name)
