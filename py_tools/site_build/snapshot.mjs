// Build step (called from py_tools/site_build/snapshot.py after the runtime is written): boot Pyodide
// in Node, import the engine, and save the memory as assets/engine/<hash>/snapshot.bin, so
// the browser's worker can restore it instead of starting Python and importing the engine.
// The snapshot holds no rules: the worker loads its council's bundle after restoring it.
//
//   node py_tools/site_build/snapshot.mjs make   SITE_DIR   -> writes the snapshot (see build.json)
//   node py_tools/site_build/snapshot.mjs verify SITE_DIR   -> restores it and runs a decision for every
//                                                   council's rules and for all of them together
//
// The worker reads the engine module back from the Python global `_da_browser`.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [mode, siteDir] = process.argv.slice(2);
if (!["make", "verify"].includes(mode) || !siteDir) {
  console.error("usage: node py_tools/site_build/snapshot.mjs make|verify SITE_DIR");
  process.exit(2);
}
const assets = path.resolve(siteDir, "assets");
const build = JSON.parse(await readFile(path.join(assets, "engine", "build.json"), "utf8"));
const pyodideDir = path.join(assets, build.pyodide) + path.sep;
const engineDir = path.join(assets, build.engine);
const rulesDir = path.join(assets, build.rules);
const snapshotPath = path.join(engineDir, "snapshot.bin");
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);

function stdlibOption() {
  return build.stdlib ? { stdLibURL: path.join(assets, build.stdlib) } : {};
}

// Must match what overrides/assets/da/worker.js does on its plain boot.
const IMPORT_ENGINE = `
import sys
sys.path.insert(0, '/home/pyodide/engine')
import py_tools.engine.browser as _da_browser
`;

// Everything decide/apply/apply_all import lazily, imported now (then forgotten).
const WARM = `
import json
_b = _da_browser.load(_da_rules)
_t = next(iter(_b.trees)); _c = next(iter(_b.councils))
_da_browser.decide_json(_b, _t, _c, "{}")
_da_browser.apply(_b, _t, _c, "{}", '{"type": "start"}', "u", "", "1 January 2026")
_da_browser.apply_all(_b, _t, "{}", '{"type": "start"}', "u", "", "1 January 2026")
del _b, _t, _c, _da_rules
`;

async function make() {
  const pyodide = await loadPyodide({ indexURL: pyodideDir, fullStdLib: false, _makeSnapshot: true,
    ...stdlibOption() });
  const zip = new Uint8Array(await readFile(path.join(engineDir, "py_tools.zip")));
  pyodide.unpackArchive(zip, "zip", { extractDir: "/home/pyodide/engine" });
  pyodide.runPython(IMPORT_ENGINE);
  pyodide.globals.set("_da_rules", await readFile(path.join(rulesDir, build.councils[0] + ".json"), "utf8"));
  pyodide.runPython(WARM);
  const bytes = pyodide.makeMemorySnapshot();
  await writeFile(snapshotPath, bytes);
  console.log(JSON.stringify({ snapshot: snapshotPath, bytes: bytes.length }));
}

async function verify() {
  const bytes = new Uint8Array(await readFile(snapshotPath));
  const pyodide = await loadPyodide({ indexURL: pyodideDir, fullStdLib: false, _loadSnapshot: bytes,
    ...stdlibOption() });
  const browser = pyodide.globals.get("_da_browser");
  if (!browser || typeof browser.apply !== "function") throw new Error("the snapshot holds no engine");
  const texts = [];
  for (const code of build.councils) texts.push(await readFile(path.join(rulesDir, code + ".json"), "utf8"));
  pyodide.globals.set("_da_texts", texts);
  pyodide.runPython(`
import json
for _text in _da_texts:
    _b = _da_browser.load(_text)
    _c = next(iter(_b.councils))
    for _t in _b.trees:
        _step = json.loads(_da_browser.decide_json(_b, _t, _c, "{}"))
        if _step.get("type") not in ("question", "outcome"):
            raise AssertionError(f"decide {_t} for {_c} on the restored snapshot: {_step}")
_all = _da_browser.load_many(_da_texts)
if list(_all.councils) != [next(iter(_da_browser.load(t).councils)) for t in _da_texts]:
    raise AssertionError("load_many lost a council")
for _t in _all.trees:
    if json.loads(_da_browser.apply_all(_all, _t, "{}", '{"type": "start"}', "u", "", ""))["type"] not in ("question", "outcome"):
        raise AssertionError(f"apply_all {_t} on the restored snapshot failed")
`);
  console.log(JSON.stringify({ verified: snapshotPath, councils: build.councils.length }));
}

try {
  await (mode === "make" ? make() : verify());
} catch (err) {
  console.error(`snapshot ${mode} failed: ${err && err.stack || err}`);
  process.exit(1);
}
