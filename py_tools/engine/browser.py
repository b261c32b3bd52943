"""The browser's entry to the engine (run in Pyodide by the Web Worker; also tested in CPython).

The worker keeps each widget's facts in memory and calls `apply` with a message; all the
decisions — what an answer means, what going back or changing an answer removes, what to
ask next — are made here, by the same engine the tests and the CLI run. Pure: no I/O.
"""
from __future__ import annotations

import dataclasses
import json

from . import deadlines, engine
from .model import Bundle, from_data
from .record import record_text
from .review import review_notice_html
from .render import render_compare, render_step


REPORTED = "report_received"  # not a fact of any tree: the report time for due dates


def _due(bundle: Bundle, tool: str, council: str, step: dict, facts: dict) -> tuple[bool, dict]:
    """(whether any outcome action has a time limit, action code -> due text)."""
    if step["type"] != "outcome":
        return False, {}
    profile = bundle.councils[council].tools[tool]
    timed = deadlines.deadlines_for(step, profile, deadlines.parse_reported("2000-01-03T09:00"), ())
    if not timed or REPORTED not in facts:
        return bool(timed), {}
    return True, deadlines.deadlines_for(step, profile, deadlines.parse_reported(facts[REPORTED]),
                                         bundle.bank_holidays, bundle.bank_holiday_years)


def load(bundle_json: str) -> Bundle:
    return from_data(Bundle, json.loads(bundle_json))


def _friendly(bundle: Bundle, tool: str, fact_name: str, raw) -> str:
    fact = engine.fact_for(bundle, engine.tree_for(bundle, tool), fact_name)
    if fact.type == "score":
        extra = "".join(f", or choose {o.label}" for o in fact.options)
        if raw in (None, ""):
            return f"Enter a score from {fact.min} to {fact.max}{extra}"
        return f"The score must be a whole number from {fact.min} to {fact.max}{extra}"
    return "Select yes or no" if fact.type == "boolean" else "Select one option"


def _update(bundle: Bundle, tool: str, facts: dict, message: dict, asked) -> tuple[dict, str]:
    """Apply one message to the answers: (new facts, error text for a bad answer)."""
    if not isinstance(message, dict):
        message = {}
    if not isinstance(message.get("fact", ""), str):
        return facts, "Select an answer"
    kind = message.get("type")
    if kind == "restart":
        return {}, ""
    if kind == "answer" and message.get("fact") == REPORTED:
        try:  # the report time for due dates: kept like an answer, in memory only
            if deadlines.parse_reported(str(message.get("value") or "")).year > 9000:
                raise ValueError("out of range")
            facts[REPORTED] = str(message.get("value")).strip()
            return facts, ""
        except ValueError:
            facts.pop(REPORTED, None)
            return facts, "Enter the date and time the abuse was reported"
    if kind == "answer":
        fact = message.get("fact", "")
        try:
            tree = engine.tree_for(bundle, tool)
            facts[fact] = engine.parse_answer(engine.fact_for(bundle, tree, fact), message.get("value"))
        except engine.RuleError:  # not a question of this tool
            facts.pop(fact, None)
            return facts, "Select an answer"
        except engine.BadValue:
            facts.pop(fact, None)
            return facts, _friendly(bundle, tool, fact, message.get("value"))
    elif kind == "back":
        facts = engine.back(facts, asked(facts))
    elif kind == "change":
        facts.pop(message.get("fact", ""), None)
    return facts, ""


def apply(bundle: Bundle, tool: str, council: str, facts_json: str, message_json: str,
          uid: str, base: str, date: str, today: str = "") -> str:
    """One widget message -> the new facts and the step to show, as JSON.

    message: {"type": "start"|"answer"|"back"|"change"|"restart", "fact": ..., "value": ...}
    """
    facts, error = _update(bundle, tool, json.loads(facts_json), json.loads(message_json),
                           lambda f: engine.decide(bundle, tool, council, f)["asked"])
    step = engine.decide(bundle, tool, council, facts)
    timed, due = _due(bundle, tool, council, step, facts)
    if due:
        step["actions"] = [dict(a, due=due[a["code"]]) if a["code"] in due else a for a in step["actions"]]
    record = record_text(bundle, step, date, today) if step["type"] == "outcome" else ""
    return json.dumps({
        # answers off the current path are kept in memory (an earlier answer changed
        # back makes them count again); the summary shows every answer in use
        "facts": facts,
        "type": step["type"],
        "fact": step.get("fact", ""),
        "asked": step["asked"],
        "actions": step.get("actions", []),
        "error": error,
        "html": render_step(step, uid, base, record, error,
                            reported=facts.get(REPORTED, "") if timed else None,
                            glossary=bundle.glossary),
    })


def _asked_all(bundle: Bundle, tool: str, facts: dict) -> list:
    """Facts in use by any council, in the order they were answered."""
    used = set()
    for council in bundle.councils:
        used.update(engine.decide(bundle, tool, council, facts)["asked"])
    return [f for f in facts if f in used]


def apply_all(bundle: Bundle, tool: str, facts_json: str, message_json: str,
              uid: str, base: str, date: str, today: str = "") -> str:
    """The "same case, all councils" view: one set of answers through every council's rules.

    The next question is the first one that any council still needs; once every council
    has an outcome, the outcomes are shown side by side.
    """
    facts, error = _update(bundle, tool, json.loads(facts_json), json.loads(message_json),
                           lambda f: _asked_all(bundle, tool, f))
    steps = [engine.decide(bundle, tool, council, facts) for council in bundle.councils]
    tree = engine.tree_for(bundle, tool)  # the question that comes first in the tool's order
    pending = sorted((s for s in steps if s["type"] == "question"),
                     key=lambda s: engine.question_index(tree, s["fact"]))
    asked = _asked_all(bundle, tool, facts)
    answers = [a for s in steps for a in s["answers"]]
    summary = {"answers": [next(a for a in answers if a["fact"] == f) for f in asked]}
    if pending:
        step = dict(pending[0])
        step["asked"] = asked
        needing = [bundle.councils[s["council"]].short for s in pending if s["fact"] == step["fact"]]
        step["hint"] = (step["hint"] + " " if step["hint"] else "") + f"Asked for: {', '.join(needing)}."
        step["cite"], step["links"] = [], {}
        html = render_step(step, uid, base, "", error, glossary=bundle.glossary)
        return json.dumps({"facts": facts, "type": "question", "fact": step["fact"], "asked": asked,
                           "actions": [], "error": error, "html": html})
    record = "\n".join(record_text(bundle, s, date, today) for s in steps)
    return json.dumps({"facts": facts, "type": "outcome", "fact": "", "asked": asked,
                       "actions": [dict(a, council=s["council"]) for s in steps for a in s["actions"]],
                       "error": error, "html": render_compare(steps, summary, uid, base, record,
                                                              glossary=bundle.glossary)})


def decide_json(bundle: Bundle, tool: str, council: str, facts_json: str) -> str:
    """The engine's step for these facts, as JSON (used by the parity tests)."""
    return json.dumps(engine.decide(bundle, tool, council, json.loads(facts_json)))


def review_notice(bundle: Bundle, council: str, page: str, today: str) -> str:
    """The "review date passed" notice as HTML for the viewer's date (ISO, passed in by the
    page as data): one policy page, or all the council's documents when page is ""."""
    return review_notice_html(bundle, council, today, page)


def load_many(bundle_jsons) -> Bundle:
    """One bundle from several councils' bundles (each as written by the site build: the
    same facts and trees, one council and its links), for "Same case, all councils"."""
    bundles = [load(str(text)) for text in bundle_jsons]
    if not bundles:
        raise ValueError("no council bundles")
    first = bundles[0]
    councils, links = {}, {}
    for bundle in bundles:
        councils.update(bundle.councils)
        links.update(bundle.links)
    # every other field (facts, trees, version, bank holidays, glossary) is the same in each
    return dataclasses.replace(first, councils=councils, links=links)
