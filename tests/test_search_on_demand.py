"""The site-wide search index (every council's policy text) is fetched when a reader first
goes to search, not on every page (overrides/assets/da/search-on-demand.js), so what a tool
page downloads does not grow with the number of councils; search still works from the
keyboard shortcut, the search button and a shared search link."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

TOOL_PAGE = "/tools/dover/contractor-duties/"
READY = "[data-tool=contractor-duties][data-council=dover][data-engine=ready]"


def index_requests(context) -> list[str]:
    seen: list[str] = []
    context.on("request", lambda r: seen.append(r.url) if r.url.endswith("/search/search_index.json") else None)
    return seen


def first_result(page) -> str:
    page.locator(".md-search-result__item").first.wait_for(timeout=20_000)
    return page.locator(".md-search-result__item").first.inner_text()


def test_a_tool_page_does_not_fetch_the_search_index(context, page, site_url):
    seen = index_requests(context)
    page.goto(site_url + TOOL_PAGE)
    page.wait_for_selector(READY, timeout=120_000)
    page.wait_for_load_state("networkidle")
    page.locator("[data-tool=contractor-duties] input[type=radio]").first.focus()
    page.keyboard.press("Tab")  # moving around the page is not going to search
    assert seen == [], "the search index was fetched before the reader went to search"
    # the keyboard shortcut opens search: the index is fetched then, and search answers
    page.keyboard.press("/")
    box = page.locator("input.md-search__input")
    box.wait_for(state="visible")
    box.fill("MARAC")
    box.press("End")
    assert "MARAC" in first_result(page).upper()
    assert len(seen) == 1
    assert page.js_errors == []


def test_the_search_button_loads_the_index(context, page, site_url):
    page.set_viewport_size({"width": 600, "height": 900})  # the narrow layout: a search button
    seen = index_requests(context)
    page.goto(site_url + "/")
    page.wait_for_load_state("networkidle")
    assert seen == []
    page.locator("label.md-header__button[for=__search]").click()
    box = page.locator("input.md-search__input")
    box.wait_for(state="visible")
    page.wait_for_load_state("networkidle")
    assert len(seen) == 1
    box.fill("exit")
    box.press("End")
    first_result(page)
    assert page.js_errors == []


def test_a_shared_search_link_loads_the_index(context, page, site_url):
    seen = index_requests(context)
    page.goto(site_url + "/?q=MARAC")
    page.wait_for_load_state("networkidle")
    assert len(seen) == 1
    assert page.js_errors == []
