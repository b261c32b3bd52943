"""The rule model: plain dataclasses shared by the loader (CPython), the engine and Pyodide.

Stdlib only. `to_data` / `from_data` turn a Bundle into JSON-ready data and back, so the
browser receives exactly the model the tests run.
"""
from __future__ import annotations

import dataclasses
import sys
import types
import typing
from dataclasses import dataclass, field

DUTIES = ("must", "should", "may", "info")
FACT_TYPES = ("boolean", "choice", "score")
BOOLEAN_OPTIONS = (("yes", "Yes"), ("no", "No"))
TOOLS = ("referral-routes", "consent-override", "accommodation-options", "contractor-duties")


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Fact:
    name: str
    type: str
    question: str
    hint: str = ""
    options: tuple[Option, ...] = ()
    min: int | None = None
    max: int | None = None
    where: str = ""
    short: str = ""  # a few words naming the fact in "because" lines (the question if empty)
    # A judgement question that accepts "I don't know" (answer `unknown`) names the answer
    # whose route is the protective one; the tree takes that route and says so. "" = no.
    if_unknown: str = ""


UNKNOWN = "unknown"  # the answer value of "I don't know"
UNKNOWN_LABEL = "I don't know"


@dataclass(frozen=True)
class Condition:
    """One of a small fixed set: is, in, at_least, below (a fact's answer), always,
    applies (another action of the same council applies), all, any, not.

    `council_value` names a number in the council's profile (every number is cited there);
    `key` is the action an `applies` condition names.
    """
    op: str
    fact: str = ""
    value: str | None = None
    values: tuple[str, ...] = ()
    number: int | None = None
    council_value: str = ""
    key: str = ""
    parts: tuple["Condition", ...] = ()
    where: str = ""


ALWAYS = Condition("always")


@dataclass(frozen=True)
class Question:
    """A step of a tool's question order. It is asked when `only_if` holds (the question
    makes sense at all) and some condition of the council's rules still needs its answer."""
    fact: str
    only_if: Condition | None = None
    comment: str = ""
    where: str = ""


@dataclass(frozen=True)
class Tree:
    """A tool: its action catalogue and the order of its questions. Which actions apply is
    each council's own condition, in its profile (ToolProfile)."""
    tool: str
    title: str
    summary: str
    questions: tuple[Question, ...]
    facts: dict[str, Fact] = field(default_factory=dict)  # facts local to this tool
    actions: dict[str, str] = field(default_factory=dict)  # code -> neutral title, in outcome order
    # code -> when the topic arises: a council whose documents do not state the action says
    # so in that situation (not_covered). An action not listed here is silent when not stated.
    gaps: dict[str, Condition] = field(default_factory=dict)
    # actions that allow something the council's text ties to a known fact (sharing without
    # consent): an "I don't know" answer never grants one; the outcome says what to find out
    permissions: tuple[str, ...] = ()
    where: str = ""
    # Actions every council must state in its own words, or say plainly that its documents do
    # not cover (never left to the default wording): validated.
    never_silent: tuple[str, ...] = ()
    # An action whose absence means the council's documents do not cover the tool's subject at
    # all: such a council is asked nothing and gets that one statement.
    scope: str = ""
    # the catalogue's order (the order of outcome items): kept apart from `actions`, whose
    # keys are sorted in the JSON bundle
    order: tuple[str, ...] = ()


@dataclass(frozen=True)
class Value:
    name: str
    value: int
    cite: tuple[str, ...]
    quote: str = ""
    where: str = ""


@dataclass(frozen=True)
class ActionDef:
    code: str
    duty: str
    text: str
    cite: tuple[str, ...]
    quote: str = ""
    where: str = ""
    when: Condition | None = None  # the council's own condition for this action; None: always


@dataclass(frozen=True)
class NotCovered:
    code: str
    text: str = ""
    related: tuple[str, ...] = ()
    where: str = ""
    when: Condition | None = None  # None: when the tool says the topic arises


@dataclass(frozen=True)
class ToolProfile:
    """What one council's documents say for one tool: the data that differs by council."""
    council: str
    tool: str
    values: dict[str, Value] = field(default_factory=dict)
    actions: dict[str, ActionDef] = field(default_factory=dict)
    not_covered: dict[str, NotCovered] = field(default_factory=dict)
    question_cite: dict[str, tuple[str, ...]] = field(default_factory=dict)
    where: str = ""
    question_hint: dict[str, str] = field(default_factory=dict)  # the council's words added to a hint
    # actions of the tool's catalogue not yet checked against the council's documents
    # (a new council's skeleton, `python -m py_tools new-council`): shown as not reviewed
    not_reviewed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    title: str
    page: str  # docs-relative Markdown path, e.g. policies/dover-policy.md
    approved: str = ""
    review_due: str = ""  # ISO date
    version: str = ""


@dataclass(frozen=True)
class Council:
    code: str
    name: str
    short: str
    documents: tuple[Document, ...]
    tools: dict[str, ToolProfile] = field(default_factory=dict)
    where: str = ""


@dataclass(frozen=True)
class Link:
    href: str  # relative to the site root, e.g. policies/dover-policy/#dover-8-23
    label: str  # e.g. "Dover 8.23"


@dataclass(frozen=True)
class Bundle:
    """Everything the engine needs, validated: the unit shipped to the browser as JSON."""
    facts: dict[str, Fact]
    trees: dict[str, Tree]
    councils: dict[str, Council]
    links: dict[str, Link] = field(default_factory=dict)  # citation -> where it is on the site
    version: str = ""
    bank_holidays: tuple[str, ...] = ()  # England and Wales, ISO dates, computed at build
    glossary: dict[str, str] = field(default_factory=dict)  # abbreviation -> meaning (docs/includes)
    bank_holiday_years: tuple[int, ...] = ()  # (first, last): the years bank_holidays covers


# --- JSON round trip ---------------------------------------------------------------

def to_data(obj):
    """Dataclasses, tuples and dicts to plain JSON-ready data."""
    if dataclasses.is_dataclass(obj):
        return {f.name: to_data(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [to_data(x) for x in obj]
    if isinstance(obj, dict):
        return {k: to_data(v) for k, v in obj.items()}
    return obj


def _hints(cls, known: dict):
    """A dataclass's resolved field types, worked out once per class for one `from_data` call
    (resolving string annotations is most of the cost of loading a council's rules)."""
    if cls not in known:
        known[cls] = typing.get_type_hints(cls, vars(sys.modules[__name__]))
    return known[cls]


def _build(tp, data, known: dict):
    if data is None:
        return None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Union or origin is types.UnionType:
        inner = [a for a in args if a is not type(None)]
        return _build(inner[0], data, known)
    if origin is tuple:
        return tuple(_build(args[0], x, known) for x in data)
    if origin is dict:
        return {k: _build(args[1], v, known) for k, v in data.items()}
    if dataclasses.is_dataclass(tp):
        hints = _hints(tp, known)
        kwargs = {f.name: _build(hints[f.name], data[f.name], known)
                  for f in dataclasses.fields(tp) if f.name in data}
        return tp(**kwargs)
    return data


def from_data(cls, data):
    """Plain data (as made by `to_data`) back to the dataclass `cls`."""
    return _build(cls, data, {})
