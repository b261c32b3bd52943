"""Both ways the Web Worker boots work in Chromium: restoring the build's memory snapshot
(assets/engine/snapshot.bin) and, when that is missing or fails, the plain boot. Each path
must reach ready and give the same answers as the engine in CPython."""
from __future__ import annotations

import json

import pytest

from py_tools import browser as py_browser
from py_tools import engine

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
})""" % (TOOL, COUNCIL)


def worker_boot(page, site_url):
    page.goto(site_url + PAGE)
    return page.evaluate(WORKER_READY, site_url + "/assets/da/worker.js")


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


def test_build_ships_a_verified_snapshot(site_dir):
    snapshot = site_dir / "assets" / "engine" / "snapshot.bin"
    assert snapshot.exists(), "the build made no snapshot (see the 'snapshot:' note in its output)"
    assert (site_dir / "assets" / "engine" / "snapshot.bin.gz").stat().st_size < snapshot.stat().st_size


def test_snapshot_boot(site_dir, context, page, site_url, bundle):
    if not (site_dir / "assets" / "engine" / "snapshot.bin").exists():
        pytest.fail("no snapshot in the build")
    snapshot_requests = []
    context.on("requestfinished", lambda r: snapshot_requests.append(r.url)
               if r.url.endswith("/assets/engine/snapshot.bin") else None)
    result = worker_boot(page, site_url)
    assert result.get("ready", {}).get("boot") == "snapshot", result
    assert result["decided"]["step"] == json.loads(json.dumps(engine.decide(bundle, TOOL, COUNCIL, {})))
    assert snapshot_requests
    page.reload()
    answer_first_question(page, bundle)
    assert page.js_errors == []
    assert context.off_origin.blocked == []


def test_plain_boot_when_snapshot_is_refused(context, page, site_url, bundle):
    refused = []

    def refuse(route):
        refused.append(route.request.url)
        route.abort()

    context.route("**/assets/engine/snapshot.bin", refuse)
    result = worker_boot(page, site_url)
    assert refused, "the worker never asked for the snapshot"
    assert result.get("ready", {}).get("boot") == "plain", result
    assert result["decided"]["step"] == json.loads(json.dumps(engine.decide(bundle, TOOL, COUNCIL, {})))
    page.reload()
    answer_first_question(page, bundle)
    assert page.js_errors == []
    assert context.off_origin.blocked == []
