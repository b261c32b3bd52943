"""Due dates for the time limits a policy sets: working days skip weekends and bank
holidays; hours are clock hours. Pure: the bank holidays are given (computed at build time
from the `holidays` library into the bundle), the report time is given by the user.
"""
from __future__ import annotations

import datetime as dt
import re

UNITS = {"_working_days": "working_days", "_hours": "hours"}
PLACEHOLDER = re.compile(r"\{([a-z_0-9]+)\}")


def unit_of(value_name: str) -> str:
    for suffix, unit in UNITS.items():
        if value_name.endswith(suffix):
            return unit
    return ""


def is_working_day(day: dt.date, bank_holidays: frozenset) -> bool:
    return day.weekday() < 5 and day.isoformat() not in bank_holidays


def add_working_days(start: dt.date, days: int, bank_holidays: frozenset) -> dt.date:
    """The `days`-th working day after `start` (the day of the report does not count)."""
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day, bank_holidays):
            counted += 1
    return day


def due(reported: dt.datetime, amount: int, unit: str, bank_holidays, years=None) -> str:
    """A plain-English due date/time. `years`: (first, last) year whose bank holidays are
    known; a working-day count that runs outside them says so (it skips weekends only there)."""
    holidays = frozenset(bank_holidays)
    if unit == "hours":
        when = reported + dt.timedelta(hours=amount)
        return f"by {when.strftime('%H:%M')} on {when.strftime('%A')} {when.day} {when.strftime('%B %Y')}"
    day = add_working_days(reported.date(), amount, holidays)
    text = f"by the end of {day.strftime('%A')} {day.day} {day.strftime('%B %Y')}"
    if years is not None and not _known(reported.date() + dt.timedelta(days=1), day, years):
        text += (f" (check this date against the bank holidays: this site knows England and Wales "
                 f"bank holidays from {years[0]} to {years[1]} only)" if years else
                 " (check this date against the bank holidays: this site knows none)")
    return text


def _known(first: dt.date, last: dt.date, years) -> bool:
    """Whether every day from first to last falls in the years whose bank holidays are known."""
    return bool(years) and years[0] <= first.year and last.year <= years[-1]


def parse_reported(text: str) -> dt.datetime:
    """`YYYY-MM-DDTHH:MM` (an HTML datetime-local value) -> datetime; ValueError if not."""
    return dt.datetime.strptime(text.strip(), "%Y-%m-%dT%H:%M")


def deadlines_for(step: dict, profile, reported: dt.datetime, bank_holidays, years=None) -> dict:
    """action code -> due text, for outcome actions whose council text uses a time value."""
    out = {}
    for item in step.get("actions", []):
        action = profile.actions.get(item["code"])
        if action is None:
            continue
        for name in PLACEHOLDER.findall(action.text):
            unit = unit_of(name)
            value = profile.values.get(name)
            if unit and value is not None:
                out[item["code"]] = due(reported, value.value, unit, bank_holidays, years)
    return out
