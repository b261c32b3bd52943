"""One engine, two runtimes: the site's Web Worker (Pyodide) decides every path exactly as
CPython does.

A page of the built site starts its own worker (`assets/da/worker.js`) and sends it
`{type: "decide", id, tool, council, facts}` messages; each `decided` reply is compared with
the outcome `py_tools.paths.enumerate_paths` reached in CPython for the same answers: all
paths for the council with the most paths per tool, every 5th path for the other councils.
"""
from __future__ import annotations

import json
import time

import pytest

from py_tools.rules import build, paths

ACTION_KEYS = ("code", "duty", "cite", "text", "about", "related")
SAMPLE_EVERY = 5

START_WORKER_JS = """base => {
  const worker = new Worker(base + 'assets/da/worker.js', {type: 'module'});
  const waiting = new Map();
  window.__parity = {worker, waiting, bootError: null};
  worker.onmessage = (event) => {
    const msg = event.data || {};
    if (msg.type === 'decided' || msg.type === 'error') {
      const done = waiting.get(msg.id);
      if (done) { waiting.delete(msg.id); done(msg); }
    } else if (msg.type === 'boot-error') {
      window.__parity.bootError = msg.message;
      for (const done of waiting.values()) done(msg);
      waiting.clear();
    }
  };
  worker.onerror = (event) => { window.__parity.bootError = event.message || 'worker error'; };
}"""

DECIDE_ALL_JS = """async (messages) => {
  const {worker, waiting} = window.__parity;
  const replies = Promise.all(messages.map(m => new Promise(resolve => {
    waiting.set(m.id, resolve);
    worker.postMessage(Object.assign({type: 'decide'}, m));
  })));
  const timeout = new Promise((_, reject) => setTimeout(
    () => reject(new Error('no reply from the worker: ' + (window.__parity.bootError || 'timeout'))), 120000));
  return Promise.race([replies, timeout]);
}"""


def project(actions: list[dict]) -> list[dict]:
    return [{key: action.get(key) for key in ACTION_KEYS} for action in actions]


def test_the_site_ships_the_validated_rules(bundle, site_dir):
    """The worker loads exactly the bundles the tests validate (same serialisation): one per
    council, each that council's share of the validated bundle."""
    from py_tools.site_build import site_runtime
    described = json.loads((site_dir / "assets" / "engine" / "build.json").read_text(encoding="utf-8"))
    rules = site_dir / "assets" / described["rules"]
    assert sorted(p.stem for p in rules.glob("*.json") if p.stem != "index") == sorted(bundle.councils)
    for code in bundle.councils:
        shipped = (rules / f"{code}.json").read_text(encoding="utf-8")
        assert shipped == build.bundle_json(site_runtime.council_bundle(bundle, code)), \
            f"{code}.json differs from the rules (changed during the test session?)"
        assert list(json.loads(shipped)["councils"]) == [code]


@pytest.mark.browser
def test_browser_engine_decides_every_path_like_cpython(page, context, site_url, bundle):
    plan = []  # (tool, council, [paths to compare], total paths)
    for tool in bundle.trees:
        by_council = {c: paths.enumerate_paths(bundle, tool, c) for c in sorted(bundle.councils)}
        # most paths; on a tie, the council whose documents cover most (fewest not_covered)
        full = max(by_council, key=lambda c: (len(by_council[c]), sum(
            a["code"] != "not_covered" for p in by_council[c] for a in p.outcome["actions"])))
        for council, found in by_council.items():
            chosen = found if council == full else found[::SAMPLE_EVERY]
            plan.append((tool, council, chosen, len(found)))
    assert sum(len(chosen) for _, _, chosen, _ in plan) > 0

    page.goto(site_url + "/")
    started = time.monotonic()
    page.evaluate(START_WORKER_JS, site_url + "/")
    compared, mismatches, lines = 0, [], []
    for tool, council, chosen, total in plan:
        messages = [{"id": f"{tool}/{council}/{i}", "tool": tool, "council": council,
                     "facts": path.facts()} for i, path in enumerate(chosen)]
        t0 = time.monotonic()
        replies = page.evaluate(DECIDE_ALL_JS, messages)
        took = time.monotonic() - t0
        for message, reply, path in zip(messages, replies, chosen):
            assert reply.get("type") == "decided", f"{message['id']}: {reply}"
            step = reply["step"]
            expected = json.loads(json.dumps(path.outcome))
            if step.get("type") != "outcome" or project(step["actions"]) != project(expected["actions"]):
                mismatches.append(f"{message['id']} {message['facts']}:\n  browser {step.get('actions')}\n"
                                  f"  cpython {expected['actions']}")
            elif step != expected:
                mismatches.append(f"{message['id']}: same actions, different step: "
                                  f"{sorted(k for k in set(step) | set(expected) if step.get(k) != expected.get(k))}")
            compared += 1
        lines.append(f"  {tool:22} {council:7} {len(chosen):4} of {total:4} paths compared ({took:.2f} s)")
    elapsed = time.monotonic() - started
    print(f"\nparity: {compared} paths compared in {elapsed:.1f} s (worker boot included)\n" + "\n".join(lines))
    assert not mismatches, f"{len(mismatches)} of {compared} differ:\n" + "\n".join(mismatches[:10])
    assert compared == sum(len(chosen) for _, _, chosen, _ in plan)
    assert context.off_origin.blocked == []
    assert page.js_errors == []
