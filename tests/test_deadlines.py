"""Due dates: working days skip weekends and England and Wales bank holidays."""
import datetime as dt
import json

import pytest

from py_tools.engine import browser, deadlines
from py_tools.rules import build

HOLIDAYS = frozenset(build.bank_holidays(2024, 2031))


def test_bank_holidays_come_from_the_library_for_a_window_of_years():
    assert "2026-04-03" in HOLIDAYS  # Good Friday
    assert "2026-04-06" in HOLIDAYS  # Easter Monday
    assert "2026-12-28" in HOLIDAYS  # Boxing Day falls on a Saturday: substitute Monday
    assert "2027-12-27" in HOLIDAYS and "2027-12-28" in HOLIDAYS  # both substitutes in 2027
    assert "2024-01-01" in HOLIDAYS and "2031-12-25" in HOLIDAYS
    assert "2026-03-17" not in HOLIDAYS  # St Patrick's Day is Northern Ireland's, not England's


@pytest.mark.parametrize("start, days, expected", [
    ("2026-11-25", 1, "2026-11-26"),  # Wednesday -> Thursday
    ("2026-11-27", 1, "2026-11-30"),  # Friday -> Monday (weekend skipped), across a month end
    ("2026-11-27", 2, "2026-12-01"),  # Friday -> Tuesday
    ("2026-04-02", 1, "2026-04-07"),  # Thursday before Good Friday -> Tuesday after Easter Monday
    ("2026-12-24", 1, "2026-12-29"),  # Christmas Eve -> past Christmas and the Boxing Day substitute
    ("2027-12-24", 2, "2027-12-30"),  # 2027: Christmas and Boxing Day both substituted (27th, 28th)
    ("2026-12-31", 1, "2027-01-04"),  # New Year's Day (Friday) and the weekend, across a year end
])
def test_working_days(start, days, expected):
    got = deadlines.add_working_days(dt.date.fromisoformat(start), days, HOLIDAYS)
    assert got.isoformat() == expected


def test_hours_are_clock_hours_even_over_a_holiday():
    reported = dt.datetime(2026, 12, 24, 16, 30)
    assert deadlines.due(reported, 24, "hours", HOLIDAYS) == "by 16:30 on Friday 25 December 2026"


def test_report_time_must_be_a_date_and_time():
    with pytest.raises(ValueError):
        deadlines.parse_reported("tomorrow")


def _outcome_facts(bundle, tool, council):
    """Answer every question with its first option until the outcome."""
    from py_tools.engine import engine
    facts = {}
    while True:
        step = engine.decide(bundle, tool, council, facts)
        if step["type"] == "outcome":
            return facts, step
        facts[step["fact"]] = step["options"][0]["value"] if step["options"] else step["min"]


def test_due_dates_reach_the_outcome_and_the_record(bundle):
    """Whatever council states a working-day contact time, the widget shows its due date."""
    profiles = [(c, p) for c in bundle.councils for t, p in bundle.councils[c].tools.items()
                if t == "referral-routes" and "contact_working_days" in p.values]
    assert profiles, "no council profile states contact_working_days: the check has nothing to run on"
    for council, profile in profiles:
        facts, step = _outcome_facts(bundle, "referral-routes", council)
        assert any(a["code"] == "contact_deadline" for a in step["actions"])
        msg = {"type": "answer", "fact": browser.REPORTED, "value": "2026-12-24T16:30"}
        out = json.loads(browser.apply(bundle, "referral-routes", council, json.dumps(facts),
                                       json.dumps(msg), "u", "", "24 December 2026"))
        days = profile.values["contact_working_days"].value
        day = deadlines.add_working_days(dt.date(2026, 12, 24), days, frozenset(bundle.bank_holidays))
        expected = f"by the end of {day.strftime('%A')} {day.day} {day.strftime('%B %Y')}"
        contact = next(a for a in out["actions"] if a["code"] == "contact_deadline")
        assert contact["due"] == expected
        assert expected in out["html"]
        assert "report_received" not in out  # answers stay in the worker


def test_a_bad_report_time_is_an_error_not_a_crash(bundle):
    facts, _ = _outcome_facts(bundle, "referral-routes", "tmbc")
    msg = {"type": "answer", "fact": browser.REPORTED, "value": "yesterday"}
    out = json.loads(browser.apply(bundle, "referral-routes", "tmbc", json.dumps(facts),
                                   json.dumps(msg), "u", "", ""))
    assert out["type"] == "outcome"
    assert out["error"] == "Enter the date and time the abuse was reported"


# --- the years of bank holidays the rules bundle knows --------------------------------

def test_the_bank_holidays_are_those_of_the_years_around_the_release(bundle):
    """The window is tied to the signed-off release (release.yaml), not to the build's day."""
    import yaml
    release = yaml.safe_load((build.loader.TREES / "release.yaml").read_text(encoding="utf-8"))
    year = release["date"].year
    assert bundle.bank_holiday_years == build.holiday_years() == (year - 2, year + 5)
    first, last = bundle.bank_holiday_years
    assert f"{first}-01-01" in bundle.bank_holidays and f"{last}-12-25" in bundle.bank_holidays
    assert all(first <= int(day[:4]) <= last for day in bundle.bank_holidays)


def test_the_rules_bundle_does_not_depend_on_the_day_of_the_build(monkeypatch):
    """Built on another day (here: a date years after the release), the bundle is the same
    byte for byte, so its hash changes only when the rules or the holidays do."""
    today = build.bundle_json(build.load())

    class Later(dt.date):
        @classmethod
        def today(cls):
            return cls(2040, 1, 2)

    monkeypatch.setattr(dt, "date", Later)
    assert dt.date.today().year == 2040
    assert build.bundle_json(build.load()) == today


def test_a_due_date_outside_the_known_bank_holidays_says_so():
    years = (2024, 2031)
    inside = deadlines.due(dt.datetime(2031, 12, 19, 9, 0), 2, "working_days", HOLIDAYS, years)
    assert inside == "by the end of Tuesday 23 December 2031"
    across = deadlines.due(dt.datetime(2031, 12, 24, 9, 0), 4, "working_days", HOLIDAYS, years)
    later = deadlines.due(dt.datetime(2035, 3, 1, 9, 0), 2, "working_days", HOLIDAYS, years)
    before = deadlines.due(dt.datetime(2020, 3, 2, 9, 0), 2, "working_days", HOLIDAYS, years)
    caveat = " (check this date against the bank holidays: this site knows England and Wales bank " \
             "holidays from 2024 to 2031 only)"
    assert across.startswith("by the end of") and across.endswith(caveat)
    assert later == "by the end of Monday 5 March 2035" + caveat
    assert before == "by the end of Wednesday 4 March 2020" + caveat
    # clock hours do not depend on bank holidays
    assert "check" not in deadlines.due(dt.datetime(2035, 3, 1, 9, 0), 24, "hours", HOLIDAYS, years)


def test_the_caveat_reaches_the_outcome_and_the_record(bundle):
    council = next(c for c in sorted(bundle.councils)
                   if "contact_working_days" in bundle.councils[c].tools["referral-routes"].values)
    facts, _ = _outcome_facts(bundle, "referral-routes", council)
    last = bundle.bank_holiday_years[1]
    msg = {"type": "answer", "fact": browser.REPORTED, "value": f"{last + 3}-06-01T10:00"}
    out = json.loads(browser.apply(bundle, "referral-routes", council, json.dumps(facts),
                                   json.dumps(msg), "u", "", "1 June"))
    contact = next(a for a in out["actions"] if a["code"] == "contact_deadline")
    assert f"bank holidays from {bundle.bank_holiday_years[0]} to {last} only" in contact["due"]
    assert contact["due"] in out["html"]
