"""Accommodation options: realistic cases per council, taken from each council's own text."""
import pytest

from py_tools.engine import engine
from py_tools.rules import paths

TOOL = "accommodation-options"


def decide(bundle, council, **facts):
    step = engine.decide(bundle, TOOL, council, facts)
    assert step["type"] == "outcome", f"still asking {step.get('fact')}"
    return step


def by_code(step):
    """code -> item for council actions; ('not_covered', about) -> item for gaps."""
    out = {}
    for item in step["actions"]:
        key = item["code"] if item["code"] != "not_covered" else ("not_covered", item["about"])
        out[key] = item
    return out


def gap(step, about):
    item = by_code(step)[("not_covered", about)]
    assert item["duty"] == "info"
    assert item["cite"] == []
    return item


STAY_SECURE = dict(immediate_danger="no", wants_to_stay="yes", perpetrator_in_home="no",
                   property_damaged="yes", property_insecure="yes", tenure="secure_sole",
                   rent_arrears_from_abuse="no")
LEAVE_HOMELESS = dict(immediate_danger="yes", wants_to_stay="no", perpetrator_in_home="no",
                      property_damaged="no", property_insecure="no", homeless_due_to_abuse="yes",
                      homeless_now="yes", eligible_for_assistance="yes", rent_arrears_from_abuse="no")


# --- RBKC ----------------------------------------------------------------------------

def test_rbkc_immediate_risk_in_temporary_accommodation(bundle):
    step = decide(bundle, "rbkc", tenure="temporary_accommodation", **LEAVE_HOMELESS)
    got = by_code(step)
    assert got["police_999"]["duty"] == "must"
    assert got["police_999"]["cite"] == ["rbkc:5.10", "rbkc:5.11"]
    assert got["emergency_accommodation"]["duty"] == "must"
    assert got["emergency_accommodation"]["cite"] == ["rbkc:5.10", "rbkc:5.12"]
    assert got["transfer_temporary_accommodation"]["duty"] == "should"
    assert got["transfer_temporary_accommodation"]["cite"] == ["rbkc:9.3"]
    assert got["homeless_application"]["duty"] == "must"
    assert got["homeless_application"]["cite"] == ["rbkc:9.3"]
    assert got["homeless_application_elsewhere"]["duty"] == "may"
    assert got["safety_plan_before_leaving"]["duty"] == "may"
    assert got["safety_plan_before_leaving"]["cite"] == ["rbkc:9.10"]
    # RBKC ascertains priority need; it does not state it for survivors, nor mention refuges.
    assert gap(step, "priority_need")["related"] == ["rbkc:9.3"]
    gap(step, "refuge")
    gap(step, "no_local_connection_test")


def test_rbkc_stay_with_sanctuary_no_repair_time_limit(bundle):
    step = decide(bundle, "rbkc", **STAY_SECURE)
    got = by_code(step)
    # 8.4 uses the Sanctuary Scheme "where a referral is made to the Community Safety Team":
    # conditional, so "should" (explore it), not an unconditional "must".
    assert got["sanctuary_scheme"]["duty"] == "should"
    assert got["sanctuary_scheme"]["cite"] == ["rbkc:8.4", "rbkc:8.5", "rbkc:9.3", "rbkc:15",
                                               "rbkc:appendix-1-risk-assess", "rbkc:10.3"]
    assert "Refer to the Community Safety Team" in got["sanctuary_scheme"]["text"]
    # 9.3 "not move a household to an area of risk" now reached outside the homeless branch
    assert (got["avoid_area_of_risk"]["duty"], got["avoid_area_of_risk"]["cite"]) == ("must", ["rbkc:9.3"])
    assert got["legal_orders"]["duty"] == "may"
    assert got["legal_orders"]["cite"] == ["rbkc:9.8", "rbkc:9.9", "rbkc:9.3"]
    # 10.3 "We will consider": a must to consider; whether to act stays RBKC's decision
    assert got["perpetrator_enforcement"]["duty"] == "must"
    assert got["perpetrator_enforcement"]["cite"][0] == "rbkc:10.3"
    assert "stays RBKC's decision" in got["perpetrator_enforcement"]["text"]
    # RBKC states no repair time limit: no 24 hours borrowed from Dover (or from rbkc:9.2).
    repair = gap(step, "emergency_repair_24h")
    assert "24" not in repair["text"]
    assert "emergency_repair_24h" not in got
    # "Does the perpetrator live there?" decides whether homelessness arises at all
    assert step["asked"] == ["immediate_danger", "wants_to_stay", "tenure", "perpetrator_in_home",
                             "property_insecure", "rent_arrears_from_abuse"]


def test_rbkc_private_rented_and_rent_arrears_gap(bundle):
    step = decide(bundle, "rbkc", immediate_danger="no", wants_to_stay="no",
                  tenure="private_rented", property_insecure="no", homeless_due_to_abuse="no")
    got = by_code(step)
    assert got["private_rented_support"]["duty"] == "should"
    assert got["private_rented_support"]["cite"] == ["rbkc:9.3"]
    assert "rent_arrears_from_abuse" not in step["asked"]  # rent not owed to the council
    arrears = gap(decide(bundle, "rbkc", **{**STAY_SECURE, "rent_arrears_from_abuse": "yes"}),
                  "rent_arrears_waiver")
    assert arrears["related"] == ["rbkc:appendix-1-what-actions-can-we-offer"]


# --- TMBC ----------------------------------------------------------------------------

def test_tmbc_safer_scheme_and_damage(bundle):
    step = decide(bundle, "tmbc", **STAY_SECURE)
    got = by_code(step)
    assert got["sanctuary_scheme"]["duty"] == "may"
    assert got["sanctuary_scheme"]["cite"] == ["tmbc:5"]
    assert got["perpetrator_liable_for_damage"]["duty"] == "must"
    assert got["perpetrator_liable_for_damage"]["cite"] == ["tmbc:6"]
    assert got["legal_orders"]["duty"] == "must"
    assert got["legal_orders"]["cite"] == ["tmbc:5", "tmbc:9"]
    gap(step, "emergency_repair_24h")
    assert gap(step, "perpetrator_enforcement")["related"] == ["tmbc:6"]


def test_tmbc_no_safer_while_perpetrator_lives_there(bundle):
    step = decide(bundle, "tmbc", **{**STAY_SECURE, "perpetrator_in_home": "yes",
                                     "property_insecure": "no", "homeless_due_to_abuse": "no"})
    got = by_code(step)
    assert "sanctuary_scheme" not in got  # "if the perpetrator does not reside there" (tmbc:5)
    assert "homeless_due_to_abuse" in step["asked"]  # not yet safe at home


def test_tmbc_homeless_eligible_priority_need_and_arrears_conflict(bundle):
    step = decide(bundle, "tmbc", **{**LEAVE_HOMELESS, "tenure": "secure_sole",
                                     "rent_arrears_from_abuse": "yes"})
    got = by_code(step)
    assert got["police_999"]["duty"] == "must"
    assert got["police_999"]["cite"] == ["tmbc:9"]
    assert got["refuge"]["duty"] == "may"
    assert got["refuge"]["cite"] == ["tmbc:5"]
    assert got["safety_plan_before_leaving"]["duty"] == "must"
    assert got["priority_need"]["duty"] == "must"
    assert got["priority_need"]["cite"] == ["tmbc:5"]
    # "will consider a waiver": a must to consider; the waiver itself stays TMBC's choice
    assert got["rent_arrears_waiver"]["duty"] == "must"
    assert got["rent_arrears_waiver"]["cite"] == ["tmbc:5"]
    conflict = got["policy_conflict"]
    assert conflict["duty"] == "info"
    assert conflict["cite"] == ["tmbc:3", "tmbc:5"]
    assert "manager" in conflict["text"]
    assert gap(step, "homeless_application")["related"] == ["tmbc:5"]
    gap(step, "emergency_accommodation")
    gap(step, "management_transfer")
    gap(step, "reciprocal_move")
    gap(step, "no_local_connection_test")


# --- Dover ---------------------------------------------------------------------------

def test_dover_emergency_repair_within_24_hours(bundle):
    step = decide(bundle, "dover", **STAY_SECURE)
    got = by_code(step)
    repair = got["emergency_repair_24h"]
    assert repair["duty"] == "must"
    assert repair["cite"] == ["dover:8.36"]
    assert "within 24 hours of the report" in repair["text"]
    value = bundle.councils["dover"].tools[TOOL].values["emergency_repair_hours"]
    assert (value.value, value.cite) == (24, ("dover:8.36",))
    assert got["sanctuary_scheme"]["duty"] == "may"
    assert got["sanctuary_scheme"]["cite"] == ["dover:8.31", "dover:8.37"]
    assert gap(step, "legal_orders")["related"] == ["dover:8.31", "dover:8.32"]
    assert got["consult_before_enforcement"]["duty"] == "must"
    assert got["consult_before_enforcement"]["cite"] == ["dover:8.39", "dover:8.40", "dover:8.43"]


def test_dover_joint_tenant_leaving(bundle):
    step = decide(bundle, "dover", immediate_danger="no", wants_to_stay="no",
                  tenure="joint_with_perpetrator", property_insecure="no", homeless_due_to_abuse="no",
                  rent_arrears_from_abuse="yes")
    got = by_code(step)
    assert got["joint_tenancy_sole_name"]["duty"] == "may"
    assert got["joint_tenancy_sole_name"]["cite"] == ["dover:8.32"]
    assert got["ending_joint_tenancy"]["duty"] == "info"
    assert got["ending_joint_tenancy"]["cite"] == ["dover:8.33", "dover:8.41"]
    assert got["joint_to_private_rented"]["duty"] == "must"
    assert got["joint_to_private_rented"]["cite"] == ["dover:8.34"]
    assert got["reciprocal_move"]["duty"] == "may"
    assert got["reciprocal_move"]["cite"] == ["dover:8.35", "dover:8.22"]
    assert got["new_secure_tenancy"]["cite"] == ["dover:3.1"]
    gap(step, "management_transfer")
    assert gap(step, "rent_arrears_waiver")["related"] == ["dover:8.8"]


def test_dover_homeless_no_priority_or_local_connection_test(bundle):
    step = decide(bundle, "dover", tenure="none", **LEAVE_HOMELESS)
    got = by_code(step)
    assert got["police_999"]["duty"] == "must"
    assert got["police_999"]["cite"] == ["dover:8.4", "dover:8.11"]
    assert got["emergency_accommodation"]["duty"] == "may"
    assert got["emergency_accommodation"]["cite"] == ["dover:8.31"]
    assert got["homeless_application"]["duty"] == "must"
    assert got["homeless_application"]["cite"] == ["dover:8.38"]
    assert got["priority_need"]["duty"] == "must"
    assert got["priority_need"]["cite"] == ["dover:8.38", "dover:3.1"]
    assert got["no_local_connection_test"]["duty"] == "must"
    assert got["no_local_connection_test"]["cite"] == ["dover:8.38", "dover:3.6"]
    assert "rent_arrears_from_abuse" not in step["asked"]


def test_dover_not_eligible_is_a_gap(bundle):
    step = decide(bundle, "dover", **{**LEAVE_HOMELESS, "tenure": "private_rented",
                                      "eligible_for_assistance": "no"})
    assert gap(step, "not_eligible_for_assistance")["related"] == ["dover:8.30"]
    assert gap(step, "private_rented_support")["related"] == ["dover:8.34"]
    assert "priority_need" not in by_code(step)


# --- Camden --------------------------------------------------------------------------

def test_camden_says_plainly_it_does_not_cover_accommodation(bundle):
    step = decide(bundle, "camden")
    assert step["asked"] == []
    assert len(step["actions"]) == 1
    item = gap(step, "housing_options_advice")
    assert item["text"].startswith("Camden's documents on this site do not cover accommodation options")
    assert "full procedure" in item["text"]


def test_camden_ignores_answers_and_cites_nothing(bundle):
    """Camden's documents do not cover accommodation: one plain gap, citing nothing, pointing
    only at the hub page so staff can see what the documents do cover."""
    step = decide(bundle, "camden", **STAY_SECURE)
    assert [a["code"] for a in step["actions"]] == ["not_covered"]
    assert step["actions"][0]["cite"] == [] and step["actions"][0]["related"] == ["camden:the-hub"]
    assert step["actions"][0]["text"].startswith("Camden's documents on this site do not cover accommodation")
    assert step["asked"] == []


# --- every path ----------------------------------------------------------------------

@pytest.mark.parametrize("council", ["rbkc", "tmbc", "dover", "camden"])
def test_every_path_cites_only_its_own_council(bundle, council):
    found = paths.enumerate_paths(bundle, TOOL, council)
    assert 0 < len(found) < 400
    for path in found:
        for item in path.outcome["actions"]:
            if item["code"] == "not_covered":
                assert item["cite"] == [] and item["duty"] == "info"
            else:
                assert item["cite"], item
            for cite in item["cite"] + item["related"]:
                assert cite.startswith(council + ":"), (cite, path.answers)
                assert cite in bundle.links
