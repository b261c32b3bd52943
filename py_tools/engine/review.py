"""Review state decided for a given day: a policy's review date passed, a council's rules
not yet reviewed. Pure (stdlib only, no clock): the caller passes `today` as an ISO date —
the build its build date, the browser (through the worker, as data) the viewer's date — so
a site built today and opened after a review date still warns.
"""
from __future__ import annotations

from html import escape

from .model import Bundle, Document

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def _iso(value: str) -> str:
    value = (value or "").strip()
    ok = len(value) == 10 and value[4] == "-" and value[7] == "-" and (value[:4] + value[5:7] + value[8:]).isdigit()
    return value if ok else ""


def show_date(iso: str) -> str:
    """2027-09-30 -> 30 September 2027 (the site's date style)."""
    if not _iso(iso):
        return iso
    return f"{int(iso[8:])} {MONTHS[int(iso[5:7]) - 1]} {iso[:4]}"


def overdue(documents, today: str) -> list[Document]:
    """The documents whose review date is before `today` (ISO); none if today is not a date."""
    today = _iso(today)
    return [d for d in documents if today and _iso(d.review_due) and d.review_due < today]


def review_notice_html(bundle: Bundle, council: str, today: str, page: str = "") -> str:
    """The "review date passed" notice for one policy page, or for every document of the
    council (a tool page); "" when no review date has passed on `today`."""
    c = bundle.councils.get(council)
    if c is None:
        return ""
    docs = [d for d in c.documents if not page or d.page == page]
    late = overdue(docs, today)
    if not late:
        return ""
    if page:
        body = (f"<p>This policy's review date ({escape(show_date(late[0].review_due))}) has passed. "
                f"Check with your council that it is still current.</p>")
    else:
        items = "".join(f"<li>{escape(d.title)}: review date {escape(show_date(d.review_due))}</li>"
                        for d in late)
        body = (f"<p>The review date of a policy this tool follows has passed. Check with your "
                f"council that it is still current.</p><ul>{items}</ul>")
    return (f'<div class="admonition warning da-review-notice" data-review-passed '
            f'data-review-today="{escape(_iso(today))}"><p class="admonition-title">Review date passed</p>'
            f'{body}</div>')


def not_reviewed(bundle: Bundle, council: str, tool: str = "") -> tuple[str, ...]:
    """Action codes of the council's profile(s) not yet reviewed (a new council's skeleton)."""
    c = bundle.councils.get(council)
    if c is None:
        return ()
    profiles = [c.tools[tool]] if tool in c.tools else list(c.tools.values()) if not tool else []
    return tuple(code for p in profiles for code in p.not_reviewed)


def not_reviewed_html(bundle: Bundle, council: str, tool: str = "") -> str:
    codes = not_reviewed(bundle, council, tool)
    if not codes:
        return ""
    name = bundle.councils[council].name
    return ('<div class="admonition danger da-not-reviewed" data-not-reviewed role="note">'
            '<p class="admonition-title">Rules not yet reviewed</p>'
            f'<p>{escape(name)} has joined the site, but its rules for {"this tool" if tool else "its tools"} '
            f'have not been checked against its documents yet ({len(codes)} '
            f'item{"s" if len(codes) != 1 else ""} left). This is a preview: do not rely on it. '
            f'Read the policy and ask a manager.</p></div>')


def record_lines(bundle: Bundle, council: str, tool: str, today: str) -> list[str]:
    """Warnings for the decision record."""
    lines = []
    if not_reviewed(bundle, council, tool):
        lines.append("WARNING: this council's rules for this tool are not yet reviewed (a preview); "
                     "do not rely on this record.")
    c = bundle.councils.get(council)
    for doc in overdue(c.documents if c else (), today):
        lines.append(f"WARNING: the review date of {doc.title} ({show_date(doc.review_due)}) "
                     f"had passed on {show_date(today)}: check with the council that it is still current.")
    return lines
