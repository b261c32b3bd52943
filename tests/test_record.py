"""The decision record: review-date warning and "because" lines."""
from __future__ import annotations

from py_tools.engine import engine
from py_tools.engine.record import record_text


def _rbkc_outcome(bundle):
    facts = {"request_from_third_party": "yes", "requester_is_perpetrator": "yes"}
    step = engine.decide(bundle, "consent-override", "rbkc", facts)
    assert step["type"] == "outcome"
    return step


def test_record_warns_when_a_policy_review_date_has_passed(bundle):
    step = _rbkc_outcome(bundle)
    due = [d.review_due for d in bundle.councils["rbkc"].documents if d.review_due]
    assert due, "RBKC's policy states a review date"
    after = record_text(bundle, step, "2026-12-03")
    assert "WARNING: the review date of" in after and "had passed on 3 December 2026" in after
    assert "WARNING: the review date" not in record_text(bundle, step, "2024-01-01")


def test_record_says_why_each_action_applies(bundle):
    step = _rbkc_outcome(bundle)
    text = record_text(bundle, step, "2026-12-03")
    body = text.split("\nMust:", 1)[1]
    assert "Because: The person asking may be the perpetrator: yes." in body
    # an action no answer decided (confidentiality opens every path) has no "because" line at all
    assert "whatever the answers" not in text
    assert body.count("Because:") == len([a for a in step["actions"] if a["because"]])
