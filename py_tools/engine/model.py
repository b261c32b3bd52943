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
END = "done"  # the goto target that ends a tree


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
    """One of a small fixed set: is, in, at_least, below, council_states, all, any, not.

    `number` is a literal; `council_value` names a value in the council's profile instead.
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


@dataclass(frozen=True)
class Route:
    when: Condition | None  # None: `otherwise`
    goto: str
    add: tuple[str, ...] = ()
    add_if_stated: tuple[str, ...] = ()
    where: str = ""


@dataclass(frozen=True)
class Node:
    name: str
    ask: str = ""  # a fact name, or "" for a node that only routes
    add: tuple[str, ...] = ()
    add_if_stated: tuple[str, ...] = ()
    routes: tuple[Route, ...] = ()
    comment: str = ""
    where: str = ""


@dataclass(frozen=True)
class Tree:
    tool: str
    title: str
    summary: str
    start: str
    nodes: dict[str, Node]
    facts: dict[str, Fact] = field(default_factory=dict)  # facts local to this tool
    actions: dict[str, str] = field(default_factory=dict)  # code -> neutral title
    where: str = ""
    # Actions every council must state in its own words (never `not_covered`): validated.
    never_silent: tuple[str, ...] = ()


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


@dataclass(frozen=True)
class NotCovered:
    code: str
    text: str = ""
    related: tuple[str, ...] = ()
    where: str = ""


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
