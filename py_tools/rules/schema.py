"""The structure of each kind of rule file, checked against its JSON Schema
(decision_trees/schema/<kind>.schema.json) with the `jsonschema` library. CPython only.

The same schema files give an editor (VS Code's YAML extension, through the
`# yaml-language-server: $schema=...` first line of each rule file) completion and inline
errors; here each problem becomes `(line, message)` in the loader's words, e.g.
`node 'danger': unknown key 'comments' (allowed: add, add_if_stated, ask, comment, routes)`.
A schema's `errorMessage` / `patternErrorMessage` (read by the editor too) words a problem
where the generic wording would not help.
"""
from __future__ import annotations

import datetime
import json
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "decision_trees" / "schema"
KINDS = ("tool", "profile", "facts", "council", "coverage", "services", "release")
TYPE_WORDS = {"object": "a mapping", "array": "a list", "string": "text", "integer": "a whole number",
              "boolean": "yes or no", "null": "empty", "number": "a number"}
FIRST = ("additionalProperties", "propertyNames", "required", "type")  # reported before the rest


def path_of(kind: str) -> Path:
    return FOLDER / f"{kind}.schema.json"


@lru_cache(maxsize=None)
def _documents() -> dict[str, dict]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(FOLDER.glob("*.schema.json"))}


@lru_cache(maxsize=None)
def _validator(kind: str):
    import jsonschema  # build time only
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7
    docs = _documents()
    registry = Registry().with_resources(
        (name, Resource.from_contents(doc, default_specification=DRAFT7)) for name, doc in docs.items())
    schema = docs[path_of(kind).name]
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, registry=registry)


def _plain(value):
    """YAML 1.1 reads `2026-11-26` as a date; the schema (and an editor's YAML 1.2) sees text."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def problems(data, kind: str) -> list[tuple[int, str]]:
    """Every structure problem of `data` (the loader's mapping, with lines), first line first."""
    found = []
    for error in _validator(kind).iter_errors(_plain(data)):
        error = _deepest(error)
        line = _line(data, list(error.absolute_path), error)
        rank = FIRST.index(error.validator) if error.validator in FIRST else len(FIRST)
        found.append((line, rank, f"{_label(kind, data, list(error.absolute_path))}: {_words(error)}"))
    return [(line, message) for line, _, message in sorted(found)]


def _deepest(error):
    """For oneOf/anyOf without a message of their own, the branch error that explains most."""
    from jsonschema.exceptions import best_match
    while error.validator in ("oneOf", "anyOf") and error.context and "errorMessage" not in error.schema:
        # a branch of another type (a single name where a list was given) explains nothing
        fitting = [e for e in error.context if e.validator != "type" or e.relative_path]
        error = best_match(fitting or error.context)
    return error


# --- where: the line and the name of the entry ----------------------------------------

def _line(data, path: list, error) -> int:
    node, line = data, getattr(data, "line", 0) or 1
    for key in path:
        if isinstance(node, dict) and key in node:
            line = getattr(node, "key_lines", {}).get(key, line)
        elif isinstance(node, list) and isinstance(key, int) and key < len(node):
            line = (getattr(node, "item_lines", None) or [line] * len(node))[key]
        else:
            break
        node = node[key]
    key_lines = getattr(node, "key_lines", {})
    if "propertyNames" in error.absolute_schema_path:
        return key_lines.get(error.instance, line)
    if error.validator == "additionalProperties" and isinstance(node, dict):
        extra = _extra_keys(error)
        return key_lines.get(extra[0], line) if extra else line
    return line


def _resolve(schema: dict, doc: str) -> tuple[dict, str]:
    while isinstance(schema, dict) and "$ref" in schema:
        target, _, pointer = schema["$ref"].partition("#")
        doc = target or doc
        schema = _documents()[doc]
        for part in filter(None, pointer.split("/")):
            schema = schema[part]
    return schema, doc


def _child(schema: dict, doc: str, key):
    """(subschema, its document, how it was reached: 'property' | 'entry' | 'item') or None."""
    schema, doc = _resolve(schema, doc)
    if not isinstance(schema, dict):
        return None
    if isinstance(key, str) and key in schema.get("properties", {}):
        return schema["properties"][key], doc, "property"
    if isinstance(key, str) and isinstance(schema.get("additionalProperties"), dict):
        return schema["additionalProperties"], doc, "entry"
    if isinstance(key, int) and isinstance(schema.get("items"), dict):
        return schema["items"], doc, "item"
    branches = [*schema.get("allOf", ()), *schema.get("anyOf", ()), *schema.get("oneOf", ()),
                schema.get("then"), schema.get("else")]
    for branch in branches:
        found = _child(branch, doc, key) if isinstance(branch, dict) else None
        if found:
            return found
    return None


def _label(kind: str, data, path: list) -> str:
    """`node 'danger'`, `action 'police_999'`, `service 'Galop', listing 1`: the named entries
    the path goes through (their schema's title and their name), or the file's title."""
    doc = path_of(kind).name
    schema, node, labels = _documents()[doc], data, []
    for key in path:
        found = _child(schema, doc, key)
        if found is None or not isinstance(node, (dict, list)):
            break
        schema, doc, how = found
        node = node[key]
        title = _resolve(schema, doc)[0].get("title")
        if title and how == "entry":
            labels.append(f"{title} {key!r}")
        elif title and how == "item":
            name = (node.get("name") or node.get("service") or node.get("ask")) if isinstance(node, dict) else None
            labels.append(f"{title} {name!r}" if isinstance(name, str) else f"{title} {key + 1}")
    return ", ".join(labels) or _documents()[path_of(kind).name]["title"]


# --- what: the problem in plain words -------------------------------------------------

def _extra_keys(error) -> list:
    schema = error.schema
    allowed = set(schema.get("properties", {}))
    return [k for k in error.instance if k not in allowed] if isinstance(error.instance, dict) else []


def _words(error) -> str:
    key = error.absolute_path[-1] if error.absolute_path else None
    named = key if isinstance(key, str) else ("the value" if error.absolute_path else "the file")
    schema, kind = error.schema, error.validator
    if "propertyNames" in error.absolute_schema_path:
        message = schema.get("patternErrorMessage") or schema.get("errorMessage") or error.message
        return f"name {error.instance!r}{f' in {key}' if isinstance(key, str) else ''}: {message}"
    if kind == "additionalProperties":
        extra = _extra_keys(error)
        return (f"unknown key {extra[0]!r} (allowed: {', '.join(sorted(schema.get('properties', {})))})"
                if extra else error.message)
    if kind == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        return schema.get("errorMessage") or f"missing {missing[0]!r}"
    if kind == "not" and isinstance(error.validator_value, dict) and "errorMessage" in error.validator_value:
        return error.validator_value["errorMessage"]  # a combination the file must not have
    message = schema.get("patternErrorMessage") if kind == "pattern" else None
    message = message or schema.get("errorMessage")
    if message:
        if kind == "pattern" and not message.startswith("must"):
            return f"{error.instance!r}: {message}"
        return f"{named} {message}" if message.startswith("must") else message
    if kind == "type":
        types = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        return f"{named} must be {' or '.join(TYPE_WORDS.get(t, t) for t in types)}"
    if kind == "enum":
        return f"{named} must be one of {', '.join(str(v) for v in error.validator_value)}"
    if kind == "minItems":
        return f"{named} must not be empty"
    return error.message
