"""The command line contract (README), run as a user runs it: `python -m py_tools`.

Expectations are derived in-process from the engine on the real rules, so these tests
check the CLI contract, not today's rule data; one policy case (TMBC section 9) is fixed.
"""
from __future__ import annotations

import datetime
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from py_tools.rules import build, paths
from py_tools.engine import engine
from py_tools.publications import outline
from py_tools.engine.record import record_text

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "py_tools", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def rules():
    return build.load()  # fresh: the CLI reads the same working tree moments later


def richest_path(rules, tool: str, council: str) -> paths.Path:
    """A complete case: the path with the most actions (first of equals), deterministic."""
    found = paths.enumerate_paths(rules, tool, council)
    return max(found, key=lambda p: len(p.outcome["actions"]))


def asking_pair(rules) -> tuple[str, str]:
    """A (tool, council) whose first step is a question (a silent council may have none)."""
    return next((t, c) for t in sorted(rules.trees) for c in sorted(rules.councils)
                if engine.decide(rules, t, c, {})["type"] == "question")


def without_date(record: str) -> str:
    return re.sub(r"^Date: .*$", "Date: -", record, count=1, flags=re.M)


def assert_usage_error(result: subprocess.CompletedProcess, *needles: str) -> str:
    """Exit 2, nothing on stdout, exactly one line on stderr that names each needle."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert result.stderr.endswith("\n")
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def check_decide(rules, result, tool, council, facts):
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = json.loads(result.stdout)
    step = engine.decide(rules, tool, council, facts)
    assert step["type"] == "outcome"
    assert list(out) == ["tool", "council", "asked", "actions", "record"]
    assert (out["tool"], out["council"], out["asked"]) == (tool, council, step["asked"])
    assert out["actions"] == [{k: a[k] for k in ("code", "duty", "cite", "text", "about", "related",
                                                 "because")} for a in step["actions"]]
    today = datetime.date.today().isoformat()
    assert without_date(out["record"]) == without_date(record_text(rules, step, today, today))
    assert re.search(r"^Date: \d{4}-\d{2}-\d{2}$", out["record"], flags=re.M)
    return out


# --- decide ------------------------------------------------------------------------------

def tool_council_pairs():
    rules = build.load()
    councils = sorted(rules.councils)
    # every tool once, each with a different council, so all councils are run too
    return [(tool, councils[(i + 1) % len(councils)]) for i, tool in enumerate(sorted(rules.trees))]


@pytest.mark.parametrize("tool, council", tool_council_pairs())
def test_decide_with_a_facts_file(rules, tmp_path, tool, council):
    facts = richest_path(rules, tool, council).facts()
    facts["not_a_fact_of_any_tree"] = "ignored"  # extra facts are ignored
    case = tmp_path / "case.json"
    case.write_text(json.dumps(facts), encoding="utf-8")
    out = check_decide(rules, run("decide", tool, "--council", council, "--facts", str(case)),
                       tool, council, facts)
    assert out["actions"], "a complete case has actions"


def test_decide_from_stdin_with_booleans_written_as_json_booleans(rules):
    tool = "referral-routes" if "referral-routes" in rules.trees else sorted(rules.trees)[0]
    council = sorted(rules.councils)[-1]
    facts = richest_path(rules, tool, council).facts()
    as_json = {k: (v == "yes") if v in ("yes", "no") else v for k, v in facts.items()}
    out = check_decide(rules, run("decide", tool, "--council", council, "--facts", "-",
                                  stdin=json.dumps(as_json)), tool, council, facts)
    assert out["asked"] == [a.fact for a in richest_path(rules, tool, council).answers]


def test_tmbc_immediate_danger_calls_999(rules):
    """TMBC procedure, section 9: "Is the resident in immediate danger? If yes, contact 999." """
    tool = "referral-routes"
    assert "police_999" in rules.councils["tmbc"].tools[tool].actions, \
        "TMBC section 9 says to contact 999: its referral-routes profile must state police_999"
    case = next(p for p in paths.enumerate_paths(rules, tool, "tmbc")
                if ("immediate_danger", "yes") in [(a.fact, a.value) for a in p.answers])
    out = check_decide(rules, run("decide", tool, "--council", "tmbc", "--facts", "-",
                                  stdin=json.dumps(case.facts())), tool, "tmbc", case.facts())
    (police,) = [a for a in out["actions"] if a["code"] == "police_999"]
    assert "tmbc:9" in police["cite"]
    assert all(c.startswith("tmbc:") for c in police["cite"])
    assert "999" in police["text"]


# --- request errors: exit 2, one line on stderr, nothing on stdout -------------------------

def test_missing_first_fact(rules):
    tool, council = asking_pair(rules)
    step = engine.decide(rules, tool, council, {})
    fact = engine.fact_for(rules, rules.trees[tool], step["fact"])
    assert_usage_error(run("decide", tool, "--council", council, "--facts", "-", stdin="{}"),
                       "missing fact", step["fact"], engine.valid_choices(fact))


def test_missing_score_fact_names_the_range(rules):
    tool, council, facts, step = score_question(rules)
    assert_usage_error(run("decide", tool, "--council", council, "--facts", "-", stdin=json.dumps(facts)),
                       f"missing fact: {step['fact']}", f"a whole number from {step['min']} to {step['max']}")


def score_question(rules) -> tuple[str, str, dict, dict]:
    """(tool, council, facts, step) where the next question is a score: the first answers
    along each tool's paths until one asks for a score."""
    for tool in sorted(rules.trees):
        for council in sorted(rules.councils):
            for path in paths.enumerate_paths(rules, tool, council):
                facts = {}
                for answer in path.answers:
                    step = engine.decide(rules, tool, council, facts)
                    if step["type"] == "question" and step["input"] == "score":
                        return tool, council, facts, step
                    facts[answer.fact] = path.facts()[answer.fact]
    raise AssertionError("no tool asks for a score (the DASH score): the check has nothing to run on")


def test_bad_value(rules):
    tool, council = asking_pair(rules)
    first = engine.decide(rules, tool, council, {})["fact"]
    fact = engine.fact_for(rules, rules.trees[tool], first)
    line = assert_usage_error(
        run("decide", tool, "--council", council, "--facts", "-", stdin=json.dumps({first: "perhaps"})),
        first, "'perhaps'", engine.valid_choices(fact))
    assert line.startswith("error: bad value")


def test_unknown_tool(rules):
    assert_usage_error(run("decide", "referral-route", "--council", sorted(rules.councils)[0],
                           "--facts", "-", stdin="{}"),
                       "unknown tool", "'referral-route'", *rules.trees)


def test_unknown_council(rules):
    assert_usage_error(run("decide", sorted(rules.trees)[0], "--council", "kent", "--facts", "-", stdin="{}"),
                       "unknown council", "'kent'", *rules.councils)


@pytest.mark.parametrize("text, needle", [("{not json", "not valid JSON"), ("", "not valid JSON"),
                                          ('["immediate_danger"]', "JSON object")])
def test_bad_facts_json(rules, text, needle):
    tool, council = asking_pair(rules)
    assert_usage_error(run("decide", tool, "--council", council, "--facts", "-", stdin=text), needle)


def test_facts_with_a_huge_number(rules):
    tool, council = asking_pair(rules)
    first = engine.decide(rules, tool, council, {})["fact"]
    assert_usage_error(run("decide", tool, "--council", council, "--facts", "-",
                           stdin='{"%s": %s}' % (first, "1" * 5000)), "facts")


def test_missing_facts_file(rules, tmp_path):
    tool, council = asking_pair(rules)
    missing = tmp_path / "nope.json"
    assert_usage_error(run("decide", tool, "--council", council, "--facts", str(missing)),
                       "cannot read facts file", str(missing))


def test_missing_argument_is_one_line_too(rules):
    assert_usage_error(run("decide", sorted(rules.trees)[0], "--facts", "-", stdin="{}"), "--council")


# --- validate, explain, paths --------------------------------------------------------------

def test_validate(rules):
    result = run("validate")
    assert result.returncode == 0, result.stderr
    count = sum(len(paths.enumerate_paths(rules, t, c)) for t in rules.trees for c in rules.councils)
    assert result.stdout == (f"valid: {len(rules.trees)} tools, {len(rules.councils)} councils, "
                             f"{count} paths, {len(rules.links)} citations linked, "
                             f"every duty sentence used or set aside\n")


def test_explain_prints_the_outline(rules):
    tool, council = asking_pair(rules)
    result = run("explain", tool, "--council", council)
    assert result.returncode == 0, result.stderr
    expected = "".join("  " * depth + text + "\n" for depth, text in outline.outline(rules, tool, council))
    assert result.stdout == expected
    # plain words: the tool's title, its questions, each duty and when it applies; never a code name
    assert result.stdout.startswith(f"Part A: {rules.trees[tool].title}: the questions, in order\n")
    assert "Ask: " in result.stdout and "When: " in result.stdout
    tree = rules.trees[tool]
    names = {q.fact for q in tree.questions} | set(tree.actions)
    shown = [n for n in names if "_" in n and n in result.stdout]
    assert shown == [], f"code names in the outline: {shown}"


def test_paths_summary_prints_counts(rules):
    result = run("paths", "--summary")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    councils = list(rules.councils)
    expected = [f"{t}: " + ", ".join(f"{c} {len(paths.enumerate_paths(rules, t, c))}" for c in councils)
                for t in rules.trees]
    assert lines[:-1] == expected
    total = sum(len(paths.enumerate_paths(rules, t, c)) for t in rules.trees for c in councils)
    assert re.fullmatch(rf"total {total} paths in \d+\.\d\d s", lines[-1]), lines[-1]


def test_cli_output_has_no_unfilled_placeholders(rules):
    """Every tool for every council, on the path with the most actions: no `{name}` left in
    the actions or the record the CLI prints."""
    for tool in sorted(rules.trees):
        for council in sorted(rules.councils):
            facts = richest_path(rules, tool, council).facts()
            result = run("decide", tool, "--council", council, "--facts", "-", stdin=json.dumps(facts))
            assert result.returncode == 0, result.stderr
            assert not re.findall(r"\{[a-z][a-z0-9_]{2,}\}", result.stdout), (tool, council)
