"""MkDocs build hooks: validate the rules, generate council and tool pages and the
navigation from the data, and write the browser runtime into the built site.

Adding a council is data only (decision_trees/councils/<code>/ and its policy pages):
its landing page, tool pages and navigation come from here.
"""
from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from py_tools.rules import anchors, build, loader  # noqa: E402
from py_tools.site_build import service_site, site_scope

OPTIONAL_PAGES = (("Compare councils", "compare.md"), ("Support services", "services.md"),
                  ("Privacy", "privacy.md"), ("Performance", "performance.md"),
                  ("Glossary", "glossary.md"))

_state: dict = {}
# `make dev` (DA_DEV=1): live reload skips the slow steps (gzip copies, the Pyodide boot
# snapshot) and, when a rule file is broken, keeps the last valid rules and shows the
# errors (file:line) in the terminal and on every page instead of stopping the server.
DEV = os.environ.get("DA_DEV", "") not in ("", "0")
_last_good: dict = {}
if __name__ != "py_tools.site_build.mkdocs_hooks":
    # MkDocs loads this file by path; the macros import it as py_tools.site_build.mkdocs_hooks. Share
    # one state, so that a rebuild under `mkdocs serve` reloads the rules for both.
    import py_tools.site_build.mkdocs_hooks as _shared  # noqa: E402
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
            from py_tools.site_build import dev
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


def rules_page(council: str, tool: str) -> str:
    """How a tool decides for a council: flowchart and plain-language outline."""
    return f"rules/{council}/{tool}.md"


def signoff_page(council: str) -> str:
    return f"rules/{council}/sign-off.md"


SAFETY_PAGES = (("Before you use Exit this page", "safety/exit-this-page.md"),
                ("Staying safe online", "safety/staying-safe-online.md"))


def on_config(config):
    _state.clear()
    try:
        site_scope.set_current(site_scope.chosen(config))
    except site_scope.ScopeError as exc:
        raise PluginError(str(exc)) from None
    import shutil as _shutil
    from py_tools.publications import flowchart
    if _shutil.which(flowchart.DOT) is None:
        raise PluginError(flowchart.INSTALL_HINT)
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
        section.append({"Rules and sign-off": [{f"{tree.title}: how it decides": rules_page(code, tool)}
                                               for tool, tree in bundle.trees.items()]
                        + [{"Sign-off sheet": signoff_page(code)}, {"Duty coverage": coverage_page(code)},
                           {service_site.CORRECTIONS_TITLE: service_site.corrections_page(code)}]})
        nav.append({council.short: section})
        sections.append(nav[-1])
    nav.append({"Decision tools": ["tools/index.md",
                                   {"Same case, all councils": "tools/all-councils.md"}]})
    nav.append({"What changed in the rules": "rules/changes.md"})
    for title, page in OPTIONAL_PAGES:
        if (docs / page).exists():
            nav.append({title: page})
    safety = [{title: page} for title, page in SAFETY_PAGES if (docs / page).exists()]
    if safety:
        nav.append({"Staying safe": safety})
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
                                    f"{{{{ council_overview('{code}') }}}}\n\n"
                                    f"{{{{ service_corrections_link('{code}') }}}}\n"))
        for tool, tree in bundle.trees.items():
            files.append(_generated(config, tool_page(code, tool),
                                    f"---\ntitle: {tree.title} ({council.short})\ncouncil: {code}\n"
                                    f"tool: {tool}\n---\n\n# {tree.title}: {council.short}\n\n"
                                    f"{{{{ review_notices('{code}', '{tool}') }}}}\n\n"
                                    f"{_safety_note(docs_of(config), 2)}"
                                    f"{{{{ tool_widget('{tool}', '{code}') }}}}\n\n"
                                    f"{_review_note(tree.title, council.short, code, tool)}"))
            files.append(_generated(config, rules_page(code, tool),
                                    f"---\ntitle: \"{tree.title}: how it decides ({council.short})\"\n"
                                    f"council: {code}\ntool: {tool}\nsearch:\n  boost: 0.05\n---\n\n"
                                    f"# {tree.title}: how it decides ({council.short})\n\n"
                                    f"{{{{ tool_rules('{tool}', '{code}') }}}}\n"))
        files.append(_generated(config, signoff_page(code),
                                f"---\ntitle: Sign-off sheet ({council.short})\ncouncil: {code}\n"
                                f"signoff: true\nsearch:\n  exclude: true\n---\n\n"
                                f"# Sign-off sheet: {council.name}\n\n"
                                f"Every path of every decision tool for {council.short}, in plain words: the "
                                f"answers, then what the tool says to do, with the policy paragraph. Check each "
                                f"against the policy documents below and sign at the end of each tool.\n\n"
                                f"{{{{ signoff_sheet('{code}') }}}}\n"))
        files.append(_generated(config, coverage_page(code),
                                f"---\ntitle: Duty coverage ({council.short})\ncouncil: {code}\n---\n\n"
                                f"# Duty coverage: {council.short}\n\n{{{{ duty_coverage('{code}') }}}}\n\n"
                                f"{{{{ service_corrections_link('{code}') }}}}\n"))
        files.append(_generated(config, service_site.corrections_page(code),  # services.yaml checks
                                f"---\ntitle: {service_site.CORRECTIONS_TITLE} ({council.short})\n"
                                f"council: {code}\n---\n\n# {service_site.CORRECTIONS_TITLE}: {council.name}\n\n"
                                f"{{{{ service_corrections('{code}') }}}}\n"))
    # out of the search index, like the sign-off sheets: after a large rule change it lists
    # every path (megabytes), which every first visit would otherwise download and parse
    files.append(_generated(config, "rules/changes.md",
                            "---\ntitle: What changed in the rules\nsearch:\n  exclude: true\n---\n\n"
                            "# What changed in the rules\n\n{{ rules_changes() }}\n"))
    if not files.get_file_from_path("tools/all-councils.md") and not site_scope.one_council(bundle):
        files.append(_generated(config, "tools/all-councils.md",
                                "---\ntitle: Same case, all councils\n---\n\n"
                                "# Same case, all councils\n\n" + _safety_note(docs_of(config), 1)
                                + "{{ all_councils_widget() }}\n"))
    return files


def docs_of(config) -> Path:
    return Path(config["docs_dir"])


def _safety_note(docs: Path, depth: int) -> str:
    """The link to the Exit this page interruption and safety pages, for tool pages (Markdown)."""
    up = "../" * depth
    if not (docs / SAFETY_PAGES[0][1]).exists():
        return ""
    return (f'<p class="da-safety-note" markdown="1">Using this on a shared or work device? Read '
            f'[how Exit this page works]({up}{SAFETY_PAGES[0][1]}) and '
            f'[staying safe online]({up}{SAFETY_PAGES[1][1]}).</p>\n\n')


def _review_note(title: str, short: str, council: str, tool: str) -> str:
    return (f"**How this tool decides.** For policy leads and reviewers: "
            f"[{title}: how it decides ({short})](../../{rules_page(council, tool)}) shows the rules as a "
            f"flowchart and in words; the [sign-off sheet for {short}](../../{signoff_page(council)}) lists "
            f"every path to check and sign; [What changed](../../rules/changes.md) lists what changed since "
            f"the last release.\n")


def on_page_markdown(markdown, **kwargs):
    """A one-council build has no comparison pages: links to them go (site_scope.py)."""
    page = kwargs.get("page")
    if "published" in _state and page is not None and page.file.src_uri == site_scope.GLOSSARY:
        markdown = site_scope.glossary(markdown, _state["published"])
    return site_scope.strip_links(markdown, rules())


def on_page_content(html, **kwargs):
    """Abbreviations explained on keyboard focus too (Material shows the tooltip)."""
    if _state.get("dev_errors"):  # make dev: the rule errors on every page
        from py_tools.site_build import dev
        html = dev.errors_html(_state["dev_errors"]) + html
    html = service_site.policy_notes(html, kwargs.get("page"), rules())  # numbers not the service's own
    return html.replace("<abbr title=", '<abbr tabindex="0" title=')


_BLOCKING_SCRIPT = re.compile(r'<script src="([^"]+)"(?![^>]*\basync\b)[^>]*>')
_AFTER_CSP = '<meta name="referrer" content="no-referrer">'  # the last tag of main.html's csp()


def preload_scripts(output: str) -> str:
    """A `<link rel="preload">` early in the head (just after the Content Security Policy) for
    each blocking script of the page: the head's (material-state.js, search-on-demand.js) and
    those at the end of the body (Material's bundle, the tools' widget.js). On a slow link
    Chromium otherwise fetches them one after another, and the tools mount only after them."""
    anchor = output.find(_AFTER_CSP)
    if not 0 <= anchor < output.find("</head>"):
        return output
    anchor += len(_AFTER_CSP)
    links = "".join(f'<link rel="preload" href="{src}" as="script">'
                    for src in dict.fromkeys(_BLOCKING_SCRIPT.findall(output, anchor)))
    return output[:anchor] + links + output[anchor:]


def on_post_page(output, **kwargs):
    """Abbreviations explained wherever a glossary term appears in a page's article: once per
    page, for the words the Markdown abbreviations do not reach (generated tables, outlines,
    tools, the page's metadata). The page's scripts preloaded from the head."""
    from py_tools.engine import render
    output = preload_scripts(output)
    start, end = output.find("<article"), output.rfind("</article>")
    if start < 0 or end < start:
        return output
    glossary = rules().glossary
    article = output[start:end]
    done = render.abbreviated(article, glossary)
    return output[:start] + render.abbreviate(article, glossary, done) + output[end:]


# A numbered paragraph in a policy page's Markdown: `[8.23](#dover-8-23){: #dover-8-23 .para-num} Text`
_PARA = re.compile(r"^\[([0-9][0-9.]*)\]\(#([a-z0-9-]+)\)\{:\s*#\2\s+\.para-num\s*\}\s*(.*)$", re.M)
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)(\{[^}]*\})?")


def paragraph_entries(docs: Path, short_names: dict[str, str]) -> list[dict]:
    """One search entry per numbered policy paragraph, titled as it is cited ("Dover 8.23"),
    so a search for a paragraph number lands on the paragraph itself."""
    from html import escape
    entries = []
    for page in sorted((docs / "policies").glob("*.md")):
        meta = anchors.front_matter(page)
        if (meta.get("search") or {}).get("exclude"):
            continue
        for number, anchor, text in _PARA.findall(page.read_text(encoding="utf-8")):
            council = anchor.split("-", 1)[0]
            plain = _MD_LINK.sub(r"\1", text).replace("**", "").strip()
            entries.append({"location": f"policies/{page.stem}/#{anchor}",
                            "title": f"{short_names.get(council, council)} {number}",
                            "text": f"<p>{escape(plain, quote=False)}</p>"})
    return entries


def _search_paragraphs(config) -> None:
    index = Path(config["site_dir"]) / "search" / "search_index.json"
    if not index.exists():
        return
    data = json.loads(index.read_text(encoding="utf-8"))
    pages = {d["location"] for d in data["docs"]}
    extra = [e for e in paragraph_entries(Path(config["docs_dir"]), anchors.shorts(rules()))
             if e["location"] not in pages and e["location"].split("#")[0] in pages]
    data["docs"] += extra
    index.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")


def on_post_build(config):
    _search_paragraphs(config)  # after Material's search plugin has written its index,
    #                             before the runtime step writes its .gz and .br copies
    # the runtime, the engine and one rule bundle per council under versioned or
    # content-hashed folders, and the boot snapshot when the build's boot is `snapshot`
    # (a snapshot that fails stops the build): see py_tools/site_build/site_runtime.py. `make dev`
    # skips the slow steps (the plain boot, no snapshot, no .gz or .br copies).
    from py_tools.site_build import site_runtime
    try:
        site_runtime.post_build(config, rules(), dev=DEV)
    except site_runtime.RuntimeBuildError as exc:
        raise PluginError(str(exc)) from None
