// Web Worker: boots Pyodide from the site's own files, imports the same py_tools engine
// the tests run, and answers widget messages. It holds each widget's answers in memory
// only; every decision is made by Python (py_tools/browser.py).
import { loadPyodide } from "../pyodide/pyodide.mjs";

const here = new URL("./", import.meta.url);
const pyodideURL = new URL("../pyodide/", here).href;
const engineURL = new URL("../engine/", here).href;
const sessions = new Map(); // widget id -> {tool, council, facts}

async function fetchOk(url, kind) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return kind === "text" ? response.text() : response.arrayBuffer();
}

// Snapshot boot: the build saves Pyodide's memory with the engine imported and the rules
// loaded (assets/engine/snapshot.bin, made by py_tools/snapshot.mjs); restoring it skips
// starting Python and importing the engine. Any failure (no file, a restore error) falls
// back to the plain boot below, so the snapshot is only ever an optimisation.
async function snapshotBoot() {
  // wait for the answer's status only, so a missing snapshot costs one request and the
  // runtime files are fetched once; the body streams in while Pyodide loads
  const response = await fetch(engineURL + "snapshot.bin");
  if (!response.ok) throw new Error(`snapshot.bin: HTTP ${response.status}`);
  const bytes = response.arrayBuffer();
  bytes.catch(() => {}); // reported through loadPyodide below
  const pyodide = await loadPyodide({ indexURL: pyodideURL, fullStdLib: false, _loadSnapshot: bytes });
  const browser = pyodide.globals.get("_da_browser");
  const bundle = pyodide.globals.get("_da_bundle");
  if (!browser || !bundle || typeof browser.apply !== "function") {
    throw new Error("the snapshot holds no engine");
  }
  return { browser, bundle, boot: "snapshot" };
}

async function plainBoot() {
  const [pyodide, zip, bundleText] = await Promise.all([
    loadPyodide({ indexURL: pyodideURL, fullStdLib: false }),
    fetchOk(engineURL + "py_tools.zip", "buffer"),
    fetchOk(engineURL + "bundle.json", "text"),
  ]);
  pyodide.unpackArchive(zip, "zip", { extractDir: "/home/pyodide/engine" });
  pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/engine')");
  const browser = pyodide.pyimport("py_tools.browser");
  const bundle = browser.load(bundleText);
  return { browser, bundle, boot: "plain" };
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
  let rt;
  try {
    rt = await snapshotBoot();
  } catch (err) {
    rt = await plainBoot();
    rt.snapshotError = String(err && err.message || err);
  }
  rt.bootMs = performance.now() - started;
  return rt;
})()]);

ready.then(
  (rt) => postMessage({ type: "ready", bootMs: rt.bootMs, boot: rt.boot }),
  (err) => postMessage({ type: "boot-error", message: String(err && err.message || err) }),
);

self.onmessage = async (event) => {
  const msg = event.data || {};
  let rt;
  try {
    rt = await ready;
  } catch (err) {
    postMessage({ type: "boot-error", id: msg.id, message: String(err && err.message || err) });
    return;
  }
  try {
    if (msg.type === "forget") { sessions.delete(msg.id); return; }
    if (msg.type === "forget-all") { sessions.clear(); return; }
    if (msg.type === "review") { // the review notice for the viewer's date (decided in Python)
      const html = rt.browser.review_notice(rt.bundle, msg.council, msg.page, msg.today);
      postMessage({ type: "review", id: msg.id, html: html, today: msg.today });
      return;
    }
    if (msg.type === "decide") { // parity tests: the engine's step for a set of facts
      const out = rt.browser.decide_json(rt.bundle, msg.tool, msg.council, JSON.stringify(msg.facts));
      postMessage({ type: "decided", id: msg.id, step: JSON.parse(out) });
      return;
    }
    const session = sessions.get(msg.id) || { tool: msg.tool, council: msg.council, facts: {} };
    const started = performance.now();
    const fn = session.council === "all" ? rt.browser.apply_all : rt.browser.apply;
    const args = session.council === "all"
      ? [rt.bundle, session.tool, JSON.stringify(session.facts)]
      : [rt.bundle, session.tool, session.council, JSON.stringify(session.facts)];
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
