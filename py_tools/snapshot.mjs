// Build step (called from py_tools/mkdocs_hooks.py after the runtime is copied):
// boot Pyodide in Node, import the engine and load the rules, and save the memory as
// assets/engine/snapshot.bin, so the browser's worker can restore it instead of starting
// Python and importing the engine itself.
//
//   node py_tools/snapshot.mjs make   SITE_DIR   -> writes SITE_DIR/assets/engine/snapshot.bin
//   node py_tools/snapshot.mjs verify SITE_DIR   -> restores it and runs one decision
//
// The snapshot holds Python objects only: the worker reads the engine module and the
// loaded bundle back from the Python globals `_da_browser` and `_da_bundle`.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [mode, siteDir] = process.argv.slice(2);
if (!["make", "verify"].includes(mode) || !siteDir) {
  console.error("usage: node py_tools/snapshot.mjs make|verify SITE_DIR");
  process.exit(2);
}
const pyodideDir = path.resolve(siteDir, "assets", "pyodide") + path.sep;
const engineDir = path.resolve(siteDir, "assets", "engine");
const snapshotPath = path.join(engineDir, "snapshot.bin");
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);

// Must match what overrides/assets/da/worker.js does on its plain boot.
const IMPORT_ENGINE = `
import sys
sys.path.insert(0, '/home/pyodide/engine')
import py_tools.browser as _da_browser
_da_bundle = _da_browser.load(_da_bundle_json)
del _da_bundle_json
`;

async function make() {
  const pyodide = await loadPyodide({ indexURL: pyodideDir, fullStdLib: false, _makeSnapshot: true });
  const zip = new Uint8Array(await readFile(path.join(engineDir, "py_tools.zip")));
  const bundleText = await readFile(path.join(engineDir, "bundle.json"), "utf8");
  pyodide.unpackArchive(zip, "zip", { extractDir: "/home/pyodide/engine" });
  pyodide.globals.set("_da_bundle_json", bundleText);
  pyodide.runPython(IMPORT_ENGINE);
  // the JSON library and everything decide/apply import lazily, imported now
  pyodide.runPython(`
import json
_da_browser.decide_json(_da_bundle, next(iter(_da_bundle.trees)), next(iter(_da_bundle.councils)), "{}")
`);
  const bytes = pyodide.makeMemorySnapshot();
  await writeFile(snapshotPath, bytes);
  console.log(JSON.stringify({ snapshot: snapshotPath, bytes: bytes.length }));
}

async function verify() {
  const bytes = new Uint8Array(await readFile(snapshotPath));
  const pyodide = await loadPyodide({ indexURL: pyodideDir, fullStdLib: false, _loadSnapshot: bytes });
  const browser = pyodide.globals.get("_da_browser");
  const bundle = pyodide.globals.get("_da_bundle");
  if (!browser || !bundle) throw new Error("the snapshot holds no engine");
  const tools = JSON.parse(pyodide.runPython("import json; json.dumps(list(_da_bundle.trees))"));
  const councils = JSON.parse(pyodide.runPython("json.dumps(list(_da_bundle.councils))"));
  const step = JSON.parse(browser.decide_json(bundle, tools[0], councils[0], "{}"));
  if (!step || !Array.isArray(step.asked)) throw new Error("decide on the restored snapshot failed");
  // compare with a decision from a fresh bundle.json load: the snapshot must hold today's rules
  const fresh = await readFile(path.join(engineDir, "bundle.json"), "utf8");
  pyodide.globals.set("_da_check", fresh);
  const same = pyodide.runPython("import json; json.dumps(_da_browser.load(_da_check) == _da_bundle)");
  if (same !== "true") throw new Error("the snapshot's rules differ from bundle.json");
  console.log(JSON.stringify({ verified: snapshotPath, step: step.type }));
}

try {
  await (mode === "make" ? make() : verify());
} catch (err) {
  console.error(`snapshot ${mode} failed: ${err && err.stack || err}`);
  process.exit(1);
}
