"""Loader and validation: every broken rule file is reported as `file:line: what is wrong`.

`tests/fixtures/good/` is a minimal, complete rules folder (two councils, one tool) whose
citations resolve to `tests/fixtures/policies/`. Each case below copies it into a temporary
folder, makes one text edit that breaks one rule, and checks that loading and validating
reports that exact problem at the exact line of the offending key or node (found by looking
for a marker in the edited text, so the fixture can change without renumbering the cases).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from py_tools.rules import build, loader, validate

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOOD = FIXTURES / "good"
POLICIES = FIXTURES / "policies"
TREE = "referral_routes.yaml"
DOVER = "councils/dover/referral_routes.yaml"
CAMDEN = "councils/camden/referral_routes.yaml"


def make(tmp_path: Path, edits) -> Path:
    """A copy of the good fixture with each (file, old, new) edit applied; old must match once."""
    root = tmp_path / "trees"
    shutil.copytree(GOOD, root)
    for rel, old, new in edits:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"fixture edit: {old!r} must occur once in {rel}"
        path.write_text(text.replace(old, new), encoding="utf-8")
    return root


def problems(root: Path) -> list[str]:
    """What loading and validating `root` reports: [] when the rules are valid."""
    try:
        build.load(root=root, policies=POLICIES)
    except loader.LoadError as exc:
        return [str(exc)]
    except build.InvalidRules as exc:
        return exc.errors
    return []


def line_of(root: Path, rel: str, marker: str) -> int:
    """The 1-based number of the one line of `rel` that contains `marker`."""
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    found = [n for n, line in enumerate(lines, 1) if marker in line]
    assert len(found) == 1, f"marker {marker!r} must be on exactly one line of {rel}, found {found}"
    return found[0]


# --- the good fixture ------------------------------------------------------------------

def test_good_fixture_loads_and_validates_clean():
    bundle = build.load(root=GOOD, policies=POLICIES)  # raises on any problem
    assert validate.validate(bundle) == []
    assert set(bundle.trees) == {"referral-routes"}
    assert set(bundle.councils) == {"dover", "camden"}
    # every citation in the fixture resolved to its anchor on the fixture's policy pages
    assert bundle.links["dover:4.1"].href == "policies/dover-policy/#dover-4-1"
    assert bundle.links["dover:4.1"].label == "Dover 4.1"
    assert bundle.links["camden:referral-to-marac"].href == "policies/camden-hub/#camden-referral-to-marac"
    assert bundle.links["camden:referral-to-marac"].label == "Camden: Referral to MARAC"
    # document title and dates come from the page's front matter
    (doc,) = bundle.councils["dover"].documents
    assert (doc.title, doc.approved, doc.review_due, doc.version) == (
        "Fixture Domestic Abuse Policy", "1 January 2024", "2027-01-31", "1.0")


def test_good_fixture_copy_is_clean_too(tmp_path):
    # the harness itself: an unedited copy has no problems, so each case's error comes from its edit
    assert problems(make(tmp_path, [])) == []


def test_fact_and_question_lines_are_recorded():
    bundle = build.load(root=GOOD, policies=POLICIES)
    tree = bundle.trees["referral-routes"]
    name = (GOOD / TREE).relative_to(loader.ROOT)  # files in the repository are named relative to it
    assert tree.questions[3].where == f"{name}:{line_of(GOOD, TREE, '  - ask: tenure')}"
    facts = (GOOD / "facts.yaml").relative_to(loader.ROOT)
    assert bundle.facts["tenure"].where == f"{facts}:{line_of(GOOD, 'facts.yaml', 'tenure:')}"


# --- one broken thing at a time --------------------------------------------------------
# (id, edits, file the error points into, marker of the offending line, what the error says)

QUESTIONS = ("questions:\n  - ask: immediate_danger\n    comment: Immediate danger first.\n  - ask: dash_score\n"
             "  - ask: children_in_household\n  - ask: tenure\n    only_if: {fact: immediate_danger, is: no}\n"
             "    comment: Makes sense only where no one is in immediate danger (a fixture rule).\n")

CASES = [
    ("invalid_yaml",
     [(TREE, "summary: Fixture tree for", "summary: Fixture tree: for")],
     TREE, "summary: Fixture tree: for", "invalid YAML"),
    ("unknown_key_in_question",
     [(TREE, "    comment: Immediate danger first.", "    comments: Immediate danger first.")],
     TREE, "comments: Immediate danger first.", "question 'immediate_danger': unknown key 'comments'"),
    ("unknown_key_in_profile_action",
     [(DOVER, '    quote: "High risk cases', '    source: "High risk cases')],
     DOVER, 'source: "High risk cases', "action 'marac_referral': unknown key 'source'"),
    ("unknown_key_in_catalogue",
     [(TREE, "    permission: true", "    permitted: true")],
     TREE, "permitted: true", "action 'referral_without_consent': unknown key 'permitted'"),
    ("missing_questions",
     [(TREE, QUESTIONS, "# (no questions)\n")],
     TREE, "tool: referral-routes", "tool: missing 'questions'"),
    ("unknown_fact_asked",
     [(TREE, "  - ask: children_in_household\n", "  - ask: children_in_household\n  - ask: tenancy\n")],
     TREE, "- ask: tenancy", "the tool asks unknown fact 'tenancy'"),
    ("fact_asked_twice",
     [(TREE, "  - ask: children_in_household\n", "  - ask: children_in_household\n  - ask: dash_score  # MARK\n")],
     TREE, "MARK", "'dash_score' is asked twice"),
    ("gate_reads_a_later_question",
     [(TREE, "  - ask: dash_score\n", "  - ask: dash_score\n    only_if: {fact: tenure, is: none}\n")],
     TREE, "only_if: {fact: tenure, is: none}", "condition reads 'tenure', which the tool does not ask here"),
    ("profile_defines_unknown_action",
     [(CAMDEN, "  record_within_24h:", "  record_within_48h:")],
     CAMDEN, "  record_within_48h:", "unknown action 'record_within_48h' for referral-routes"),
    ("condition_on_unknown_fact",
     [(DOVER, "when: {fact: immediate_danger, is: yes}", "when: {fact: immediate_dangers, is: yes}")],
     DOVER, "immediate_dangers", "condition uses unknown fact 'immediate_dangers'"),
    ("condition_with_a_value_that_is_no_answer",
     [(DOVER, "when: {fact: immediate_danger, is: yes}", "when: {fact: immediate_danger, is: maybe}")],
     DOVER, "is: maybe", "'maybe' is not an answer to 'immediate_danger' (valid: yes, no)"),
    ("applies_names_an_action_not_stated",
     [(DOVER, "{applies: marac_referral}", "{applies: marac_referal}")],
     DOVER, "marac_referal", "`applies: marac_referal`: the council states no such action"),
    ("applies_in_the_tool_file",
     [(TREE, "    arises: {fact: immediate_danger, is: yes}", "    arises: {applies: safety_plan}")],
     TREE, "arises: {applies: safety_plan}", "`applies` names a council's action: use it in a council profile"),
    ("condition_refers_back_to_itself",
     [(DOVER, "    when: {fact: dash_score, at_least: {council: marac_threshold}}\n    text: Refer",
       "    when: {applies: marac_referral}\n    text: Refer")],
     DOVER, "  marac_referral:", "the condition of 'marac_referral' refers back to itself"),
    ("literal_number_in_condition",
     [(DOVER, "at_least: {council: marac_threshold}}\n    text: Refer", "at_least: 14}\n    text: Refer")],
     DOVER, "at_least: 14}",
     "at_least takes {council: name}: every number comes from a council profile"),
    ("number_the_council_does_not_state",
     [(CAMDEN, "when: {fact: immediate_danger, is: yes}\n    text: Agree",
       "when: {fact: dash_score, below: {council: marac_threshold}}\n    text: Agree")],
     CAMDEN, "below: {council: marac_threshold}", "the council states no value 'marac_threshold'"),
    ("number_in_the_tool_file",
     [(TREE, "arises: {fact: dash_score, is: not_completed}",
       "arises: {fact: dash_score, at_least: {council: marac_threshold}}")],
     TREE, "at_least: {council: marac_threshold}", "a number comes from a council profile, with its citation"),
    ("bad_citation_form",
     [(DOVER, "cite: [dover:5.4]", "cite: [Dover 5.4]")],
     DOVER, "cite: [Dover 5.4]", "'Dover 5.4': a citation is council:locator"),
    ("citation_of_another_council",
     [(DOVER, "cite: [dover:5.1]", "cite: [camden:safety-planning]")],
     DOVER, "  safety_plan:",
     "citation 'camden:safety-planning' is another council's: dover cites only its own documents"),
    ("citation_without_anchor",
     [(DOVER, "cite: [dover:4.3]", "cite: [dover:4.9]")],
     DOVER, "  dash_ric:", "citation 'dover:4.9' has no anchor"),
    ("action_without_cite",
     [(DOVER, "    cite: [dover:4.3]\n", "")],
     DOVER, "  dash_ric:", "action 'dash_ric': missing 'cite'"),
    ("bad_duty",
     [(DOVER, "    duty: should\n", "    duty: required\n")],
     DOVER, "duty: required", "action 'police_999': duty must be one of must, should, may, info"),
    ("placeholder_without_value",
     [(DOVER, "text: Complete a DASH RIC.", "text: Complete a DASH RIC within {ric_days} days.")],
     DOVER, "  dash_ric:", "text uses {ric_days} but no value 'ric_days' is stated"),
    ("path_ends_with_no_action",
     [(DOVER, "  contact_deadline:\n    duty: must\n",
       "  contact_deadline:\n    duty: must\n    when: {fact: immediate_danger, is: yes}\n")],
     TREE, "questions:",  # a path has no one line: the error points at where the questions start
     "path for dover ends with no action: immediate_danger=no, dash_score=0-13, "
     "children_in_household=no, tenure=secure_sole"),
    # names: lowercase letters, digits and _, starting with a letter (they become HTML ids)
    ("option_name_breaking_out_of_an_attribute",
     [("facts.yaml", "    private_rented: Private rented tenant", '    x" onfocus="alert(1): Private rented tenant')],
     "facts.yaml", "onfocus", "fact 'tenure': name 'x\" onfocus=\"alert(1)' in options: a name is lowercase letters"),
    ("fact_name",
     [("facts.yaml", "\ntenure:\n", "\nTenure:\n")],
     "facts.yaml", "Tenure:", "name 'Tenure': a name is lowercase letters, digits and _"),
    ("tool_action_name",
     [(TREE, "  safety_plan: Agree a safety plan", "  safety-plan: Agree a safety plan")],
     TREE, "safety-plan:", "tool: name 'safety-plan' in actions: a name is lowercase letters"),
    ("question_name",
     [(TREE, "  - ask: children_in_household\n", "  - ask: 2children\n")],
     TREE, "- ask: 2children", "question '2children': '2children': a name is lowercase letters"),
    ("profile_action_name",
     [(DOVER, "  dash_ric:\n", "  dash ric:\n")],
     DOVER, "dash ric:", "profile: name 'dash ric' in actions: a name is lowercase letters"),
    ("council_code",
     [("councils/dover/council.yaml", "code: dover", "code: Dover")],
     "councils/dover/council.yaml", "code: Dover", "'Dover': a council code is lowercase letters and digits"),
    # structure (the schema of each kind of file)
    ("condition_with_two_tests",
     [(DOVER, "    when: {applies: marac_referral}\n",
       "    when: {applies: marac_referral, not: {fact: dash_score, is: not_completed}}\n")],
     DOVER, "applies: marac_referral, not:",
     "action 'dash_band_high': a condition is `always` or needs exactly one of fact, applies, all, any, not"),
    ("fact_test_without_fact",
     [(DOVER, "    when: {applies: marac_referral}\n", "    when: {applies: marac_referral, is: yes}\n")],
     DOVER, "applies: marac_referral, is: yes", "is, in, at_least and below go with fact"),
    ("condition_word_not_always",
     [(DOVER, "    when: {applies: marac_referral}\n", "    when: sometimes\n")],
     DOVER, "when: sometimes", "action 'dash_band_high': a condition written as one word is `always`"),
    ("question_without_ask",
     [(TREE, "  - ask: children_in_household\n", "  - comment: children\n")],
     TREE, "- comment: children", "question 3: missing 'ask'"),
    ("value_not_a_number",
     [(DOVER, "    value: 2\n", "    value: two\n")],
     DOVER, "value: two", "value 'contact_days': value must be a whole number"),
    ("choice_without_options",
     [("facts.yaml", "  options:\n    secure_sole: Council tenant in their sole name\n"
       "    private_rented: Private rented tenant\n    none: No home of their own\n", "")],
     "facts.yaml", "tenure:", "fact 'tenure': a choice needs options"),
]

PARAMS = [pytest.param(*case[1:], id=case[0]) for case in CASES]


def _prefix(root: Path, rel: str, marker) -> str:
    return f"{root / rel}:{1 if marker is None else line_of(root, rel, marker)}: "


@pytest.mark.parametrize("edits, rel, marker, message", PARAMS)
def test_broken_rules_name_the_file_and_the_problem(tmp_path, edits, rel, marker, message):
    root = make(tmp_path, edits)
    found = problems(root)
    assert found, "the broken fixture was accepted"
    assert any(message in e for e in found), f"no error says {message!r}:\n" + "\n".join(found)
    # nothing unrelated: every error of this case is about this one edit, in that file, one line each
    assert all(e.startswith(f"{root / rel}:") for e in found), "\n".join(found)
    assert all(message in e for e in found), "\n".join(found)
    assert all("\n" not in e for e in found)


@pytest.mark.parametrize("edits, rel, marker, message", PARAMS)
def test_broken_rules_point_at_the_offending_line(tmp_path, edits, rel, marker, message):
    root = make(tmp_path, edits)
    found = problems(root)
    prefix = _prefix(root, rel, marker)
    assert found and all(e.startswith(prefix) for e in found), \
        f"expected every error to start {prefix!r}; got:\n" + "\n".join(found)


def test_a_number_the_council_does_not_state_fails_only_for_that_council(tmp_path):
    root = make(tmp_path, [(CAMDEN, "when: {fact: immediate_danger, is: yes}\n    text: Agree",
                            "when: {fact: dash_score, below: {council: marac_threshold}}\n    text: Agree")])
    found = problems(root)
    assert found and all(e.startswith(f"{root / CAMDEN}:") for e in found), found


def test_missing_profile_file_is_reported(tmp_path):
    root = make(tmp_path, [])
    (root / "councils/dover/contractor_duties.yaml").unlink()
    (error,) = problems(root)
    assert error.startswith(f"{root / 'councils/dover/council.yaml'}:1: ")
    assert "has no profile contractor_duties.yaml for contractor-duties" in error


# --- "I don't know", short names, never-silent actions, duty coverage -------------------

def test_if_unknown_only_on_a_yes_no_question(tmp_path):
    root = make(tmp_path, [("facts.yaml", "  short: Housing situation\n",
                            "  short: Housing situation\n  if_unknown: yes  # MARK\n")])
    assert problems(root) == [f"{root / 'facts.yaml'}:{line_of(root, 'facts.yaml', 'MARK')}: fact "
                              "'tenure': if_unknown is for a yes/no question and names the protective "
                              "answer, yes or no"]


def test_unknown_needs_the_ask_when_unsure_action_and_is_accepted_only_where_allowed(tmp_path):
    edit = ("facts.yaml", "  short: Children in the household\n",
            "  short: Children in the household\n  if_unknown: yes\n")
    root = make(tmp_path / "a", [edit])
    assert problems(root) == [f"{root / TREE}:{line_of(root, TREE, 'questions:')}: 'children_in_household' "
                              "accepts \"I don't know\", so the tool's actions need 'ask_when_unsure'"]
    root = make(tmp_path / "b", [edit, (TREE, "actions:\n", "actions:\n  ask_when_unsure: Ask when unsure\n")])
    bundle = build.load(root=root, policies=POLICIES)
    from py_tools.engine import engine
    children = bundle.facts["children_in_household"]
    assert engine.parse_answer(children, "unknown") == "unknown"
    assert engine.answer_label(children, "unknown") == "I don't know"
    with pytest.raises(engine.BadValue, match=r"valid: yes, no\)"):
        engine.parse_answer(bundle.facts["immediate_danger"], "unknown")


def test_an_asked_fact_needs_a_short_name(tmp_path):
    root = make(tmp_path, [("facts.yaml", "  short: Immediate danger\n", "")])
    assert problems(root) == [f"{root / 'facts.yaml'}:2: fact 'immediate_danger' needs a `short` name "
                              "for \"Because\" lines"]


def test_never_silent_names_a_catalogue_action(tmp_path):
    root = make(tmp_path, [(TREE, "actions:\n", "never_silent: [no_such_action]\nactions:\n")])
    assert problems(root) == [f"{root / TREE}:{line_of(root, TREE, 'questions:')}: never_silent names "
                              "unknown action 'no_such_action'"]


def test_never_silent_action_left_out_by_a_council(tmp_path):
    root = make(tmp_path, [(TREE, "actions:\n", "never_silent: [dash_ric]\nactions:\n")])
    bundle = build.load(root=root, policies=POLICIES)
    states = {c: "dash_ric" in bundle.councils[c].tools["referral-routes"].actions for c in ("dover", "camden")}
    expected = [f"{root / 'councils' / c / 'referral_routes.yaml'}:1: {bundle.councils[c].short} must "
                f"state 'dash_ric' in its own words with its citation, or say in a `not_covered` text "
                f"that its documents do not cover it (referral-routes never leaves it silent)"
                for c in ("camden", "dover") if not states[c]]
    assert expected, "the fixture has a council that does not state a DASH RIC"
    assert validate.never_silent(bundle) == expected
    # a plain statement that its documents say nothing is accepted in place of a rule
    profile = root / "councils/camden/referral_routes.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace(
        "not_covered:\n", "not_covered:\n  dash_ric:\n    text: Camden's documents do not mention the DASH RIC.\n"),
        encoding="utf-8")
    assert validate.never_silent(build.load(root=root, policies=POLICIES)) == []


def _coverage(root):
    from py_tools.rules import coverage
    bundle = build.load(root=root, policies=POLICIES)
    return coverage.report(bundle, "dover", root, POLICIES)


def test_duty_sentence_is_used_set_aside_or_reported(tmp_path):
    root = make(tmp_path, [])
    status = {s.text: s.status for s in _coverage(root).sentences}
    assert status["High risk cases must be referred to MARAC."] == "used"  # quoted by the MARAC rule
    assert status["We will agree a safety plan."] == "open"  # no rule quotes it, none sets it aside
    (root / "councils/dover/coverage.yaml").write_text(
        "set_aside:\n  - cite: dover:5.1\n    sentence: \"We will agree a safety plan\"\n"
        "    reason: \"Covered in substance by the safety plan rule (test).\"\n", encoding="utf-8")
    report = _coverage(root)
    assert {s.text: s.status for s in report.sentences}["We will agree a safety plan."] == "set aside"
    assert report.errors == []


def test_stale_set_aside_and_code_names_in_reasons_are_errors(tmp_path):
    root = make(tmp_path, [])
    path = root / "councils/dover/coverage.yaml"
    path.write_text(
        "set_aside:\n"
        "  - cite: dover:5.1\n    sentence: \"Words that stand in no sentence at all\"\n"
        "    reason: \"A reason long enough to read.\"\n"
        "  - cite: dover:5.1\n    sentence: \"We will agree a safety plan\"\n"
        "    reason: \"Covered by safety_plan.\"\n", encoding="utf-8")
    assert _coverage(root).errors == [
        f"{path}:2: no duty sentence under that citation starts with those words (a stale or mistyped "
        "set-aside)",
        f"{path}:5: the reason shows code names to readers (safety_plan): use the question's or the "
        "action's words"]


# --- a key given twice, names that reach HTML, the schemas ------------------------------

def test_a_key_given_twice_is_refused_naming_both_lines(tmp_path):
    """`duty: must` then `duty: may` would load as may: a copy-paste slip that silently
    weakens a duty."""
    root = make(tmp_path, [(DOVER, "    duty: should\n", "    duty: must  # FIRST\n    duty: may  # SECOND\n")])
    first, second = line_of(root, DOVER, "# FIRST"), line_of(root, DOVER, "# SECOND")
    assert problems(root) == [f"{root / DOVER}:{second}: duplicate key 'duty' (first given at line {first}): "
                              "a key may appear once; the second would silently replace the first"]


def test_a_name_given_twice_in_a_catalogue_is_refused(tmp_path):
    root = make(tmp_path, [(TREE, "  safety_plan: Agree a safety plan\n",
                            "  safety_plan: Agree a safety plan\n  safety_plan: Make a safety plan  # MARK\n")])
    (error,) = problems(root)
    assert error.startswith(f"{root / TREE}:{line_of(root, TREE, 'MARK')}: duplicate key 'safety_plan' "
                            f"(first given at line {line_of(root, TREE, 'Agree a safety plan')})")


def test_an_id_that_reached_html_anyway_is_escaped():
    """The loader refuses such names; were one to get through, it stays inside its attribute."""
    from html.parser import HTMLParser

    from py_tools.engine import engine, render
    bundle = build.load(root=GOOD, policies=POLICIES)
    facts = {"immediate_danger": "no", "dash_score": "not_completed", "children_in_household": "no"}
    step = engine.decide(bundle, "referral-routes", "dover", facts)
    assert step["type"] == "question" and step["fact"] == "tenure" and step["options"]
    evil = 'x" onfocus="alert(1)'
    step = dict(step, fact=evil, options=[dict(o, value=evil) for o in step["options"]])

    class Attributes(HTMLParser):
        seen: list = []

        def handle_starttag(self, tag, attrs):
            self.seen.extend(attrs)

    parser = Attributes()
    parser.seen = []
    parser.feed(render.render_step(step, 'u"', ""))
    names = {name for name, _ in parser.seen}
    assert "onfocus" not in names and not any(name.startswith("on") for name in names), names
    ids = [value for name, value in parser.seen if name in ("id", "for")]
    assert f'u"-{evil}-{evil}' in ids  # the whole name, kept as the attribute's value


def _rule_files(root: Path = loader.TREES) -> dict[Path, str]:
    """Every rule file of the project and the kind of schema it follows."""
    kinds = {root / "facts.yaml": "facts", root / "services.yaml": "services", root / "release.yaml": "release"}
    kinds.update({root / name: "tool" for name in loader.TOOL_FILES.values()})
    for folder in sorted((root / "councils").iterdir()):
        kinds[folder / "council.yaml"] = "council"
        kinds[folder / "coverage.yaml"] = "coverage"
        kinds.update({folder / name: "profile" for name in loader.TOOL_FILES.values()})
    return {path: kind for path, kind in kinds.items() if path.exists()}


def test_every_rule_file_names_its_schema_on_its_first_line():
    """An editor with the YAML language server (VS Code's YAML extension) reads the schema
    from the first line and completes and checks the file while it is typed."""
    from py_tools.rules import schema
    found = _rule_files()
    assert set(found) == set(loader.TREES.rglob("*.yaml")), "a rule file of no known kind"
    assert len(found) >= 1 + 4 + 4 * 6 + 2
    for path, kind in found.items():
        first = path.read_text(encoding="utf-8").splitlines()[0]
        prefix = "# yaml-language-server: $schema="
        assert first.startswith(prefix), f"{path}: first line {first!r}"
        named = (path.parent / first[len(prefix):]).resolve()
        assert named == schema.path_of(kind), f"{path} names {named}, not the {kind} schema"


def test_the_schemas_are_valid_and_agree_with_the_engine():
    import json

    import jsonschema

    from py_tools.engine.model import DUTIES, FACT_TYPES, TOOLS
    from py_tools.rules import schema
    docs = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in schema.FOLDER.glob("*.schema.json")}
    assert {f"{k}.schema.json" for k in schema.KINDS} < set(docs)
    for doc in docs.values():
        jsonschema.Draft7Validator.check_schema(doc)
    assert tuple(docs["tool.schema.json"]["properties"]["tool"]["enum"]) == TOOLS
    assert tuple(docs["profile.schema.json"]["definitions"]["action"]["properties"]["duty"]["enum"]) == DUTIES
    assert tuple(docs["facts.schema.json"]["definitions"]["fact"]["properties"]["type"]["enum"]) == FACT_TYPES
    name = docs["common.schema.json"]["definitions"]["name"]["pattern"]
    assert name == "^[a-z][a-z0-9_]*$"
    # any council's citations: a new council needs no change here (validate refuses another
    # council's citation in a profile)
    assert docs["common.schema.json"]["definitions"]["cite"]["pattern"] == "^[a-z][a-z0-9]*:[a-z0-9][a-z0-9.\\-]*$"


def test_the_profile_schema_takes_a_title_and_conditions_on_actions_and_gaps():
    from py_tools.rules import schema
    when = {"fact": "immediate_danger", "is": True}
    profile = {"actions": {"police_999": {"duty": "must", "title": "Call 999", "text": "Call 999.",
                                          "cite": ["dover:5.4"], "when": when}},
               "not_covered": {"marac_repeat": {"text": "Not covered.", "when": {"not": when}}}}
    assert schema.problems(profile, "profile") == []
    profile["actions"]["police_999"]["when"] = {"fact": "immediate_danger"}
    assert [m for _, m in schema.problems(profile, "profile")] == [
        "action 'police_999': a condition on a fact needs exactly one of is, in, at_least, below"]


def test_services_and_coverage_files_are_checked_against_their_schemas(tmp_path):
    from py_tools.rules import coverage, services
    path = tmp_path / "services.yaml"
    path.write_text("services:\n  - name: Helpline\n    serves: Support.\n    needs: [women]\n"
                    "    phone: 8001234\n    listed_by: [{council: dover, cite: 'dover:5.1'}]\n", encoding="utf-8")
    with pytest.raises(loader.LoadError, match=r"services.yaml:5: service 'Helpline': phone must be quoted text"):
        services.load(path)
    path.write_text("set_aside:\n  - cite: dover:5.1\n    sentence: \"We will agree a safety plan\"\n",
                    encoding="utf-8")
    assert coverage._set_asides(path) == ([], [f"{path}:2: set-aside 1: missing 'reason'"])
