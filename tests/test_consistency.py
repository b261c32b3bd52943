"""No silent contradictions between tools: the same case through referral routes and
consent override (shared facts) for every council. Where one tool says a referral must be
made and the other says information may not be shared without consent, an outcome must
carry a conflict note that cites both passages."""
from __future__ import annotations

import itertools

import pytest

from py_tools.engine import engine

# Referrals that pass information about the survivor to another agency.
REFERRALS = {"marac_referral", "marac_high_risk_no_dash", "marac_professional_judgement", "marac_repeat",
             "children_safeguarding_referral", "adult_safeguarding_referral", "marm_referral",
             "safeguarding_referral_all_cases"}
GRID = {
    "immediate_danger": ["yes", "no"],
    "dash_score": ["not_completed", 5, 20],
    "assessed_high_risk": ["yes", "no"],
    "professional_concern": ["yes", "no"],
    "children_in_household": ["yes", "no"],
    "care_and_support_needs": ["yes", "no"],
    "consent_obtainable": ["yes", "no"],
}


def cases(bundle, council: str):
    """Consistent cases: a DASH score at or over the council's MARAC threshold is high risk."""
    threshold = bundle.councils[council].tools["referral-routes"].values.get("marac_threshold")
    names = list(GRID)
    for values in itertools.product(*GRID.values()):
        facts = dict(zip(names, values))
        facts.update(survivor_consents="no", request_from_third_party="no", safe_to_inform="no",
                     marac_in_last_12_months="no", new_incident_same_perpetrator="no")
        # a child in the household or an adult with care and support needs is a safeguarding concern
        facts["safeguarding_concern"] = "yes" if "yes" in (facts["children_in_household"],
                                                           facts["care_and_support_needs"]) else "no"
        if threshold and isinstance(facts["dash_score"], int) and facts["dash_score"] >= threshold.value:
            facts["assessed_high_risk"] = "yes"
        yield facts


def _notes(*outcomes):
    return [a for o in outcomes for a in o["actions"] if "conflict" in a["code"] and a["duty"] == "info"]


def contradictions(bundle, council: str) -> list[str]:
    found = []
    for facts in cases(bundle, council):
        routes = engine.decide(bundle, "referral-routes", council, facts)
        consent = engine.decide(bundle, "consent-override", council, facts)
        assert routes["type"] == consent["type"] == "outcome", (routes.get("fact"), consent.get("fact"))
        musts = [a for a in routes["actions"] if a["code"] in REFERRALS and a["duty"] == "must"]
        shares = [a for a in consent["actions"] if a["code"].startswith("share_without_consent")]
        refusals = [a for a in consent["actions"] if a["code"] == "consent_required"]
        if not musts or shares or not refusals:
            continue
        notes = _notes(routes, consent)
        for must in musts:
            explained = any(set(n["cite"]) & set(must["cite"]) and
                            any(set(n["cite"]) & set(r["cite"]) for r in refusals) for n in notes)
            if not explained:
                found.append(f"{council}: {must['code']} ({', '.join(must['cite'])}) is a must, but consent "
                             f"override says share only with consent ({', '.join(refusals[0]['cite'])}) "
                             f"with no conflict note citing both; facts {facts}")
    return found


@pytest.mark.parametrize("council", ["rbkc", "tmbc", "dover", "camden"])
def test_no_silent_contradiction_between_referral_routes_and_consent_override(bundle, council):
    assert council in bundle.councils, f"{council}'s rules are missing"
    found = contradictions(bundle, council)
    assert not found, f"{len(found)} contradictions, e.g.\n" + "\n".join(found[:5])


def test_the_check_finds_a_planted_contradiction(bundle):
    """The check itself can fail: drop every conflict note and a contradiction shows up."""
    import dataclasses
    from py_tools.engine.model import ALWAYS, Condition
    never = Condition("not", parts=(ALWAYS,))
    council = bundle.councils["camden"]
    profiles = {}
    for tool, profile in council.tools.items():
        kept = {c: a for c, a in profile.actions.items() if "conflict" not in c}
        if tool == "consent-override":  # no ground to share without consent ever holds
            kept = {c: dataclasses.replace(a, when=never) if c.startswith("share_without_consent") else a
                    for c, a in kept.items()}
        profiles[tool] = dataclasses.replace(profile, actions=kept)
    stripped = dataclasses.replace(bundle, councils={**bundle.councils,
                                                     "camden": dataclasses.replace(council, tools=profiles)})
    assert contradictions(stripped, "camden")
