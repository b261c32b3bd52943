"""The decision widgets end to end in Debian Chromium, driven by their DOM hooks.

The journey comes from clicks (or keys) on the page; every expectation comes from the same
engine run in CPython (`engine.decide`) with the answers the journey gave. Nothing here
hard-codes an outcome, so the tests follow the rules as they are filled in.
"""
from __future__ import annotations

import html.parser
import re
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from py_tools.engine import engine
from py_tools.engine.record import DUTY_HEADINGS, record_text

DUTIES = [duty for duty, _ in DUTY_HEADINGS]
TOOLS = ("referral-routes", "consent-override", "accommodation-options", "contractor-duties")

# One realistic case per tool, for a council whose documents cover it. Facts a tree asks that
# a case does not name are answered with the first option offered.
CASES = {
    # TMBC: a resident discloses abuse; DASH RIC 15 ticks; children in the home; consents to support
    "referral-routes": ("tmbc", {
        "immediate_danger": "no", "dash_score": 15, "professional_concern": "no",
        "assessed_high_risk": "yes", "marac_in_last_12_months": "no",
        "new_incident_same_perpetrator": "no", "children_in_household": "yes",
        "care_and_support_needs": "no", "survivor_consents": "yes"}),
    # RBKC: the officer considers sharing without consent; high risk, a child at risk
    "consent-override": ("rbkc", {
        "request_from_third_party": "no", "survivor_consents": "no", "immediate_danger": "no",
        "assessed_high_risk": "yes", "safeguarding_concern": "yes", "consent_obtainable": "no",
        "safe_to_inform": "yes"}),
    # Dover: sole council tenant, perpetrator gone, door broken, wants to stay, arrears from abuse
    "accommodation-options": ("dover", {
        "immediate_danger": "no", "wants_to_stay": "yes", "perpetrator_in_home": "no",
        "property_insecure": "yes", "tenure": "secure_sole", "homeless_due_to_abuse": "no",
        "eligible_for_assistance": "yes", "rent_arrears_from_abuse": "yes"}),
    # Dover: a repairs operative hears an assault and sees signs of abuse
    "contractor-duties": ("dover", {
        "immediate_danger": "no", "witnessed_violence": "yes", "signs_of_abuse": "yes"}),
}

OUTCOME_JS = """root => [...root.querySelectorAll('[data-outcome] [data-action-code]')].map(li => ({
  code: li.getAttribute('data-action-code'), duty: li.getAttribute('data-duty'),
  about: li.getAttribute('data-about'),
  text: li.querySelector('.da-action__text').textContent,
  cite: [...li.querySelectorAll('.da-action__cite [data-cite]')].map(a => a.getAttribute('data-cite')),
  related: [...li.querySelectorAll('.da-action__related [data-cite]')].map(a => a.getAttribute('data-cite')),
  hrefs: [...li.querySelectorAll('a[data-cite]')].map(a => a.href)}))"""

STORAGE_JS = """async () => {
  const dump = s => Object.fromEntries([...Array(s.length).keys()].map(i => [s.key(i), s.getItem(s.key(i))]));
  return {
    local: dump(localStorage), session: dump(sessionStorage),
    idb: indexedDB.databases ? (await indexedDB.databases()).map(d => d.name) : [],
    caches: self.caches ? await caches.keys() : [],
    sw: navigator.serviceWorker ? (await navigator.serviceWorker.getRegistrations()).length : 0,
    cookie: document.cookie,
  };
}"""


# --- helpers --------------------------------------------------------------------------

def tool_url(site_url: str, tool: str, council: str) -> str:
    return f"{site_url}/tools/{council}/{tool}/"


def widget(page, tool: str, council: str):
    return page.locator(f"[data-tool='{tool}'][data-council='{council}']")


def wait_ready(page, root, timeout=90_000):
    root.wait_for()
    page.wait_for_function("r => r.getAttribute('data-engine') !== 'loading'",
                           arg=root.element_handle(), timeout=timeout)
    state = root.get_attribute("data-engine")
    assert state == "ready", f"engine {state}: {root.locator('[data-status]').inner_text()!r}"


def open_tool(page, site_url, tool, council, ready=True):
    response = page.goto(tool_url(site_url, tool, council))
    assert response is not None and response.status == 200
    root = widget(page, tool, council)
    if ready:
        wait_ready(page, root)
    return root


def renders(page) -> int:
    return page.evaluate("() => performance.getEntriesByName('da-step-rendered').length")


def wait_render(page, before: int, timeout=30_000):
    page.wait_for_function("n => performance.getEntriesByName('da-step-rendered').length > n",
                           arg=before, timeout=timeout)


def click_and_wait(page, locator):
    before = renders(page)
    locator.click()
    wait_render(page, before)


def current_fact(root) -> str:
    fieldsets = root.locator("fieldset[data-question]")
    assert fieldsets.count() == 1, "exactly one current question"
    return fieldsets.get_attribute("data-question")


def has_outcome(root) -> bool:
    return root.locator("[data-outcome]").count() > 0


def first_option(root, fact: str):
    radios = root.locator(f"fieldset[data-question='{fact}'] input[type=radio]")
    assert radios.count() > 0, f"{fact}: no options"
    return radios.first.get_attribute("value")


def choose(root, fact: str, value) -> None:
    if isinstance(value, int):
        root.locator(f"fieldset[data-question='{fact}'] input[data-score-input]").fill(str(value))
    else:
        root.locator(f"fieldset[data-question='{fact}'] input[type=radio][value='{value}']").check()


def answer(page, root, fact, value) -> None:
    choose(root, fact, value)
    click_and_wait(page, root.locator("[data-action=next]"))


def journey(page, root, bundle, tool, council, case, given=None, limit=40) -> dict:
    """Answer the questions the page shows until the outcome; return every answer given.

    At each step the page must ask what the engine asks for the answers given so far."""
    given = dict(given or {})
    for _ in range(limit):
        step = engine.decide(bundle, tool, council, given)
        if step["type"] == "outcome":
            assert has_outcome(root), f"the engine has an outcome after {list(given)}, the page does not"
            return given
        assert not has_outcome(root), f"the page shows an outcome; the engine asks {step['fact']}"
        fact = current_fact(root)
        assert fact == step["fact"], f"after {list(given)} the page asks {fact}, the engine {step['fact']}"
        value = case[fact] if fact in case else first_option(root, fact)
        answer(page, root, fact, value)
        given[fact] = value
    raise AssertionError(f"no outcome after {limit} answers")


def expected_items(step: dict) -> list[dict]:
    """The engine's actions in the order the page shows them: the "I don't know" notice
    first, then grouped by duty."""
    first = [a for a in step["actions"] if a["code"] == engine.ANSWERED_UNKNOWN]
    rest = [a for duty in DUTIES for a in step["actions"] if a["duty"] == duty and a not in first]
    return [{"code": a["code"], "duty": a["duty"],
             "about": a["about"] if a["code"] == "not_covered" else None,
             "text": a["text"], "cite": a["cite"], "related": a["related"]}
            for a in first + rest]


class _Ids(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)


_ID_CACHE: dict[Path, set] = {}


def ids_on(site_dir: Path, url_path: str) -> set:
    file = site_dir / url_path.lstrip("/") / "index.html"
    if file not in _ID_CACHE:
        parser = _Ids()
        parser.feed(file.read_text(encoding="utf-8") if file.exists() else "")
        _ID_CACHE[file] = parser.ids
    return _ID_CACHE[file]


def assert_outcome_matches_engine(page, root, bundle, tool, council, given, site_dir) -> dict:
    step = engine.decide(bundle, tool, council, given)
    assert step["type"] == "outcome"
    shown = root.evaluate(OUTCOME_JS)
    hrefs = [h for item in shown for h in item.pop("hrefs")]
    assert shown == expected_items(step)
    assert len(shown) == len(step["actions"]) > 0
    # every citation links to the paragraph's anchor on the built site
    cited = [c for a in step["actions"] for c in a["cite"] + a["related"]]
    assert len(hrefs) == len(cited)
    for href in hrefs:
        url = urlparse(href)
        assert url.fragment and url.fragment in ids_on(site_dir, url.path), f"{href} does not resolve"
    # the summary lists the answers on the path, each with its own label
    for answered in step["answers"]:
        dd = root.locator(f"[data-summary] dd[data-answer='{answered['fact']}']")
        assert dd.inner_text().strip() == answered["label"]
        assert root.locator(f"[data-summary] [data-action=change][data-fact='{answered['fact']}']").count() == 1
    assert root.locator("[data-summary] dd[data-answer]").count() == len(step["answers"])
    assert root.get_attribute("data-stage") == "outcome"
    return step


def browser_date(page) -> str:
    return page.evaluate("""() => new Date().toLocaleDateString('en-GB',
        {day: 'numeric', month: 'long', year: 'numeric'})""")


def browser_iso_date(page) -> str:
    """The viewer's date as the widget passes it to the engine (review dates are checked on it)."""
    return page.evaluate("""() => { const d = new Date();
        return [d.getFullYear(), String(d.getMonth() + 1).padStart(2, '0'),
                String(d.getDate()).padStart(2, '0')].join('-'); }""")


def assert_nothing_kept(page, context, given: dict) -> dict:
    """No cookie, storage, database, cache, service worker or URL holds the answers."""
    assert context.cookies() == []
    kept = page.evaluate(STORAGE_JS)
    assert kept["cookie"] == ""
    assert kept["idb"] == [], f"IndexedDB databases: {kept['idb']}"
    assert kept["caches"] == [], f"Cache Storage: {kept['caches']}"
    assert kept["sw"] == 0, "a service worker is registered"
    secrets = set(given) | {v for v in given.values() if isinstance(v, str) and v not in ("yes", "no")}
    secrets |= {"Decision record", "data-record"}
    for area in ("local", "session"):
        for key, value in kept[area].items():
            for secret in secrets:
                assert secret not in key and secret not in (value or ""), \
                    f"{area}Storage[{key!r}] holds {secret!r}: {value[:200]!r}"
    url = urlparse(page.url)
    assert url.query == "", f"the URL has a query: {page.url}"
    for secret in secrets:
        assert secret not in page.url
    return kept


def assert_clean(page, context):
    assert context.off_origin.blocked == []
    assert page.js_errors == []


# --- the first question is in the served HTML ----------------------------------------

class _FirstQuestion(html.parser.HTMLParser):
    def __init__(self, tool, council):
        super().__init__()
        self.tool, self.council = tool, council
        self.root = None
        self.fact = None
        self.legend = ""
        self.in_legend = False
        self.radios = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("data-tool") == self.tool and a.get("data-council") == self.council:
            self.root = a
        if self.root is not None and tag == "fieldset" and "data-question" in a and self.fact is None:
            self.fact = a["data-question"]
        if self.fact and tag == "legend":
            self.in_legend = True
        if self.fact and tag == "input" and a.get("type") == "radio" and a.get("name") == self.fact:
            self.radios.append(a.get("value"))

    def handle_endtag(self, tag):
        if tag == "legend":
            self.in_legend = False

    def handle_data(self, data):
        if self.in_legend:
            self.legend += data


@pytest.mark.parametrize("tool", TOOLS)
def test_first_question_is_in_the_served_html(site_url, bundle, tool):
    assert tool in bundle.trees, f"the rules have no {tool} tool"
    council = CASES[tool][0]
    with urllib.request.urlopen(tool_url(site_url, tool, council)) as response:
        assert response.status == 200
        raw = response.read().decode("utf-8")
    parsed = _FirstQuestion(tool, council)
    parsed.feed(raw)
    assert parsed.root is not None, "no widget root in the HTML"
    assert parsed.root.get("data-engine") == "loading"
    first = engine.decide(bundle, tool, council, {})
    if first["type"] == "outcome":  # a council with no questions for this tool
        assert "data-outcome" in raw
        return
    assert parsed.fact == first["fact"]
    assert " ".join(parsed.legend.split()) == " ".join(first["question"].split())
    assert parsed.radios == [o["value"] for o in first["options"]]


# --- a journey per tool ---------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize("tool", TOOLS)
def test_journey_by_clicks_matches_the_engine_and_the_record_copies(
        page, context, site_url, site_dir, bundle, tool):
    assert tool in bundle.trees, f"the rules have no {tool} tool"
    council, case = CASES[tool]
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
    root = open_tool(page, site_url, tool, council)
    given = journey(page, root, bundle, tool, council, case)
    step = assert_outcome_matches_engine(page, root, bundle, tool, council, given, site_dir)
    # focus moves to the outcome's heading
    assert page.evaluate("() => document.activeElement.classList.contains('da-outcome__title')")

    # the decision record: the same text as CPython's record for these answers
    record = root.locator("textarea[data-record]").input_value()
    assert record == record_text(bundle, step, browser_date(page), browser_iso_date(page))
    assert bundle.councils[council].name in record
    for action in step["actions"]:
        assert action["text"] in record
        for cite in action["cite"] + action["related"]:
            assert step["links"][cite]["label"] in record

    # copy it
    root.locator("[data-action=copy]").click()
    page.wait_for_function("r => r.querySelector('[data-copied]').textContent.trim() !== ''",
                           arg=root.element_handle(), timeout=5_000)
    assert page.evaluate("() => navigator.clipboard.readText()") == record

    kept = assert_nothing_kept(page, context, given)
    print(f"\n{tool}/{council}: {len(given)} answers, {len(step['actions'])} actions; "
          f"storage after the journey: local {sorted(kept['local'])}, session {sorted(kept['session'])}")
    assert_clean(page, context)


# --- back, change, restart --------------------------------------------------------------

@pytest.mark.browser
def test_back_change_and_restart(page, context, site_url, site_dir, bundle):
    tool = "referral-routes"
    council, case = CASES[tool]
    root = open_tool(page, site_url, tool, council)

    # answer two questions, then go back twice
    given = {}
    for _ in range(2):
        fact = current_fact(root)
        value = case[fact] if fact in case else first_option(root, fact)
        answer(page, root, fact, value)
        given[fact] = value
    asked = list(given)
    assert len(asked) == 2 and current_fact(root) == engine.decide(bundle, tool, council, given)["fact"]
    click_and_wait(page, root.locator("[data-action=back]"))
    assert current_fact(root) == asked[1], "back returns to the previous question"
    assert page.evaluate("() => document.activeElement.classList.contains('da-question__text')")
    click_and_wait(page, root.locator("[data-action=back]"))
    assert current_fact(root) == asked[0]
    assert root.locator("[data-action=back]").count() == 0, "no back button on the first question"

    # on to the outcome
    given = journey(page, root, bundle, tool, council, case)
    before = assert_outcome_matches_engine(page, root, bundle, tool, council, given, site_dir)

    # change an answer from the summary: pick one whose other value changes the outcome
    change = None
    for answered in before["answers"]:
        fact = engine.fact_for(bundle, bundle.trees[tool], answered["fact"])
        values = ["yes", "no"] if fact.type == "boolean" else \
            [o.value for o in fact.options] + ([fact.min, fact.max] if fact.type == "score" else [])
        for value in values:
            if value == given[answered["fact"]]:
                continue
            trial = complete(bundle, tool, council, {**given, answered["fact"]: value}, case)
            if codes(engine.decide(bundle, tool, council, trial)) != codes(before):
                change = (answered["fact"], value)
                break
        if change:
            break
    assert change, "no single answer changes this outcome; pick another case"
    fact, value = change
    click_and_wait(page, root.locator(f"[data-summary] [data-action=change][data-fact='{fact}']"))
    assert current_fact(root) == fact
    assert not has_outcome(root)
    answer(page, root, fact, value)
    given[fact] = value
    given = journey(page, root, bundle, tool, council, case, given)
    after = assert_outcome_matches_engine(page, root, bundle, tool, council, given, site_dir)
    assert codes(after) != codes(before), "the outcome changed with the answer"
    assert root.locator(f"dd[data-answer='{fact}']").inner_text().strip() == \
        engine.answer_label(engine.fact_for(bundle, bundle.trees[tool], fact), value)

    # restart: the first question again, with every answer forgotten
    click_and_wait(page, root.locator("[data-action=restart]"))
    first = engine.decide(bundle, tool, council, {})
    assert current_fact(root) == first["fact"]
    assert not has_outcome(root) and root.locator("[data-summary]").count() == 0
    assert root.get_attribute("data-stage") == "question"
    assert page.evaluate("() => document.activeElement.classList.contains('da-question__text')")
    value = given[first["fact"]]
    answer(page, root, first["fact"], value)
    # had the worker kept the other answers, it would skip ahead (or to the outcome)
    assert current_fact(root) == engine.decide(bundle, tool, council, {first["fact"]: value})["fact"]

    assert_nothing_kept(page, context, given)
    assert_clean(page, context)


def codes(step: dict) -> list:
    return [(a["code"], a["about"], a["duty"]) for a in step["actions"]]


def complete(bundle, tool, council, facts: dict, case: dict) -> dict:
    """These facts plus the case's answers (or first options) for whatever else is asked."""
    facts = dict(facts)
    for _ in range(40):
        step = engine.decide(bundle, tool, council, facts)
        if step["type"] == "outcome":
            return facts
        facts[step["fact"]] = case.get(step["fact"], step["options"][0]["value"] if step["options"] else 0)
    raise AssertionError("no outcome")


# --- keyboard only ----------------------------------------------------------------------

@pytest.mark.browser
def test_keyboard_only_completion(page, context, site_url, site_dir, bundle):
    """Tab, Space and Enter only: Space picks the first option Tab reaches in each question."""
    tool = "referral-routes"
    council = CASES[tool][0]
    root = open_tool(page, site_url, tool, council)
    active = "() => { const e = document.activeElement; return e ? {tag: e.tagName, type: e.type || '', " \
             "value: e.value || '', checked: !!e.checked, action: e.getAttribute('data-action') || '', " \
             "question: e.classList.contains('da-question__text'), " \
             "fact: (e.closest('fieldset[data-question]') || {getAttribute: () => ''}).getAttribute('data-question'), " \
             "inWidget: !!e.closest('[data-tool]')} : null; }"

    def tab_until(predicate, limit):
        for _ in range(limit):
            page.keyboard.press("Tab")
            state = page.evaluate(active)
            if predicate(state):
                return state
        raise AssertionError(f"Tab never reached the target; focus is on {page.evaluate(active)}")

    given = {}
    limit = 400  # from the top of the page: skip link, exit link, header, navigation...
    for _ in range(40):
        step = engine.decide(bundle, tool, council, given)
        if step["type"] == "outcome":
            break
        radio = tab_until(lambda s: s["inWidget"] and s["type"] == "radio", limit)
        assert radio["fact"] == step["fact"]
        page.keyboard.press("Space")
        state = page.evaluate(active)
        assert state["checked"], "Space selects the focused option"
        tab_until(lambda s: s["action"] == "next", 20)
        before = renders(page)
        page.keyboard.press("Enter")
        wait_render(page, before)
        given[step["fact"]] = state["value"]
        limit = 20
        after = engine.decide(bundle, tool, council, given)
        state = page.evaluate(active)
        if after["type"] == "question":
            assert state["question"] and state["fact"] == after["fact"], \
                f"focus after answering {step['fact']}: {state}"
    else:
        raise AssertionError("no outcome")
    assert len(given) >= 3
    assert page.evaluate("() => document.activeElement.classList.contains('da-outcome__title')")
    assert_outcome_matches_engine(page, root, bundle, tool, council, given, site_dir)
    assert_nothing_kept(page, context, given)
    assert_clean(page, context)


@pytest.mark.browser
def test_i_dont_know_by_keyboard_takes_the_protective_route(page, context, site_url, site_dir, bundle):
    """Arrow keys reach "I don't know" on every judgement question; the outcome, the summary
    and the record say so, and match the engine with `unknown` answers."""
    tool, council = "consent-override", "tmbc"
    root = open_tool(page, site_url, tool, council)
    focused = ("() => { const e = document.activeElement; return e ? {type: e.type || '', value: e.value || '', "
               "checked: !!e.checked, action: e.getAttribute('data-action') || ''} : null; }")
    plan = {"request_from_third_party": "no", "survivor_consents": "no", "immediate_danger": "no"}
    given, unknowns, limit = {}, 0, 400  # from the top of the page: skip link, header, navigation...
    for _ in range(20):
        step = engine.decide(bundle, tool, council, given)
        if step["type"] == "outcome":
            break
        values = [o["value"] for o in step["options"]]
        want = "unknown" if "unknown" in values else plan.get(step["fact"], values[0])
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(focused)["type"] == "radio":
                break
        limit = 20
        page.keyboard.press("Space")
        for _ in range(len(values)):
            state = page.evaluate(focused)
            if state["value"] == want:
                break
            page.keyboard.press("ArrowDown")
        state = page.evaluate(focused)
        assert state["checked"] and state["value"] == want, state
        if want == "unknown":
            label = page.locator(f"label[for='{page.evaluate('() => document.activeElement.id')}']").inner_text()
            assert label.strip() == "I don't know"
            unknowns += 1
        for _ in range(10):
            page.keyboard.press("Tab")
            if page.evaluate(focused)["action"] == "next":
                break
        before = renders(page)
        page.keyboard.press("Enter")
        wait_render(page, before)
        given[step["fact"]] = want
    else:
        raise AssertionError("no outcome")
    assert unknowns >= 3
    step = assert_outcome_matches_engine(page, root, bundle, tool, council, given, site_dir)
    codes = [a["code"] for a in step["actions"]]
    assert codes[0] == "answered_unknown"
    notice = root.locator("[data-outcome] [data-unsure]")
    assert notice.count() == 1 and "I don't know" in notice.inner_text()
    assert "ask_when_unsure" in [a["about"] for a in step["actions"]]
    record = root.locator("[data-record]").input_value()
    assert record.count("I don't know") >= unknowns
    assert "ask your line manager or safeguarding lead" in record.lower()
    # a "because" line only where the answers decided the item
    assert root.locator("[data-outcome] [data-because]").count() == len([a for a in step["actions"] if a["because"]])
    assert_nothing_kept(page, context, given)


# --- bad input --------------------------------------------------------------------------

@pytest.mark.browser
def test_bad_input_shows_an_error_and_the_tool_stays_usable(page, context, site_url, bundle):
    tool = "referral-routes"
    council, case = CASES[tool]
    root = open_tool(page, site_url, tool, council)
    first = current_fact(root)

    # no answer at all
    click_and_wait(page, root.locator("[data-action=next]"))
    assert current_fact(root) == first
    alert = root.locator("fieldset [role=alert]")
    assert alert.count() == 1 and alert.is_visible() and alert.inner_text().strip()
    error_id = alert.get_attribute("id")
    assert error_id in (root.locator("fieldset").get_attribute("aria-describedby") or "").split()
    assert root.locator("[data-status]").inner_text().startswith("There is a problem")

    # on to the DASH score, then a score out of range
    given = {}
    while current_fact(root) != "dash_score":
        fact = current_fact(root)
        assert fact in case, f"the case does not reach dash_score (asked {fact})"
        answer(page, root, fact, case[fact])
        given[fact] = case[fact]
    dash = engine.fact_for(bundle, bundle.trees[tool], "dash_score")
    root.locator("input[data-score-input]").fill(str(dash.max + 6))  # 30
    click_and_wait(page, root.locator("[data-action=next]"))
    assert current_fact(root) == "dash_score"
    alert = root.locator("fieldset [role=alert]")
    assert alert.is_visible()
    assert f"{dash.min} to {dash.max}" in alert.inner_text()
    assert page.evaluate("() => document.activeElement.matches('fieldset[data-question] input')"), \
        "focus goes to the field in error"

    # still usable: a valid score moves on as the engine says
    answer(page, root, "dash_score", case["dash_score"])
    given["dash_score"] = case["dash_score"]
    assert root.locator("[role=alert]").count() == 0
    assert current_fact(root) == engine.decide(bundle, tool, council, given)["fact"]
    assert_clean(page, context)


# --- answering before the engine is ready ------------------------------------------------

@pytest.mark.browser
def test_first_answer_before_the_engine_is_ready(page, context, site_url, bundle):
    tool = "contractor-duties"
    council, case = CASES[tool]
    held = []
    context.route("**/pyodide.asm.wasm", lambda route: held.append(route))  # hold the runtime
    started = time.monotonic()
    root = open_tool(page, site_url, tool, council, ready=False)
    assert root.get_attribute("data-engine") == "loading"
    first = engine.decide(bundle, tool, council, {})["fact"]
    assert current_fact(root) == first
    before = renders(page)
    choose(root, first, case[first])
    root.locator("[data-action=next]").click()
    page.wait_for_function("r => /Answer kept/.test(r.querySelector('[data-status]').textContent)",
                           arg=root.element_handle())
    while not held:
        page.wait_for_timeout(50)
    page.wait_for_timeout(max(0, 2000 - int((time.monotonic() - started) * 1000)))  # ~2 s delay
    assert root.get_attribute("data-engine") == "loading"
    assert renders(page) == before and current_fact(root) == first
    for route in held:
        route.continue_()
    wait_render(page, before, timeout=90_000)
    assert root.get_attribute("data-engine") == "ready"
    assert current_fact(root) == engine.decide(bundle, tool, council, {first: case[first]})["fact"]
    assert_clean(page, context)


# --- instant navigation: one worker for the whole visit -----------------------------------

@pytest.mark.browser
def test_instant_navigation_keeps_one_engine(page, context, site_url, bundle):
    """Material's instant navigation is on only where the site is served at its `site_url`
    (Material matches sitemap entries by host and scheme, not port). The test server runs on
    a free port, so the sitemap is served as the deployed site's own would read here."""
    configured = re.search(r"^site_url:\s*(\S+)", (Path(__file__).parent.parent / "mkdocs.yml")
                           .read_text(encoding="utf-8"), re.M).group(1).rstrip("/")

    def sitemap(route):
        response = route.fetch()
        route.fulfill(response=response, body=response.text().replace(configured, site_url))

    context.route("**/sitemap.xml", sitemap)
    requests = []
    context.on("request", lambda r: requests.append(r.url))
    council = "dover"
    root = open_tool(page, site_url, "contractor-duties", council)
    page.evaluate("() => { window.__sameDocument = true; }")
    link = page.locator(f"nav.md-nav--primary a[href$='/tools/{council}/referral-routes/']").first
    assert link.is_visible()
    link.click()
    page.wait_for_url(f"**/tools/{council}/referral-routes/")
    new = widget(page, "referral-routes", council)
    wait_ready(page, new, timeout=20_000)
    assert page.evaluate("() => window.__sameDocument === true"), "the page was reloaded"
    assert sum(u.endswith("/pyodide.asm.wasm") for u in requests) == 1, "the runtime was fetched twice"
    assert sum(u.endswith("/assets/da/worker.js") for u in requests) == 1, "a second worker"
    # the new page's widget works with the same engine
    tool, case = "referral-routes", CASES["referral-routes"][1]
    first = current_fact(new)
    assert first == engine.decide(bundle, tool, council, {})["fact"]
    answer(page, new, first, case[first])
    assert current_fact(new) == engine.decide(bundle, tool, council, {first: case[first]})["fact"]
    assert_nothing_kept(page, context, {first: case[first]})
    assert_clean(page, context)


# --- no engine: the fallback ----------------------------------------------------------------

@pytest.mark.browser
def test_without_webassembly_the_fallback_shows_the_policy(page, context, site_url, site_dir, bundle):
    page.add_init_script("delete window.WebAssembly;")
    tool, council = "referral-routes", "dover"
    root = open_tool(page, site_url, tool, council, ready=False)
    page.wait_for_function("r => r.getAttribute('data-engine') === 'error'",
                           arg=root.element_handle(), timeout=10_000)
    fallback = root.locator("[data-fallback]")
    assert fallback.is_visible()
    links = fallback.locator("a[href]")
    expected = {f"/{doc.page[:-3]}/" for doc in bundle.councils[council].documents}
    shown = {urlparse(h).path for h in links.evaluate_all("as => as.map(a => a.href)")}
    assert expected and expected <= shown, f"fallback links {shown}, documents {expected}"
    for path in shown:
        assert (site_dir / path.lstrip("/") / "index.html").exists()
    assert "could not start" in root.locator("[data-status]").inner_text()
    assert page.locator("details.da-outline").count() == 1, "the outline is there to read"
    assert_clean(page, context)


@pytest.mark.browser
def test_blocked_runtime_reports_an_error(page, context, site_url):
    context.route("**/pyodide.asm.wasm", lambda route: route.abort())
    tool, council = "contractor-duties", "dover"
    started = time.monotonic()
    root = open_tool(page, site_url, tool, council, ready=False)
    try:
        page.wait_for_function("r => r.getAttribute('data-engine') === 'error'",
                               arg=root.element_handle(), timeout=30_000)
    except PlaywrightTimeout:
        pytest.fail(f"with pyodide.asm.wasm unreachable the widget is still "
                    f"data-engine={root.get_attribute('data-engine')!r} after 30 s, status "
                    f"{root.locator('[data-status]').inner_text()!r}: Pyodide logs 'wasm instantiation "
                    f"failed!' and its loadPyodide() promise never settles, so worker.js never posts "
                    f"boot-error (page errors: {page.js_errors})")
    print(f"\nblocked runtime: error shown after {time.monotonic() - started:.1f} s")
    status = root.locator("[data-status]").inner_text()
    assert "could not start" in status and "outline" in status, status
    assert root.locator("[data-fallback]").is_visible()
    assert context.off_origin.blocked == []
