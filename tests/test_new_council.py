"""A fifth council joins with the commands alone: import-policy + new-council + validate +
mkdocs build, in a temporary copy of the project. Its tools carry the "rules not yet
reviewed" banner, each outcome says which items are not reviewed, the decision record
warns, and validation lists what is left; the four reviewed councils carry no banner.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from py_tools.rules import build, loader
from py_tools.engine import engine, review
from py_tools.authoring import new_council
from py_tools.rules import not_reviewed
from py_tools.engine.record import record_text

ROOT = Path(__file__).resolve().parent.parent
IGNORE = shutil.ignore_patterns(".venv", "node_modules", "site", ".git", "__pycache__",
                                ".pytest_cache", ".hypothesis", ".bench", "*.egg-info")
CODE = "kentish"
NAME = "Kentish Test District Council"
TITLE = "Domestic Abuse (Housing Policy)"
TOOLS = ("referral-routes", "consent-override", "accommodation-options", "contractor-duties")


def run(args, cwd, timeout=600, **env):
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=dict(os.environ, NO_MKDOCS_2_WARNING="1", **env))


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("fifth") / "project"
    shutil.copytree(ROOT, dest, ignore=IGNORE, symlinks=True)
    (dest / "node_modules").symlink_to(ROOT / "node_modules")  # the Pyodide runtime, read only
    # the council's document as it arrives: a Word file (made here from a source text)
    sys.path.insert(0, str(ROOT / "tests"))
    from test_import_policy import make_docx
    doc = make_docx("003_d78f95123ae12777.txt", dest.parent / "Kentish domestic abuse policy.docx")
    imported = run(["-m", "py_tools", "import-policy", "--council", CODE, "--title", TITLE, str(doc)], dest)
    assert imported.returncode == 0, imported.stderr
    assert "not placed" in imported.stdout
    made = run(["-m", "py_tools", "new-council", CODE, "--name", NAME, "--short", "Kentish"], dest)
    assert made.returncode == 0, made.stderr
    return dest


def test_new_council_lists_every_action_as_not_reviewed(project):
    folder = project / "decision_trees" / "councils" / CODE
    assert (folder / "council.yaml").read_text(encoding="utf-8").count(
        "policies/kentish-domestic-abuse-housing-policy.md") == 1
    bundle = loader.load_bundle(project / "decision_trees")
    council = bundle.councils[CODE]
    for tool, tree in bundle.trees.items():
        profile = council.tools[tool]
        assert set(profile.not_reviewed) == set(tree.actions), tool
        assert not profile.actions and not profile.not_covered
    again = run(["-m", "py_tools", "new-council", CODE, "--name", NAME], project)
    assert again.returncode == 2 and "exists" in again.stderr


def test_validate_passes_and_lists_what_is_left(project):
    result = run(["-m", "py_tools", "validate"], project)
    assert result.returncode == 0, result.stderr
    assert "5 councils" in result.stdout
    left = [line for line in result.stdout.splitlines() if line.startswith("not yet reviewed:")]
    assert len(left) == len(TOOLS) + 1, result.stdout  # each tool's profile, and duty coverage
    assert re.search(rf"councils/{CODE}/coverage\.yaml:1: duty coverage of {CODE}: \d+ duty sentences: "
                     r"0 used by a rule, 0 set aside with a reason, \d+ open", left[-1]), left[-1]
    assert "every duty sentence of reviewed councils used or set aside" in result.stdout
    assert all(f"councils/{CODE}/" in line and re.search(r"\.yaml:\d+:", line) for line in left)
    # once reviewed (here: all moved to not_covered for one tool), that tool is off the list
    profile = project / "decision_trees" / "councils" / CODE / "contractor_duties.yaml"
    text = profile.read_text(encoding="utf-8")
    codes = re.findall(r"^  - (\w+)", text, re.M)
    try:
        profile.write_text("not_covered:\n" + "".join(f"  {c}: {{}}\n" for c in codes), encoding="utf-8")
        result = run(["-m", "py_tools", "validate"], project)
        assert result.returncode == 0, result.stderr
        assert "contractor-duties" not in result.stdout and "referral-routes" in result.stdout
        # a code both reviewed and not reviewed is an error with file:line
        profile.write_text(text + "not_covered:\n" + f"  {codes[0]}: {{}}\n", encoding="utf-8")
        result = run(["-m", "py_tools", "validate"], project)
        assert result.returncode == 1 and "contractor_duties.yaml:1:" in result.stderr
    finally:
        profile.write_text(text, encoding="utf-8")


def test_engine_outcome_and_record_say_not_reviewed(project):
    bundle = build.load(project / "decision_trees", project / "docs" / "policies")
    facts = {"immediate_danger": "yes", "dash_score": 15, "professional_concern": "no",
             "marac_in_last_12_months": "no", "children_in_household": "no",
             "care_and_support_needs": "no", "survivor_consents": "yes"}
    step = engine.decide(bundle, "referral-routes", CODE, facts)
    while step["type"] == "question":  # answer anything else "no" / the first option
        fact = step["fact"]
        facts[fact] = "no" if step["input"] == "boolean" else step["options"][0]["value"] \
            if step["options"] else step["min"]
        step = engine.decide(bundle, "referral-routes", CODE, facts)
    codes = {a["code"] for a in step["actions"]}
    assert codes == {"not_reviewed"}, codes
    assert all("not yet reviewed" in a["text"] and a["duty"] == "info" and not a["cite"]
               for a in step["actions"])
    record = record_text(bundle, step, "1 January 2026", "2026-01-01")
    assert "WARNING: this council's rules for this tool are not yet reviewed" in record
    # a reviewed council's outcome has no such item or warning
    dover = engine.decide(bundle, "referral-routes", "dover", facts)
    assert "not_reviewed" not in {a["code"] for a in dover["actions"]}
    assert "not yet reviewed" not in record_text(bundle, dover, "1 January 2026", "2026-01-01")
    assert not_reviewed.unreviewed_councils(bundle) == {CODE}


def test_site_builds_and_its_tools_show_the_banner(project):
    result = run(["-m", "mkdocs", "build", "--strict", "--quiet"], project, DA_DEV="1")
    assert result.returncode == 0, result.stdout + result.stderr
    site = project / "site"
    page = site / "policies" / "kentish-domestic-abuse-housing-policy" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert 'id="kentish-8-23"' in html and 'id="kentish-existing-tenants-and-transfers"' in html
    for tool in TOOLS:
        html = (site / "tools" / CODE / tool / "index.html").read_text(encoding="utf-8")
        assert "data-not-reviewed" in html and "Rules not yet reviewed" in html, tool
        assert re.search(rf'data-tool="{tool}" data-council="{CODE}"', html)
        reviewed = (site / "tools" / "dover" / tool / "index.html").read_text(encoding="utf-8")
        assert "data-not-reviewed" not in reviewed
    compare = (site / "compare" / "index.html").read_text(encoding="utf-8")
    cells = re.findall(rf'<td data-council="{CODE}" data-covered="no">(.*?)</td>', compare, re.S)
    assert cells and all(c.startswith("<em>Not yet reviewed</em>") for c in cells), cells[:3]
    others = re.findall(rf'<td data-council="(?!{CODE}")[^"]+" data-covered="no">(.*?)</td>', compare, re.S)
    assert others and not any("Not yet reviewed" in c for c in others)
    overview = (site / "councils" / CODE / "index.html").read_text(encoding="utf-8")
    assert "data-not-reviewed" in overview
    assert NAME in (site / "index.html").read_text(encoding="utf-8")
    # the copied source is covered by the fidelity check like the seeds
    from py_tools.authoring import fidelity
    docs = fidelity.documents(project)
    assert docs["Kentish domestic abuse policy.docx"] == "policies/kentish-domestic-abuse-housing-policy/index.html"
    result = fidelity.check(project / "sources" / "Kentish domestic abuse policy.docx", page)
    assert result.ratio >= 0.99, result.missing
    built = json.loads((site / "assets" / "engine" / "build.json").read_text(encoding="utf-8"))
    rules = site / "assets" / built["rules"] / f"{CODE}.json"  # the council's own rules, as shipped
    bundle = json.loads(rules.read_text(encoding="utf-8"))
    assert bundle["councils"][CODE]["tools"]["referral-routes"]["not_reviewed"]


def test_not_reviewed_banner_text_is_plain():
    bundle = build.load()
    for code in bundle.councils:  # the four councils are reviewed
        assert review.not_reviewed_html(bundle, code) == ""
