"""Compare councils: one table per topic, a column per council, built only from the bundle.

Rows come from each tool's action catalogue (`bundle.trees[tool].actions`) and from the
values the council profiles state; cells from `bundle.councils[c].tools[tool]`. A code this
module does not know goes to an "Other" table for its tool, so nothing is ever dropped.
CPython only (build time).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from py_tools.engine import engine

# Topic id -> heading, in page order.
TOPICS = {
    "marac": "MARAC threshold and risk bands",
    "repeat": "Repeat MARAC",
    "children": "Children's safeguarding",
    "adults": "Adults' safeguarding",
    "consent": "Consent and information sharing",
    "deadlines": "Contact deadlines",
    "accommodation": "Accommodation options",
    "contractor": "Contractor duties",
}

# (tool, action code) -> topic. Codes not listed fall back to TOOL_TOPIC, then to "Other".
ACTION_TOPIC = {
    ("referral-routes", "dash_ric"): "marac",
    ("referral-routes", "dash_band_standard"): "marac",
    ("referral-routes", "dash_band_medium"): "marac",
    ("referral-routes", "dash_band_high"): "marac",
    ("referral-routes", "marac_threshold_score"): "marac",
    ("referral-routes", "marac_referral"): "marac",
    ("referral-routes", "marac_professional_judgement"): "marac",
    ("referral-routes", "marac_repeat"): "repeat",
    ("referral-routes", "children_safeguarding_referral"): "children",
    ("referral-routes", "adult_safeguarding_referral"): "adults",
    ("referral-routes", "marm_referral"): "adults",
    ("referral-routes", "marac_consent"): "consent",
    ("referral-routes", "referral_without_consent"): "consent",
    ("referral-routes", "contact_deadline"): "deadlines",
    ("referral-routes", "action_plan_deadline"): "deadlines",
    ("referral-routes", "record_within_24h"): "deadlines",
}
# Every catalogued code of these tools belongs to one topic (except policy_conflict).
TOOL_TOPIC = {
    "consent-override": "consent",
    "accommodation-options": "accommodation",
    "contractor-duties": "contractor",
}
UNGROUPED = {"policy_conflict", "policy_conflict_inform"}


def value_topic(tool: str, name: str) -> str | None:
    """Topic of a profile value (a number with its citation) by its name."""
    if "repeat" in name:
        return "repeat"
    if any(k in name for k in ("marac", "dash", "threshold", "score", "band")):
        return "marac"
    if any(k in name for k in ("hour", "day", "deadline", "within", "week")):
        return "deadlines" if tool == "referral-routes" else TOOL_TOPIC.get(tool)
    return TOOL_TOPIC.get(tool)


def action_topic(tool: str, code: str) -> str | None:
    if (tool, code) in ACTION_TOPIC:
        return ACTION_TOPIC[(tool, code)]
    if code in UNGROUPED:
        return None
    return TOOL_TOPIC.get(tool)


@dataclass
class Cell:
    council: str
    covered: bool
    html: str
    cites: tuple[str, ...] = ()


@dataclass
class Row:
    tool: str
    kind: str  # "action" | "value"
    code: str
    title: str
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Table:
    key: str  # topic id or "other-<tool>"
    title: str
    rows: list[Row] = field(default_factory=list)


def _links(bundle, cites, base: str) -> str:
    out = []
    for cite in cites:
        link = bundle.links.get(cite)
        if link is None:  # validation rejects this; show the bare citation rather than drop it
            out.append(f'<span data-cite="{escape(cite)}">{escape(cite)}</span>')
        else:
            out.append(f'<a href="{escape(base + link.href)}" data-cite="{escape(cite)}">'
                       f'{escape(link.label)}</a>')
    return ", ".join(out)


def _not_covered(bundle, gap, base: str, profile=None) -> Cell:
    parts = ["<em>Not covered</em>"]
    if gap is not None and gap.text:
        text = engine.fill_values(gap.text, profile) if profile else gap.text
        parts.append(f" — {escape(text)}")
    cites = tuple(gap.related) if gap is not None else ()
    if cites:
        parts.append(f" (see {_links(bundle, cites, base)})")
    return Cell("", False, "".join(parts), cites)


NOT_REVIEWED = "<em>Not yet reviewed</em> — this council's rules are a preview"


def _action_cell(bundle, council: str, tool: str, code: str, base: str) -> Cell:
    profile = bundle.councils[council].tools.get(tool)
    action = profile.actions.get(code) if profile else None
    if action is None and profile and code in profile.not_reviewed:  # never "not covered"
        cell = Cell("", False, NOT_REVIEWED, ())
    elif action is None:
        cell = _not_covered(bundle, profile.not_covered.get(code) if profile else None, base, profile)
    else:
        text = engine.fill_values(action.text, profile)
        cell = Cell("", True, f'<strong>{escape(action.duty)}</strong>: {escape(text)} '
                              f'({_links(bundle, action.cite, base)})', tuple(action.cite))
    cell.council = council
    return cell


def _value_cell(bundle, council: str, tool: str, name: str, base: str) -> Cell:
    profile = bundle.councils[council].tools.get(tool)
    value = profile.values.get(name) if profile else None
    if value is None and profile and profile.not_reviewed:  # a skeleton states no values yet
        cell = Cell("", False, NOT_REVIEWED, ())
    elif value is None:
        cell = _not_covered(bundle, profile.not_covered.get(name) if profile else None, base, profile)
    else:
        quote = f" — “{escape(value.quote)}”" if value.quote else ""
        cell = Cell("", True, f"<strong>{value.value}</strong>{quote} "
                              f"({_links(bundle, value.cite, base)})", tuple(value.cite))
    cell.council = council
    return cell


def tables(bundle, base: str = "") -> list[Table]:
    """Every topic table (in TOPICS order, empty ones left out), then one Other per tool."""
    topical = {key: Table(key, title) for key, title in TOPICS.items()}
    other: dict[str, Table] = {}
    councils = list(bundle.councils)

    def place(row: Row, topic: str | None):
        if topic in topical:
            topical[topic].rows.append(row)
        else:
            tree = bundle.trees[row.tool]
            other.setdefault(row.tool, Table(f"other-{row.tool}", f"Other: {tree.title}")).rows.append(row)

    for tool, tree in bundle.trees.items():
        for code, title in tree.actions.items():
            row = Row(tool, "action", code, title,
                      [_action_cell(bundle, c, tool, code, base) for c in councils])
            place(row, action_topic(tool, code))
        names = sorted({n for c in councils
                         for n in getattr(bundle.councils[c].tools.get(tool), "values", {})})
        for name in names:
            row = Row(tool, "value", name, name.replace("_", " ").capitalize(),
                      [_value_cell(bundle, c, tool, name, base) for c in councils])
            place(row, value_topic(tool, name))
    return [t for t in topical.values() if t.rows] + list(other.values())


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")


def compare_html(bundle, base: str = "") -> str:
    out = []
    councils = bundle.councils
    for table in tables(bundle, base):
        anchor = "compare-" + _slug(table.key)
        out.append(f'<h2 id="{anchor}">{escape(table.title)}</h2>')
        head = "".join(f'<th scope="col" data-council="{escape(c)}">{escape(co.short)}</th>'
                       for c, co in councils.items())
        body = []
        for row in table.rows:
            tool_title = bundle.trees[row.tool].title
            cells = "".join(f'<td data-council="{escape(cell.council)}" '
                            f'data-covered="{"yes" if cell.covered else "no"}">{cell.html}</td>'
                            for cell in row.cells)
            body.append(f'<tr data-tool="{escape(row.tool)}" data-code="{escape(row.code)}" '
                        f'data-kind="{row.kind}"><th scope="row">{escape(row.title)} '
                        f'<small>({escape(tool_title)})</small></th>{cells}</tr>')
        out.append(f'<div class="da-compare-table"><table data-compare-topic="{escape(table.key)}">'
                   f'<caption>{escape(table.title)}: what each council\'s documents say</caption>'
                   f'<thead><tr><th scope="col">Rule</th>{head}</tr></thead>'
                   f'<tbody>{"".join(body)}</tbody></table></div>')
    return "\n".join(out)
