"""MkDocs build hooks: validate the rules, generate council and tool pages and the
navigation from the data, and write the browser runtime into the built site.

Adding a council is data only (decision_trees/councils/<code>/ and its policy pages):
its landing page, tool pages and navigation come from here.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from py_tools import anchors, build, loader, site_scope  # noqa: E402

# The engine modules the browser needs: no YAML, no file I/O.
BROWSER_MODULES = ("__init__.py", "model.py", "engine.py", "record.py", "render.py", "browser.py",
                   "deadlines.py", "review.py")
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
            everything = site_scope.shared("everything", _load_complete)
            _last_good["bundle"] = everything
        except (loader.LoadError, build.InvalidRules) as exc:
            if not (DEV and "bundle" in _last_good):
                raise PluginError(f"decision_trees are invalid:\n{exc}") from None
            from py_tools import dev
            _state["dev_errors"] = dev.report(exc)
            everything = _last_good["bundle"]
        # the councils this build publishes (DA_COUNCILS or extra.da_councils): site_scope.py
        _state["all_codes"] = tuple(everything.councils)
        try:
            _state["bundle"] = site_scope.subset(everything, site_scope.current())
        except site_scope.ScopeError as exc:
            raise PluginError(str(exc)) from None
    return _state["bundle"]


def _load_complete():
    """The validated rules, checked complete: never-silent actions, duty coverage."""
    bundle = build.load()
    build.check_coverage(bundle)
    return bundle


def tool_page(council: str, tool: str) -> str:
    return f"tools/{council}/{tool}.md"


def coverage_page(council: str) -> str:
    return f"coverage/{council}.md"


def on_config(config):
    _state.clear()
    try:
        site_scope.set_current(site_scope.chosen(config))
    except site_scope.ScopeError as exc:
        raise PluginError(str(exc)) from None
    bundle = rules()
    docs = Path(config["docs_dir"])
    nav = [{"Home": "index.md"}]
    sections = []
    for code, council in bundle.councils.items():
        section = [f"councils/{code}.md"]
        for doc in council.documents:
            meta = anchors.front_matter(docs / doc.page)
            section.append({str(meta.get("title") or doc.title): doc.page})
        section.append({"Decision tools": [{tree.title: tool_page(code, tool)}
                                           for tool, tree in bundle.trees.items()]})
        section.append({"Duty coverage": coverage_page(code)})
        nav.append({council.short: section})
        sections.append(nav[-1])
    nav.append({"Decision tools": ["tools/index.md",
                                   {"Same case, all councils": "tools/all-councils.md"}]})
    for title, page in OPTIONAL_PAGES:
        if (docs / page).exists():
            nav.append({title: page})
    config["nav"] = site_scope.adjust_nav(nav, bundle, sections)
    return config


def _generated(config, path: str, text: str) -> File:
    return File.generated(config, path, content=text)


def on_files(files, config):
    bundle = rules()
    for file in list(files):  # other councils' pages, comparisons for one council
        if file.src_uri.endswith(".md") and site_scope.left_out(
                bundle, _state["all_codes"], file.src_uri,
                anchors.front_matter(Path(file.abs_src_path)).get("council") if file.abs_src_path else None):
            files.remove(file)
    if site_scope.current() is not None:  # the glossary keeps what these pages and rules use
        _state["published"] = "\n".join(
            [Path(f.abs_src_path).read_text(encoding="utf-8") for f in files
             if f.src_uri.endswith(".md") and f.abs_src_path and f.src_uri != site_scope.GLOSSARY
             and not f.src_uri.startswith("includes/")]
            + [p.read_text(encoding="utf-8") for p in loader.TREES.rglob("*.yaml")
               if p.parent.name in bundle.councils or p.parent == loader.TREES])
    if site_scope.needs_councils_index(bundle) and not files.get_file_from_path(site_scope.COUNCILS_INDEX):
        files.append(_generated(config, site_scope.COUNCILS_INDEX, site_scope.COUNCILS_INDEX_PAGE))
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
    if not files.get_file_from_path("tools/all-councils.md") and not site_scope.one_council(bundle):
        files.append(_generated(config, "tools/all-councils.md",
                                "---\ntitle: Same case, all councils\n---\n\n"
                                "# Same case, all councils\n\n{{ all_councils_widget() }}\n"))
    return files


def on_page_markdown(markdown, **kwargs):
    """A one-council build has no comparison pages: links to them go (site_scope.py)."""
    page = kwargs.get("page")
    if "published" in _state and page is not None and page.file.src_uri == site_scope.GLOSSARY:
        markdown = site_scope.glossary(markdown, _state["published"])
    return site_scope.strip_links(markdown, rules())


def on_page_content(html, **kwargs):
    """Abbreviations explained on keyboard focus too (Material shows the tooltip)."""
    if _state.get("dev_errors"):  # make dev: the rule errors on every page
        from py_tools import dev
        html = dev.errors_html(_state["dev_errors"]) + html
    return html.replace("<abbr title=", '<abbr tabindex="0" title=')


def on_post_build(config):
    # the runtime, the engine and one rule bundle per council under versioned or
    # content-hashed folders, and the boot snapshot when the build's boot is `snapshot`
    # (a snapshot that fails stops the build): see py_tools/site_runtime.py. `make dev`
    # skips the slow steps (the plain boot, no snapshot, no .gz copies).
    from py_tools import site_runtime
    try:
        site_runtime.post_build(config, rules(), BROWSER_MODULES, dev=DEV)
    except site_runtime.RuntimeBuildError as exc:
        raise PluginError(str(exc)) from None
