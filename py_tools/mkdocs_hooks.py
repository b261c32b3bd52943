"""MkDocs build hooks: validate the rules, generate council and tool pages and the
navigation from the data, and write the browser runtime into the built site.

Adding a council is data only (decision_trees/councils/<code>/ and its policy pages):
its landing page, tool pages and navigation come from here.
"""
from __future__ import annotations

import gzip
import json
import re
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
                   "deadlines.py")
COMPRESS = (".wasm", ".mjs", ".js", ".json", ".zip", ".css", ".html")
OPTIONAL_PAGES = (("Compare councils", "compare.md"), ("Support services", "services.md"),
                  ("Privacy", "privacy.md"), ("Performance", "performance.md"),
                  ("Glossary", "glossary.md"))

_state: dict = {}


def rules():
    """The validated bundle for this build (loaded once per build)."""
    if "bundle" not in _state:
        try:
            _state["bundle"] = build.load()
        except (loader.LoadError, build.InvalidRules) as exc:
            raise PluginError(f"decision_trees are invalid:\n{exc}") from None
    return _state["bundle"]


def tool_page(council: str, tool: str) -> str:
    return f"tools/{council}/{tool}.md"


def rules_page(council: str, tool: str) -> str:
    """How a tool decides for a council: flowchart and plain-language outline."""
    return f"rules/{council}/{tool}.md"


def signoff_page(council: str) -> str:
    return f"rules/{council}/sign-off.md"


SAFETY_PAGES = (("Before you use Exit this page", "safety/exit-this-page.md"),
                ("Staying safe online", "safety/staying-safe-online.md"))


def on_config(config):
    _state.clear()
    import shutil as _shutil
    from py_tools import flowchart
    if _shutil.which(flowchart.DOT) is None:
        raise PluginError(flowchart.INSTALL_HINT)
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
        section.append({"Rules and sign-off": [{f"{tree.title}: how it decides": rules_page(code, tool)}
                                               for tool, tree in bundle.trees.items()]
                        + [{"Sign-off sheet": signoff_page(code)}]})
        nav.append({council.short: section})
    nav.append({"Decision tools": ["tools/index.md",
                                   {"Same case, all councils": "tools/all-councils.md"}]})
    nav.append({"What changed in the rules": "rules/changes.md"})
    for title, page in OPTIONAL_PAGES:
        if (docs / page).exists():
            nav.append({title: page})
    safety = [{title: page} for title, page in SAFETY_PAGES if (docs / page).exists()]
    if safety:
        nav.append({"Staying safe": safety})
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
                                    f"# {council.name}\n\n{{{{ council_overview('{code}') }}}}\n"))
        for tool, tree in bundle.trees.items():
            files.append(_generated(config, tool_page(code, tool),
                                    f"---\ntitle: {tree.title} ({council.short})\ncouncil: {code}\n"
                                    f"tool: {tool}\n---\n\n# {tree.title}: {council.short}\n\n"
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
    files.append(_generated(config, "rules/changes.md",
                            "---\ntitle: What changed in the rules\nsearch:\n  boost: 0.05\n---\n\n"
                            "# What changed in the rules\n\n{{ rules_changes() }}\n"))
    if not files.get_file_from_path("tools/all-councils.md"):
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


def on_page_content(html, **kwargs):
    """Abbreviations explained on keyboard focus too (Material shows the tooltip)."""
    return html.replace("<abbr title=", '<abbr tabindex="0" title=')


def on_post_page(output, **kwargs):
    """Abbreviations explained wherever a glossary term appears in a page's article: once per
    page, for the words the Markdown abbreviations do not reach (generated tables, outlines,
    tools, the page's metadata)."""
    from py_tools import render
    start, end = output.find("<article"), output.rfind("</article>")
    if start < 0 or end < start:
        return output
    glossary = rules().glossary
    article = output[start:end]
    done = render.abbreviated(article, glossary)
    return output[:start] + render.abbreviate(article, glossary, done) + output[end:]


def _compress(folder: Path) -> None:
    """A .gz copy beside each runtime file, for servers that serve precompressed files."""
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix in COMPRESS:
            packed = gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)
            Path(str(path) + ".gz").write_bytes(packed)


# A numbered paragraph in a policy page's Markdown: `[8.23](#dover-8-23){: #dover-8-23 .para-num} Text`
_PARA = re.compile(r"^\[([0-9][0-9.]*)\]\(#([a-z0-9-]+)\)\{:\s*#\2\s+\.para-num\s*\}\s*(.*)$", re.M)
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)(\{[^}]*\})?")


def paragraph_entries(docs: Path) -> list[dict]:
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
                            "title": f"{anchors.SHORT.get(council, council)} {number}",
                            "text": f"<p>{escape(plain, quote=False)}</p>"})
    return entries


def _search_paragraphs(config) -> None:
    index = Path(config["site_dir"]) / "search" / "search_index.json"
    if not index.exists():
        return
    data = json.loads(index.read_text(encoding="utf-8"))
    pages = {d["location"] for d in data["docs"]}
    extra = [e for e in paragraph_entries(Path(config["docs_dir"]))
             if e["location"] not in pages and e["location"].split("#")[0] in pages]
    data["docs"] += extra
    index.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")


def on_post_build(config):
    bundle = rules()
    _search_paragraphs(config)  # runs after Material's search plugin has written its index
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
    _compress(engine_dir)
    _compress(target)
    _compress(site / "assets" / "da")
    # a Pyodide memory snapshot with the engine loaded, verified; skipped with a note
    # on failure (the worker then boots plainly): see py_tools/snapshot.py
    from py_tools import snapshot
    snapshot.make(site)
