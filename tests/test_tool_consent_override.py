"""Consent override ("can I share without consent?"): realistic cases from each council's text.

Each case asserts the exact action codes (in order), their duties and their citations, so a
change to the rules shows up here. Gaps (a council's documents are silent) come out as
`not_covered` items that cite nothing of that council.
"""
from __future__ import annotations

import pytest

from py_tools.engine import engine
from py_tools.rules import paths

TOOL = "consent-override"
COUNCILS = ("rbkc", "tmbc", "dover", "camden")
SHARE_CODES = {"share_without_consent", "share_without_consent_danger",
               "share_without_consent_high_risk", "share_without_consent_consent_not_possible",
               "share_minimum_necessary"}

# The officer is deciding whether to share (not answering a request); the survivor has not consented.
OWN_DECISION = {"request_from_third_party": "no", "survivor_consents": "no"}


def decide(bundle, council, **facts):
    step = engine.decide(bundle, TOOL, council, facts)
    assert step["type"] == "outcome", f"still asking {step.get('fact')}"
    return step


def codes(step):
    """Action codes in order; a gap is shown as not_covered:<about>."""
    return [a["code"] if a["code"] != "not_covered" else f"not_covered:{a['about']}"
            for a in step["actions"]]


def item(step, code):
    for a in step["actions"]:
        if a["code"] == code or (a["code"] == "not_covered" and f"not_covered:{a['about']}" == code):
            return a
    raise AssertionError(f"{code} not in {codes(step)}")


def case(**facts):
    return {**OWN_DECISION, **facts}


# Every outcome opens with the council's own confidentiality rule (never silent).
CONFIDENTIALITY = {
    "rbkc": ("must", ["rbkc:9.1", "rbkc:5.4", "rbkc:5.6", "rbkc:5.7"]),
    "tmbc": ("must", ["tmbc:3", "tmbc:9", "tmbc:7", "tmbc:4"]),
    "dover": ("must", ["dover:12.4", "dover:8.27", "dover:8.19", "dover:12.6"]),
    "camden": ("should", ["camden:the-hub"]),
}


def assert_confidentiality(step, council):
    first = step["actions"][0]
    assert first["code"] == "confidentiality"
    assert (first["duty"], first["cite"]) == CONFIDENTIALITY[council]


# --- RBKC -----------------------------------------------------------------------------

def test_rbkc_high_risk_refused_marac_conflict_shown(bundle):
    """RBKC 5.6 (MARAC referrals may be made without consent) against 9.3 (they require consent)."""
    step = decide(bundle, "rbkc", **case(immediate_danger="no", assessed_high_risk="yes",
                                         safeguarding_concern="yes", consent_obtainable="yes",
                                         safe_to_inform="yes"))
    assert codes(step) == ["confidentiality", "share_without_consent_high_risk", "share_without_consent",
                           "policy_conflict", "consent_required",
                           "share_minimum_necessary", "inform_survivor",
                           "record_decision"]
    assert_confidentiality(step, "rbkc")
    high = item(step, "share_without_consent_high_risk")
    assert high["duty"] == "may"
    # 5.6 and the MARAC toolkit's legal grounds, with 9.1's exception for serious harm or death
    assert high["cite"] == ["rbkc:5.6", "rbkc:appendix-1-what-are-the-legal-grounds-for-sharing-information",
                            "rbkc:9.1"]
    assert "concern of serious harm or death" in high["text"]
    conflict = item(step, "policy_conflict")
    assert conflict["duty"] == "info"
    assert conflict["cite"] == ["rbkc:9.3", "rbkc:5.6", "rbkc:6.4", "rbkc:7.4", "rbkc:5.18", "rbkc:5.19"]
    assert "manager" in conflict["text"]
    sg = item(step, "share_without_consent")
    assert (sg["duty"], sg["cite"]) == ("may", ["rbkc:5.18", "rbkc:5.19", "rbkc:9.1"])
    assert (item(step, "consent_required")["duty"], item(step, "consent_required")["cite"]) == \
        ("must", ["rbkc:5.6", "rbkc:9.3"])
    minimum = item(step, "share_minimum_necessary")
    assert minimum["duty"] == "must" and "rbkc:5.18" in minimum["cite"]
    inform = item(step, "inform_survivor")
    assert inform["duty"] == "should" and inform["cite"][0] == "rbkc:9.1"
    record = item(step, "record_decision")
    assert (record["duty"], record["cite"]) == ("must", ["rbkc:11.2", "rbkc:11.1"])


def test_rbkc_not_safe_to_inform_shows_its_own_conflict(bundle):
    """9.1 says notify of any prospective referral; Appendix 1 says discuss it if safe."""
    step = decide(bundle, "rbkc", **case(immediate_danger="no", assessed_high_risk="no",
                                         safeguarding_concern="yes", consent_obtainable="no",
                                         safe_to_inform="no"))
    assert codes(step) == ["confidentiality", "share_without_consent", "policy_conflict",
                           "not_covered:share_without_consent_consent_not_possible",
                           "share_minimum_necessary", "policy_conflict_inform",
                           "record_decision"]
    assert_confidentiality(step, "rbkc")
    conflict = item(step, "policy_conflict_inform")
    assert conflict["duty"] == "info"
    assert conflict["cite"] == ["rbkc:9.1",
                                "rbkc:appendix-1-does-the-victim-need-to-know-they-are-being-discussed-at-marac"]
    assert "inform_survivor" not in codes(step)


def test_rbkc_perpetrator_request_ends_in_do_not_disclose_and_is_recorded(bundle):
    """RBKC 9.1(d) 'Officers will respect the confidentiality required in such cases', 5.4
    'Confidentiality is crucial so as to not inadvertently put the survivor at further risk';
    11.2 'We will keep accurate and detailed notes on all cases'."""
    step = decide(bundle, "rbkc", request_from_third_party="yes", requester_is_perpetrator="yes")
    assert codes(step) == ["confidentiality", "no_disclosure_to_perpetrator", "do_not_disclose",
                           "record_decision"]
    assert_confidentiality(step, "rbkc")
    for code in ("no_disclosure_to_perpetrator", "do_not_disclose"):
        a = item(step, code)
        assert (a["duty"], a["cite"]) == ("must", ["rbkc:9.1", "rbkc:5.4", "rbkc:5.6"])
        assert a["text"].startswith("Do not disclose")
    record = item(step, "record_decision")
    assert (record["duty"], record["cite"]) == ("must", ["rbkc:11.2", "rbkc:11.1"])
    assert not any(a["code"] == "not_covered" for a in step["actions"])


def test_rbkc_immediate_danger_is_an_exception_to_confidentiality(bundle):
    """RBKC 9.1(d): 'Exceptions include where there is concern of serious harm or death to the
    survivor or to another person'; 5.7 vital interest."""
    step = decide(bundle, "rbkc", **case(immediate_danger="yes", assessed_high_risk="no",
                                         safeguarding_concern="no", consent_obtainable="yes",
                                         safe_to_inform="yes"))
    assert codes(step) == ["confidentiality", "share_without_consent_danger", "consent_required",
                           "share_minimum_necessary", "inform_survivor", "record_decision"]
    assert_confidentiality(step, "rbkc")
    danger = item(step, "share_without_consent_danger")
    assert (danger["duty"], danger["cite"]) == ("may", ["rbkc:9.1", "rbkc:5.7", "rbkc:5.18"])
    assert "serious harm or death" in danger["text"]
    assert item(step, "share_minimum_necessary")["duty"] == "must"


# --- TMBC -----------------------------------------------------------------------------

def test_tmbc_unknown_caller_is_not_given_information(bundle):
    """TMBC 7: do not disclose without confirmation of who they are; can ask for proof."""
    step = decide(bundle, "tmbc", request_from_third_party="yes", requester_is_perpetrator="no",
                  requester_verified="no")
    assert codes(step) == ["confidentiality", "do_not_disclose", "request_proof", "record_decision"]
    assert_confidentiality(step, "tmbc")
    assert (item(step, "do_not_disclose")["duty"], item(step, "do_not_disclose")["cite"]) == ("must", ["tmbc:7"])
    assert (item(step, "request_proof")["duty"], item(step, "request_proof")["cite"]) == ("may", ["tmbc:7"])
    record = item(step, "record_decision")
    # TMBC 9: "Ensure that all information is recorded in the case notes."
    assert (record["duty"], record["cite"]) == ("must", ["tmbc:7", "tmbc:9"])


def test_tmbc_perpetrator_asking(bundle):
    step = decide(bundle, "tmbc", request_from_third_party="yes", requester_is_perpetrator="yes")
    assert codes(step) == ["confidentiality", "no_disclosure_to_perpetrator", "do_not_disclose",
                           "record_decision"]
    assert_confidentiality(step, "tmbc")
    perp = item(step, "no_disclosure_to_perpetrator")
    assert (perp["duty"], perp["cite"]) == ("must", ["tmbc:3", "tmbc:7"])
    assert (item(step, "do_not_disclose")["duty"], item(step, "do_not_disclose")["cite"]) == ("must", ["tmbc:7"])


def test_tmbc_children_safeguarding_without_consent_shows_section_7_conflict(bundle):
    """TMBC 4: 'You do not need consent to refer'; 3 and 9: safeguarding exception; 7: consent only."""
    step = decide(bundle, "tmbc", **case(immediate_danger="no", assessed_high_risk="no",
                                         safeguarding_concern="yes", consent_obtainable="yes",
                                         safe_to_inform="yes"))
    assert codes(step) == ["confidentiality", "share_without_consent", "policy_conflict",
                           "consent_required", "share_minimum_necessary", "inform_survivor",
                           "record_decision"]
    assert_confidentiality(step, "tmbc")
    sg = item(step, "share_without_consent")
    assert (sg["duty"], sg["cite"]) == ("may", ["tmbc:3", "tmbc:9", "tmbc:4"])
    conflict = item(step, "policy_conflict")
    assert conflict["duty"] == "info"
    assert conflict["cite"] == ["tmbc:7", "tmbc:3", "tmbc:4", "tmbc:9"]
    assert (item(step, "consent_required")["duty"], item(step, "consent_required")["cite"][0]) == ("should", "tmbc:7")
    assert item(step, "share_minimum_necessary")["cite"] == ["tmbc:7"]
    assert (item(step, "inform_survivor")["duty"], item(step, "inform_survivor")["cite"]) == ("should", ["tmbc:4"])


def test_tmbc_high_risk_in_danger_not_safe_to_inform(bundle):
    step = decide(bundle, "tmbc", **case(immediate_danger="yes", assessed_high_risk="yes",
                                         safeguarding_concern="yes", consent_obtainable="no",
                                         safe_to_inform="no"))
    assert codes(step) == ["confidentiality", "share_without_consent_danger",
                           "share_without_consent_high_risk", "share_without_consent",
                           "policy_conflict",
                           "not_covered:share_without_consent_consent_not_possible",
                           "share_minimum_necessary", "inform_survivor_not_safe",
                           "record_decision"]
    danger = item(step, "share_without_consent_danger")
    assert (danger["duty"], danger["cite"]) == ("must", ["tmbc:9"]) and "999" in danger["text"]
    high = item(step, "share_without_consent_high_risk")
    assert (high["duty"], high["cite"]) == ("may", ["tmbc:4"])
    not_safe = item(step, "inform_survivor_not_safe")
    assert not_safe["duty"] == "info" and not_safe["cite"] == ["tmbc:4", "tmbc:6"]
    # section 6: a third-party report to the police is told to the survivor, with no "if safe"
    assert "It is essential that the survivor is informed" in not_safe["text"] or \
        "it is essential that the" in not_safe["text"]
    assert_confidentiality(step, "tmbc")


def test_tmbc_consent_that_cannot_be_sought_keeps_confidentiality_and_consent_rule(bundle):
    """TMBC states no ground for sharing because consent cannot be sought (the gap stays shown
    plainly), but the outcome is not silent: confidentiality (3, 9) and section 7's consent rule."""
    step = decide(bundle, "tmbc", **case(immediate_danger="no", assessed_high_risk="no",
                                         safeguarding_concern="no", consent_obtainable="no"))
    assert codes(step) == ["confidentiality", "consent_required",
                           "not_covered:share_without_consent_consent_not_possible", "record_decision"]
    assert_confidentiality(step, "tmbc")
    seek = item(step, "consent_required")
    assert (seek["duty"], seek["cite"]) == ("should", ["tmbc:7", "tmbc:3", "tmbc:9"])
    assert not {a["code"] for a in step["actions"]} & SHARE_CODES
    gap = item(step, "not_covered:share_without_consent_consent_not_possible")
    assert gap["cite"] == [] and "tmbc:7" in gap["related"]


# --- Dover ----------------------------------------------------------------------------

def test_dover_perpetrator_asking_never_told(bundle):
    """Dover 12.4: under no circumstances share with the perpetrator; 12.5: record every decision."""
    step = decide(bundle, "dover", request_from_third_party="yes", requester_is_perpetrator="yes")
    assert codes(step) == ["confidentiality", "no_disclosure_to_perpetrator", "do_not_disclose",
                           "record_decision"]
    assert_confidentiality(step, "dover")
    perp = item(step, "no_disclosure_to_perpetrator")
    assert (perp["duty"], perp["cite"]) == ("must", ["dover:12.4", "dover:8.42", "dover:8.27"])
    record = item(step, "record_decision")
    assert (record["duty"], record["cite"]) == ("must", ["dover:12.5", "dover:8.25", "dover:8.24"])


def test_dover_immediate_danger_police_without_consent(bundle):
    """Dover 8.11: must contact the police and might have to act without consent."""
    step = decide(bundle, "dover", **case(immediate_danger="yes", assessed_high_risk="no",
                                          safeguarding_concern="no", consent_obtainable="yes",
                                          safe_to_inform="yes"))
    assert codes(step) == ["confidentiality", "share_without_consent_danger", "consent_required",
                           "share_minimum_necessary", "not_covered:inform_survivor",
                           "record_decision"]
    assert_confidentiality(step, "dover")
    danger = item(step, "share_without_consent_danger")
    assert (danger["duty"], danger["cite"]) == ("must", ["dover:8.11", "dover:8.4", "dover:8.13"])
    assert item(step, "share_minimum_necessary")["cite"] == ["dover:12.3", "dover:8.27", "dover:12.2",
                                                             "dover:12.5"]
    gap = item(step, "not_covered:inform_survivor")
    assert gap["cite"] == [] and gap["duty"] == "info"


def test_dover_high_risk_marac_with_8_19_against_12_6(bundle):
    step = decide(bundle, "dover", **case(immediate_danger="no", assessed_high_risk="yes",
                                          safeguarding_concern="yes", consent_obtainable="yes",
                                          safe_to_inform="no"))
    # Dover's documents say nothing on telling the survivor: that is said once, and "is it safe
    # to tell the survivor?" is not asked
    assert codes(step) == ["confidentiality", "share_without_consent_high_risk", "share_without_consent",
                           "policy_conflict", "consent_required",
                           "share_minimum_necessary", "not_covered:inform_survivor", "record_decision"]
    assert "safe_to_inform" not in step["asked"]
    assert_confidentiality(step, "dover")
    high = item(step, "share_without_consent_high_risk")
    assert (high["duty"], high["cite"]) == ("must", ["dover:8.15", "dover:8.4", "dover:12.6"])
    conflict = item(step, "policy_conflict")
    assert conflict["duty"] == "info" and conflict["cite"][:2] == ["dover:8.19", "dover:12.6"]
    sg = item(step, "share_without_consent")
    assert (sg["duty"], sg["cite"]) == ("may", ["dover:12.6"])
    assert (item(step, "consent_required")["duty"], item(step, "consent_required")["cite"][0]) == ("must", "dover:8.19")


def test_dover_unconfirmed_requester_is_not_given_information(bundle):
    """Dover 12.4 'Staff will treat all domestic abuse cases as confidential'; 8.27 perpetrators
    may go to great lengths to obtain information, sharing on a need-to-know basis."""
    step = decide(bundle, "dover", request_from_third_party="yes", requester_is_perpetrator="no",
                  requester_verified="no")
    assert codes(step) == ["confidentiality", "do_not_disclose", "record_decision"]
    assert_confidentiality(step, "dover")
    refuse = item(step, "do_not_disclose")
    assert (refuse["duty"], refuse["cite"]) == ("must", ["dover:12.4", "dover:8.27", "dover:8.9"])
    record = item(step, "record_decision")
    assert (record["duty"], record["cite"]) == ("must", ["dover:12.5", "dover:8.25", "dover:8.24"])


# --- Camden ---------------------------------------------------------------------------

def test_camden_marac_threshold_lawful_grounds(bundle):
    """Camden: meeting the MARAC threshold gives lawful grounds; record all decision making on LWP."""
    step = decide(bundle, "camden", **case(immediate_danger="no", assessed_high_risk="yes",
                                           safeguarding_concern="no", consent_obtainable="no",
                                           safe_to_inform="yes"))
    assert codes(step) == ["confidentiality", "share_without_consent_high_risk",
                           "share_without_consent_consent_not_possible",
                           "not_covered:share_minimum_necessary", "not_covered:inform_survivor",
                           "record_decision"]
    high = item(step, "share_without_consent_high_risk")
    assert (high["duty"], high["cite"]) == ("may", ["camden:information-sharing"])
    assert (item(step, "share_without_consent_consent_not_possible")["cite"]) == ["camden:the-hub"]
    record = item(step, "record_decision")
    assert (record["duty"], record["cite"]) == ("should", ["camden:information-sharing"])
    assert "LWP" in record["text"]
    assert "policy_conflict" not in codes(step)
    assert_confidentiality(step, "camden")


def test_camden_asking_would_put_a_child_at_risk(bundle):
    step = decide(bundle, "camden", **case(immediate_danger="no", assessed_high_risk="no",
                                           safeguarding_concern="no", consent_obtainable="no",
                                           safe_to_inform="no"))
    assert codes(step) == ["confidentiality", "share_without_consent_consent_not_possible",
                           "not_covered:share_minimum_necessary", "not_covered:inform_survivor",
                           "record_decision"]
    assert "safe_to_inform" not in step["asked"]
    assert_confidentiality(step, "camden")
    basis = item(step, "share_without_consent_consent_not_possible")
    assert (basis["duty"], basis["cite"]) == ("may", ["camden:the-hub"])


def test_camden_seek_consent_where_safe(bundle):
    step = decide(bundle, "camden", **case(immediate_danger="no", assessed_high_risk="no",
                                           safeguarding_concern="no", consent_obtainable="yes"))
    assert codes(step) == ["confidentiality", "consent_required", "record_decision"]
    assert_confidentiality(step, "camden")
    seek = item(step, "consent_required")
    assert (seek["duty"], seek["cite"]) == ("should", ["camden:the-hub"])


def test_camden_safeguarding_concern_alone_shows_consent_conflict(bundle):
    """Camden's grounds are consent not obtainable / risky to ask, and the MARAC threshold; its
    opening text says seek consent before any safeguarding alert, while its children/adults
    safeguarding sections say to refer: the outcome shows both passages, not a silent answer."""
    step = decide(bundle, "camden", **case(immediate_danger="yes", assessed_high_risk="no",
                                           safeguarding_concern="yes", consent_obtainable="yes"))
    assert codes(step) == ["confidentiality", "not_covered:share_without_consent_danger",
                           "not_covered:share_without_consent",
                           "safeguarding_concern_consent_conflict", "consent_required",
                           "record_decision"]
    assert_confidentiality(step, "camden")
    conflict = item(step, "safeguarding_concern_consent_conflict")
    assert conflict["duty"] == "info"
    assert conflict["cite"] == ["camden:the-hub", "camden:safeguarding-children",
                                "camden:safeguarding-adults"]
    assert (item(step, "consent_required")["duty"], item(step, "consent_required")["cite"]) == \
        ("should", ["camden:the-hub"])
    for code in ("not_covered:share_without_consent_danger", "not_covered:share_without_consent"):
        gap = item(step, code)
        assert gap["cite"] == [] and gap["duty"] == "info" and gap["text"].startswith("Camden's documents")


def test_camden_perpetrator_or_unconfirmed_request_is_not_covered_and_says_so(bundle):
    """Camden's guidance has no rule on requests from the perpetrator or an unconfirmed person:
    the outcome says so, with its consent rule as related reading, never as a "should" of its
    own (close read D1, D2)."""
    step = decide(bundle, "camden", request_from_third_party="yes", requester_is_perpetrator="yes")
    assert codes(step) == ["confidentiality", "not_covered:no_disclosure_to_perpetrator",
                           "not_covered:do_not_disclose", "record_decision"]
    assert_confidentiality(step, "camden")
    for code in ("no_disclosure_to_perpetrator", "do_not_disclose"):
        gap = item(step, "not_covered:" + code)
        assert (gap["duty"], gap["cite"], gap["related"]) == ("info", [], ["camden:the-hub"])
        assert gap["text"].startswith("Camden's documents do not cover")
        assert "should not be" not in gap["text"]
    step = decide(bundle, "camden", request_from_third_party="yes", requester_is_perpetrator="no",
                  requester_verified="no")
    assert codes(step) == ["confidentiality", "not_covered:do_not_disclose", "record_decision"]


# --- every council ----------------------------------------------------------------------

@pytest.mark.parametrize("council", COUNCILS)
def test_every_path_records_the_decision(bundle, council):
    for path in paths.enumerate_paths(bundle, TOOL, council):
        abouts = [a["about"] for a in path.outcome["actions"]]
        assert abouts[-1] == "record_decision", path.facts()


@pytest.mark.parametrize("council", COUNCILS)
def test_no_sharing_with_perpetrator_or_unverified_requester(bundle, council):
    for path in paths.enumerate_paths(bundle, TOOL, council):
        facts = path.facts()
        if facts.get("requester_is_perpetrator") == "yes" or facts.get("requester_verified") == "no":
            shared = {a["code"] for a in path.outcome["actions"]} & SHARE_CODES
            assert not shared, (facts, shared)


@pytest.mark.parametrize("council", COUNCILS)
def test_sharing_paths_share_minimum_necessary(bundle, council):
    for path in paths.enumerate_paths(bundle, TOOL, council):
        got = [a["about"] for a in path.outcome["actions"]]
        if any(a["code"].startswith("share_without_consent") for a in path.outcome["actions"]) \
                and "safe_to_inform" in path.facts():
            assert "share_minimum_necessary" in got, path.facts()


@pytest.mark.parametrize("council", ["rbkc", "tmbc", "dover"])
def test_camden_rules_are_not_borrowed(bundle, council):
    """'Lawful grounds ... do not require consent' at the MARAC threshold and 'LWP' are Camden's."""
    profile = bundle.councils[council].tools[TOOL]
    for action in profile.actions.values():
        assert "LWP" not in action.text and "lawful grounds" not in action.text.lower()
        assert all(c.startswith(council + ":") for c in action.cite)


@pytest.mark.parametrize("council", COUNCILS)
def test_cli_contract(bundle, council):
    """The first question is who is asking; the answers given are listed in order."""
    step = engine.decide(bundle, TOOL, council, {})
    assert step["type"] == "question" and step["fact"] == "request_from_third_party"
    step = decide(bundle, council, request_from_third_party="yes", requester_is_perpetrator="yes")
    assert step["asked"] == ["request_from_third_party", "requester_is_perpetrator"]
