"""Compare councils: the reader chooses the councils shown (display only, nothing stored)."""
from __future__ import annotations

import pytest


@pytest.mark.browser
def test_reader_chooses_the_councils_shown(page, context, site_url, bundle):
    page.goto(site_url + "/compare/")
    chooser = page.locator("[data-compare-chooser][data-mounted]")
    chooser.wait_for()
    codes = list(bundle.councils)
    boxes = chooser.locator("input[data-compare-council]")
    assert boxes.evaluate_all("bs => bs.map(b => b.value)") == codes
    hidden, kept = codes[0], codes[1]
    visible = lambda code: page.locator(  # noqa: E731
        f'table[data-compare-topic] [data-council="{code}"]:visible').count()
    total = page.locator(f'table[data-compare-topic] [data-council="{hidden}"]').count()
    assert total and visible(hidden) == total
    chooser.get_by_label(bundle.councils[hidden].short, exact=True).uncheck()
    assert visible(hidden) == 0 and visible(kept) == total
    status = chooser.locator("[data-compare-status]").inner_text()
    assert status == f"{len(codes) - 1} of {len(codes)} councils shown."
    chooser.get_by_label(bundle.councils[hidden].short, exact=True).check()
    assert visible(hidden) == total
    assert page.evaluate("() => localStorage.length + sessionStorage.length + document.cookie.length") == 0
    assert page.js_errors == [] and context.off_origin.blocked == []
