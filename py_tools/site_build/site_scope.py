"""Which councils a build publishes, and how the site's pages and navigation follow.

- A build publishes every council in decision_trees/councils/, or a chosen list:
  `DA_COUNCILS=dover` (comma-separated codes) in the environment, or in mkdocs.yml
  `extra: {da_councils: [dover]}`. The environment wins. Pages of other councils (policy
  pages, council pages, tool pages, rules, search entries) are left out, and so are the
  services only they list. With one council the comparison pages ("Compare councils",
  "Same case, all councils") are left out too, and links to them are removed.
- With more councils than NAV_COUNCILS, the navigation lists a Councils page instead of a
  section per council, so every page's navigation stays the same size however many
  councils there are (each council's page links its documents and tools).

CPython only (build time).
"""
from __future__ import annotations

import os
import re
from dataclasses import replace

from py_tools.engine.model import Bundle

NAV_COUNCILS = 12
COMPARISON_PAGES = ("compare.md", "tools/all-councils.md")
COUNCILS_INDEX = "councils/index.md"


class ScopeError(ValueError):
    pass


# The choice for the build in progress: set by the MkDocs hook's on_config and read by every
# `rules()` (the macros plugin imports the hook module a second time, with its own cache).
_build: dict = {"only": None}


def set_current(codes: list[str] | None) -> None:
    _build.clear()
    _build["only"] = codes


def shared(key: str, make):
    """One value per build for both copies of the hook module (the rules are loaded once)."""
    if key not in _build:
        _build[key] = make()
    return _build[key]


def current() -> list[str] | None:
    return _build["only"]


def chosen(config) -> list[str] | None:
    """The council codes asked for (DA_COUNCILS, else extra.da_councils), or None for all."""
    raw = os.environ.get("DA_COUNCILS")
    where = "DA_COUNCILS"
    if raw is None:
        raw = ((config.get("extra") or {}) if config is not None else {}).get("da_councils")
        where = "mkdocs.yml extra.da_councils"
    if raw is None or raw == "" or raw == []:
        return None
    codes = raw if isinstance(raw, list) else str(raw).split(",")
    codes = [str(c).strip() for c in codes if str(c).strip()]
    if not codes:
        return None
    if len(set(codes)) != len(codes):
        raise ScopeError(f"{where}: a council is listed twice: {', '.join(codes)}")
    return codes


def subset(bundle: Bundle, codes: list[str] | None) -> Bundle:
    """The bundle with only the chosen councils (in the order given) and their links."""
    if codes is None:
        return bundle
    unknown = [c for c in codes if c not in bundle.councils]
    if unknown:
        raise ScopeError(f"unknown council {', '.join(unknown)} in DA_COUNCILS / extra.da_councils "
                         f"(valid: {', '.join(bundle.councils)})")
    prefixes = tuple(f"{c}:" for c in codes)
    return replace(bundle, councils={c: bundle.councils[c] for c in codes},
                   links={k: v for k, v in bundle.links.items() if k.startswith(prefixes)})


def one_council(bundle: Bundle) -> bool:
    return len(bundle.councils) == 1


def left_out(bundle: Bundle, all_codes, src_path: str, council: str | None) -> bool:
    """Whether a page of the docs folder is left out of this build."""
    path = src_path.replace(os.sep, "/")
    if council and council in all_codes and council not in bundle.councils:
        return True
    match = re.fullmatch(r"(councils|tools)/([^/]+?)(\.md|/.*)", path)
    if match and match.group(2) in all_codes and match.group(2) not in bundle.councils:
        return True
    return one_council(bundle) and path in COMPARISON_PAGES


def adjust_nav(nav: list, bundle: Bundle, council_sections: list) -> list:
    """The navigation: a section per council, or one Councils page when there are many;
    no comparison pages for one council."""
    out = []
    for item in nav:
        if item in council_sections and len(bundle.councils) > NAV_COUNCILS:
            if {"Councils": COUNCILS_INDEX} not in out:
                out.append({"Councils": COUNCILS_INDEX})
            continue
        if one_council(bundle):
            title, value = next(iter(item.items()))
            if value in COMPARISON_PAGES:
                continue
            if isinstance(value, list):
                value = [v for v in value if not (isinstance(v, dict) and
                                                  next(iter(v.values())) in COMPARISON_PAGES)]
                item = {title: value}
        out.append(item)
    return out


def needs_councils_index(bundle: Bundle) -> bool:
    return len(bundle.councils) > NAV_COUNCILS


COUNCILS_INDEX_PAGE = ("---\ntitle: Councils\n---\n\n# Councils\n\n"
                       "Each council's policy documents and decision tools.\n\n"
                       "{{ councils_index() }}\n")


def strip_links(markdown: str, bundle: Bundle) -> str:
    """Remove links (and button links) to the comparison pages from a one-council build."""
    if not one_council(bundle):
        return markdown
    for page in COMPARISON_PAGES:
        name = re.escape(page.rsplit("/", 1)[-1])
        markdown = re.sub(rf"\s*\[[^\]]*\]\((?:\.\./|tools/)?{name}\)(\{{[^}}]*\}})?\.?", "", markdown)
    markdown = re.sub(r"^To see how the [^\n]*the same case, use\s*$", "", markdown, flags=re.M)
    return markdown


def services_for(listed, bundle: Bundle):
    """The services directory for the published councils: each service with only their
    listings, and no service that only other councils list."""
    out = []
    for service in listed:
        keep = tuple(l for l in service.listed_by if l.council in bundle.councils)
        if keep:
            out.append(replace(service, listed_by=keep))
    return out


GLOSSARY = "glossary.md"
_ROW = re.compile(r"^\| (?P<abbr>[^|]+?) \| [^|\n]*\|\s*$", re.M)


def glossary(markdown: str, published: str) -> str:
    """A build of chosen councils keeps the glossary rows whose abbreviation appears in
    what it publishes (its pages and rules); the header row stays."""
    def keep(match):
        abbr = match.group("abbr").strip()
        if abbr in ("Abbreviation", "---") or re.search(rf"(?<![\w-]){re.escape(abbr)}(?![\w-])", published):
            return match.group(0)
        return ""
    return re.sub(r"\n{2,}(?=\|)", "\n\n", _ROW.sub(keep, markdown)).replace("|\n\n|", "|\n|")
