"""Accessibility: axe-core (WCAG 2.0/2.1 A and AA, WCAG 2.2 AA rules) on every page of the
built site, on each tool's widget at every stage, in the light and the dark colour scheme,
and keyboard access to "Exit this page".

axe is injected as a script, which the site's Content Security Policy would refuse: these
browser contexts bypass the CSP (tests/test_privacy.py checks the CSP itself).
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml

from conftest import ROOT, OffOrigin

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
TOOLS = ("referral-routes", "consent-override", "accommodation-options", "contractor-duties")
COUNCILS = ("rbkc", "tmbc", "dover", "camden")
RUN_AXE = """async (tags) => {
  // let transitions finish (Material fades the header title when the page scrolls)
  await Promise.all(document.getAnimations()
    .filter((a) => a.effect && a.effect.getTiming().iterations !== Infinity)
    .map((a) => a.finished.catch(() => null)));
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
    helpUrl: v.helpUrl, nodes: v.nodes.map((n) => ({target: n.target.join(' '),
    summary: n.failureSummary}))}));
}"""
SCANNED: dict[str, int] = {"pages": 0, "violations": 0}


def html_pages(site_dir: Path) -> list[Path]:
    return sorted(p for p in site_dir.rglob("*.html") if "assets" not in p.relative_to(site_dir).parts)


def page_url(site_url: str, site_dir: Path, path: Path) -> str:
    rel = path.relative_to(site_dir).as_posix()
    return f"{site_url}/{rel[:-len('index.html')] if rel.endswith('index.html') else rel}"


def axe(page, label: str) -> list[dict]:
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    violations = page.evaluate(RUN_AXE, TAGS)
    SCANNED["pages"] += 1
    SCANNED["violations"] += sum(len(v["nodes"]) for v in violations)
    return [dict(v, where=label) for v in violations]


def report(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['where']}] {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:8]:
            lines.append(f"    {node['target']}\n        {node['summary'].splitlines()[-1] if node['summary'] else ''}")
    return "\n".join(lines)


def new_context(browser, site_url: str, scheme: str):
    ctx = browser.new_context(bypass_csp=True, color_scheme=scheme)
    guard = OffOrigin(site_url)
    ctx.route("**/*", guard.handle)
    ctx.off_origin = guard
    return ctx


@pytest.fixture(scope="module", autouse=True)
def totals():
    yield
    print(f"\naxe scans in this module: {SCANNED['pages']}, violations: {SCANNED['violations']}")


@pytest.fixture(params=["light", "dark"])
def scheme(request):
    return request.param


@pytest.fixture
def axe_page(browser, site_url, scheme):
    ctx = new_context(browser, site_url, scheme)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    page.scheme = scheme
    yield page
    assert ctx.off_origin.blocked == []
    ctx.close()


def check_scheme(page):
    # Material's palette follows the system setting (prefers-color-scheme), stored nowhere
    expected = "slate" if page.scheme == "dark" else "default"
    page.wait_for_function("s => document.body.getAttribute('data-md-color-scheme') === s", arg=expected)


def wait_ready(page, tool, council):
    page.wait_for_selector(f"[data-tool='{tool}'][data-council='{council}'][data-engine=ready]",
                           timeout=60_000)
    return page.locator(f"[data-tool='{tool}'][data-council='{council}']")


def at_outcome(root) -> bool:
    return root.get_attribute("data-stage") == "outcome" or root.locator("[data-outcome]").count() > 0


def answer_current(page, root):
    fieldset = root.locator("fieldset[data-question]")
    score = root.locator("input[data-score-input]")
    if score.count():
        score.fill("15")
    else:
        root.locator("fieldset[data-question] input[type=radio]").first.check()
    old = fieldset.element_handle()
    root.locator("[data-action=next]").click()
    page.wait_for_function("el => !el.isConnected", arg=old, timeout=30_000)


# ---------------------------------------------------------------- every page

@pytest.mark.browser
def test_every_page(axe_page, site_url, site_dir):
    page = axe_page
    found = []
    pages = html_pages(site_dir)
    assert len(pages) >= 20
    for path in pages:
        page.goto(page_url(site_url, site_dir, path))
        page.wait_for_load_state("load")
        if path.name == "index.html" and "leave" not in path.parts:
            check_scheme(page)
        found += axe(page, f"{page.scheme} {path.relative_to(site_dir).as_posix()}")
    print(f"\naxe ({page.scheme}): {len(pages)} pages, {sum(len(v['nodes']) for v in found)} violations")
    assert not found, report(found)
    assert not page.js_errors, page.js_errors


# ---------------------------------------------------------------- widgets at every stage

@pytest.mark.browser
@pytest.mark.parametrize("tool", TOOLS)
def test_widget_stages(axe_page, site_url, tool):
    """One council per tool (a different one each), at the first question, the next
    question, and the outcome with the summary of answers; light and dark."""
    page = axe_page
    council = COUNCILS[TOOLS.index(tool) % len(COUNCILS)]
    page.goto(f"{site_url}/tools/{council}/{tool}/")
    check_scheme(page)
    root = wait_ready(page, tool, council)
    found, stages = [], []
    label = f"{page.scheme} {tool}/{council}"
    for step in range(40):
        if at_outcome(root):
            break
        if step < 2:  # the first two questions
            found += axe(page, f"{label} question {step + 1}")
            stages.append(f"question {step + 1}")
        answer_current(page, root)
    assert at_outcome(root), f"{label}: no outcome"
    found += axe(page, f"{label} summary+outcome")
    stages.append("summary+outcome")
    # the error message of a question answered with nothing chosen
    if stages[0] != "summary+outcome":  # the tree asks something: start again, answer nothing
        root.locator("[data-action=restart]").first.click()
        page.wait_for_selector(f"[data-tool='{tool}'][data-council='{council}'][data-stage=question]")
        old = root.locator("fieldset[data-question]").element_handle()
        root.locator("[data-action=next]").click()
        page.wait_for_function("el => !el.isConnected", arg=old)
        assert root.locator(".da-error[role=alert]").count() == 1, f"{label}: no error message"
        found += axe(page, f"{label} error")
        stages.append("error")
    print(f"\n{label}: scanned {stages}")
    assert not found, report(found)
    assert not page.js_errors, page.js_errors


@pytest.mark.browser
def test_tool_pages_in_the_dark(browser, site_url, site_dir):
    """Every tool page of every council in the dark scheme (the light scheme is in
    test_every_page)."""
    ctx = new_context(browser, site_url, "dark")
    try:
        page = ctx.new_page()
        page.scheme = "dark"
        found, count = [], 0
        for path in sorted((site_dir / "tools").glob("*/*/index.html")):
            page.goto(page_url(site_url, site_dir, path))
            check_scheme(page)
            found += axe(page, f"dark {path.relative_to(site_dir).as_posix()}")
            count += 1
        assert count >= 16, count
        print(f"\naxe (dark tool pages): {count} pages")
        assert not found, report(found)
        assert ctx.off_origin.blocked == []
    finally:
        ctx.close()


# ---------------------------------------------------------------- keyboard

@pytest.mark.browser
def test_tab_reaches_exit_early_and_enter_exits(page, site_url):
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    target = urljoin(site_url + "/", (config.get("extra") or {}).get("exit_page_url") or "leave/")
    url = f"{site_url}/tools/dover/referral-routes/"
    page.goto(url)
    wait_ready(page, "referral-routes", "dover")
    order = []
    for presses in range(1, 11):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => { const e = document.activeElement;"
                                " return {exit: e.hasAttribute('data-da-exit'), tag: e.tagName,"
                                " text: (e.textContent || '').trim().slice(0, 30),"
                                " visible: !!(e.offsetWidth || e.offsetHeight)}; }")
        order.append(focused)
        assert focused["visible"], f"Tab {presses} lands on an invisible element: {order}"
        if focused["exit"]:
            break
    else:
        raise AssertionError(f"Exit this page not reached in 10 Tab presses: {order}")
    print(f"\nExit this page is Tab stop {presses}: {[o['tag'] + ' ' + o['text'] for o in order]}")
    assert presses <= 6, order
    box = page.locator("[data-da-exit]").bounding_box()
    assert box and box["y"] < 200, box  # at the top of the page
    page.keyboard.press("Enter")
    page.wait_for_url(target)
