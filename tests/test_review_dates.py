"""Review dates are decided when a page is viewed, not only at build: a site built today and
opened after a policy's review date warns on the policy page, on the tool pages and in the
decision record. The page passes the viewer's date to the engine as data; Python decides.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from py_tools.engine import browser, engine, review
from py_tools.engine.record import record_text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_privacy import drive_to_outcome  # noqa: E402

DOVER_DUE = "2027-09-30"  # docs/policies/dover-policy.md front matter
LATER = dt.datetime(2028, 1, 15, 10, 0, tzinfo=dt.timezone.utc)
EARLIER = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.timezone.utc)


def test_the_engine_decides_on_the_day_it_is_given(bundle):
    dover = bundle.councils["dover"]
    assert [d.review_due for d in dover.documents] == [DOVER_DUE]
    page = "policies/dover-policy.md"
    assert review.review_notice_html(bundle, "dover", "2027-09-30", page) == ""
    notice = review.review_notice_html(bundle, "dover", "2027-10-01", page)
    assert "data-review-passed" in notice and "30 September 2027" in notice
    assert browser.review_notice(bundle, "dover", "", "2028-01-15") != ""
    assert browser.review_notice(bundle, "dover", "", "not a date") == ""
    facts: dict = {}
    step = engine.decide(bundle, "contractor-duties", "dover", facts)
    while step["type"] == "question":  # "no" (or the first option) to every question
        facts[step["fact"]] = "no" if step["input"] == "boolean" else step["options"][0]["value"]
        step = engine.decide(bundle, "contractor-duties", "dover", facts)
    assert "WARNING: the review date" in record_text(bundle, step, "15 January 2028", "2028-01-15")
    assert "WARNING" not in record_text(bundle, step, "1 March 2027", "2027-03-01")
    assert "WARNING" not in record_text(bundle, step, "1 March 2027")  # no day given: no claim


def _checked(page):
    box = page.locator("[data-review-check]").first
    page.wait_for_selector("[data-review-check][data-review-checked]", state="attached", timeout=90_000)
    return box


@pytest.mark.browser
def test_policy_page_warns_when_viewed_after_its_review_date(page, site_url):
    page.clock.set_fixed_time(LATER)
    page.goto(site_url + "/policies/dover-policy/")
    box = _checked(page)
    assert box.get_attribute("data-review-checked") == "2028-01-15"
    notice = box.locator("[data-review-passed]")
    assert notice.is_visible()
    assert "This policy's review date (30 September 2027) has passed." in notice.inner_text()


@pytest.mark.browser
def test_policy_page_does_not_warn_before_its_review_date(page, site_url):
    page.clock.set_fixed_time(EARLIER)
    page.goto(site_url + "/policies/dover-policy/")
    box = _checked(page)
    assert box.get_attribute("data-review-checked") == "2027-03-01"
    assert box.locator("[data-review-passed]").count() == 0


@pytest.mark.browser
def test_tool_page_and_record_warn_when_viewed_after_the_review_date(page, site_url):
    page.clock.set_fixed_time(LATER)
    page.goto(site_url + "/tools/dover/contractor-duties/")
    box = _checked(page)
    assert "30 September 2027" in box.locator("[data-review-passed]").inner_text()
    drive_to_outcome(page, "contractor-duties", "dover")
    record = page.locator("[data-tool='contractor-duties'] textarea[data-record]").input_value()
    assert "WARNING: the review date of Domestic Abuse (Housing Policy) (30 September 2027) had passed " \
           "on 15 January 2028" in record


@pytest.mark.browser
def test_policy_page_review_check_loads_no_runtime(page, site_url):
    """The view-time check on a policy page costs no Python runtime: no request for Pyodide,
    the engine or the rules (they are megabytes on a phone)."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.clock.set_fixed_time(LATER)
    page.goto(site_url + "/policies/rbkc-policy/")
    box = _checked(page)
    assert box.locator("[data-review-passed]").is_visible()
    page.wait_for_timeout(1000)
    heavy = [u for u in requested if any(p in u for p in ("/assets/pyodide/", "/assets/engine/", "/assets/rules/"))]
    assert heavy == [], heavy
    assert any("/assets/da/widget.js" in u for u in requested)  # the page's script did run
