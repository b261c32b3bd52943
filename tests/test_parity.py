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


# --- "Same case, all councils": the worker runs every council's rules on one set of answers

ALL_ID = "parity-all"
ALL_UID, ALL_BASE, ALL_DATE = "da-parity-all", "../../", "24 December 2026"

STEP_ALL_JS = """async (messages) => {
  const {worker} = window.__parity;
  const replies = [];
  for (const m of messages) {
    replies.push(await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no reply from the worker: ' +
        (window.__parity.bootError || 'timeout'))), 120000);
      const listen = (event) => {
        const msg = event.data || {};
        if (msg.id !== m.id || msg.seq !== m.seq) return;
        worker.removeEventListener('message', listen);
        clearTimeout(timer);
        resolve(msg);
      };
      worker.addEventListener('message', listen);
      worker.postMessage(m);
    }));
  }
  return replies;
}"""


def all_councils_walk(bundle, tool: str) -> tuple[list[dict], list[dict]]:
    """(messages, CPython's replies) answering each question of the all-councils view with its
    first option (or the lowest score) until every council has an outcome."""
    from py_tools.engine import browser
    messages, replies, facts = [{"type": "start"}], [], "{}"
    while True:
        out = json.loads(browser.apply_all(bundle, tool, facts, json.dumps(messages[-1]),
                                           ALL_UID, ALL_BASE, ALL_DATE))
        replies.append(out)
        facts = json.dumps(out["facts"])
        if out["type"] == "outcome":
            return messages, replies
        step = engine_step(bundle, tool, out)
        value = step["options"][0]["value"] if step["options"] else str(step["min"])
        messages.append({"type": "answer", "fact": out["fact"], "value": value})


def engine_step(bundle, tool: str, out: dict) -> dict:
    """The question step the all-councils view asks (the first council that still needs it)."""
    from py_tools.engine import engine
    facts = out["facts"]
    for council in bundle.councils:
        step = engine.decide(bundle, tool, council, facts)
        if step["type"] == "question" and step["fact"] == out["fact"]:
            return step
    raise AssertionError(f"no council asks {out['fact']}")


def test_all_councils_view_from_the_shipped_bundles_matches_the_validated_rules(bundle):
    """The worker joins the per-council bundles (`browser.load_many`): the result decides and
    renders every step as the validated bundle does, glossary explanations included."""
    from py_tools.engine import browser
    from py_tools.site_build import site_runtime
    joined = browser.load_many([build.bundle_json(site_runtime.council_bundle(bundle, code))
                                for code in bundle.councils])
    assert joined.glossary == bundle.glossary and len(bundle.glossary) > 0
    assert joined.bank_holidays == bundle.bank_holidays
    for tool in bundle.trees:
        messages, expected = all_councils_walk(bundle, tool)
        assert len(messages) > 2, f"{tool}: the walk asks at least two questions"
        facts = "{}"
        for message, want in zip(messages, expected):
            got = json.loads(browser.apply_all(joined, tool, facts, json.dumps(message),
                                               ALL_UID, ALL_BASE, ALL_DATE))
            assert got == want, f"{tool}: step after {message} differs"
            facts = json.dumps(got["facts"])
    # the glossary reaches the steps after the first (the page renders the first at build time)
    assert any("<abbr" in r["html"] for tool in bundle.trees for r in all_councils_walk(bundle, tool)[1][1:])


@pytest.mark.browser
def test_browser_all_councils_view_matches_cpython(page, context, site_url, bundle):
    """Each step of "Same case, all councils" in the worker (Pyodide) is the HTML CPython
    renders for the same answers, glossary <abbr> explanations included."""
    page.goto(site_url + "/")
    page.evaluate(START_WORKER_JS, site_url + "/")
    abbr_after_first = 0
    for tool in sorted(bundle.trees):
        messages, expected = all_councils_walk(bundle, tool)
        sent = [dict(m, id=f"{ALL_ID}-{tool}", seq=i, tool=tool, council="all", uid=ALL_UID,
                     base=ALL_BASE, date=ALL_DATE, today="") for i, m in enumerate(messages, 1)]
        replies = page.evaluate(STEP_ALL_JS, sent)
        for message, reply, want in zip(sent, replies, expected):
            assert reply.get("type") == "step", f"{tool} {message}: {reply}"
            assert (reply["stepType"], reply["fact"], reply["asked"]) == (want["type"], want["fact"], want["asked"])
            assert reply["html"] == want["html"], f"{tool}: the step after {message} renders differently"
        abbr_after_first += sum(r["html"].count("<abbr") for r in replies[1:])
    assert abbr_after_first > 0, "no glossary term explained after the first step"
    assert context.off_origin.blocked == []
    assert page.js_errors == []
