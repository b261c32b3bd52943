"""Referral routes: who must be told, and by when, when domestic abuse is disclosed or reported.

Cases are taken from the councils' own texts: each test names the paragraphs it checks (the
policy pages in docs/policies/ hold them, anchored by paragraph). Each council is checked on
its own rules and numbers, on where it is silent (a `not_covered` item with no cite), and on
the conflicts inside its own documents.
"""
import re

import pytest

from py_tools.engine import engine
from py_tools.rules import paths

TOOL = "referral-routes"
COUNCILS = ("rbkc", "tmbc", "dover", "camden")


def case(**facts):
    """A case with quiet defaults: no danger, DASH not completed, no further concerns."""
    base = {"immediate_danger": "no", "dash_score": "not_completed", "professional_concern": "no",
            "assessed_high_risk": "no", "marac_in_last_12_months": "no",
            "new_incident_same_perpetrator": "no", "children_in_household": "no",
            "care_and_support_needs": "no", "survivor_consents": "yes"}
    base.update(facts)
    return base


def decide(bundle, council, **facts):
    out = engine.decide(bundle, TOOL, council, case(**facts))
    assert out["type"] == "outcome", out.get("fact")
    return out


def summary(out):
    """(code, about, duty, cite) per action, in order."""
    return [(a["code"], a["about"], a["duty"], a["cite"]) for a in out["actions"]]


def item(out, about):
    found = [a for a in out["actions"] if a["about"] == about]
    assert len(found) == 1, f"{about}: {summary(out)}"
    return found[0]


def codes(out):
    return [a["code"] for a in out["actions"]]


def assert_silent(out, about):
    gap = item(out, about)
    assert gap["code"] == "not_covered"
    assert gap["duty"] == "info"
    assert gap["cite"] == []
    return gap


# --- TMBC: section 4 bands and threshold, section 9 pathway ------------------------------

def test_tmbc_dash_12_with_strangulation_is_professional_judgement_not_automatic(bundle):
    # DASH 12 (medium band) but non-fatal strangulation disclosed: section 4 leaves it to
    # professional judgement ("Cases can also be referred"), not the 14+ "must".
    out = decide(bundle, "tmbc", dash_score=12, professional_concern="yes")
    assert "marac_referral" not in codes(out)
    assert item(out, "dash_band_medium")["duty"] == "info"
    assert item(out, "dash_band_medium")["cite"] == ["tmbc:4"]
    assert "from 10 to below 14 is medium risk" in item(out, "dash_band_medium")["text"]
    judgement = item(out, "marac_professional_judgement")
    assert (judgement["duty"], judgement["cite"]) == ("may", ["tmbc:4"])
    assert "non-fatal strangulation" in judgement["text"]
    # the high-risk indicators are also named with the band itself, before any answer on them
    assert "non-fatal strangulation" in item(out, "dash_band_medium")["text"]
    conflict = item(out, "policy_conflict")
    assert conflict["duty"] == "info"
    assert conflict["cite"] == ["tmbc:4", "tmbc:7"]
    # consent is in doubt (4 against 7); the 14+ referral itself is not presented as in doubt
    assert "confidentiality can be breached" in conflict["text"]
    assert "refer to MARAC if necessary" not in conflict["text"]


def test_tmbc_dash_14_must_go_to_marac_and_is_high_band(bundle):
    out = decide(bundle, "tmbc", dash_score=14, survivor_consents="yes")
    assert summary(out) == [
        ("police_report_third_party", "police_report_third_party", "may", ["tmbc:6", "tmbc:3", "tmbc:7"]),
        ("not_covered", "contact_deadline", "info", []),
        # section 9 pathway duties, reached on every route
        ("survivor_discussion", "survivor_discussion", "must", ["tmbc:3", "tmbc:9"]),
        ("offer_interpreter", "offer_interpreter", "must", ["tmbc:3", "tmbc:9"]),
        ("record_on_file", "record_on_file", "must", ["tmbc:7", "tmbc:9"]),
        # section 4: the DASH RIC, or the details of one an external agency completed
        ("dash_ric", "dash_ric", "must", ["tmbc:4"]),
        ("dash_band_high", "dash_band_high", "info", ["tmbc:4"]),
        ("marac_referral", "marac_referral", "must", ["tmbc:4"]),
        ("policy_conflict", "policy_conflict", "info", ["tmbc:4", "tmbc:7"]),
        ("not_covered", "marac_repeat", "info", []),
        ("not_covered", "inform_line_manager", "info", []),
        ("safety_plan", "safety_plan", "must", ["tmbc:9", "tmbc:5"]),
        ("forced_marriage_unit", "forced_marriage_unit", "may", ["tmbc:5"]),
        ("review_risk", "review_risk", "must", ["tmbc:7", "tmbc:9"]),
        ("follow_up_contact", "follow_up_contact", "must", ["tmbc:9"]),
        ("idva_referral", "idva_referral", "must", ["tmbc:9", "tmbc:5"]),
        ("specialist_service_referral", "specialist_service_referral", "must", ["tmbc:9", "tmbc:5"]),
        ("staff_support", "staff_support", "must", ["tmbc:9"]),
    ]
    assert "key risk indicators and when the assessment was completed" in item(out, "dash_ric")["text"]
    assert "all cases that score 14+ on the DASH RIC must be referred to MARAC" in \
        item(out, "marac_referral")["text"]
    # professional judgement is not asked once the score itself requires a referral
    assert "professional_concern" not in out["asked"]


def test_tmbc_bands_follow_the_stated_cut_offs(bundle):
    assert "dash_band_standard" in codes(decide(bundle, "tmbc", dash_score=9))
    assert "dash_band_medium" in codes(decide(bundle, "tmbc", dash_score=10))
    assert "dash_band_medium" in codes(decide(bundle, "tmbc", dash_score=13))
    assert "dash_band_high" in codes(decide(bundle, "tmbc", dash_score=24))
    assert "marac_referral" not in codes(decide(bundle, "tmbc", dash_score=13))


def test_tmbc_immediate_danger_999_and_dash_not_completed_shows_the_section_4_9_conflict(bundle):
    out = decide(bundle, "tmbc", immediate_danger="yes", dash_score="not_completed")
    assert item(out, "police_999")["duty"] == "must"
    assert item(out, "police_999")["cite"] == ["tmbc:9"]
    assert "contact 999" in item(out, "police_999")["text"].lower()
    assert (item(out, "dash_ric")["duty"], item(out, "dash_ric")["cite"]) == ("must", ["tmbc:4"])
    conflict = item(out, "dash_conflict")
    assert conflict["cite"] == ["tmbc:4", "tmbc:9"]
    assert "it is essential that a DASH RIC is completed by the officer" in conflict["text"]
    assert "Complete the DASH RIC if the resident consents." in conflict["text"]


def test_tmbc_children_adult_needs_and_marm(bundle):
    out = decide(bundle, "tmbc", dash_score=3, children_in_household="yes",
                 care_and_support_needs="yes", survivor_consents="no")
    children = item(out, "children_safeguarding_referral")
    assert (children["duty"], children["cite"]) == ("may", ["tmbc:4", "tmbc:9"])
    assert "You do not need consent to refer." in children["text"]
    assert item(out, "children_consent_conflict")["cite"] == ["tmbc:4", "tmbc:7"]
    assert (item(out, "adult_safeguarding_referral")["duty"]) == "may"
    assert (item(out, "marm_referral")["duty"], item(out, "marm_referral")["cite"]) == ("may", ["tmbc:4"])
    assert item(out, "signposting")["duty"] == "must"
    assert item(out, "support_consent_conflict")["cite"] == ["tmbc:3", "tmbc:9", "tmbc:7"]
    assert "dash_band_standard" in codes(out)


def test_tmbc_is_silent_on_deadlines_and_repeat_marac(bundle):
    out = decide(bundle, "tmbc", dash_score=5)
    assert_silent(out, "contact_deadline")
    assert_silent(out, "marac_repeat")
    assert_silent(out, "inform_line_manager")
    assert "marac_in_last_12_months" not in out["asked"]
    for code in ("record_within_24h", "action_plan_deadline"):
        assert code not in [a["about"] for a in out["actions"]]


# --- Camden: referral to MARAC, MASH ------------------------------------------------------

def test_camden_dash_14_obliged_to_refer_to_marac_without_needing_consent(bundle):
    out = decide(bundle, "camden", dash_score=14)
    marac = item(out, "marac_referral")
    assert (marac["duty"], marac["cite"]) == ("must", ["camden:referral-to-marac"])
    assert "obliged to refer to MARAC if the DASH risk assessment score is 14 +" in marac["text"]
    assert "copy your line manager" in marac["text"]
    consent = item(out, "marac_consent")
    assert consent["duty"] == "info"
    assert consent["cite"][0] == "camden:information-sharing"
    assert "do not require consent" in consent["text"]
    assert "policy_conflict" not in codes(out)


def test_camden_below_14_with_minimising_is_an_obligation_on_professional_judgement(bundle):
    out = decide(bundle, "camden", dash_score=11, professional_concern="yes")
    assert "marac_referral" not in codes(out)
    judgement = item(out, "marac_professional_judgement")
    assert (judgement["duty"], judgement["cite"]) == ("must", ["camden:referral-to-marac"])
    assert "cultural barriers to disclosure" in judgement["text"]
    assert "abuse is being minimised" in judgement["text"]
    # Camden states no risk bands
    assert not {"dash_band_standard", "dash_band_medium", "dash_band_high"} & set(codes(out))


def test_camden_children_must_go_to_childrens_mash(bundle):
    out = decide(bundle, "camden", dash_score=6, children_in_household="yes")
    children = item(out, "children_safeguarding_referral")
    assert (children["duty"], children["cite"]) == ("must", ["camden:safeguarding-children",
                                                             "camden:information-sharing"])
    assert "Children’s MASH" in children["text"] or "Children's MASH" in children["text"]
    assert "see the safeguarding pages on the Hub" in children["text"]
    assert "at the earliest opportunity" in children["text"]


def test_camden_adult_mash_wording_is_quoted_faithfully(bundle):
    sentence = ("If there are no children involved, a referral to Adult MASH should always be made "
                "if the victim/survivor has care and support needs and should be considered in "
                "every case, even if it is just to highlight our concerns for information.")
    out = decide(bundle, "camden", dash_score=6, care_and_support_needs="yes")
    adult = item(out, "adult_safeguarding_referral")
    assert (adult["duty"], adult["cite"]) == ("should", ["camden:safeguarding-adults"])
    assert sentence in adult["text"]
    out = decide(bundle, "camden", dash_score=6, care_and_support_needs="no")
    consider = item(out, "adult_safeguarding_consider")
    assert (consider["duty"], consider["cite"]) == ("should", ["camden:safeguarding-adults"])
    assert sentence in consider["text"]
    assert "adult_safeguarding_referral" not in [a["about"] for a in out["actions"]]


def test_camden_is_silent_on_police_deadlines_and_support_services(bundle):
    out = decide(bundle, "camden", immediate_danger="yes", dash_score="not_completed",
                 survivor_consents="yes")
    for about in ("contact_deadline", "police_999", "dash_ric", "marac_repeat", "safety_plan",
                  "idva_referral", "specialist_service_referral"):
        assert_silent(out, about)
    assert "14 +" in item(out, "dash_ric")["text"]
    assert item(out, "dash_ric")["related"] == ["camden:referral-to-marac"]


# --- RBKC: no score; 6.1/6.2/9.2 clocks; 9.3 repeat MARAC ---------------------------------

def test_rbkc_high_risk_goes_to_marac_without_a_stated_score(bundle):
    out = decide(bundle, "rbkc", dash_score=15, assessed_high_risk="yes")
    assert out["asked"][:3] == ["immediate_danger", "dash_score", "assessed_high_risk"]
    marac = item(out, "marac_referral")
    assert marac["duty"] == "must"
    assert marac["cite"][0] == "rbkc:7.4"
    gap = assert_silent(out, "marac_threshold_score")
    assert gap["text"] == "RBKC's policy refers high-risk cases to MARAC without stating a DASH score."
    assert gap["related"] == ["rbkc:7.4"]
    conflict = item(out, "policy_conflict")
    assert conflict["duty"] == "info"
    assert conflict["cite"] == ["rbkc:9.3", "rbkc:5.6", "rbkc:7.4"]
    assert "will require the consent of the victim/survivor" in conflict["text"]
    assert "This may also include MARAC referrals" in conflict["text"]
    # the score is never compared with a number RBKC does not state
    assert "14" not in " ".join(a["text"] for a in out["actions"])


def test_rbkc_clocks_come_from_its_own_paragraphs(bundle):
    out = decide(bundle, "rbkc", dash_score=4)
    assert summary(out)[:4] == [
        # Appendix 1, "Risk assess": on every report
        ("safety_measures", "safety_measures", "must", ["rbkc:appendix-1-risk-assess"]),
        ("contact_deadline", "contact_deadline", "must", ["rbkc:6.1"]),
        ("record_within_24h", "record_within_24h", "must", ["rbkc:9.2"]),
        ("action_plan_deadline", "action_plan_deadline", "must", ["rbkc:6.2", "rbkc:6.3"]),
    ]
    assert "within 1 working day" in item(out, "contact_deadline")["text"]
    assert "within 24 hours" in item(out, "record_within_24h")["text"]
    assert "Within 2 working days" in item(out, "action_plan_deadline")["text"]
    # the 24-hour clock (9.2) and the working-day clock (6.1) are flagged, not resolved silently
    assert item(out, "deadline_conflict")["cite"] == ["rbkc:9.2", "rbkc:6.1"]
    # duties this outcome must include: 7.8 reassess risk, 6.6 follow-up, 5.2/9.1(f) interpreter
    assert (item(out, "review_risk")["duty"], item(out, "review_risk")["cite"]) == ("must", ["rbkc:7.8", "rbkc:7.6"])
    assert (item(out, "follow_up_contact")["duty"], item(out, "follow_up_contact")["cite"]) == \
        ("should", ["rbkc:6.6", "rbkc:11.2"])
    assert (item(out, "offer_interpreter")["duty"], item(out, "offer_interpreter")["cite"]) == \
        ("must", ["rbkc:5.2", "rbkc:9.1"])
    values = bundle.councils["rbkc"].tools[TOOL].values
    assert {n: (v.value, v.cite) for n, v in values.items()
            if n in ("contact_working_days", "action_plan_working_days", "record_hours")} == {
        "contact_working_days": (1, ("rbkc:6.1",)),
        "action_plan_working_days": (2, ("rbkc:6.2",)),
        "record_hours": (24, ("rbkc:9.2",)),
    }


def test_rbkc_repeat_marac_within_12_months_with_a_further_incident(bundle):
    out = decide(bundle, "rbkc", dash_score=8, assessed_high_risk="no",
                 marac_in_last_12_months="yes", new_incident_same_perpetrator="yes")
    repeat = item(out, "marac_repeat")
    assert (repeat["duty"], repeat["cite"]) == ("may", ["rbkc:9.3"])
    assert ("referred to the MARAC in the last 12 months and there has been at least one further "
            "domestic abuse incident by the same perpetrator on the same survivor") in repeat["text"]
    # no further incident: no repeat referral
    out = decide(bundle, "rbkc", dash_score=8, marac_in_last_12_months="yes",
                 new_incident_same_perpetrator="no")
    assert "marac_repeat" not in [a["about"] for a in out["actions"]]


def test_rbkc_escalation_is_considered_for_marac_with_the_consent_conflict(bundle):
    out = decide(bundle, "rbkc", dash_score=9, assessed_high_risk="no", professional_concern="yes")
    judgement = item(out, "marac_professional_judgement")
    assert (judgement["duty"], judgement["cite"]) == ("should", ["rbkc:7.5", "rbkc:9.3"])
    assert "policy_conflict" in codes(out)
    assert "marac_referral" not in codes(out)


def test_rbkc_safeguarding_referral_in_every_case_children_listed_separately(bundle):
    out = decide(bundle, "rbkc", dash_score=2, children_in_household="no")
    every = item(out, "safeguarding_referral_all_cases")
    assert (every["duty"], every["cite"]) == ("should", ["rbkc:5.16", "rbkc:9.3"])
    out = decide(bundle, "rbkc", dash_score=2, children_in_household="yes")
    children = item(out, "children_safeguarding_referral")
    assert (children["duty"], children["cite"]) == ("should", ["rbkc:5.16", "rbkc:5.17", "rbkc:9.1",
                                                              "rbkc:appendix-1-does-the-victim-need-to-know-they-are-being-discussed-at-marac"])
    assert "listed separately" in children["text"]
    # 9.1 "should be notified" is shown with Appendix 1's "if it is safe to do so"
    assert "if it is safe to do so" in children["text"]
    # 5.16 "all cases" against 9.1(d)/5.6 confidentiality is flagged
    assert item(out, "safeguarding_consent_conflict")["cite"] == ["rbkc:5.16", "rbkc:9.1", "rbkc:5.6", "rbkc:5.18"]


def test_rbkc_immediate_risk_is_advice_to_contact_the_police(bundle):
    out = decide(bundle, "rbkc", immediate_danger="yes")
    police = item(out, "police_999")
    assert police["duty"] == "must"
    assert police["cite"][:2] == ["rbkc:5.10", "rbkc:5.11"]
    assert "Advise the survivor to contact the police" in police["text"]
    assert "999" not in police["text"]  # RBKC never states 999


def test_rbkc_no_consent_housing_idva_conflict_and_silence_on_adult_needs(bundle):
    out = decide(bundle, "rbkc", dash_score=5, care_and_support_needs="yes", survivor_consents="no")
    without = item(out, "referral_without_consent")
    assert without["cite"] == ["rbkc:5.18", "rbkc:5.19", "rbkc:9.1", "rbkc:appendix-1-does-the-victim-need-to-know-they-are-being-discussed-at-marac"]
    assert "if it is safe to do so" in without["text"]
    conflict = item(out, "support_consent_conflict")
    assert conflict["cite"] == ["rbkc:9.3", "rbkc:5.18", "rbkc:appendix-1-risk-assess"]
    assert "A referral to the Housing IDVA requires the consent of the victim/survivor." in conflict["text"]
    gap = assert_silent(out, "adult_safeguarding_referral")
    assert gap["related"] == ["rbkc:5.16", "rbkc:9.3", "rbkc:5.19"]
    assert "marm_referral" not in [a["about"] for a in out["actions"]]


# --- Dover: 8.4/8.11 police, 8.14 clock, 8.15 MARAC, 8.23 children ------------------------

def test_dover_children_always_referred_to_childrens_services(bundle):
    out = decide(bundle, "dover", dash_score=6, assessed_high_risk="no", children_in_household="yes")
    children = item(out, "children_safeguarding_referral")
    assert (children["duty"], children["cite"]) == ("must", ["dover:8.23", "dover:7.8"])
    assert "will be referred to Children's Services in all cases" in children["text"]
    conflict = item(out, "children_consent_conflict")
    assert conflict["cite"] == ["dover:8.23", "dover:8.19", "dover:12.6"]
    assert "knowledge and consent" in conflict["text"]


def test_dover_contact_deadline_states_its_condition_and_fallback(bundle):
    out = decide(bundle, "dover", dash_score="not_completed")
    deadline = item(out, "contact_deadline")
    assert (deadline["duty"], deadline["cite"]) == ("must", ["dover:8.14", "dover:8.12", "dover:8.13"])
    text = deadline["text"]
    assert "contacted the council personally and there is no immediate risk of harm" in text
    assert "within 2 working days" in text
    assert "next available working day" in text
    assert "refer them to domestic abuse support services" in text
    dash = item(out, "dash_ric")
    assert (dash["duty"], dash["cite"]) == ("must", ["dover:8.14"])
    assert "no immediate risk of harm" in dash["text"]


def test_dover_high_risk_immediate_danger_police_then_marac_via_tst(bundle):
    out = decide(bundle, "dover", immediate_danger="yes", dash_score=18, assessed_high_risk="yes",
                 survivor_consents="no")
    assert summary(out) == [
        ("police_999", "police_999", "must", ["dover:8.4", "dover:8.11", "dover:8.13"]),
        ("contact_deadline", "contact_deadline", "must", ["dover:8.14", "dover:8.12", "dover:8.13"]),
        ("survivor_discussion", "survivor_discussion", "must",
         ["dover:8.16", "dover:8.51", "dover:8.17", "dover:8.10", "dover:8.18", "dover:8.13"]),
        ("offer_interpreter", "offer_interpreter", "must", ["dover:8.20", "dover:8.16"]),
        ("record_on_file", "record_on_file", "must", ["dover:8.24", "dover:8.25", "dover:8.12"]),
        ("not_covered", "marac_threshold_score", "info", []),
        ("marac_referral", "marac_referral", "must", ["dover:8.15", "dover:8.4", "dover:8.42"]),
        ("policy_conflict", "policy_conflict", "info",
         ["dover:8.19", "dover:8.4", "dover:8.11", "dover:12.6"]),
        ("attend_marac", "attend_marac", "info", ["dover:8.15"]),
        ("not_covered", "marac_repeat", "info", []),
        ("inform_line_manager", "inform_line_manager", "must",
         ["dover:8.9", "dover:8.28", "dover:8.4", "dover:8.1"]),
        ("not_covered", "safety_plan", "info", []),
        ("not_covered", "idva_referral", "info", []),
        ("signposting", "signposting", "must", ["dover:8.18", "dover:8.30", "dover:8.56", "dover:8.58"]),
        ("support_consent_conflict", "support_consent_conflict", "info",
         ["dover:8.19", "dover:12.6", "dover:8.11"]),
    ]
    assert item(out, "marac_threshold_score")["text"].startswith(
        "Dover's policy refers high-risk cases to MARAC without stating a DASH score, or how high "
        "risk is decided. Speak with your line manager")
    assert item(out, "marac_threshold_score")["related"] == ["dover:8.15", "dover:8.9"]
    assert "999" not in item(out, "police_999")["text"]  # Dover says "the police"


def test_dover_is_silent_on_professional_judgement_idva_and_adult_route(bundle):
    out = decide(bundle, "dover", dash_score=7, assessed_high_risk="no", professional_concern="yes",
                 care_and_support_needs="yes", survivor_consents="yes")
    for about in ("marac_professional_judgement", "marac_repeat", "adult_safeguarding_referral",
                  "idva_referral", "safety_plan"):
        assert_silent(out, about)
    # no MARAC conflict note where Dover states no professional-judgement route
    assert "policy_conflict" not in codes(out)
    needs = item(out, "support_needs_referral")
    assert (needs["duty"], needs["cite"]) == ("must", ["dover:8.19"])
    assert item(out, "specialist_service_referral")["cite"] == ["dover:8.18", "dover:8.19", "dover:8.30",
                                                                "dover:8.56", "dover:8.58"]


# --- across councils ----------------------------------------------------------------------

@pytest.mark.parametrize("council", COUNCILS)
def test_every_citation_is_the_councils_own(bundle, council):
    for path in paths.enumerate_paths(bundle, TOOL, council):
        for action in path.outcome["actions"]:
            for cite in action["cite"] + action["related"]:
                assert cite.startswith(council + ":"), (cite, action["about"])


@pytest.mark.parametrize("council", COUNCILS)
def test_no_unformatted_placeholders_and_paths_stay_moderate(bundle, council):
    found = paths.enumerate_paths(bundle, TOOL, council)
    # 300: RBKC's high-risk-without-DASH node (6.4, 7.3, 9.3 "visible high risk") takes RBKC
    # to 288 paths; still a bound that catches a blow-up.
    assert 0 < len(found) <= 300
    for path in found:
        for action in path.outcome["actions"]:
            assert not re.search(r"\{[a-z_0-9]+\}", action["text"]), action["text"]


def test_thresholds_are_only_where_stated(bundle):
    profiles = {c: bundle.councils[c].tools[TOOL] for c in COUNCILS}
    assert profiles["tmbc"].values["marac_threshold"].value == 14
    assert profiles["tmbc"].values["band_medium_from"].value == 10
    assert profiles["camden"].values["marac_threshold"].value == 14
    assert "marac_threshold" not in profiles["rbkc"].values
    assert "marac_threshold" not in profiles["dover"].values
    assert profiles["dover"].values["contact_working_days"].value == 2
    # the 12-month repeat criterion is RBKC's alone
    assert [c for c in COUNCILS if "marac_repeat" in profiles[c].actions] == ["rbkc"]


def test_missing_fact_asks_the_next_question(bundle):
    step = engine.decide(bundle, TOOL, "rbkc", {"immediate_danger": "no", "dash_score": 10})
    assert step["type"] == "question"
    assert step["fact"] == "assessed_high_risk"
    assert step["cite"] == ["rbkc:7.4", "rbkc:6.4", "rbkc:9.3"]


def test_rbkc_names_escalation_with_the_professional_judgement_question(bundle):
    """RBKC 7.5: signs of escalation, including repeat low or medium cases, should be considered
    for MARAC; the question says so for RBKC only (close read R2)."""
    facts = {"immediate_danger": "no", "dash_score": 6, "assessed_high_risk": "no"}
    step = engine.decide(bundle, TOOL, "rbkc", facts)
    assert step["fact"] == "professional_concern"
    assert "signs of escalation" in step["hint"] and "low or medium" in step["hint"]
    assert step["hint"].startswith(bundle.facts["professional_concern"].hint)
    other = engine.decide(bundle, TOOL, "dover", facts)
    assert "escalation" not in other.get("hint", "")
