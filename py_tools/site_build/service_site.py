"""The support services on the built site: the directory for the councils this build
publishes, the corrections page of each council, and the notes beside printed numbers on
the policy pages (py_tools/publications/service_pages.py writes the HTML).

Used by the macros (macros_extra.py) and the build hook (mkdocs_hooks.on_page_content and
on_files); it imports neither. CPython only (build time).
"""
from __future__ import annotations

from mkdocs.exceptions import PluginError

from py_tools.engine.model import Bundle
from py_tools.publications import service_pages
from py_tools.rules import anchors, loader, services
from py_tools.site_build import site_scope

CORRECTIONS = "rules/{code}/corrections.md"
CORRECTIONS_TITLE = "Corrections for the policy owner"
_cache: dict = {}


def corrections_page(code: str) -> str:
    return CORRECTIONS.format(code=code)


def corrections_href(code: str) -> str:
    """Site-relative address of a council's corrections page."""
    return corrections_page(code)[:-3] + "/"


def directory(bundle: Bundle):
    """(listings, citation links) for the published councils, loaded once per bundle; a
    LoadError (file:line) stops the build, and so does a citation with no anchor."""
    if _cache.get("bundle") is not bundle:
        known = {p.name for p in loader.TREES.joinpath("councils").iterdir() if p.is_dir()}
        listed = site_scope.services_for(services.load(services.PATH, known | set(bundle.councils)), bundle)
        links = anchors.links_for(services.cites(listed), anchors.shorts(bundle))
        missing = sorted(services.cites(listed) - set(links))
        if missing:
            raise services.LoadError(f"{services.PATH.relative_to(loader.ROOT)}:1: citations with no anchor "
                                     f"on a policy page: {', '.join(missing)}")
        _cache.clear()
        _cache.update(bundle=bundle, value=(listed, links))
    return _cache["value"]


def printed_in(bundle: Bundle, links: dict) -> dict[str, str]:
    """Citation -> the document it is in, as the notes name it ("Dover's Domestic Abuse
    (Housing Policy)"), from the councils' document lists."""
    out = {}
    for cite, link in links.items():
        council = bundle.councils.get(cite.split(":", 1)[0])
        if council is None:
            continue
        page = link.href.split("#", 1)[0].rstrip("/") + ".md"
        title = next((d.title for d in council.documents if d.page == page), "document")
        out[cite] = f"{council.short}'s {title}"
    return out


def corrections_map(bundle: Bundle) -> dict[str, str]:
    return {code: corrections_href(code) for code in bundle.councils}


def directory_html(bundle: Bundle, base: str) -> str:
    listed, links = directory(bundle)
    short = {code: c.short for code, c in bundle.councils.items()}
    return service_pages.directory_html(listed, links, short, printed_in(bundle, links),
                                        corrections_map(bundle), base)


def corrections_html(bundle: Bundle, code: str, base: str) -> str:
    listed, links = directory(bundle)
    return service_pages.corrections_html(code, bundle.councils[code].short, listed, links,
                                          printed_in(bundle, links), base)


def corrections_link(bundle: Bundle, code: str, base: str) -> str:
    """One line for a council's page and duty coverage page: what the corrections page holds."""
    listed, _ = directory(bundle)
    short = bundle.councils[code].short
    count = sum(1 for d in services.differences(listed) if d.council == code and d.correction)
    if count:
        what = (f"{count} contact number{'s' if count != 1 else ''} printed in {short}'s documents "
                f"{'are' if count != 1 else 'is'} not the number the service publishes")
    elif any(s.phone and any(l.council == code for l in s.listed_by) for s in listed):
        what = f"The contact numbers in {short}'s documents, checked against the services themselves"
    else:
        what = f"{short}'s documents print no support service phone numbers"
    return (f'<p class="da-corrections-link">{what}: '
            f'<a href="{base}{corrections_href(code)}">{CORRECTIONS_TITLE}</a>.</p>')


def policy_notes(html: str, page, bundle: Bundle) -> str:
    """A policy page with a note beside each number it prints that is not the service's own."""
    url = page.url if page is not None else ""
    if not url.startswith("policies/"):
        return html
    listed, links = directory(bundle)
    base = "../" * url.count("/")
    notes = []
    for d in services.differences(listed):
        link = links.get(d.cite)
        if d.correction and link is not None and link.href.startswith(url + "#"):
            short = bundle.councils[d.council].short
            notes.append((link.href.split("#", 1)[1], d.printed,
                          service_pages.note_html(d, short, base + corrections_href(d.council))))
    try:
        return service_pages.with_notes(html, notes)
    except service_pages.NoteError as exc:
        raise PluginError(f"{services.PATH.relative_to(loader.ROOT)}: {page.file.src_uri}: {exc}") from None
