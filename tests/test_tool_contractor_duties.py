"""Contractor duties: what a contractor / non-council worker must report, to whom, then whom to tell.

Only Dover's documents cover contractors ("Guidance for non-Council staff", 8.63-8.65).
RBKC, TMBC and Camden are silent: every outcome there is a `not_covered` item with no cite.
"""
import pytest

from py_tools.engine import engine
from py_tools.rules import paths

TOOL = "contractor-duties"
COUNCILS = ("rbkc", "tmbc", "dover", "camden")
SILENT = ("rbkc", "tmbc", "camden")
ORDER = ["immediate_danger", "witnessed_violence", "signs_of_abuse"]


def decide(bundle, council, immediate_danger, witnessed_violence, signs_of_abuse):
    facts = {"immediate_danger": immediate_danger, "witnessed_violence": witnessed_violence,
             "signs_of_abuse": signs_of_abuse}
    out = engine.decide(bundle, TOOL, council, facts)
    assert out["type"] == "outcome"
    assert out["asked"] == ORDER
    return out


def summary(out):
    """(code, about, duty, cite) per action, in order."""
    return [(a["code"], a["about"], a["duty"], a["cite"]) for a in out["actions"]]


# --- Dover: 8.63-8.65 -----------------------------------------------------------------

def test_dover_signs_of_abuse_must_go_to_social_services_then_housing(bundle):
    # A repairs operative notices signs of domestic abuse; no violence seen, no immediate danger.
    out = decide(bundle, "dover", "no", "no", "yes")
    assert summary(out) == [
        ("contractor_report_social_services", "contractor_report_social_services", "must", ["dover:8.64"]),
        ("contractor_notify_housing", "contractor_notify_housing", "should", ["dover:8.65"]),
        ("contractor_case_review", "contractor_case_review", "info", ["dover:8.65"]),
    ]
    texts = {a["code"]: a["text"] for a in out["actions"]}
    assert "must report this to social services" in texts["contractor_report_social_services"]
    notify = texts["contractor_notify_housing"]
    assert "designated Housing Officer (if known)" in notify
    assert "Tenancy Support Team (TST)" in notify
    assert "a member of housing staff" in notify


def test_dover_witnessed_violence_should_go_to_police_then_housing(bundle):
    # A contractor hears an assault in the flat; no other signs noticed.
    out = decide(bundle, "dover", "no", "yes", "no")
    assert summary(out) == [
        ("contractor_report_police", "contractor_report_police", "should", ["dover:8.64"]),
        ("contractor_notify_housing", "contractor_notify_housing", "should", ["dover:8.65"]),
        ("contractor_case_review", "contractor_case_review", "info", ["dover:8.65"]),
    ]
    assert "should be reported to the police" in out["actions"][0]["text"]


def test_dover_violence_and_signs_both_reports_and_housing_once(bundle):
    out = decide(bundle, "dover", "no", "yes", "yes")
    assert [(a["code"], a["duty"]) for a in out["actions"]] == [
        ("contractor_report_police", "should"),
        ("contractor_report_social_services", "must"),
        ("contractor_notify_housing", "should"),
        ("contractor_case_review", "info"),
    ]


def test_dover_nothing_seen_is_nothing_to_report_under_the_guidance(bundle):
    out = decide(bundle, "dover", "no", "no", "no")
    assert summary(out) == [
        ("contractor_nothing_to_report", "contractor_nothing_to_report", "info",
         ["dover:8.63", "dover:8.64"]),
    ]


def test_dover_immediate_danger_is_not_covered_for_contractors(bundle):
    # 8.63-8.65 say nothing about immediate danger; the staff rule (8.4) is related reading only.
    out = decide(bundle, "dover", "yes", "no", "no")
    assert len(out["actions"]) == 1
    gap = out["actions"][0]
    assert gap["code"] == "not_covered"
    assert gap["about"] == "contractor_immediate_danger"
    assert gap["duty"] == "info"
    assert gap["cite"] == []
    assert gap["related"] == ["dover:8.64", "dover:8.4", "dover:8.13"]
    # never "nothing to report" while someone is in immediate danger
    assert all(a["about"] != "contractor_nothing_to_report" for a in out["actions"])


def test_dover_immediate_danger_with_violence_keeps_the_police_duty(bundle):
    out = decide(bundle, "dover", "yes", "yes", "no")
    assert summary(out) == [
        ("not_covered", "contractor_immediate_danger", "info", []),
        ("contractor_report_police", "contractor_report_police", "should", ["dover:8.64"]),
        ("contractor_notify_housing", "contractor_notify_housing", "should", ["dover:8.65"]),
        ("contractor_case_review", "contractor_case_review", "info", ["dover:8.65"]),
    ]


def test_dover_questions_cite_8_64(bundle):
    step = engine.decide(bundle, TOOL, "dover", {"immediate_danger": "no"})
    assert step["type"] == "question" and step["fact"] == "witnessed_violence"
    assert step["cite"] == ["dover:8.64"]
    step = engine.decide(bundle, TOOL, "dover", {"immediate_danger": "no", "witnessed_violence": "no"})
    assert step["fact"] == "signs_of_abuse" and step["cite"] == ["dover:8.64"]


# --- RBKC, TMBC, Camden: silent on contractors -----------------------------------------

@pytest.mark.parametrize("council", SILENT)
def test_silent_council_signs_of_abuse_is_not_covered(bundle, council):
    out = decide(bundle, council, "no", "no", "yes")
    assert [(a["code"], a["about"], a["duty"], a["cite"]) for a in out["actions"]] == [
        ("not_covered", "contractor_report_social_services", "info", []),
        ("not_covered", "contractor_notify_housing", "info", []),
    ]
    for item in out["actions"]:
        assert "documents do not cover what a contractor must report" in item["text"]


@pytest.mark.parametrize("council", SILENT)
def test_silent_council_witnessed_violence_is_not_covered(bundle, council):
    out = decide(bundle, council, "no", "yes", "no")
    assert [(a["code"], a["about"], a["duty"], a["cite"]) for a in out["actions"]] == [
        ("not_covered", "contractor_report_police", "info", []),
        ("not_covered", "contractor_notify_housing", "info", []),
    ]


@pytest.mark.parametrize("council", SILENT)
def test_silent_council_nothing_seen_is_not_covered(bundle, council):
    out = decide(bundle, council, "no", "no", "no")
    assert [(a["code"], a["about"], a["cite"]) for a in out["actions"]] == [
        ("not_covered", "contractor_nothing_to_report", []),
    ]
    assert "cannot say whether anything needs reporting" in out["actions"][0]["text"]


@pytest.mark.parametrize("council", SILENT)
def test_silent_council_immediate_danger_is_not_covered(bundle, council):
    out = decide(bundle, council, "yes", "no", "no")
    assert [(a["code"], a["about"], a["cite"]) for a in out["actions"]] == [
        ("not_covered", "contractor_immediate_danger", []),
    ]


def test_rbkc_related_reading_is_its_own_housing_paragraph(bundle):
    out = decide(bundle, "rbkc", "no", "yes", "yes")
    related = {a["about"]: a["related"] for a in out["actions"]}
    assert related == {
        "contractor_report_police": [],
        "contractor_report_social_services": [],
        "contractor_notify_housing": ["rbkc:9.2"],
    }
    assert "Related reading" in out["actions"][-1]["text"]


def test_tmbc_related_reading_is_the_scope_of_its_procedure(bundle):
    out = decide(bundle, "tmbc", "yes", "yes", "yes")
    assert [(a["about"], a["related"]) for a in out["actions"]] == [
        ("contractor_immediate_danger", ["tmbc:1", "tmbc:9"]),
        ("contractor_report_police", ["tmbc:1"]),
        # section 2's signs of abuse a repairs visit may see, written for Housing staff
        ("contractor_report_social_services", ["tmbc:1", "tmbc:2"]),
        ("contractor_notify_housing", ["tmbc:1"]),
    ]
    assert all(a["code"] == "not_covered" and a["cite"] == [] for a in out["actions"])
    signs = out["actions"][2]["text"]
    assert "Related reading, written for Housing staff" in signs and "frequent repairs" in signs


def test_camden_everything_not_covered_with_no_citations(bundle):
    out = decide(bundle, "camden", "yes", "yes", "yes")
    assert [a["about"] for a in out["actions"]] == [
        "contractor_immediate_danger", "contractor_report_police",
        "contractor_report_social_services", "contractor_notify_housing"]
    for item in out["actions"]:
        assert item["code"] == "not_covered" and item["duty"] == "info"
        assert item["cite"] == [] and item["related"] == []
        assert item["text"].startswith("Camden's documents do not cover what a contractor must report")


# --- every council, every path ----------------------------------------------------------

@pytest.mark.parametrize("council", COUNCILS)
def test_every_path_ends_with_an_action_and_cites_only_its_council(bundle, council):
    found = paths.enumerate_paths(bundle, TOOL, council)
    assert len(found) == 8
    for path in found:
        actions = path.outcome["actions"]
        assert actions
        for item in actions:
            for cite in item["cite"] + item["related"]:
                assert cite.startswith(council + ":")
        if council in SILENT:
            assert all(a["code"] == "not_covered" and a["cite"] == [] for a in actions)


@pytest.mark.parametrize("council", COUNCILS)
def test_no_nothing_to_report_while_someone_is_in_immediate_danger(bundle, council):
    for witnessed in ("yes", "no"):
        for signs in ("yes", "no"):
            out = decide(bundle, council, "yes", witnessed, signs)
            assert "contractor_nothing_to_report" not in [a["about"] for a in out["actions"]]
            assert out["actions"][0]["about"] == "contractor_immediate_danger"
