"""Support services directory: load and validate decision_trees/services.yaml, find conflicts.

Each entry is one council's listing of a service, as that council wrote it. Two listings of
the same service (same normalised name, or a shared `aka`) whose details differ are a
conflict: reported at build and shown on the page, never silently resolved.
CPython only (reads files).
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from html import escape
from pathlib import Path

from .loader import TREES, LoadError, _File

PATH = TREES / "services.yaml"
NEEDS = {
    "women": "Women",
    "men": "Men",
    "children": "Children",
    "lgbt": "LGBT+ people",
    "older_people": "Older people",
    "south_asian_women": "South Asian and Asian women",
    "forced_marriage": "Forced marriage and honour-based violence",
    "nrpf": "No recourse to public funds",
    "perpetrators": "People who want to change their abusive behaviour",
    "deaf_disabled": "Deaf and disabled people",
}
FIELDS = ("phone", "hours", "email", "web")
UNKNOWN_EMAIL = "[email protected]"


@dataclass(frozen=True)
class Listing:
    council: str
    cite: str


@dataclass(frozen=True)
class Service:
    name: str
    serves: str
    needs: tuple[str, ...]
    phone: str = ""
    hours: str = ""
    email: str = ""
    web: str = ""
    aka: tuple[str, ...] = ()
    listed_by: tuple[Listing, ...] = ()
    where: str = ""


@dataclass(frozen=True)
class Conflict:
    key: str
    field: str
    values: tuple[tuple[str, str, str], ...]  # (council, value, where)

    def message(self) -> str:
        parts = "; ".join(f"{c} {v or '(not given)'} ({w})" for c, v, w in self.values)
        return f"service {self.key!r}: {self.field} differs between councils: {parts}"


def norm_name(name: str) -> str:
    text = re.sub(r"\(.*?\)", " ", name.lower())
    text = re.sub(r"[^a-z0-9+ ]", "", text.replace("&", " and "))
    words = [w for w in text.split() if w != "the"]
    return " ".join(words)


def norm_value(field: str, value: str) -> str:
    if field == "phone":
        return re.sub(r"\D", "", value)
    return " ".join(value.lower().split())


def load(path: Path = PATH, councils: set[str] | None = None) -> list[Service]:
    """Read and check the file; every error starts with file:line."""
    f = _File(path, "services")  # the structure is the schema's (decision_trees/schema/services.schema.json)
    out = []
    for body in f.data["services"]:
        what = f"service {body['name']!r}"
        f.keys(body, {"name", "aka", "serves", "needs", "listed_by", *FIELDS}, what)
        needs = tuple(body["needs"])
        for need in needs:
            if need not in NEEDS:
                f.fail(body.key_lines["needs"], f"{what}: unknown need {need!r} "
                                                f"(allowed: {', '.join(sorted(NEEDS))})")
        values = {key: body[key].strip() for key in FIELDS if key in body}
        if values.get("email") == UNKNOWN_EMAIL:
            values.pop("email")  # an address lost in extraction is unknown: never guessed
        if "email" in values and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", values["email"], re.I):
            f.fail(body.key_lines["email"], f"{what}: email {values['email']!r} is not an address")
        listings = []
        for item in body["listed_by"]:
            council, cite = item["council"], item["cite"]
            if cite.split(":", 1)[0] != council:
                f.fail(item.key_lines["cite"], f"{what}: {council} cites another council's paragraph {cite!r}")
            if councils is not None and council not in councils:
                f.fail(item.key_lines["council"], f"{what}: unknown council {council!r}")
            listings.append(Listing(council, cite))
        out.append(Service(body["name"].strip(), body["serves"].strip(), needs,
                           aka=tuple(body.get("aka") or ()), listed_by=tuple(listings),
                           where=f.at(body.line), **values))
    return out


def groups(services: list[Service]) -> dict[str, list[Service]]:
    """Listings of the same service, keyed by the normalised name (aka names join a group)."""
    key_of: dict[str, str] = {}
    out: dict[str, list[Service]] = {}
    for s in services:
        names = [norm_name(s.name), *(norm_name(a) for a in s.aka)]
        key = next((key_of[n] for n in names if n in key_of), names[0])
        for n in names:
            key_of.setdefault(n, key)
        out.setdefault(key, []).append(s)
    return out


def conflicts(services: list[Service]) -> list[Conflict]:
    found = []
    for key, listings in groups(services).items():
        if len({l.council for s in listings for l in s.listed_by}) < 2:
            continue
        for field in FIELDS:
            given = [(s, getattr(s, field)) for s in listings if getattr(s, field)]
            if len({norm_value(field, v) for _, v in given}) > 1:
                found.append(Conflict(listings[0].name, field, tuple(
                    (",".join(l.council for l in s.listed_by), v, s.where) for s, v in given)))
    return found


def cites(services: list[Service]) -> set[str]:
    return {l.cite for s in services for l in s.listed_by}


def report(services: list[Service], stream=None) -> list[Conflict]:
    """Print one line per conflict (a notice: the build goes on)."""
    found = conflicts(services)
    for c in found:
        print(f"services: conflict: {c.message()}", file=stream or sys.stderr)
    return found


# --- page ------------------------------------------------------------------------------

def _cite_links(listings, links, short, base) -> str:
    out = []
    for l in listings:
        link = links.get(l.cite)
        label = escape(link.label) if link else escape(l.cite)
        href = f' href="{escape(base + link.href)}"' if link else ""
        out.append(f'<a{href} data-cite="{escape(l.cite)}">{label}</a>')
    return ", ".join(out)


def directory_html(services: list[Service], links: dict, short: dict[str, str], base: str = "") -> str:
    """The directory: a CSS-only filter by need (radio buttons, no script, no URL, no storage),
    a list of conflicting details, and one entry per listing."""
    used = [n for n in NEEDS if any(n in s.needs for s in services)]
    radios = ['<label><input type="radio" name="da-need" id="da-need-all" value="all" checked> '
              'All services</label>']
    for n in used:
        count = sum(n in s.needs for s in services)
        radios.append(f'<label><input type="radio" name="da-need" id="da-need-{n}" value="{n}"> '
                      f'{escape(NEEDS[n])} ({count})</label>')
    found = conflicts(services)
    conflict_keys = {norm_name(c.key) for c in found}
    notes = ""
    if found:
        items = []
        for c in found:
            vals = "; ".join(f"{escape(short.get(council, council))} lists {escape(v)}"
                             for council, v, _ in c.values)
            items.append(f'<li data-conflict="{escape(norm_name(c.key))}" data-field="{c.field}">'
                         f'<strong>{escape(c.key)}</strong> — {escape(c.field)}: {vals}. '
                         f'Check with the service before relying on either.</li>')
        notes = ('<div class="admonition warning da-services__conflicts" data-conflicts>'
                 '<p class="admonition-title">The councils\' documents disagree</p>'
                 f'<ul>{"".join(items)}</ul></div>')
    group_of = {id(s): key for key, ss in groups(services).items() for s in ss}
    entries = []
    for s in sorted(services, key=lambda s: (norm_name(s.name), s.listed_by[0].council)):
        details = []
        if s.phone:
            details.append(f"<li>Phone: {escape(s.phone)}</li>")
        if s.hours:
            details.append(f"<li>Hours: {escape(s.hours)}</li>")
        if s.email:
            details.append(f"<li>Email: {escape(s.email)}</li>")
        if s.web:
            details.append(f"<li>Web: {escape(s.web)}</li>")
        tags = ", ".join(escape(NEEDS[n]) for n in s.needs) or "Anyone"
        councils = ", ".join(escape(short.get(l.council, l.council)) for l in s.listed_by)
        flag = ' <strong class="da-services__flag">(details differ between councils)</strong>' \
            if group_of[id(s)] in conflict_keys else ""
        entries.append(
            f'<li class="da-services__item" data-service="{escape(group_of[id(s)])}" '
            f'data-needs="{" ".join(s.needs)}" data-council="{" ".join(l.council for l in s.listed_by)}">'
            f'<h3>{escape(s.name)} <small>— listed by {councils}</small>{flag}</h3>'
            f'<p>{escape(s.serves)}</p><ul>{"".join(details)}<li>For: {tags}</li>'
            f'<li>Source: {_cite_links(s.listed_by, links, short, base)}</li></ul></li>')
    return (notes +
            '<div class="da-services">'
            '<fieldset class="da-services__filter"><legend>Show services for</legend>'
            + " ".join(radios) + '</fieldset>'
            f'<ul class="da-services__list">{"".join(entries)}</ul></div>')
