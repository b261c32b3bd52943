"""Where each citation lives on the built site, read from the policy pages' anchors.

A citation `council:locator` has the anchor id `council-locator` with '.' as '-':
`dover:8.23` -> `#dover-8-23` on policies/dover-policy/. CPython only (reads files).
"""
from __future__ import annotations

import re
from pathlib import Path

from py_tools.engine.model import Bundle, Link

ROOT = Path(__file__).resolve().parents[2]
POLICIES = ROOT / "docs" / "policies"
# `{: #id }` (attr_list); `{#id}` would clash with the macros plugin's Jinja comments.
_ID = re.compile(r"\{:?\s*#([a-z0-9][a-z0-9\-]*)[ }.]")
_HEADING = re.compile(r"^#+\s+(.*?)\s*\{:?\s*#([a-z0-9\-]+)[^}]*\}\s*$")


def front_matter(page: Path) -> dict:
    """The YAML front matter of a Markdown page ({} if none)."""
    import yaml  # CPython only
    text = page.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return {}
    end = text.find("\n---", 3)
    return yaml.safe_load(text[3:end]) or {} if end > 0 else {}


def anchor_id(cite: str) -> str:
    return cite.replace(":", "-").replace(".", "-")


def page_anchors(folder: Path = POLICIES) -> dict[str, tuple[str, str]]:
    """anchor id -> (page href relative to the site root, heading text or '')."""
    found: dict[str, tuple[str, str]] = {}
    for page in sorted(folder.glob("*.md")):
        href = f"policies/{page.stem}/"
        for line in page.read_text(encoding="utf-8").splitlines():
            heading = _HEADING.match(line)
            for anchor in _ID.findall(line):
                text = heading.group(1) if heading and heading.group(2) == anchor else ""
                found.setdefault(anchor, (href, text))
    return found


def shorts(bundle: Bundle) -> dict[str, str]:
    """Council code -> the short name its council.yaml gives (citation labels: "Dover 8.23")."""
    return {code: council.short for code, council in bundle.councils.items()}


def label(cite: str, short_names: dict[str, str], heading: str = "") -> str:
    council, locator = cite.split(":", 1)
    short = short_names.get(council, council)
    if re.fullmatch(r"\d+(\.\d+)+", locator):
        return f"{short} {locator}"
    if locator.isdigit():
        return f"{short} section {locator}"
    return f"{short}: {heading}" if heading else f"{short}: {locator.replace('-', ' ')}"


def bundle_cites(bundle: Bundle) -> set[str]:
    cites = set()
    for council in bundle.councils.values():
        for profile in council.tools.values():
            for value in profile.values.values():
                cites.update(value.cite)
            for action in profile.actions.values():
                cites.update(action.cite)
            for gap in profile.not_covered.values():
                cites.update(gap.related)
            for cs in profile.question_cite.values():
                cites.update(cs)
    return cites


def links_for(cites, short_names: dict[str, str], folder: Path = POLICIES) -> dict[str, Link]:
    anchors = page_anchors(folder)
    out = {}
    for cite in sorted(cites):
        anchor = anchor_id(cite)
        if anchor in anchors:
            href, heading = anchors[anchor]
            out[cite] = Link(f"{href}#{anchor}", label(cite, short_names, heading))
    return out
