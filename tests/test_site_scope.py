"""Which councils a build publishes, and scale:

- a one-council build (DA_COUNCILS=dover) contains no other council's page, rule or search
  entry, and no comparison pages;
- a many-council build (synthetic copies of Dover in a temporary copy of the project) ships
  a verified snapshot whose size does not grow with the councils, keeps every page's
  navigation small, and boots fast in Chromium, taking the boot path the build chose;
- the plain boot chosen at build (DA_BOOT=plain) is the one the browser takes.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import synthetic
from py_tools.engine import browser as py_browser
from py_tools.engine import engine
from py_tools.site_build.serve import serve_in_thread

ROOT = Path(__file__).resolve().parent.parent
MANY = 16  # synthetic councils added to the four: more than site_scope.NAV_COUNCILS


def mkdocs_build(cwd: Path, out: Path, **env) -> None:
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
                             "--site-dir", str(out)], cwd=cwd, capture_output=True, text=True,
                            env=dict(os.environ, NO_MKDOCS_2_WARNING="1", **env), timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


def described(site: Path) -> dict:
    return json.loads((site / "assets" / "engine" / "build.json").read_text(encoding="utf-8"))


def boot_in_browser(browser, site: Path, council: str, tool: str = "referral-routes") -> dict:
    """Open the tool page, wait for ready, answer the first question; returns what the worker
    reported and what the page showed."""
    server, base = serve_in_thread(site)
    try:
        ctx = browser.new_context()
        seen = []
        ctx.on("requestfinished", lambda r: seen.append(r.url))
        page = ctx.new_page()
        page.add_init_script("""(() => {
          const Native = window.Worker;
          window.Worker = function (url, opts) {
            const w = new Native(url, opts);
            w.addEventListener("message", (e) => { if (e.data && e.data.type === "ready") window.__ready = e.data; });
            return w;
          };
          window.Worker.prototype = Native.prototype;
        })();""")
        page.goto(f"{base}/tools/{council}/{tool}/")
        root = page.locator(f"[data-tool={tool}][data-council={council}]")
        root.and_(page.locator("[data-engine=ready]")).wait_for(timeout=120_000)
        fieldset = root.locator("fieldset[data-question]")
        fact = fieldset.get_attribute("data-question")
        value = fieldset.locator("input[type=radio]").first.get_attribute("value")
        fieldset.locator(f"input[type=radio][value='{value}']").check()
        root.locator("[data-action=next]").click()
        page.wait_for_function("r => r.getAttribute('data-stage')", arg=root.element_handle(),
                               timeout=30_000)
        shown = root.locator("fieldset[data-question]").get_attribute("data-question") \
            if root.get_attribute("data-stage") == "question" else "outcome"
        ready = page.evaluate("window.__ready")
        ctx.close()
        return {"ready": ready, "first": fact, "value": value, "next": shown, "requests": seen}
    finally:
        server.shutdown()


def expected_next(bundle, tool, council, fact, value):
    step = json.loads(py_browser.apply(bundle, tool, council, "{}", json.dumps(
        {"type": "answer", "fact": fact, "value": value}), "u", "", "1 January 2026"))
    return step["fact"] if step["type"] == "question" else "outcome"


@pytest.fixture(scope="module")
def one_site(tmp_path_factory):
    """One council, plain boot: also the end-to-end test of a build that chose the plain boot."""
    site = tmp_path_factory.mktemp("one") / "site"
    mkdocs_build(ROOT, site, DA_COUNCILS="dover", DA_BOOT="plain")
    return site


def test_one_council_build_has_only_that_council(one_site, bundle):
    site = one_site
    others = [c for c in bundle.councils if c != "dover"]
    names = [bundle.councils[c].name for c in others]
    pages = {str(p.relative_to(site)) for p in site.rglob("index.html")}
    assert "policies/dover-policy/index.html" in pages and "councils/dover/index.html" in pages
    assert {f"tools/dover/{t}/index.html" for t in bundle.trees} <= pages
    for code in others:
        assert not [p for p in pages if f"/{code}" in "/" + p or p.startswith(f"policies/{code}-")], code
    assert "compare/index.html" not in pages and "tools/all-councils/index.html" not in pages
    # rules: only Dover's bundle, and it names only Dover
    built = described(site)
    assert built["councils"] == ["dover"]
    rules = sorted(p.name for p in (site / "assets" / built["rules"]).glob("*.json"))
    assert rules == ["dover.json", "index.json"]
    shipped = json.loads((site / "assets" / built["rules"] / "dover.json").read_text(encoding="utf-8"))
    assert list(shipped["councils"]) == ["dover"]
    assert all(cite.startswith("dover:") for cite in shipped["links"])
    # search: no entry of another council's page, and no other council's name anywhere
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        assert not any(doc["location"].startswith((f"policies/{c}-", f"tools/{c}/", f"councils/{c}/"))
                       for c in others), doc["location"]
    text = " ".join(d["title"] + " " + d["text"] for d in index["docs"])
    html = " ".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    for name in names + [bundle.councils[c].short for c in others]:
        assert name not in text, f"{name} in the search index"
        assert not re.search(rf"\b{re.escape(name)}\b", html), f"{name} on a page"
    assert "all-councils" not in html and 'href="compare/' not in html
    # the services directory lists only Dover's listings
    services = (site / "services" / "index.html").read_text(encoding="utf-8")
    assert 'data-cite="dover:' in services
    assert not re.search(r'data-cite="(?!dover:)', services)


def test_unknown_council_fails_the_build(tmp_path):
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
                             "--site-dir", str(tmp_path / "site")], cwd=ROOT, capture_output=True,
                            text=True, env=dict(os.environ, NO_MKDOCS_2_WARNING="1",
                                                DA_COUNCILS="dover,nowhere"), timeout=300)
    assert result.returncode != 0 and "unknown council nowhere" in result.stdout + result.stderr


@pytest.fixture(scope="module")
def many_site(tmp_path_factory):
    project = synthetic.copy_project(tmp_path_factory.mktemp("many") / "project")
    codes = synthetic.add_councils(project, MANY)
    mkdocs_build(project, project / "site")
    return project, codes


@pytest.mark.browser
def test_many_council_build_boots_fast(many_site, site_dir, browser):
    project, codes = many_site
    site = project / "site"
    built = described(site)
    assert len(built["councils"]) == 4 + MANY and set(codes) <= set(built["councils"])
    assert built["boot"] == "snapshot" and (site / "assets" / built["snapshot"]).exists()
    # one rule bundle per council; the snapshot holds none, so it does not grow
    ours = described(site_dir)
    size = lambda b, s: (s / "assets" / b["snapshot"]).stat().st_size  # noqa: E731
    assert size(built, site) <= size(ours, site_dir) * 1.05
    # a tool page is no bigger than in the four-council build (navigation lists a Councils page)
    page = lambda s: (s / "tools" / "dover" / "referral-routes" / "index.html").stat().st_size  # noqa: E731
    assert page(site) <= page(site_dir) * 1.05
    from py_tools.rules import build
    many_bundle = build.load(project / "decision_trees", project / "docs" / "policies")
    council = codes[-1]
    seen = boot_in_browser(browser, site, council)
    assert seen["ready"]["boot"] == built["boot"] == "snapshot", seen["ready"]
    assert seen["first"] == engine.decide(many_bundle, "referral-routes", council, {})["fact"]
    assert seen["next"] == expected_next(many_bundle, "referral-routes", council, seen["first"], seen["value"])
    rules = [u for u in seen["requests"] if "/assets/rules/" in u]
    assert [u.rsplit("/", 1)[-1] for u in rules] == [f"{council}.json"], "only its own council's rules"


@pytest.mark.browser
def test_plain_boot_chosen_at_build_is_taken(one_site, browser, bundle):
    site = one_site
    built = described(site)
    assert built["boot"] == "plain" and built["snapshot"] is None
    assert not list((site / "assets" / "engine").rglob("snapshot.bin"))
    seen = boot_in_browser(browser, site, "dover", "consent-override")
    assert seen["ready"]["boot"] == "plain" and seen["ready"]["built"] == "plain"
    assert not [u for u in seen["requests"] if u.endswith("snapshot.bin")]
    assert seen["first"] == engine.decide(bundle, "consent-override", "dover", {})["fact"]
    assert seen["next"] == expected_next(bundle, "consent-override", "dover", seen["first"], seen["value"])
