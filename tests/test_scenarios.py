"""Policy-readable scenarios: tests/scenarios/<council>.yaml, one named case per entry
(facts -> the duties the council's own words give, with their citations), run through the
same engine as the site and the CLI. A policy lead reads and extends these files."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from py_tools.engine import engine

FOLDER = Path(__file__).parent / "scenarios"


def _scenarios():
    for path in sorted(FOLDER.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for number, case in enumerate(data["scenarios"], 1):
            yield pytest.param(data["council"], case, id=f"{path.stem}-{number}-{case['name'][:60]}")


NOTES = ("not_covered", "find_out_first")  # items about another action (`about`)


def _matches(item: dict, want: dict) -> bool:
    if want["action"] in NOTES:
        return item["code"] == want["action"] and item["about"] == want.get("about", item["about"])
    return item["code"] == want["action"]


def _present(item: dict, code: str) -> bool:
    """An action is in the outcome as itself, or as the gap saying its topic is not covered;
    a "find out first" note about a permission is not the permission."""
    return item["code"] == code or (item["code"] == "not_covered" and item["about"] == code)


def test_every_council_has_scenarios(bundle):
    files = {p.stem for p in FOLDER.glob("*.yaml")}
    assert files >= set(bundle.councils), f"councils without scenarios: {set(bundle.councils) - files}"


@pytest.mark.parametrize("council, case", list(_scenarios()))
def test_scenario(bundle, council, case):
    facts = {k: ("yes" if v is True else "no" if v is False else v) for k, v in case["facts"].items()}
    step = engine.decide(bundle, case["tool"], council, facts)
    assert step["type"] == "outcome", (
        f"{case['name']}: the tool still asks {step.get('fact')!r}; answer it in the scenario's facts")
    actions = step["actions"]
    shown = "\n".join(f"  {a['code']} ({a['about']}) {a['duty']} {a['cite']}" for a in actions)
    for want in case.get("expect", []):
        found = [a for a in actions if _matches(a, want)]
        assert found, f"{case['name']}: expected {want} in the outcome:\n{shown}"
        item = found[0]
        if "duty" in want:
            assert item["duty"] == want["duty"], f"{case['name']}: {want['action']} is {item['duty']}, expected {want['duty']}"
        missing = [c for c in want.get("cite", []) if c not in item["cite"]]
        assert not missing, f"{case['name']}: {want['action']} does not cite {missing}:\n{shown}"
        missing = [c for c in want.get("related", []) if c not in item["related"]]
        assert not missing, f"{case['name']}: {want['action']} gives no related reading {missing}"
        for words in want.get("says", []):
            assert words.lower() in item["text"].lower(), f"{case['name']}: {want['action']} does not say {words!r}"
    for code in case.get("absent", []):
        assert not [a for a in actions if _present(a, code)], (
            f"{case['name']}: {code} must not be in the outcome:\n{shown}")
    for code, words in case.get("says_not", {}).items():
        for item in [a for a in actions if a["code"] == code]:
            for word in words:
                assert word.lower() not in item["text"].lower(), f"{case['name']}: {code} says {word!r}"
    for fact in case.get("not_asked", []):
        assert fact not in step["asked"], f"{case['name']}: {fact} is asked, but nothing of this council needs it"
