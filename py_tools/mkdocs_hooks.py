"""MkDocs build hooks: validate the rules, generate council and tool pages and the
navigation from the data, and write the browser runtime into the built site.

Adding a council is data only (decision_trees/councils/<code>/ and its policy pages):
its landing page, tool pages and navigation come from here.
"""
from __future__ import annotations

import gzip
import os
import shutil
import sys
import zipfile
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from py_tools import anchors, build, loader  # noqa: E402

PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
                 "pyodide-lock.json")
# The engine modules the browser needs: no YAML, no file I/O.
BROWSER_MODULES = ("__init__.py", "model.py", "engine.py", "record.py", "render.py", "browser.py",
                   "deadlines.py", "review.py")
COMPRESS = (".wasm", ".mjs", ".js", ".json", ".zip", ".css", ".html")
OPTIONAL_PAGES = (("Compare councils", "compare.md"), ("Support services", "services.md"),
                  ("Privacy", "privacy.md"), ("Performance", "performance.md"),
                  ("Glossary", "glossary.md"))

_state: dict = {}
# `make dev` (DA_DEV=1): live reload skips the slow steps (gzip copies, the Pyodide boot
# snapshot) and, when a rule file is broken, keeps the last valid rules and shows the
# errors (file:line) in the terminal and on every page instead of stopping the server.
DEV = os.environ.get("DA_DEV", "") not in ("", "0")
_last_good: dict = {}
if __name__ != "py_tools.mkdocs_hooks":
    # MkDocs loads this file by path; the macros import it as py_tools.mkdocs_hooks. Share
    # one state, so that a rebuild under `mkdocs serve` reloads the rules for both.
    import py_tools.mkdocs_hooks as _shared  # noqa: E402
    _state, _last_good = _shared._state, _shared._last_good


def rules():
    """The validated bundle for this build (loaded once per build)."""
    if "bundle" not in _state:
        try:
            _state["bundle"] = build.load()
            build.check_coverage(_state["bundle"])
            _last_good["bundle"] = _state["bundle"]
        except (loader.LoadError, build.InvalidRules) as exc:
            if not (DEV and "bundle" in _last_good):
                raise PluginError(f"decision_trees are invalid:\n{exc}") from None
            from py_tools import dev
            _state["dev_errors"] = dev.report(exc)
            _state["bundle"] = _last_good["bundle"]
    return _state["bundle"]


def tool_page(council: str, tool: str) -> str:
    return f"tools/{council}/{tool}.md"


def coverage_page(council: str) -> str:
    return f"coverage/{council}.md"


def on_config(config):
    _state.clear()
    bundle = rules()
    docs = Path(config["docs_dir"])
    nav = [{"Home": "index.md"}]
    for code, council in bundle.councils.items():
        section = [f"councils/{code}.md"]
        for doc in council.documents:
            meta = anchors.front_matter(docs / doc.page)
            section.append({str(meta.get("title") or doc.title): doc.page})
        section.append({"Decision tools": [{tree.title: tool_page(code, tool)}
                                           for tool, tree in bundle.trees.items()]})
        section.append({"Duty coverage": coverage_page(code)})
        nav.append({council.short: section})
    nav.append({"Decision tools": ["tools/index.md",
                                   {"Same case, all councils": "tools/all-councils.md"}]})
    for title, page in OPTIONAL_PAGES:
        if (docs / page).exists():
            nav.append({title: page})
    config["nav"] = nav
    return config


def _generated(config, path: str, text: str) -> File:
    return File.generated(config, path, content=text)


def on_files(files, config):
    bundle = rules()
    for code, council in bundle.councils.items():
        if not files.get_file_from_path(f"councils/{code}.md"):
            files.append(_generated(config, f"councils/{code}.md",
                                    f"---\ntitle: {council.name}\ncouncil: {code}\n---\n\n"
                                    f"# {council.name}\n\n{{{{ review_notices('{code}') }}}}\n\n"
                                    f"{{{{ council_overview('{code}') }}}}\n"))
        for tool, tree in bundle.trees.items():
            files.append(_generated(config, tool_page(code, tool),
                                    f"---\ntitle: {tree.title} ({council.short})\ncouncil: {code}\n"
                                    f"tool: {tool}\n---\n\n# {tree.title}: {council.short}\n\n"
                                    f"{{{{ review_notices('{code}', '{tool}') }}}}\n\n"
                                    f"{{{{ tool_widget('{tool}', '{code}') }}}}\n"))
        files.append(_generated(config, coverage_page(code),
                                f"---\ntitle: Duty coverage ({council.short})\ncouncil: {code}\n---\n\n"
                                f"# Duty coverage: {council.short}\n\n{{{{ duty_coverage('{code}') }}}}\n"))
    if not files.get_file_from_path("tools/all-councils.md"):
        files.append(_generated(config, "tools/all-councils.md",
                                "---\ntitle: Same case, all councils\n---\n\n"
                                "# Same case, all councils\n\n{{ all_councils_widget() }}\n"))
    return files


def on_page_content(html, **kwargs):
    """Abbreviations explained on keyboard focus too (Material shows the tooltip)."""
    if _state.get("dev_errors"):  # make dev: the rule errors on every page
        from py_tools import dev
        html = dev.errors_html(_state["dev_errors"]) + html
    return html.replace("<abbr title=", '<abbr tabindex="0" title=')


def _compress(folder: Path) -> None:
    """A .gz copy beside each runtime file, for servers that serve precompressed files."""
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix in COMPRESS:
            packed = gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)
            Path(str(path) + ".gz").write_bytes(packed)


def on_post_build(config):
    bundle = rules()
    site = Path(config["site_dir"])
    engine_dir = site / "assets" / "engine"
    engine_dir.mkdir(parents=True, exist_ok=True)
    (engine_dir / "bundle.json").write_text(build.bundle_json(bundle), encoding="utf-8")
    with zipfile.ZipFile(engine_dir / "py_tools.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for name in BROWSER_MODULES:
            info = zipfile.ZipInfo(f"py_tools/{name}", date_time=(2020, 1, 1, 0, 0, 0))
            archive.writestr(info, (ROOT / "py_tools" / name).read_bytes(), zipfile.ZIP_DEFLATED)
    source = ROOT / "node_modules" / "pyodide"
    if not (source / "pyodide.mjs").exists():
        raise PluginError("node_modules/pyodide is missing: run `npm ci` (make install) first")
    target = site / "assets" / "pyodide"
    target.mkdir(parents=True, exist_ok=True)
    for name in PYODIDE_FILES:
        shutil.copy2(source / name, target / name)
    if DEV:  # make dev: no .gz copies, no boot snapshot (the worker boots plainly)
        return
    _compress(engine_dir)
    _compress(target)
    _compress(site / "assets" / "da")
    # a Pyodide memory snapshot with the engine loaded, verified; skipped with a note
    # on failure (the worker then boots plainly): see py_tools/snapshot.py
    from py_tools import snapshot
    snapshot.make(site)
