"""Both ways the Web Worker boots work in Chromium: restoring the build's memory snapshot
(assets/engine/<hash>/snapshot.bin) and, when that is missing or fails, the plain boot. Each
path must reach ready and give the same answers as the engine in CPython; the path the build
chose (assets/engine/build.json) is the one the browser takes where the link is fast, and on a
slow link (a phone: 9 Mbit/s, 170 ms) the worker takes the plain boot and never asks for the
snapshot; a repeat visit takes the boot the first visit left in the cache."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from py_tools.engine import browser as py_browser
from py_tools.engine import engine

TOOL, COUNCIL = "referral-routes", "rbkc"
PAGE = f"/tools/{COUNCIL}/{TOOL}/"

# A worker of our own (same script the widget runs): its 'ready' message says which path it took.
WORKER_READY = """async (url) => new Promise((resolve) => {
  const w = new Worker(url, { type: "module" });
  const timer = setTimeout(() => resolve({ type: "timeout" }), 110000);
  w.onmessage = (e) => {
    const m = e.data || {};
    if (m.type === "ready" || m.type === "boot-error") {
      if (m.type === "boot-error") { clearTimeout(timer); resolve(m); return; }
      w.onmessage = (d) => { clearTimeout(timer); resolve({ ready: m, decided: d.data }); w.terminate(); };
      w.postMessage({ type: "decide", id: "t", tool: "%s", council: "%s", facts: {} });
    }
  };
  w.onerror = (e) => { clearTimeout(timer); resolve({ type: "worker-error", message: e.message }); };
  w.postMessage({ type: "prepare", council: "%s" });
})""" % (TOOL, COUNCIL, COUNCIL)


def worker_boot(page, site_url, path=PAGE, boot=""):
    """Our own worker's ready message; `boot` asks for a path (worker.js?boot=...) instead of
    letting the worker time the link."""
    page.goto(site_url + path)
    return page.evaluate(WORKER_READY, site_url + "/assets/da/worker.js" + (f"?boot={boot}" if boot else ""))


def answer_first_question(page, bundle):
    """Answer the widget's first question and check the next step against CPython."""
    root = page.locator(f"[data-tool={TOOL}][data-council={COUNCIL}]")
    root.and_(page.locator("[data-engine=ready]")).wait_for(timeout=120_000)
    fieldset = root.locator("fieldset[data-question]")
    fact = fieldset.get_attribute("data-question")
    expected_first = engine.decide(bundle, TOOL, COUNCIL, {})
    assert fact == expected_first["fact"]
    value = fieldset.locator("input[type=radio]").first.get_attribute("value")
    fieldset.locator(f"input[type=radio][value='{value}']").check()
    root.locator("[data-action=next]").click()
    expected = json.loads(py_browser.apply(bundle, TOOL, COUNCIL, "{}", json.dumps(
        {"type": "answer", "fact": fact, "value": value}), "u", "", "2026-11-25"))
    if expected["type"] == "question":
        root.locator(f"fieldset[data-question='{expected['fact']}']").wait_for(timeout=30_000)
    else:
        root.locator("[data-outcome]").wait_for(timeout=30_000)
        codes = root.locator("[data-action-code]").evaluate_all(
            "els => els.map(e => e.getAttribute('data-action-code'))")
        assert sorted(set(codes)) == sorted({a["code"] for a in expected["actions"]})
    assert root.get_attribute("data-stage") == expected["type"]


def built(site_dir) -> dict:
    return json.loads((site_dir / "assets" / "engine" / "build.json").read_text(encoding="utf-8"))


def test_build_ships_a_verified_snapshot(site_dir):
    described = built(site_dir)
    assert described["boot"] == "snapshot", "the default build boots from a snapshot"
    snapshot = site_dir / "assets" / described["snapshot"]
    assert snapshot.exists() and snapshot.parent.name == described["engine"].strip("/").split("/")[-1]
    assert Path(str(snapshot) + ".gz").stat().st_size < snapshot.stat().st_size


@pytest.mark.browser
def test_snapshot_boot(site_dir, context, page, site_url, bundle):
    described = built(site_dir)
    snapshot_requests = []
    context.on("requestfinished", lambda r: snapshot_requests.append(r.url)
               if r.url.endswith("/assets/" + described["snapshot"]) else None)
    result = worker_boot(page, site_url, boot="snapshot")
    # the boot path chosen at build is the one the browser takes
    assert result.get("ready", {}).get("boot") == described["boot"] == "snapshot", result
    assert result["ready"]["built"] == "snapshot" and result["ready"]["snapshotError"] == ""
    assert result["ready"]["why"] == "asked"
    assert result["decided"]["step"] == json.loads(json.dumps(engine.decide(bundle, TOOL, COUNCIL, {})))
    assert snapshot_requests
    page.reload()
    answer_first_question(page, bundle)
    assert page.js_errors == []
    assert context.off_origin.blocked == []


@pytest.mark.browser
def test_plain_boot_when_snapshot_is_refused(context, page, site_url, bundle):
    refused = []

    def refuse(route):
        refused.append(route.request.url)
        route.abort()

    context.route("**/assets/engine/*/snapshot.bin", refuse)
    result = worker_boot(page, site_url, boot="snapshot")
    assert refused, "the worker never asked for the snapshot"
    assert result.get("ready", {}).get("boot") == "plain", result
    assert result["ready"]["built"] == "snapshot" and result["ready"]["snapshotError"], \
        "the fallback says why"
    assert result["decided"]["step"] == json.loads(json.dumps(engine.decide(bundle, TOOL, COUNCIL, {})))
    page.reload()
    answer_first_question(page, bundle)
    assert page.js_errors == []
    assert context.off_origin.blocked == []


PHONE = {"offline": False, "latency": 170, "downloadThroughput": 9_000_000 / 8,
         "uploadThroughput": 9_000_000 / 8}
NO_THROTTLE = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}


@pytest.mark.browser
def test_slow_link_takes_the_plain_boot_and_a_repeat_visit_keeps_it(browser, site_dir, site_url, bundle):
    """No request routing here: routing turns the browser's cache off, and the repeat visit
    needs it."""
    described = built(site_dir)
    ctx = browser.new_context()
    try:
        page = ctx.new_page()
        snapshot_requests = []
        # snapshot bodies received (the repeat visit's cache-only check is not a download)
        ctx.on("response", lambda r: snapshot_requests.append((r.url, r.status))
               if r.url.endswith("/snapshot.bin") and r.status == 200 else None)
        cdp = ctx.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", PHONE)
        result = worker_boot(page, site_url, "/")  # a page with no tool: the only worker is ours
        ready = result.get("ready", {})
        assert ready.get("boot") == "plain" and ready["why"] == "slow link", json.dumps(ready)
        assert ready["built"] == "snapshot" and ready["snapshotError"] == ""
        assert ready["mbps"] < described["snapshot_min_mbps"]
        assert result["decided"]["step"] == json.loads(json.dumps(engine.decide(bundle, TOOL, COUNCIL, {})))
        # the repeat visit, now on a fast link: the runtime comes from the cache, the snapshot
        # is not there, so the plain boot again and still no snapshot download
        cdp.send("Network.emulateNetworkConditions", NO_THROTTLE)
        again = page.evaluate(WORKER_READY, site_url + "/assets/da/worker.js")
        assert again.get("ready", {}).get("boot") == "plain" and again["ready"]["why"] == "not cached", again
        assert snapshot_requests == []
    finally:
        ctx.close()


@pytest.mark.browser
def test_localhost_times_the_link_and_a_repeat_visit_restores_the_snapshot_from_the_cache(
        browser, site_dir, site_url):
    minimum = built(site_dir)["snapshot_min_mbps"]
    ctx = browser.new_context()
    try:
        page = ctx.new_page()
        first = worker_boot(page, site_url, "/").get("ready", {})
        # the choice follows the timed link (28-116 Mbit/s measured on localhost: the snapshot)
        assert first.get("mbps") is not None, first
        assert first["boot"] == ("snapshot" if first["mbps"] >= minimum else "plain"), first
        if first["boot"] != "snapshot":
            first = worker_boot(page, site_url, "/", boot="snapshot").get("ready", {})
            assert first.get("boot") == "snapshot", first
        again = page.evaluate(WORKER_READY, site_url + "/assets/da/worker.js")
        assert again.get("ready", {}).get("boot") == "snapshot" and again["ready"]["why"] == "cached", again
    finally:
        ctx.close()
