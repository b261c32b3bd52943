"""The support services as pages: the directory, each council's corrections for the policy
owner, and the note shown beside a printed number on a policy page.

Every number is shown with how it was checked (decision_trees/services.yaml `checks:`). Where
a council's document prints a number other than the one the service publishes, the directory
gives the service's number and says the document differs; the policy page keeps the council's
words and gets a note beside them (`with_notes`); the council's corrections page lists it.
The inputs come from py_tools.rules.services; `printed_in` names the document a citation is
in ("TMBC's Resident Domestic Abuse Procedure for Housing Staff"). CPython only.
"""
from __future__ import annotations

import datetime
import re
from html import escape

from py_tools.rules.services import NEEDS, Difference, Service, differences, digits, groups, norm_name

STATUS_LABEL = {
    "confirmed": "Confirmed on the service's own page",
    "other_source": "Not on the service's own page; another source gives it",
    "not_confirmed": "Not confirmed with the service",
}


def day(iso: str) -> str:
    d = datetime.date.fromisoformat(iso)
    return f"{d.day} {d:%B %Y}"


def _source_link(check) -> str:
    return (f'<a href="{escape(check.source)}" rel="noreferrer">{escape(check.host)}</a>'
            if check.source else "")


def check_sentence(s: Service) -> str:
    """How the listing's number was checked, in one sentence (HTML)."""
    c = s.check
    if c is None:
        return ""
    when = f"checked {day(c.checked)}"
    if c.status == "confirmed":
        return (f"Number {when}: the service's own page gives {escape(c.phone)} "
                f"({_source_link(c)}; {escape(c.copy)}).")
    if c.status == "other_source":
        return (f"Number {when}: not found on the service's own page. Another source gives "
                f"{escape(c.phone)}: {escape(c.page)} ({_source_link(c)}; {escape(c.copy)}). {escape(c.tried)}")
    return f"Number not confirmed with the service ({when}): {escape(c.tried)}"


def _phone_items(s: Service, printed_in: dict[str, str], corrections: dict[str, str]) -> list[str]:
    if not s.phone:
        return []
    c = s.check
    if c is not None and c.status == "confirmed":
        items = [f"<li>Phone: <strong>{escape(c.phone)}</strong> (the number the service publishes)</li>"]
    else:
        items = [f"<li>Phone: <strong>{escape(s.phone)}</strong> (as the council's document prints it)</li>"]
    if s.differs:
        for l in s.listed_by:
            doc = escape(printed_in.get(l.cite, l.council))
            link = corrections.get(l.council)
            more = f' <a href="{escape(link)}">Corrections for the policy owner</a>.' if link else ""
            if c.status == "confirmed":
                items.append(f'<li class="da-services__differs" data-differs="{escape(l.council)}">{doc} '
                             f'prints {escape(s.phone)}, which is not the number the service publishes: '
                             f'use {escape(c.phone)}.{more}</li>')
            else:
                items.append(f'<li class="da-services__differs" data-differs="{escape(l.council)}">{doc} '
                             f'prints {escape(s.phone)}; another source gives {escape(c.phone)}. Check with '
                             f'the service before relying on either.{more}</li>')
    items.append(f'<li class="da-services__check" data-phone-status="{escape(c.status)}">'
                 f'{check_sentence(s)}</li>' if c else "")
    return items


def _cite_links(listings, links, base) -> str:
    out = []
    for l in listings:
        link = links.get(l.cite)
        label = escape(link.label) if link else escape(l.cite)
        href = f' href="{escape(base + link.href)}"' if link else ""
        out.append(f'<a{href} data-cite="{escape(l.cite)}">{label}</a>')
    return ", ".join(out)


def _entry(s: Service, key: str, links, short, printed_in, corrections, base) -> str:
    details = _phone_items(s, printed_in, {k: base + v for k, v in corrections.items()})
    for label, value in (("Hours", s.hours), ("Email", s.email), ("Web", s.web)):
        if value:
            details.append(f"<li>{label}: {escape(value)}</li>")
    if s.remark:
        docs = "; ".join(dict.fromkeys(printed_in.get(l.cite, l.council) for l in s.listed_by))
        details.append(f"<li>{escape(docs)} adds: “{escape(s.remark)}”</li>")
    tags = ", ".join(escape(NEEDS[n]) for n in s.needs) or "Anyone"
    councils = ", ".join(escape(short.get(l.council, l.council)) for l in s.listed_by)
    status = s.check.status if s.check and s.phone else "none"
    return (f'<li class="da-services__item" data-service="{escape(key)}" data-needs="{" ".join(s.needs)}" '
            f'data-council="{" ".join(l.council for l in s.listed_by)}" data-phone-status="{status}"'
            f'{" data-differs" if s.differs else ""}>'
            f'<h3>{escape(s.name)} <small>— listed by {councils}</small></h3>'
            f'<p>{escape(s.serves)}</p><ul>{"".join(details)}<li>For: {tags}</li>'
            f'<li>Source: {_cite_links(s.listed_by, links, base)}</li></ul></li>')


def _summary(services: list[Service], found: list[Difference], printed_in, corrections, base) -> str:
    numbers = [s for s in services if s.phone]
    count = {k: sum(1 for s in numbers if s.check and s.check.status == k) for k in STATUS_LABEL}
    text = (f'<p class="da-services__counts">Of the {len(numbers)} numbers listed here, '
            f'{count["confirmed"]} were confirmed on the service\'s own page, {count["other_source"]} were '
            f'found only on another page, and {count["not_confirmed"]} could not be confirmed.</p>')
    by_service: dict[str, list[Difference]] = {}
    for d in found:
        by_service.setdefault(d.listing.check.service if d.listing.check else d.listing.name, []).append(d)
    items = []
    for name, ds in by_service.items():
        printed = "; ".join(f"{escape(printed_in.get(d.cite, d.council))} prints {escape(d.printed)} "
                            f'(<a href="{escape(base + corrections[d.council])}">corrections for the policy owner</a>)'
                            if d.council in corrections else
                            f"{escape(printed_in.get(d.cite, d.council))} prints {escape(d.printed)}"
                            for d in ds)
        check = ds[0].listing.check
        own = (f"{escape(name)} publishes {escape(check.phone)} (checked {day(check.checked)}, "
               f"{_source_link(check)})" if check and check.status == "confirmed" else
               f"The service's own number for {escape(name)} could not be confirmed")
        items.append(f'<li data-difference="{escape(norm_name(name))}">{own}. {printed}.</li>')
    if not items:
        return text
    return (text + '<div class="admonition warning da-services__differences" data-differences>'
            '<p class="admonition-title">Numbers printed in the councils\' documents that are not '
            'the service\'s own</p>'
            f'<ul>{"".join(items)}</ul><p>The directory below gives the service\'s own number.</p></div>')


def directory_html(services: list[Service], links: dict, short: dict[str, str], printed_in: dict[str, str],
                   corrections: dict[str, str], base: str = "") -> str:
    """The directory: how the numbers were checked and which differ, a CSS-only filter by
    need (radio buttons, no script, no URL, no storage), and one entry per listing.
    `corrections`: council code -> site-relative address of its corrections page."""
    used = [n for n in NEEDS if any(n in s.needs for s in services)]
    radios = ['<label><input type="radio" name="da-need" id="da-need-all" value="all" checked> '
              'All services</label>']
    for n in used:
        count = sum(n in s.needs for s in services)
        radios.append(f'<label><input type="radio" name="da-need" id="da-need-{n}" value="{n}"> '
                      f'{escape(NEEDS[n])} ({count})</label>')
    group_of = {id(s): key for key, ss in groups(services).items() for s in ss}
    entries = [_entry(s, group_of[id(s)], links, short, printed_in, corrections, base)
               for s in sorted(services, key=lambda s: (norm_name(s.name), s.listed_by[0].council))]
    return (_summary(services, differences(services), printed_in, corrections, base) +
            '<div class="da-services">'
            '<fieldset class="da-services__filter"><legend>Show services for</legend>'
            + " ".join(radios) + '</fieldset>'
            f'<ul class="da-services__list">{"".join(entries)}</ul></div>')


# --- corrections for the policy owner ------------------------------------------------------

def _printed_cell(cite, links, printed_in, base) -> str:
    link = links.get(cite)
    where = f' (<a href="{escape(base + link.href)}">{escape(link.label)}</a>)' if link else ""
    return f"{escape(printed_in.get(cite, cite))}{where}"


def corrections_html(council: str, name: str, services: list[Service], links: dict,
                     printed_in: dict[str, str], base: str = "") -> str:
    """What the council's documents print that should be corrected, and what could not be
    confirmed, for the policy owner. Only this council's listings."""
    mine = [s for s in services if s.phone and any(l.council == council for l in s.listed_by)]
    if not mine:
        return (f'<p data-corrections="none">{escape(name)}\'s documents print no support service '
                f'phone numbers, so there is nothing to correct here.</p>')
    found = [d for d in differences(services) if d.council == council]
    rows = []
    for d in found:
        c = d.listing.check
        rows.append(f'<tr data-correction="{escape(norm_name(d.listing.name))}" data-kind="{escape(d.kind)}">'
                    f'<td>{escape(d.listing.name)}</td>'
                    f'<td>{escape(d.printed)}, in {_printed_cell(d.cite, links, printed_in, base)}</td>'
                    f'<td><strong>{escape(d.expected)}</strong></td>'
                    f'<td>{check_sentence(d.listing) if c else "Another council prints a different number."}'
                    f'</td></tr>')
    head = ('<thead><tr><th scope="col">Service</th><th scope="col">The document prints</th>'
            '<th scope="col">{}</th><th scope="col">How it was checked</th></tr></thead>')
    corrections = [r for r, d in zip(rows, found) if d.correction]
    to_check = [r for r, d in zip(rows, found) if not d.correction]
    out = [f'<h2 id="numbers-to-correct">Numbers to correct</h2>']
    if corrections:
        out.append(f'<p>{len(corrections)} number{"s" if len(corrections) != 1 else ""} printed in '
                   f'{escape(name)}\'s documents {"are" if len(corrections) != 1 else "is"} not the number '
                   f'the service publishes. The policy page keeps the document\'s words, with a note beside '
                   f'them; the services directory gives the service\'s number.</p>'
                   f'<table class="da-corrections" data-corrections="correct">'
                   f'{head.format("The service publishes")}<tbody>{"".join(corrections)}</tbody></table>')
    else:
        out.append(f'<p data-corrections="none">No number printed in {escape(name)}\'s documents differs '
                   f'from a number the service itself publishes.</p>')
    out.append(_unconfirmed_html(council, name, mine, to_check, head, links, printed_in, base))
    return "".join(out)


def _unconfirmed_html(council, name, mine, to_check, head, links, printed_in, base) -> str:
    rows = list(to_check)
    for s in mine:
        if s.check and s.check.status != "confirmed" and not s.differs:
            cite = next(l.cite for l in s.listed_by if l.council == council)
            remark = f' The document adds: “{escape(s.remark)}”' if s.remark else ""
            rows.append(f'<tr data-unconfirmed="{escape(norm_name(s.name))}"><td>{escape(s.name)}</td>'
                        f'<td>{escape(s.phone)}, in {_printed_cell(cite, links, printed_in, base)}</td>'
                        f'<td>{escape(STATUS_LABEL[s.check.status])}</td>'
                        f'<td>{check_sentence(s)}{remark}</td></tr>')
    out = '<h2 id="numbers-to-check">Numbers to check</h2>'
    if not rows:
        return out + f'<p>Every number in {escape(name)}\'s documents was confirmed on the service\'s own page.</p>'
    return (out + f'<p>These numbers are not known to be wrong, but they could not be confirmed on the '
            f'service\'s own page. Please check them with the services when the document is next '
            f'reviewed.</p><table class="da-corrections" data-corrections="check">'
            f'{head.format("Status")}<tbody>{"".join(rows)}</tbody></table>')


# --- the note beside a printed number on a policy page ----------------------------------

def note_html(d: Difference, short: str, corrections_href: str) -> str:
    c = d.listing.check
    return (f'<div class="da-number-note" role="note" data-number-note="{escape(norm_name(d.listing.name))}">'
            f'<p><strong>Note from this site, not part of {escape(short)}\'s document:</strong> '
            f'{escape(c.service)} publishes its number as <strong>{escape(c.phone)}</strong> '
            f'(checked {day(c.checked)} on {_source_link(c)}). The number printed here, '
            f'{escape(d.printed)}, is not that number. '
            f'<a href="{escape(corrections_href)}">Corrections for the policy owner</a></p></div>')


_BLOCK = re.compile(r"<(li|p)[\s>]")


class NoteError(ValueError):
    pass


def with_notes(html: str, notes: list[tuple[str, str, str]]) -> str:
    """Each note (anchor id, printed number, note HTML) inserted after the list item or
    paragraph that prints the number, the first time it appears after the anchor: the
    council's sentence stays whole. A number not found there is an error."""
    for anchor, printed, note in notes:
        start = html.find(f'id="{anchor}"')
        number = re.compile(r"(?<!\d)" + r"[ \u00a0]?".join(digits(printed)) + r"(?!\d)")
        found = number.search(html, start) if start >= 0 else None
        if found is None:
            raise NoteError(f"the number {printed!r} is not printed after #{anchor}")
        blocks = list(_BLOCK.finditer(html, 0, found.start()))
        if not blocks:
            raise NoteError(f"the number {printed!r} after #{anchor} is in no paragraph or list item")
        if blocks[-1].group(1) == "p":
            at = html.index("</p>", found.end()) + len("</p>")
        else:
            ends = [i for i in (html.find(t, found.end()) for t in ("</li>", "<ul", "<ol")) if i >= 0]
            at = min(ends)
        html = html[:at] + note + html[at:]
    return html
