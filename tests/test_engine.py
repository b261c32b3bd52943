"""Engine unit tests on the small fixture rules (tests/fixtures/good/), plus the purity
contract that lets the same engine run in Pyodide.

The fixture: Dover states a DASH threshold (14, dover:4.1) and a contact deadline (2 working
days, dover:5.2); Camden states neither. Expectations below come from those fixture files.
"""
from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest

from py_tools.rules import build
from py_tools.engine import engine
from py_tools.engine.model import Bundle, from_data, to_data

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"
PY_TOOLS = TESTS.parent / "py_tools" / "engine"
TOOL = "referral-routes"
ORDER = ["immediate_danger", "dash_score", "children_in_household", "tenure"]
# a complete case for each council: low score, no children, council tenant
CASE = {"immediate_danger": "no", "dash_score": 3, "children_in_household": "no", "tenure": "secure_sole"}


@pytest.fixture(scope="module")
def rules() -> Bundle:
    return build.load(root=FIXTURES / "good", policies=FIXTURES / "policies")


def decide(rules, facts, council="dover"):
    return engine.decide(rules, TOOL, council, facts)


def outcome(rules, council="dover", **changes):
    step = decide(rules, {**CASE, **changes}, council)
    assert step["type"] == "outcome", step
    return step


def codes(step):
    return [(a["code"], a["about"]) for a in step["actions"]]


def item(step, about):
    (found,) = [a for a in step["actions"] if a["about"] == about]
    return found


# --- questions -------------------------------------------------------------------------

def test_first_question_has_options_hint_and_cite(rules):
    step = decide(rules, {})
    assert step["type"] == "question"
    assert (step["tool"], step["council"], step["fact"], step["input"]) == (TOOL, "dover", "immediate_danger", "boolean")
    assert step["question"] == "Is anyone in immediate danger now?"
    assert step["hint"] == "Someone is at risk of harm right now."
    assert step["options"] == [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}]
    assert step["cite"] == ["dover:1.1"]
    assert step["links"] == {"dover:1.1": {"href": "policies/dover-policy/#dover-1-1", "label": "Dover 1.1"}}
    assert step["asked"] == [] and step["answers"] == []
    assert step["council_name"] == "Dover District Council" and step["title"] == "Referral routes"


def test_question_cite_is_the_councils_own(rules):
    # Camden's profile cites nothing for this question: no borrowed Dover citation
    step = decide(rules, {}, "camden")
    assert step["fact"] == "immediate_danger"
    assert step["cite"] == [] and step["links"] == {}


def test_score_and_choice_questions(rules):
    step = decide(rules, {"immediate_danger": "no"})
    assert (step["fact"], step["input"], step["min"], step["max"]) == ("dash_score", "score", 0, 24)
    assert step["options"] == [{"value": "not_completed", "label": "Not completed"}]
    assert step["cite"] == ["dover:4.1"]
    step = decide(rules, {k: CASE[k] for k in ORDER[:3]})
    assert (step["fact"], step["input"]) == ("tenure", "choice")
    assert [o["value"] for o in step["options"]] == ["secure_sole", "private_rented", "none"]


def test_answers_replay_in_order(rules):
    for n in range(len(ORDER)):
        facts = {k: CASE[k] for k in ORDER[:n]}
        step = decide(rules, facts)
        assert step["type"] == "question"
        assert step["fact"] == ORDER[n]
        assert step["asked"] == ORDER[:n]
    step = outcome(rules)
    assert step["asked"] == ORDER
    assert step["answers"][0] == {"fact": "immediate_danger", "question": "Is anyone in immediate danger now?",
                                  "value": "no", "label": "No", "short": "Immediate danger"}
    assert step["answers"][1]["value"] == 3 and step["answers"][1]["label"] == "3"
    assert step["answers"][3]["label"] == "Council tenant in their sole name"


def test_back_drops_the_last_asked_fact(rules):
    facts = dict(CASE, unrelated="kept")
    step = decide(rules, facts)
    previous = engine.back(facts, step["asked"])
    assert previous == {k: v for k, v in facts.items() if k != "tenure"}
    assert facts["tenure"] == "secure_sole"  # the caller's facts are not changed
    assert decide(rules, previous)["fact"] == "tenure"
    # from a question, back drops the last answer given, not the question shown
    half = {"immediate_danger": "yes", "dash_score": 20}
    step = decide(rules, half)
    assert step["fact"] == "children_in_household"
    assert decide(rules, engine.back(half, step["asked"]))["fact"] == "dash_score"
    assert engine.back({}, []) == {}


def test_extra_facts_are_ignored(rules):
    extra = {"witnessed_violence": "not a boolean", "no_such_fact": [1, 2], "tenure_typo": None}
    assert decide(rules, {**CASE, **extra}) == decide(rules, CASE)
    # a fact off this path (Camden never reads the threshold) is not even parsed
    assert decide(rules, {"immediate_danger": "no", "extra": {"x": 1}}) == decide(rules, {"immediate_danger": "no"})


def test_changed_answer_changes_the_path(rules):
    assert ("police_999", "police_999") not in codes(outcome(rules))
    assert ("police_999", "police_999") in codes(outcome(rules, immediate_danger="yes"))


# --- answers ---------------------------------------------------------------------------

@pytest.mark.parametrize("yes, no", [(True, False), ("yes", "no"), ("true", "false"), ("Yes", "No")])
def test_boolean_answers(rules, yes, no):
    assert outcome(rules, immediate_danger=yes) == outcome(rules, immediate_danger="yes")
    assert outcome(rules, immediate_danger=no) == outcome(rules, immediate_danger="no")
    assert outcome(rules, immediate_danger=yes)["answers"][0]["value"] == "yes"


@pytest.mark.parametrize("bad", ["maybe", "", 1, 0, None, ["yes"], {"yes": True}, 1.0])
def test_bad_boolean_is_rejected(rules, bad):
    with pytest.raises(engine.BadValue) as exc:
        decide(rules, {"immediate_danger": bad})
    assert str(exc.value) == f"bad value for immediate_danger: {bad!r} (valid: yes, no)"


def test_every_score_in_range_is_accepted(rules):
    for score in range(0, 25):
        assert outcome(rules, dash_score=score)["answers"][1]["value"] == score
    assert outcome(rules, dash_score="14") == outcome(rules, dash_score=14)  # a score typed as text
    assert outcome(rules, dash_score="not_completed")["answers"][1]["label"] == "Not completed"


@pytest.mark.parametrize("bad", [-1, 25, "abc", 14.5, True, False, "14.0", "", None, "Not completed",
                                 "٣", 10 ** 30, [14]])
def test_bad_score_is_rejected_naming_fact_and_choices(rules, bad):
    with pytest.raises(engine.BadValue) as exc:
        decide(rules, {"immediate_danger": "no", "dash_score": bad})
    message = str(exc.value)
    assert message.startswith("bad value for dash_score: ")
    assert message.endswith("(valid: a whole number from 0 to 24, or not_completed)")
    assert "\n" not in message


def test_bad_choice_is_rejected(rules):
    with pytest.raises(engine.BadValue, match=r"^bad value for tenure: 'council' "
                                              r"\(valid: secure_sole, private_rented, none\)$"):
        decide(rules, {**CASE, "tenure": "council"})


def test_unknown_tool_council_and_bad_facts(rules):
    with pytest.raises(engine.UnknownTool, match=r"^unknown tool: 'consent-override' \(valid: referral-routes\)$"):
        engine.decide(rules, "consent-override", "dover", {})
    with pytest.raises(engine.UnknownCouncil, match=r"^unknown council: 'tmbc' \(valid: camden, dover\)$"):
        engine.decide(rules, TOOL, "tmbc", {})
    with pytest.raises(engine.BadValue, match="facts must be an object"):
        engine.decide(rules, TOOL, "dover", ["immediate_danger"])


# --- outcomes --------------------------------------------------------------------------

def test_outcome_items_have_the_contract_fields(rules):
    step = outcome(rules, immediate_danger="yes", dash_score=20, children_in_household="yes", tenure="none")
    for action in step["actions"]:
        assert set(action) == {"code", "about", "duty", "text", "cite", "related", "because"}
        asked = {a["fact"]: a for a in step["answers"]}
        for reason in action["because"]:  # each reason is one of the answers given
            assert reason == {k: asked[reason["fact"]][k] for k in ("fact", "short", "label")}
        assert action["duty"] in ("must", "should", "may", "info")
        for cite in action["cite"] + action["related"]:
            assert step["links"][cite]["href"].startswith("policies/")
    assert set(step["links"]) == {c for a in step["actions"] for c in a["cite"] + a["related"]}


def test_not_covered_item_has_info_duty_no_cite_and_related_reading(rules):
    step = outcome(rules, children_in_household="yes")
    gap = item(step, "idva_referral")
    assert gap == {"code": "not_covered", "about": "idva_referral", "duty": "info",
                   "text": "Dover's documents do not name an IDVA service.",
                   "cite": [], "related": ["dover:7.3"], "because": gap["because"]}
    assert step["links"]["dover:7.3"]["label"] == "Dover 7.3"


def test_not_covered_default_wording(rules):
    # no not_covered entry in the profile: the engine says so from the action's neutral title
    gap = item(outcome(rules, tenure="private_rented"), "specialist_service_referral")
    assert gap["code"] == "not_covered" and gap["duty"] == "info" and gap["cite"] == [] and gap["related"] == []
    assert gap["text"] == ("Dover's documents do not cover this: refer or signpost to specialist "
                           "domestic abuse services.")


def test_an_action_with_no_topic_condition_is_silent_where_the_council_is(rules):
    # the tool says nowhere when these topics arise: a council that does not state them is silent
    dover = outcome(rules)
    assert not {"record_within_24h", "policy_conflict"} & {a["about"] for a in dover["actions"]}
    # Camden states record_within_24h, with no condition: it applies on every path
    camden = outcome(rules, "camden")
    assert item(camden, "record_within_24h")["cite"] == ["camden:referral-to-marac"]
    assert "policy_conflict" not in {a["about"] for a in camden["actions"]}


def test_threshold_from_the_council_and_its_cite_on_the_action(rules):
    below, at = outcome(rules, dash_score=13), outcome(rules, dash_score=14)
    assert "marac_referral" not in {a["about"] for a in below["actions"]}
    marac = item(at, "marac_referral")
    assert marac["duty"] == "must"
    # the action's own cite, then the cite of the number it was reached through
    assert marac["cite"] == ["dover:4.2", "dover:4.1"]
    assert marac["text"] == "Refer the case to MARAC; it scores 14 or more."
    assert item(at, "dash_band_high")["cite"] == ["dover:4.1"]  # not repeated


def test_council_without_a_threshold_borrows_none(rules):
    for score in (0, 14, 24):
        step = outcome(rules, "camden", dash_score=score)
        abouts = {a["about"] for a in step["actions"]}
        assert not abouts & {"marac_referral", "dash_band_high"}
        assert all(c.startswith("camden:") for a in step["actions"] for c in a["cite"] + a["related"])


def test_placeholder_is_filled_from_the_council_value(rules):
    assert item(outcome(rules), "contact_deadline")["text"] == "Contact the survivor within 2 working days."
    camden_gap = item(outcome(rules, "camden"), "contact_deadline")
    assert camden_gap["code"] == "not_covered" and "{" not in camden_gap["text"]


def test_an_action_is_listed_once_in_the_catalogue_order_citing_the_number_it_reads(rules):
    step = outcome(rules, immediate_danger="yes", dash_score=20)
    plans = [a for a in step["actions"] if a["about"] == "safety_plan"]
    assert len(plans) == 1
    assert plans[0]["cite"] == ["dover:5.1", "dover:4.1"]  # its condition reads the threshold
    # both parts of its `any` held: both answers are its "because"
    assert [b["fact"] for b in plans[0]["because"]] == ["immediate_danger", "dash_score"]
    # listed in the catalogue's order: with the police, before the MARAC referral
    order = [a["about"] for a in step["actions"]]
    assert order.index("police_999") < order.index("safety_plan") < order.index("marac_referral")
    assert len(order) == len(set(order))


def test_duty_and_text_come_from_the_council(rules):
    dover = item(outcome(rules, immediate_danger="yes"), "police_999")
    assert (dover["duty"], dover["cite"]) == ("should", ["dover:5.4"])
    camden = item(outcome(rules, "camden", immediate_danger="yes"), "police_999")
    assert camden == {"code": "not_covered", "about": "police_999", "duty": "info",
                      "text": "Camden's documents do not mention the police.", "cite": [], "related": [],
                      "because": [{"fact": "immediate_danger", "short": "Immediate danger", "label": "Yes"}]}


def test_output_is_deterministic_and_survives_the_json_bundle(rules):
    again = build.load(root=FIXTURES / "good", policies=FIXTURES / "policies")
    shipped = from_data(Bundle, json.loads(build.bundle_json(rules)))  # what the browser receives
    assert shipped == rules
    facts = {"immediate_danger": True, "dash_score": "14", "children_in_household": "yes", "tenure": "none"}
    for council in ("dover", "camden"):
        first = decide(rules, facts, council)
        text = json.dumps(first, sort_keys=False)
        for bundle in (rules, again, shipped):
            assert json.dumps(decide(bundle, dict(facts), council), sort_keys=False) == text
    assert to_data(rules) == to_data(again)


# --- purity: what lets the engine run unchanged in Pyodide -------------------------------

START = ("engine", "model", "record", "render", "browser")
FORBIDDEN_MODULES = {"os", "pathlib", "io", "socket", "urllib", "http", "subprocess", "shutil",
                     "tempfile", "glob", "time", "random", "secrets", "importlib", "ctypes",
                     "threading", "multiprocessing", "asyncio", "sqlite3", "select", "ssl",
                     "signal", "builtins", "yaml", "requests", "js", "pyodide"}
FORBIDDEN_CALLS = {"open", "eval", "exec", "compile", "__import__", "input", "print", "breakpoint",
                   "globals", "setattr"}
CLOCK_CALLS = {"now", "today", "utcnow", "time", "monotonic", "perf_counter"}
CACHES = {"lru_cache", "cache", "cached_property"}
MUTATING = {"append", "extend", "insert", "pop", "popitem", "remove", "clear", "update",
            "setdefault", "add", "discard", "sort", "reverse", "__setitem__"}
MUTABLE_CALLS = {"list", "dict", "set", "bytearray", "defaultdict", "deque", "OrderedDict", "Counter"}


def _tree(name: str) -> ast.Module:
    return ast.parse((PY_TOOLS / f"{name}.py").read_text(encoding="utf-8"), filename=f"{name}.py")


def _local_imports(tree: ast.Module) -> set[str]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                out.add(node.module.split(".")[0])
            else:
                out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("py_tools"):
            rest = node.module.split(".")[2:]
            out.update(rest[:1] or [a.name for a in node.names])
        elif isinstance(node, ast.Import):
            out.update(a.name.split(".")[2] for a in node.names if a.name.startswith("py_tools.engine."))
    return out


def engine_modules() -> list[str]:
    """The start modules and every py_tools module they import, transitively."""
    seen, todo = set(), list(START)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(_local_imports(_tree(name)) - seen)
    return sorted(seen)


def test_engine_closure_is_what_the_browser_gets():
    """py_tools.zip is the engine folder, whole: every module the browser's entry imports is in
    it, and the zip holds nothing else."""
    import io
    import zipfile
    from py_tools.site_build.site_runtime import engine_zip
    names = zipfile.ZipFile(io.BytesIO(engine_zip())).namelist()
    assert names[0] == "py_tools/__init__.py"
    shipped = {n.removeprefix("py_tools/engine/").removesuffix(".py") for n in names[1:]}
    assert all(n.startswith("py_tools/engine/") for n in names[1:]), names
    assert set(engine_modules()) <= shipped, sorted(set(engine_modules()) - shipped)
    assert {p.stem for p in PY_TOOLS.glob("*.py")} == shipped


@pytest.mark.parametrize("name", sorted(p.stem for p in PY_TOOLS.glob("*.py")))
def test_engine_module_is_pure(name):
    tree = _tree(name)
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top in FORBIDDEN_MODULES or (top not in sys.stdlib_module_names and top != "py_tools"):
                    problems.append(f"line {node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            top = (node.module or "").split(".")[0]
            if top in FORBIDDEN_MODULES or (top not in sys.stdlib_module_names and top != "py_tools"):
                problems.append(f"line {node.lineno}: from {node.module} import ...")
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in FORBIDDEN_CALLS:
                problems.append(f"line {node.lineno}: calls {func.id}()")
            if isinstance(func, ast.Attribute) and func.attr in CLOCK_CALLS:
                problems.append(f"line {node.lineno}: reads the clock (.{func.attr}())")
        elif isinstance(node, ast.Global):
            problems.append(f"line {node.lineno}: global {', '.join(node.names)}")
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            for deco in node.decorator_list:
                target = deco.func if isinstance(deco, ast.Call) else deco
                label = getattr(target, "attr", getattr(target, "id", ""))
                if label in CACHES:
                    problems.append(f"line {node.lineno}: cached {node.name} (hidden state)")
    assert not problems, f"py_tools/engine/{name}.py is not pure:\n" + "\n".join(problems)


def _module_containers(tree: ast.Module) -> dict[str, int]:
    """Module-level names bound to a mutable container: name -> line."""
    out = {}
    for node in tree.body:
        targets, value = [], None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        mutable = isinstance(value, (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)) or (
            isinstance(value, ast.Call) and getattr(value.func, "id", getattr(value.func, "attr", "")) in MUTABLE_CALLS)
        if mutable:
            for target in targets:
                if isinstance(target, ast.Name):
                    out[target.id] = node.lineno
    return out


def test_no_module_level_mutable_state():
    """A module-level container is allowed only as a constant: UPPER_CASE and never changed."""
    modules = {name: _tree(name) for name in engine_modules()}
    containers = {n: line for tree in modules.values() for n, line in _module_containers(tree).items()}
    problems = [f"{n} (line {line}) is a lowercase module-level container"
                for n, line in containers.items() if not n.isupper()]
    for mod, tree in modules.items():
        for node in ast.walk(tree):
            target = None
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
                for t in getattr(node, "targets", None) or [node.target]:
                    if isinstance(t, (ast.Subscript, ast.Attribute)):
                        target = t.value
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MUTATING:
                target = node.func.value
            name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", None)
            if name in containers:
                problems.append(f"{mod}.py line {node.lineno} changes module-level {name}")
    assert not problems, "\n".join(problems)
