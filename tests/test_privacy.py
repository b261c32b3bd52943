"""Privacy and security in a real browser: the Content Security Policy, "Exit this page",
nothing stored, nothing sent, and the policy review notice.

The site stores nothing (no cookies, Web Storage, IndexedDB, Cache Storage, service worker,
history state or URL carries an answer or a search term) and makes no request off its own
origin; these tests drive the built site in Chromium and look.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
import yaml

from conftest import ROOT

TOOLS = ("referral-routes", "consent-override", "accommodation-options", "contractor-duties")
SEARCH_TERM = "interpreter"  # in the policy text, in no page address or heading (checked below)
EXPECTED_CSP = {
    "default-src": {"'self'"},
    "script-src": {"'self'", "'wasm-unsafe-eval'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "worker-src": {"'self'", "blob:"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
}

# Every securitypolicyviolation event is also written to the console, so that it is seen even
# when the page navigates away right after.
VIOLATION_LOGGER = """
document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP-VIOLATION ' + JSON.stringify({directive: e.effectiveDirective,
    blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber, sample: e.sample}));
});
"""


# ---------------------------------------------------------------- helpers

class _Ignore(yaml.SafeLoader):
    pass


_Ignore.add_multi_constructor("", lambda loader, suffix, node: None)


def mkdocs_config() -> dict:
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Ignore)


def exit_target(site_url: str) -> str:
    configured = (mkdocs_config().get("extra") or {}).get("exit_page_url") or "leave/"
    return urljoin(site_url + "/", configured)


def html_pages(site_dir: Path) -> list[Path]:
    return sorted(p for p in site_dir.rglob("*.html") if "assets" not in p.relative_to(site_dir).parts)


def page_url(site_url: str, site_dir: Path, path: Path) -> str:
    rel = path.relative_to(site_dir).as_posix()
    return f"{site_url}/{rel[:-len('index.html')] if rel.endswith('index.html') else rel}"


def parse_csp(content: str) -> dict[str, set[str]]:
    out = {}
    for part in content.split(";"):
        words = part.split()
        if words:
            out[words[0]] = set(words[1:])
    return out


class HeadScan(HTMLParser):
    """Collects, per page: CSP metas, what comes before the first one, inline scripts,
    inline event handlers, style attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.csp: list[str] = []
        self.before_csp: list[str] = []
        self.inline_scripts: list[str] = []
        self.handlers: list[str] = []
        self.styles: list[str] = []
        self.style_elements = 0
        self.js_urls: list[str] = []
        self._in_script = False
        self._script_text = ""
        self._script_executable = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp.append(a.get("content") or "")
        elif not self.csp and (tag == "script" or (tag == "link" and a.get("rel") == "stylesheet")
                               or tag == "style"):
            self.before_csp.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}>")
            if name == "style" and value is not None:
                self.styles.append(value)
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.js_urls.append(f"<{tag} {name}={value}>")
        if tag == "style":
            self.style_elements += 1
        if tag == "script":
            kind = (a.get("type") or "text/javascript").lower()
            self._in_script = True
            self._script_text = ""
            self._script_executable = "src" not in a and kind in (
                "text/javascript", "module", "application/javascript")

    def handle_data(self, data):
        if self._in_script:
            self._script_text += data

    def handle_endtag(self, tag):
        if tag == "script":
            if self._script_executable and self._script_text.strip():
                self.inline_scripts.append(self._script_text.strip()[:80])
            self._in_script = False


def style_hash(value: str) -> str:
    import base64
    import hashlib
    return "'sha256-" + base64.b64encode(hashlib.sha256(value.encode("utf-8")).digest()).decode() + "'"


def watch_csp(page) -> list[str]:
    """Console lines about the Content Security Policy (Chromium's own and our logger's)."""
    seen: list[str] = []
    page.add_init_script(VIOLATION_LOGGER)
    page.on("console", lambda m: seen.append(m.text)
            if ("Content Security Policy" in m.text or m.text.startswith("CSP-VIOLATION")) else None)
    return seen


def wait_ready(page, tool: str, council: str):
    root = page.locator(f"[data-tool='{tool}'][data-council='{council}']")
    page.wait_for_selector(f"[data-tool='{tool}'][data-council='{council}'][data-engine=ready]",
                           timeout=60_000)
    return root


def answer_current(page, root) -> tuple[str, str]:
    """Answer the question on screen: 15 for a DASH score, else the first radio option."""
    fieldset = root.locator("fieldset[data-question]")
    fact = fieldset.get_attribute("data-question")
    score = root.locator("input[data-score-input]")
    if score.count():
        score.fill("15")
        value = "15"
    else:
        radio = root.locator("fieldset[data-question] input[type=radio]").first
        radio.check()
        value = radio.get_attribute("value")
    old = fieldset.element_handle()
    root.locator("[data-action=next]").click()
    page.wait_for_function("el => !el.isConnected", arg=old, timeout=30_000)
    error = root.locator(".da-error")
    assert not error.count(), f"{fact}={value} was refused: {error.first.text_content()}"
    return fact, value


def drive_to_outcome(page, tool: str, council: str, max_steps: int = 40) -> list[tuple[str, str]]:
    root = wait_ready(page, tool, council)
    answers = []
    for _ in range(max_steps):
        # data-stage is set by the script; a tree with no question is an outcome from the start
        if root.get_attribute("data-stage") == "outcome" or root.locator("[data-outcome]").count():
            assert root.locator("[data-outcome] [data-action-code]").count() > 0
            return answers
        answers.append(answer_current(page, root))
    raise AssertionError(f"{tool}/{council}: no outcome after {max_steps} answers: {answers}")


READ_STORAGE = """async () => {
  const out = {};
  out.documentCookie = document.cookie;
  out.localStorage = Object.fromEntries(Object.keys(localStorage).map(k => [k, localStorage.getItem(k)]));
  out.sessionStorage = Object.fromEntries(Object.keys(sessionStorage).map(k => [k, sessionStorage.getItem(k)]));
  out.indexedDB = (await indexedDB.databases()).map(d => d.name);
  out.cacheStorage = await caches.keys();
  out.serviceWorkers = (await navigator.serviceWorker.getRegistrations()).map(r => r.scope);
  const opfs = [];
  for await (const [name] of (await navigator.storage.getDirectory()).entries()) opfs.push(name);
  out.originPrivateFileSystem = opfs;
  out.historyState = history.state === null ? null : JSON.stringify(history.state);
  out.locationHref = location.href;
  return out;
}"""


# ---------------------------------------------------------------- the policy, statically

def test_every_page_carries_the_csp_and_needs_no_inline_script(site_dir):
    pages = html_pages(site_dir)
    assert len(pages) >= 20, pages
    problems = []
    for path in pages:
        scan = HeadScan()
        scan.feed(path.read_text(encoding="utf-8"))
        name = path.relative_to(site_dir).as_posix()
        if len(scan.csp) != 1:
            problems.append(f"{name}: {len(scan.csp)} CSP meta elements")
            continue
        policy = parse_csp(scan.csp[0])
        for directive, sources in EXPECTED_CSP.items():
            if policy.get(directive) != sources:
                problems.append(f"{name}: {directive} is {sorted(policy.get(directive, []))}")
        style_src = policy.get("style-src", set())
        if "'self'" not in style_src or "'unsafe-inline'" in style_src:
            problems.append(f"{name}: style-src {sorted(style_src)}")
        if scan.before_csp:
            problems.append(f"{name}: {scan.before_csp} before the CSP meta")
        if scan.inline_scripts:
            problems.append(f"{name}: inline scripts {scan.inline_scripts}")
        if scan.handlers or scan.js_urls:
            problems.append(f"{name}: inline handlers {scan.handlers + scan.js_urls}")
        if scan.style_elements:
            problems.append(f"{name}: {scan.style_elements} <style> elements")
        for value in set(scan.styles):  # allowed only if the policy lists its hash
            if "'unsafe-hashes'" not in style_src or style_hash(value) not in style_src:
                problems.append(f"{name}: style attribute {value!r} not allowed by the policy")
    assert not problems, "\n".join(problems)
    print(f"\nCSP meta checked on {len(pages)} pages")


def test_material_keeps_search_terms_out_of_urls(site_dir):
    features = (mkdocs_config().get("theme") or {}).get("features") or []
    assert "search.highlight" not in features and "search.share" not in features, features
    text = (site_dir / "index.html").read_text(encoding="utf-8")
    config = json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>',
                                  text, re.S).group(1))
    assert "search.highlight" not in config["features"], config["features"]


# ---------------------------------------------------------------- the policy, in the browser

@pytest.mark.browser
def test_site_search_and_widget_work_under_the_csp(page, context, site_url, site_dir):
    csp = watch_csp(page)
    for path in html_pages(site_dir):
        page.goto(page_url(site_url, site_dir, path))
        page.wait_for_load_state("load")
        assert page.locator("meta[http-equiv='Content-Security-Policy']").count() == 1
    # search: Material's worker builds the index and answers
    page.goto(site_url + "/")
    page.locator(".md-search__input").fill(SEARCH_TERM)
    page.wait_for_selector(".md-search-result__item", timeout=20_000)
    # a widget, from the first question to an outcome
    page.goto(site_url + "/tools/dover/referral-routes/")
    drive_to_outcome(page, "referral-routes", "dover")
    assert not csp, "\n".join(csp)
    assert not page.js_errors, page.js_errors
    assert context.off_origin.blocked == []


@pytest.mark.browser
def test_off_origin_fetch_is_refused_by_the_csp(page, context, site_url):
    page.goto(site_url + "/tools/tmbc/consent-override/")
    result = page.evaluate("""async () => {
      const seen = [];
      document.addEventListener('securitypolicyviolation',
        (e) => seen.push({directive: e.effectiveDirective, blocked: e.blockedURI}));
      let rejected = false, error = '';
      try { await fetch('https://example.org/'); } catch (e) { rejected = true; error = String(e); }
      for (let i = 0; i < 100 && !seen.length; i++) await new Promise((r) => setTimeout(r, 20));
      return {rejected, error, seen};
    }""")
    assert result["rejected"], result
    assert any(v["directive"] == "connect-src" and v["blocked"].startswith("https://example.org")
               for v in result["seen"]), result
    # refused by the browser before any request was made: the network guard never saw it
    assert not any("example.org" in url for url in context.off_origin.blocked), context.off_origin.blocked


@pytest.mark.browser
def test_without_the_csp_the_same_fetch_reaches_the_network(browser, site_url):
    """Control for the test above: with CSP bypassed, no violation, and the request leaves
    the page (the test's network guard refuses and records it)."""
    from conftest import OffOrigin
    ctx = browser.new_context(bypass_csp=True)
    guard = OffOrigin(site_url)
    ctx.route("**/*", guard.handle)
    try:
        page = ctx.new_page()
        page.goto(site_url + "/tools/tmbc/consent-override/")
        result = page.evaluate("""async () => {
          const seen = [];
          document.addEventListener('securitypolicyviolation', (e) => seen.push(e.effectiveDirective));
          try { await fetch('https://example.org/'); } catch (e) { /* the guard aborts it */ }
          await new Promise((r) => setTimeout(r, 200));
          return seen;
        }""")
        assert result == []
        assert any(url.startswith("https://example.org") for url in guard.blocked), guard.blocked
    finally:
        ctx.close()


# ---------------------------------------------------------------- nothing stored, nothing sent

@pytest.mark.browser
def test_journey_stores_nothing_and_sends_nothing(page, context, site_url, site_dir):
    index = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any(SEARCH_TERM in d["text"].lower() for d in index["docs"])
    assert not any(SEARCH_TERM in (d["location"] + d["title"]).lower() for d in index["docs"])

    page.goto(site_url + "/")
    page.locator(".md-search__input").fill(SEARCH_TERM)
    page.wait_for_selector(".md-search-result__item a", timeout=20_000)
    page.locator(".md-search-result__item a").first.click()
    page.wait_for_load_state("load")
    assert SEARCH_TERM not in page.url.lower()

    typed = {SEARCH_TERM}
    outcomes = 0
    councils = sorted({p.parent.parent.name for p in (site_dir / "tools").glob("*/referral-routes/index.html")})
    assert set(councils) >= {"rbkc", "tmbc", "dover", "camden"}, councils
    for council in councils:
        for tool in TOOLS:
            page.goto(f"{site_url}/tools/{council}/{tool}/")
            for fact, value in drive_to_outcome(page, tool, council):
                typed.add(value)
            outcomes += 1
            assert page.url == f"{site_url}/tools/{council}/{tool}/"  # answers never in the URL
    assert outcomes == len(councils) * len(TOOLS)

    found = page.evaluate(READ_STORAGE)
    found["contextCookies"] = context.cookies()
    found["storageStateOrigins"] = context.storage_state()["origins"]
    kept = {k: v for k, v in found.items() if v not in (None, "", [], {}) and k != "locationHref"}
    print(f"\nstorage locations checked: {len(found)}; non-empty: {kept or 'none'}")
    print(f"typed values looked for: {sorted(typed)}")
    print(f"requests seen: {context.off_origin.seen}; off-origin requests blocked: "
          f"{len(context.off_origin.blocked)}")
    # Material's instant navigation keeps the scroll offset in history.state (for Back): two
    # numbers, nothing typed. Anything else there, or anything at all elsewhere, fails.
    state = kept.pop("historyState", None)
    if state is not None:
        parsed = json.loads(state)
        assert isinstance(parsed, dict) and set(parsed) <= {"x", "y"}, parsed
        assert all(isinstance(v, (int, float)) for v in parsed.values()), parsed
    assert kept == {}, kept
    href = found["locationHref"]
    assert urlparse(href).query == "" and urlparse(href).fragment == "", href
    strings = json.dumps({k: v for k, v in found.items() if k != "historyState"}).lower()
    for value in typed - {"yes", "no", "15"}:  # short values would match page addresses
        assert value.lower() not in strings, value
    assert context.off_origin.blocked == [], context.off_origin.blocked
    assert not page.js_errors, page.js_errors


@pytest.mark.browser
def test_material_state_helpers_write_no_storage(page, site_url):
    """Material's own calls (__md_set for palette, tabs, announce, version, repository facts)
    keep their value in memory for the tab, never in Web Storage."""
    page.goto(site_url + "/")
    result = page.evaluate("""() => {
      __md_set('__palette', {index: 1});
      __md_set('__source', {facts: 1}, sessionStorage);
      return {palette: __md_get('__palette'), source: __md_get('__source', sessionStorage),
              local: localStorage.length, session: sessionStorage.length};
    }""")
    assert result == {"palette": {"index": 1}, "source": {"facts": 1}, "local": 0, "session": 0}
    page.reload()  # a new page starts from nothing (Material sets the palette from the system again)
    after = page.evaluate("() => ({palette: __md_get('__palette'), source: __md_get('__source', sessionStorage),"
                          " local: localStorage.length, session: sessionStorage.length})")
    assert after["palette"] != {"index": 1} and after["source"] is None, after
    assert after["local"] == 0 and after["session"] == 0, after


# ---------------------------------------------------------------- exit this page

FORGET_SPY = """() => {
  const original = window.daForgetAll;
  window.daForgetAll = function () {
    original();
    const bodies = [...document.querySelectorAll('[data-body]')].map((b) => b.innerHTML.length);
    console.log('DA-FORGOT ' + JSON.stringify({bodies}));
  };
}"""


def _to_outcome_with_answers(page, tool, council):
    drive_to_outcome(page, tool, council)
    root = page.locator(f"[data-tool='{tool}'][data-council='{council}']")
    assert root.locator("[data-summary] [data-answer]").count() >= 1  # the answers are on screen


@pytest.mark.browser
def test_exit_button_replaces_the_page_and_forgets(page, site_url):
    target = exit_target(site_url)
    logs: list[str] = []
    page.on("console", lambda m: logs.append(m.text))
    page.goto(site_url + "/")
    tool_url = f"{site_url}/tools/rbkc/referral-routes/"
    page.goto(tool_url)
    _to_outcome_with_answers(page, "referral-routes", "rbkc")
    page.evaluate(FORGET_SPY)
    button = page.locator("[data-da-exit]")
    assert button.is_visible()
    assert button.get_attribute("href") and urljoin(page.url, button.get_attribute("href")) == target
    button.click()
    page.wait_for_url(target)
    forgot = [json.loads(line[len("DA-FORGOT "):]) for line in logs if line.startswith("DA-FORGOT ")]
    assert forgot and all(n == 0 for n in forgot[0]["bodies"]), forgot
    page.go_back()
    page.wait_for_load_state("load")
    assert page.url == site_url + "/", page.url  # the tool page's entry was replaced
    assert page.locator("[data-answer]").count() == 0


@pytest.mark.browser
def test_exit_from_instant_navigation_and_leave_page_is_neutral(page, site_url):
    target = exit_target(site_url)
    page.goto(site_url + "/tools/")
    link = page.locator("article a[href$='camden/referral-routes/']").first
    link.click()  # Material's instant navigation: a pushed history entry, same document
    page.wait_for_url(f"{site_url}/tools/camden/referral-routes/")
    _to_outcome_with_answers(page, "referral-routes", "camden")
    page.locator("[data-da-exit]").click()
    page.wait_for_url(target)
    page.go_back()
    page.wait_for_load_state("load")
    assert page.url == site_url + "/tools/", page.url
    if target.startswith(site_url):
        page.goto(target)
        text = (page.title() + " " + page.locator("body").inner_text()).lower()
        for word in ("abuse", "domestic", "housing", "council", "policy", "exit"):
            assert word not in text, f"{word!r} on the exit page: {text!r}"
        assert page.locator("[data-da-exit]").count() == 0


@pytest.mark.browser
def test_shift_three_times_exits(page, site_url):
    target = exit_target(site_url)
    logs: list[str] = []
    page.on("console", lambda m: logs.append(m.text))
    page.goto(site_url + "/")
    tool_url = f"{site_url}/tools/tmbc/referral-routes/"
    page.goto(tool_url)
    _to_outcome_with_answers(page, "referral-routes", "tmbc")
    page.evaluate(FORGET_SPY)
    page.locator("[data-record]").focus()  # keys pressed while in the tool
    # two presses, then another key: the count starts again
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    live = page.locator("[data-da-exit-live]").text_content()
    assert "1 more time" in live, live
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Shift")
    page.wait_for_timeout(300)
    assert page.url == tool_url
    # three in a row exit
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.wait_for_url(target)
    forgot = [json.loads(line[len("DA-FORGOT "):]) for line in logs if line.startswith("DA-FORGOT ")]
    assert forgot and all(n == 0 for n in forgot[0]["bodies"]), forgot
    page.go_back()
    page.wait_for_load_state("load")
    assert page.url == site_url + "/"
    assert page.locator("[data-answer]").count() == 0


@pytest.mark.browser
def test_shift_presses_expire_after_five_seconds(page, site_url):
    page.clock.install()
    tool_url = f"{site_url}/tools/dover/contractor-duties/"
    page.goto(tool_url)
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.clock.run_for(5_100)
    assert "expired" in page.locator("[data-da-exit-live]").text_content()
    page.keyboard.press("Shift")
    page.wait_for_timeout(300)
    assert page.url == tool_url


# ---------------------------------------------------------------- policy review dates

def _front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---"), path
    return yaml.safe_load(text.split("---", 2)[1]) or {}


def test_review_notice_only_where_the_review_date_has_passed(site_dir):
    today = dt.date.today()
    checked = {}
    for source in sorted((ROOT / "docs" / "policies").glob("*.md")):
        meta = _front_matter(source)
        if not meta.get("document"):
            continue
        due = meta.get("review_due")
        if isinstance(due, str):
            due = dt.date.fromisoformat(due)
        built = (site_dir / "policies" / source.stem / "index.html").read_text(encoding="utf-8")
        assert "data-policy-meta" in built, source.name
        assert re.sub(r"\s+", " ", str(meta["document"])) in re.sub(r"\s+", " ", built.replace("&amp;", "&"))
        passed = due is not None and due < today
        # the notice shown as built; the <template> holds it for the view-time check
        shown = re.sub(r"<template\b.*?</template>", "", built, flags=re.S)
        has_notice = "data-review-passed" in shown
        if due is not None:
            assert "<template data-review-notice>" in built and f'data-review-due="{due.isoformat()}"' in built
        assert has_notice == passed, (source.name, due, has_notice)
        if passed:
            assert (f"This policy's review date ({due.day} {due.strftime('%B %Y')}) has passed. "
                    "Check with your council that it is still current.") in built
        checked[source.stem] = has_notice
    # RBKC's policy ran 2022-2025: its review date is behind us for good
    assert checked.get("rbkc-policy") is True, checked
    for name in ("dover-policy", "tmbc-procedure", "camden-hub"):
        meta = _front_matter(ROOT / "docs" / "policies" / f"{name}.md")
        due = meta.get("review_due")
        if due is None or (due if isinstance(due, dt.date) else dt.date.fromisoformat(due)) >= today:
            assert checked.get(name) is False, (name, checked)
    print(f"\nreview notices: {checked}")
