"""The browser's entry to the engine (run in Pyodide by the Web Worker; also tested in CPython).

The worker keeps each widget's facts in memory and calls `apply` with a message; all the
decisions — what an answer means, what going back or changing an answer removes, what to
ask next — are made here, by the same engine the tests and the CLI run. Pure: no I/O.
"""
from __future__ import annotations

import json

from . import engine
from .model import Bundle, from_data
from .record import record_text
from .render import render_step


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


def apply(bundle: Bundle, tool: str, council: str, facts_json: str, message_json: str,
          uid: str, base: str, date: str) -> str:
    """One widget message -> the new facts and the step to show, as JSON.

    message: {"type": "start"|"answer"|"back"|"change"|"restart", "fact": ..., "value": ...}
    """
    facts = json.loads(facts_json)
    message = json.loads(message_json)
    kind = message.get("type")
    error = ""
    if kind in ("start", "restart"):
        facts = {} if kind == "restart" else facts
    elif kind == "answer":
        fact = message.get("fact", "")
        try:
            tree = engine.tree_for(bundle, tool)
            facts[fact] = engine.parse_answer(engine.fact_for(bundle, tree, fact), message.get("value"))
        except engine.BadValue:
            facts.pop(fact, None)
            error = _friendly(bundle, tool, fact, message.get("value"))
    elif kind == "back":
        facts = engine.back(facts, engine.decide(bundle, tool, council, facts)["asked"])
    elif kind == "change":
        facts.pop(message.get("fact", ""), None)
    step = engine.decide(bundle, tool, council, facts)
    record = record_text(bundle, step, date) if step["type"] == "outcome" else ""
    return json.dumps({
        # answers off the current path are kept in memory (an earlier answer changed
        # back makes them count again); the summary shows every answer in use
        "facts": facts,
        "type": step["type"],
        "fact": step.get("fact", ""),
        "asked": step["asked"],
        "actions": step.get("actions", []),
        "error": error,
        "html": render_step(step, uid, base, record, error),
    })


def decide_json(bundle: Bundle, tool: str, council: str, facts_json: str) -> str:
    """The engine's step for these facts, as JSON (used by the parity tests)."""
    return json.dumps(engine.decide(bundle, tool, council, json.loads(facts_json)))
