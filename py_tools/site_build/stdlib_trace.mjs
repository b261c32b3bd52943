// Build step (py_tools/site_build/site_runtime.py): which standard-library files the engine uses.
// Boots Pyodide in Node with the full standard library, imports the engine, drives every
// tool through the same entry points the worker calls (start, answers, bad answers, back,
// change, restart, the report time, the all-councils view), and prints the files of every
// module then loaded from the standard library, as JSON.
//
//   node py_tools/site_build/stdlib_trace.mjs SITE_DIR
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

const siteDir = process.argv[2];
const assets = path.resolve(siteDir, "assets");
const build = JSON.parse(await readFile(path.join(assets, "engine", "build.json"), "utf8"));
const pyodideDir = path.join(assets, build.pyodide) + path.sep;
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);

try {
  const py = await loadPyodide({ indexURL: pyodideDir, fullStdLib: false });
  py.unpackArchive(new Uint8Array(await readFile(path.join(assets, build.engine, "py_tools.zip"))), "zip",
    { extractDir: "/home/pyodide/engine" });
  const texts = [];
  for (const code of build.councils.slice(0, 2)) texts.push(await readFile(path.join(assets, build.rules, code + ".json"), "utf8"));
  py.globals.set("_texts", texts);
  const files = py.runPython(`
import sys, json
sys.path.insert(0, '/home/pyodide/engine')
import py_tools.engine.browser as b
bundle = b.load(_texts[0])
council = next(iter(bundle.councils))
def walk(tool, apply):
    facts = "{}"
    for message in ({"type": "start"}, {"type": "answer", "fact": "nonsense", "value": "x"},
                    {"type": "answer", "fact": "report_received", "value": "2026-01-05T10:00"},
                    {"type": "answer", "fact": "report_received", "value": "garbage"}):
        facts = json.loads(apply(facts, json.dumps(message)))["facts"]; facts = json.dumps(facts)
    for i in range(40):
        out = json.loads(apply(facts, json.dumps({"type": "start"})))
        if out["type"] != "question":
            break
        fact = b.engine.fact_for(bundle, b.engine.tree_for(bundle, tool), out["fact"])
        if fact.type == "score":
            apply(facts, json.dumps({"type": "answer", "fact": fact.name, "value": "99"}))
            value = str(fact.min or 0)
        else:
            apply(facts, json.dumps({"type": "answer", "fact": fact.name, "value": "not-an-option"}))
            value = (fact.options[i % len(fact.options)].value if fact.options else ("yes" if i % 2 else "no"))
        facts = json.dumps(json.loads(apply(facts, json.dumps({"type": "answer", "fact": fact.name, "value": value})))["facts"])
    apply(facts, json.dumps({"type": "back"}))
    apply(facts, json.dumps({"type": "change", "fact": "immediate_danger"}))
    apply(facts, json.dumps({"type": "restart"}))
for tool in bundle.trees:
    walk(tool, lambda f, m: b.apply(bundle, tool, council, f, m, "u", "", "1 January 2026"))
    b.decide_json(bundle, tool, council, "{}")
everyone = b.load_many(_texts)
for tool in everyone.trees:
    walk(tool, lambda f, m: b.apply_all(everyone, tool, f, m, "u", "", "1 January 2026"))
try:
    b.load("{")
except Exception:
    import traceback; traceback.format_exc()
json.dumps(sorted({m.__file__ for m in list(sys.modules.values()) if getattr(m, "__file__", None)}))
`);
  console.log(files);
} catch (err) {
  console.error(`stdlib trace failed: ${err && err.stack || err}`);
  process.exit(1);
}
