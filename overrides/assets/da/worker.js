// Web Worker: boots Pyodide from the site's own files, imports the same py_tools engine
// the tests run, and answers widget messages. It holds each widget's answers in memory
// only; every decision is made by Python (py_tools/engine/browser.py).
//
// The build rewrites the next line with this build's folders (versioned or content-hashed,
// so a server may cache their files as immutable) and the boot path it chose and verified.
const BUILD = { boot: "plain", snapshotMinMbps: 15, pyodide: "pyodide/", engine: "engine/", rules: "rules/", stdlib: null }; // @da-build

const here = new URL("../", import.meta.url);
const pyodideURL = new URL(BUILD.pyodide, here).href;
const engineURL = new URL(BUILD.engine, here).href;
const rulesURL = new URL(BUILD.rules, here).href;
// the standard library trimmed to what the engine imports (py_tools/site_build/site_runtime.py), if built
const stdlib = BUILD.stdlib ? { stdLibURL: new URL(BUILD.stdlib, here).href } : {};
const sessions = new Map(); // widget id -> {tool, council, facts}
const rulesText = new Map(); // council code -> Promise of its bundle's JSON text
const bundles = new Map(); // council code or "all" -> Promise of the loaded bundle

async function fetchOk(url, kind) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return kind === "text" ? response.text() : response.arrayBuffer();
}

// Snapshot boot: the build saves Pyodide's memory with the engine imported
// (assets/engine/<hash>/snapshot.bin, made by py_tools/site_build/snapshot.mjs); restoring it skips
// starting Python and importing the engine. Any failure (no file, a restore error) falls
// back to the plain boot below, so the snapshot is only ever an optimisation.
async function snapshotBoot() {
  const { loadPyodide } = await import(pyodideURL + "pyodide.mjs");
  // wait for the answer's status only, so a missing snapshot costs one request and the
  // runtime files are fetched once; the body streams in while Pyodide loads
  const response = await fetch(engineURL + "snapshot.bin");
  if (!response.ok) throw new Error(`snapshot.bin: HTTP ${response.status}`);
  const bytes = response.arrayBuffer();
  bytes.catch(() => {}); // reported through loadPyodide below
  const pyodide = await loadPyodide({ indexURL: pyodideURL, fullStdLib: false, _loadSnapshot: bytes, ...stdlib });
  const browser = pyodide.globals.get("_da_browser");
  if (!browser || typeof browser.apply !== "function") {
    throw new Error("the snapshot holds no engine");
  }
  return { browser, boot: "snapshot" };
}

// Which boot, when the build made a snapshot. The snapshot saves the CPU time of starting
// Python and importing the engine (1.5 to 6 s on the benchmark machine) but is about 5 MB
// more to download than the plain boot (4.5 s at 9 Mbit/s), so it only pays where
// downloading is cheap. Both boots need pyodide.asm.mjs first: it is loaded here (Pyodide's
// own import of it then reuses the module) and its transfer is timed. At or above
// BUILD.snapshotMinMbps the snapshot is taken; on a slower link (a phone) the plain boot.
// When the file came from the browser's cache (a repeat visit), the snapshot is used only if
// it is in the cache too, so a repeat visit downloads nothing either way. `worker.js?boot=plain`
// or `?boot=snapshot` chooses without measuring (tests, and operators who know their users).
const asked = new URL(import.meta.url).searchParams.get("boot");

async function chooseBoot() {
  if (BUILD.boot !== "snapshot") return { boot: "plain", why: "built" };
  if (asked === "plain" || asked === "snapshot") return { boot: asked, why: "asked" };
  const url = pyodideURL + "pyodide.asm.mjs";
  await Promise.all([import(url), import(pyodideURL + "pyodide.mjs")]); // both boots need both
  const entry = performance.getEntriesByName(url).pop();
  if (entry && entry.transferSize > 0 && entry.encodedBodySize > 0 && entry.responseStart > 0) {
    const seconds = Math.max(entry.responseEnd - entry.responseStart, 1) / 1000;
    const mbps = Math.round(entry.encodedBodySize * 8 / 1e6 / seconds * 10) / 10;
    return mbps >= BUILD.snapshotMinMbps
      ? { boot: "snapshot", why: "fast link", mbps }
      : { boot: "plain", why: "slow link", mbps };
  }
  try {
    const cached = await fetch(engineURL + "snapshot.bin", { cache: "only-if-cached", mode: "same-origin" });
    if (cached.body) cached.body.cancel();
    if (cached.ok) return { boot: "snapshot", why: "cached" };
  } catch (err) { /* not in the cache */ }
  return { boot: "plain", why: entry ? "not cached" : "link unknown" };
}

async function plainBoot() {
  const { loadPyodide } = await import(pyodideURL + "pyodide.mjs");
  const [pyodide, zip] = await Promise.all([
    loadPyodide({ indexURL: pyodideURL, fullStdLib: false, ...stdlib }),
    fetchOk(engineURL + "py_tools.zip", "buffer"),
  ]);
  pyodide.unpackArchive(zip, "zip", { extractDir: "/home/pyodide/engine" });
  pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/engine')");
  const browser = pyodide.pyimport("py_tools.engine.browser");
  return { browser, boot: "plain" };
}

// The rules: one bundle per council (assets/rules/<hash>/<code>.json). A tool page loads
// its own council's; "Same case, all councils" loads every council listed in index.json.
// The text is fetched at once (while the runtime boots); it is loaded when the engine is.
function councilText(code) {
  if (!/^[a-z0-9_-]+$/.test(code)) return Promise.reject(new Error(`unknown council ${code}`));
  if (!rulesText.has(code)) {
    const text = fetchOk(rulesURL + code + ".json", "text");
    text.catch(() => rulesText.delete(code));
    rulesText.set(code, text);
  }
  return rulesText.get(code);
}

function bundleFor(council) {
  if (!bundles.has(council)) {
    const texts = council === "all"
      ? fetchOk(rulesURL + "index.json", "text").then((t) => Promise.all(JSON.parse(t).councils.map(councilText)))
      : councilText(council);
    const bundle = Promise.all([ready, texts]).then(([rt, text]) =>
      council === "all" ? rt.browser.load_many(text) : rt.browser.load(text));
    bundle.catch(() => bundles.delete(council));
    bundles.set(council, bundle);
  }
  return bundles.get(council);
}

// Pyodide can fail without settling its promise (a runtime file that cannot be fetched
// surfaces only as an unhandled rejection): treat that, or a boot that takes far too long,
// as a failed boot so the page shows its error state and the policy text.
const BOOT_LIMIT_MS = 90000;
const stalled = new Promise((_, reject) => {
  self.addEventListener("unhandledrejection", (event) => {
    const reason = event.reason && event.reason.message || String(event.reason);
    reject(new Error("the Python runtime could not be loaded (" + reason + ")"));
  });
  setTimeout(() => reject(new Error("the Python runtime took too long to start")), BOOT_LIMIT_MS);
});
stalled.catch(() => {});

const ready = Promise.race([stalled, (async () => {
  const started = performance.now();
  const choice = await chooseBoot();
  let rt;
  if (choice.boot === "snapshot") {
    try {
      rt = await snapshotBoot();
    } catch (err) { // reported in the ready message: the page still works, more slowly
      rt = await plainBoot();
      rt.snapshotError = String(err && err.message || err);
    }
  } else {
    rt = await plainBoot();
  }
  rt.choice = choice;
  rt.bootMs = performance.now() - started;
  return rt;
})()]);
ready.catch(() => {});

// A widget asks for its council's rules when it mounts; "ready" answers once the engine
// and those rules are loaded.
async function prepare(msg) {
  try {
    const loaded = bundleFor(msg.council); // starts fetching the rules now
    const rt = await ready;
    await loaded;
    postMessage({ type: "ready", council: msg.council, bootMs: rt.bootMs, boot: rt.boot,
      built: BUILD.boot, chosen: rt.choice.boot, why: rt.choice.why, mbps: rt.choice.mbps ?? null,
      snapshotError: rt.snapshotError || "" });
  } catch (err) {
    postMessage({ type: "boot-error", council: msg.council, message: String(err && err.message || err) });
  }
}

self.onmessage = async (event) => {
  const msg = event.data || {};
  if (msg.type === "prepare") { prepare(msg); return; }
  let rt, bundle;
  try {
    rt = await ready;
  } catch (err) {
    postMessage({ type: "boot-error", id: msg.id, message: String(err && err.message || err) });
    return;
  }
  try {
    if (msg.type === "forget") { sessions.delete(msg.id); return; }
    if (msg.type === "forget-all") { sessions.clear(); return; }
    bundle = await bundleFor(msg.type === "decide" ? msg.council : (sessions.get(msg.id) || msg).council);
    if (msg.type === "review") { // the review notice for the viewer's date (decided in Python)
      const html = rt.browser.review_notice(bundle, msg.council, msg.page, msg.today);
      postMessage({ type: "review", id: msg.id, html: html, today: msg.today });
      return;
    }
    if (msg.type === "decide") { // parity tests: the engine's step for a set of facts
      const out = rt.browser.decide_json(bundle, msg.tool, msg.council, JSON.stringify(msg.facts));
      postMessage({ type: "decided", id: msg.id, step: JSON.parse(out) });
      return;
    }
    const session = sessions.get(msg.id) || { tool: msg.tool, council: msg.council, facts: {} };
    const started = performance.now();
    const fn = session.council === "all" ? rt.browser.apply_all : rt.browser.apply;
    const args = session.council === "all"
      ? [bundle, session.tool, JSON.stringify(session.facts)]
      : [bundle, session.tool, session.council, JSON.stringify(session.facts)];
    const out = JSON.parse(fn(...args, JSON.stringify({ type: msg.type, fact: msg.fact, value: msg.value }),
      msg.uid, msg.base, msg.date, msg.today || ""));
    session.facts = out.facts;
    sessions.set(msg.id, session);
    delete out.facts; // answers stay in the worker
    postMessage({ ...out, type: "step", stepType: out.type, id: msg.id, seq: msg.seq,
      engineMs: performance.now() - started });
  } catch (err) {
    postMessage({ type: "error", id: msg.id, seq: msg.seq, message: String(err && err.message || err) });
  }
};
