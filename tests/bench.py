"""Speed and size figures for the built site, as one JSON object on stdout (`make bench`).

Runs Debian Chromium (Playwright) against site/ served on localhost. Every time is a
median over --runs runs; nothing here fails on a time. Options:

  --runs N        runs per figure (default 5, at least 5)
  --steps N       answered questions for step_ms (default 24, at least 20)
  --boot MODE     auto (default: whatever the site ships), or plain (the worker's request
                  for assets/engine/snapshot.bin is refused, so it takes the plain boot)
  --site DIR      the built site (default site/)
  --no-build      skip the timed `mkdocs build --strict` (site_build_s is then null)
  --throttled-runs N  cold first visits on an emulated 9 Mbit/s, 170 ms link (Chrome DevTools
                  Protocol Network.emulateNetworkConditions), per boot path (default 3; 0: skip)
  --scale LIST    synthetic council counts (default 4,64,300; "" to skip): for each, a copy of
                  the project with copies of Dover is built and measured (build time, bytes of
                  a tool page, search index, compare page) and a tool page is opened cold
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from py_tools.site_build.serve import serve_in_thread  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic",
                 "--no-first-run"]
TOOL_PAGE = "/tools/rbkc/referral-routes/"
POLICY_PAGE = "/policies/rbkc-policy/"

# Injected before any page script: records when the first question is usable, when the
# engine is ready, long tasks, and which boot path the worker reports.
INIT_SCRIPT = r"""
(() => {
  const da = window.__da = { firstQuestion: null, engineReady: null, longtasks: [], boot: null };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) da.longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: "longtask", buffered: true });
  } catch (e) {}
  const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const check = () => {
    const now = performance.now();
    if (da.firstQuestion === null) {
      const fs = document.querySelector("fieldset[data-question]");
      if (fs && visible(fs) && !fs.disabled) {
        const radios = fs.querySelectorAll("input[type=radio]");
        if (radios.length && [...radios].every((r) => !r.disabled)) da.firstQuestion = now;
      }
    }
    if (da.engineReady === null && document.querySelector("[data-engine=ready]")) da.engineReady = now;
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
  const poll = () => { check(); if (da.firstQuestion === null || da.engineReady === null) requestAnimationFrame(poll); };
  requestAnimationFrame(poll);
  const Native = window.Worker;
  if (Native) {
    window.Worker = function (url, opts) {
      if (window.__daAskBoot) { url = new URL(url, location.href); url.searchParams.set("boot", window.__daAskBoot); }
      const w = new Native(url, opts);
      w.addEventListener("message", (ev) => {
        const m = ev.data || {};
        if (m.type === "ready") { da.boot = m.boot || "unknown"; da.workerBootMs = m.bootMs; da.why = m.why; da.mbps = m.mbps; }
      });
      return w;
    };
    window.Worker.prototype = Native.prototype;
  }
})();
"""

BARE_HTML = """<!doctype html><meta charset="utf-8"><title>bare pyodide</title>
<script>
  const w = new Worker("bare-worker.mjs", { type: "module" });
  w.onmessage = (e) => { window.__bare = e.data.ok ? performance.now() : -1; window.__bareError = e.data.error; };
</script>
"""
BARE_WORKER = """import { loadPyodide } from "./assets/PYODIDE/pyodide.mjs";
const indexURL = new URL("./assets/PYODIDE/", import.meta.url).href;
try {
  const py = await loadPyodide({ indexURL, fullStdLib: false });
  py.runPython("1");
  postMessage({ ok: true });
} catch (e) { postMessage({ ok: false, error: String(e) }); }
"""

STEP_SCRIPT = r"""
async (count) => {
  const root = document.querySelector("[data-tool][data-council]");
  const marks = () => performance.getEntriesByName("da-step-rendered").length;
  const waitStep = (before) => new Promise((resolve, reject) => {
    const t0 = performance.now();
    const tick = () => {
      const n = performance.getEntriesByName("da-step-rendered");
      if (n.length > before) return resolve(n[n.length - 1].startTime);
      if (performance.now() - t0 > 30000) return reject(new Error("no step rendered"));
      setTimeout(tick, 1);
    };
    tick();
  });
  const out = [];
  let i = 0;
  while (out.length < count) {
    i += 1;
    const fs = root.querySelector("fieldset[data-question]");
    const before = marks();
    if (!fs) { // outcome: start again (not timed)
      root.querySelector("[data-action=restart]").click();
      await waitStep(before);
      continue;
    }
    const radios = [...fs.querySelectorAll("input[type=radio]")];
    const score = fs.querySelector("input[data-score-input]");
    if (score && i % 2) score.value = score.min || "0";
    else if (radios.length) radios[i % radios.length].checked = true;
    const t0 = performance.now();
    root.querySelector("[data-action=next]").click();
    const t1 = await waitStep(before);
    out.push(t1 - t0);
  }
  return out;
}
"""


def median(values):
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 1) if values else None


def percentile(values, q):
    values = sorted(values)
    if not values:
        return None
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return round(values[lo] + (values[hi] - values[lo]) * (k - lo), 1)


def chromium_path():
    for path in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if path and Path(path).exists():
            return path
    return None


def timed_build() -> float | None:
    out = Path(tempfile.mkdtemp(prefix="bench-build-"))
    try:
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
                                 "--site-dir", str(out)], cwd=ROOT, env=env, capture_output=True)
        elapsed = time.perf_counter() - started
        return round(elapsed, 2) if result.returncode == 0 else None
    finally:
        shutil.rmtree(out, ignore_errors=True)


def paths_time() -> float:
    from py_tools.rules import build, paths
    bundle = build.load()
    started = time.perf_counter()
    paths.all_paths(bundle)
    return round(time.perf_counter() - started, 3)


class Bytes:
    """Transfer sizes (headers + body as sent, i.e. compressed) of finished requests."""

    def __init__(self):
        self.items: list[tuple[str, int]] = []

    def on_finished(self, request):
        try:
            sizes = request.sizes()
            size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        except Exception:
            size = 0
        self.items.append((urlparse(request.url).path, size))

    def total(self, prefix: str = "") -> int:
        return sum(size for path, size in self.items if path.startswith(prefix))


def new_context(browser, plain: bool, force_snapshot: bool = False):
    ctx = browser.new_context()
    ctx.add_init_script(INIT_SCRIPT)
    if plain:
        ctx.route("**/assets/engine/*/snapshot.bin", lambda route: route.abort())
    if force_snapshot:  # the worker opened with ?boot=snapshot: no link timing (INIT_SCRIPT)
        ctx.add_init_script('window.__daAskBoot = "snapshot";')
    return ctx


def wait_js(page, expression: str, timeout_s: float = 120) -> None:
    """Poll an expression from Python (the site's CSP forbids the eval that Playwright's
    predicate waits use); the times are taken in the page, so polling does not change them."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(f"() => Boolean({expression})"):
        if time.monotonic() > deadline:
            raise TimeoutError(expression)
        time.sleep(0.02)


def measure_tool(page, url: str) -> dict:
    page.goto(url, wait_until="domcontentloaded")
    wait_js(page, "window.__da && window.__da.engineReady !== null && window.__da.firstQuestion !== null")
    da = page.evaluate("window.__da")
    ready = da["engineReady"]
    return {"first_question_ms": da["firstQuestion"], "engine_ready_ms": ready, "boot": da["boot"],
            "boot_why": da.get("why"), "link_mbps": da.get("mbps"),
            "longtasks": sum(1 for t in da["longtasks"] if t["duration"] > 50 and t["start"] <= ready)}


THROTTLE = {"offline": False, "latency": 170, "downloadThroughput": 9_000_000 / 8,
            "uploadThroughput": 9_000_000 / 8}


def throttled_visit(browser, url: str, plain: bool, force_snapshot: bool = False) -> dict:
    """A cold first visit to a tool page over the emulated link: bytes and times."""
    ctx = new_context(browser, plain, force_snapshot)
    counter = Bytes()
    ctx.on("requestfinished", counter.on_finished)
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", THROTTLE)
    first = measure_tool(page, url)
    page.wait_for_load_state("networkidle")
    by_file: dict = {}
    for path, size in counter.items:
        by_file[path.rsplit("/", 1)[-1]] = by_file.get(path.rsplit("/", 1)[-1], 0) + size
    ctx.close()
    return dict(first, bytes=counter.total(), largest=sorted(by_file.items(), key=lambda kv: -kv[1])[:6])


def throttled(browser, base: str, runs: int) -> dict:
    out = {"link": "9 Mbit/s down and up, 170 ms latency (CDP Network.emulateNetworkConditions)",
           "runs": runs}
    # auto: the worker times the link and chooses; plain: the snapshot refused; snapshot: the
    # worker told to restore the snapshot whatever the link (what the snapshot costs here)
    for name, plain, force in (("auto", False, False), ("plain", True, False), ("snapshot", False, True)):
        rows = [throttled_visit(browser, base + TOOL_PAGE, plain, force) for _ in range(runs)]
        out[name] = {"engine_ready_ms": median([r["engine_ready_ms"] for r in rows]),
                     "first_question_ms": median([r["first_question_ms"] for r in rows]),
                     "bytes_first_visit": int(statistics.median([r["bytes"] for r in rows])),
                     "boot": sorted({r["boot"] or "unknown" for r in rows}),
                     "boot_why": sorted({r["boot_why"] or "unknown" for r in rows}),
                     "link_mbps_timed": [r["link_mbps"] for r in rows],
                     "largest_files": rows[-1]["largest"]}
    return out


def scale(counts: list[int], browser) -> list[dict]:
    """Build and measure the project with `n` councils (the four plus synthetic Dovers)."""
    import synthetic
    rows = []
    for n in counts:
        work = Path(tempfile.mkdtemp(prefix=f"bench-scale-{n}-"))
        try:
            project = synthetic.copy_project(work / "project")
            real = len(list((project / "decision_trees" / "councils").iterdir()))
            synthetic.add_councils(project, max(0, n - real))
            env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"],
                                  cwd=project, env=env, capture_output=True, text=True)
            row = {"councils": n, "build_s": round(time.perf_counter() - started, 1),
                   "build_ok": done.returncode == 0}
            if done.returncode != 0:
                row["build_error"] = (done.stderr or done.stdout).strip().splitlines()[-3:]
                rows.append(row)
                continue
            site = project / "site"
            built = json.loads((site / "assets" / "engine" / "build.json").read_text(encoding="utf-8"))
            tool_html = site / TOOL_PAGE.strip("/") / "index.html"
            size = lambda p: p.stat().st_size if p.exists() else None  # noqa: E731
            row.update({
                "boot_built": built["boot"],
                "tool_page_html_bytes": size(tool_html),
                "rules_bytes_one_council": size(site / "assets" / built["rules"] / "rbkc.json"),
                "snapshot_bytes": size(site / "assets" / built["snapshot"]) if built["snapshot"] else None,
                "search_index_bytes": size(site / "search" / "search_index.json"),
                "search_index_gzip_bytes": size(site / "search" / "search_index.json.gz"),
                "compare_page_bytes": size(site / "compare" / "index.html"),
                "all_councils_page_bytes": size(site / "tools" / "all-councils" / "index.html"),
                "site_bytes": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()),
            })
            server, base = serve_in_thread(site)
            try:
                ctx = new_context(browser, False)
                counter = Bytes()
                ctx.on("requestfinished", counter.on_finished)
                page = ctx.new_page()
                first = measure_tool(page, base + TOOL_PAGE)
                page.wait_for_load_state("networkidle")
                row.update({"tool_page_bytes_transferred": counter.total(),
                            "tool_page_engine_ready_ms": first["engine_ready_ms"],
                            "tool_page_boot": first["boot"]})
                ctx.close()
            finally:
                server.shutdown()
            rows.append(row)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--steps", type=int, default=24)
    parser.add_argument("--boot", choices=("auto", "plain"), default="auto")
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--throttled-runs", type=int, default=3)
    parser.add_argument("--scale", default="4,64,300")
    args = parser.parse_args()
    runs, steps = max(args.runs, 5), max(args.steps, 20)
    site = args.site.resolve()
    if not (site / "assets" / "engine" / "build.json").exists():
        print(f"{site} is not a built site: run `make build` first", file=sys.stderr)
        return 2
    built = json.loads((site / "assets" / "engine" / "build.json").read_text(encoding="utf-8"))
    plain = args.boot == "plain"

    # the bare page lives beside the site's own Pyodide files, on the same kind of server
    bare_dir = Path(tempfile.mkdtemp(prefix="bench-bare-"))
    (bare_dir / "assets" / "pyodide").mkdir(parents=True)
    (bare_dir / "assets" / built["pyodide"].rstrip("/")).symlink_to(site / "assets" / built["pyodide"])
    (bare_dir / "index.html").write_text(BARE_HTML, encoding="utf-8")
    (bare_dir / "bare-worker.mjs").write_text(BARE_WORKER.replace("PYODIDE/", built["pyodide"]),
                                              encoding="utf-8")

    sent: list = []  # (path, status, body bytes) as the server sent them
    server, base = serve_in_thread(site, sent=sent)
    bare_server, bare_base = serve_in_thread(bare_dir)
    result: dict = {"boot_mode": args.boot, "runs": runs}
    cold, warm, bare_cold, bare_warm, boots = [], [], [], [], set()
    tool_bytes, engine_bytes, snapshot_bytes_sent, repeat_bytes = [], [], [], []
    try:
        from playwright.sync_api import sync_playwright
        with sync_playwright() as p:
            path = chromium_path()
            browser = (p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
                       if path else p.chromium.launch(args=CHROMIUM_ARGS, headless=True))
            for _ in range(runs):
                # bare Pyodide, cold then warm, in the same run as the tool page
                ctx = browser.new_context()
                page = ctx.new_page()
                for bucket in (bare_cold, bare_warm):
                    page.goto(bare_base + "/", wait_until="domcontentloaded") if bucket is bare_cold \
                        else page.reload(wait_until="domcontentloaded")
                    wait_js(page, "window.__bare !== undefined")
                    bucket.append(page.evaluate("window.__bare"))
                ctx.close()

                ctx = new_context(browser, plain)
                counter = Bytes()
                ctx.on("requestfinished", counter.on_finished)
                page = ctx.new_page()
                first = measure_tool(page, base + TOOL_PAGE)
                page.wait_for_load_state("networkidle")
                tool_bytes.append(counter.total())
                engine_bytes.append(counter.total("/assets/pyodide/") + counter.total("/assets/engine/")
                                    + counter.total("/assets/rules/"))
                snapshot_bytes_sent.append(sum(size for path, size in counter.items
                                               if path.endswith("/snapshot.bin")))
                cold.append(first)
                boots.add(first["boot"])
                sent.clear()
                page.reload(wait_until="domcontentloaded")
                wait_js(page, "window.__da && window.__da.engineReady !== null")
                again = measure_tool(page, page.url)
                page.wait_for_load_state("networkidle")
                # bytes of runtime, engine and rules the server sent again on the repeat visit
                repeat_bytes.append(sum(size for path, status, size in list(sent)
                                        if path.startswith(("/assets/pyodide/", "/assets/engine/",
                                                            "/assets/rules/"))))
                warm.append(again)
                boots.add(again["boot"])
                ctx.close()

            # answer -> next question rendered, after the engine is ready
            ctx = new_context(browser, plain)
            page = ctx.new_page()
            measure_tool(page, base + TOOL_PAGE)
            step_ms = page.evaluate(STEP_SCRIPT, steps)
            ctx.close()

            # a policy page must not fetch the runtime
            ctx = browser.new_context()
            counter = Bytes()
            ctx.on("requestfinished", counter.on_finished)
            page = ctx.new_page()
            page.goto(base + POLICY_PAGE, wait_until="load")
            page.wait_for_load_state("networkidle")
            policy_pyodide = counter.total("/assets/pyodide/")
            ctx.close()
            if args.throttled_runs > 0:
                result["throttled"] = throttled(browser, base, args.throttled_runs)
            if args.scale.strip():
                result["scale"] = scale([int(n) for n in args.scale.split(",") if n.strip()], browser)
            browser.close()
    finally:
        server.shutdown()
        bare_server.shutdown()
        shutil.rmtree(bare_dir, ignore_errors=True)

    for name, rows, bare in (("cold", cold, bare_cold), ("warm", warm, bare_warm)):
        ready, bare_ms = median([r["engine_ready_ms"] for r in rows]), median(bare)
        result[name] = {
            "first_question_ms": median([r["first_question_ms"] for r in rows]),
            "engine_ready_ms": ready,
            "bare_pyodide_ms": bare_ms,
            "ready_over_bare": round(ready / bare_ms, 2) if ready and bare_ms else None,
            "longtasks_over_50ms": median([r["longtasks"] for r in rows]),
        }
    snap = site / "assets" / (built["snapshot"] or "engine/none/snapshot.bin")
    snap_gz = Path(str(snap) + ".gz")
    result.update({
        "boot_paths_seen": sorted(b or "unknown" for b in boots),
        "cold_boot_why": [r["boot_why"] for r in cold],
        "cold_link_mbps_timed": [r["link_mbps"] for r in cold],
        "step_ms_p50": percentile(step_ms, 0.5),
        "step_ms_p95": percentile(step_ms, 0.95),
        "steps": len(step_ms),
        "bytes_tool_page": int(statistics.median(tool_bytes)),
        "bytes_runtime_and_engine": int(statistics.median(engine_bytes)),
        "bytes_snapshot_transferred": int(statistics.median(snapshot_bytes_sent)),
        "repeat_visit_runtime_bytes": int(max(repeat_bytes)),
        "boot_built": built["boot"],
        "pyodide_bytes_on_policy_page": policy_pyodide,
        "snapshot_bin_bytes": snap.stat().st_size if snap.exists() else None,
        "snapshot_gz_bytes": snap_gz.stat().st_size if snap_gz.exists() else None,
        "site_build_s": None if args.no_build else timed_build(),
        "paths_enumeration_s": paths_time(),
    })
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
