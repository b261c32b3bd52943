"""The built site in Debian Chromium: policy pages, every page's requests and errors, fidelity
to the sources, citation anchors, search, abbreviations and document metadata.

The site is the strict build of the working tree (conftest `site_dir`), served on localhost.
"""
from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from py_tools.authoring import fidelity

ROOT = Path(__file__).resolve().parent.parent
POLICY_PAGES = {  # url path -> markdown page
    "/policies/rbkc-policy/": "docs/policies/rbkc-policy.md",
    "/policies/rbkc-consultation/": "docs/policies/rbkc-consultation.md",
    "/policies/tmbc-procedure/": "docs/policies/tmbc-procedure.md",
    "/policies/dover-policy/": "docs/policies/dover-policy.md",
    "/policies/camden-hub/": "docs/policies/camden-hub.md",
}
# attr_list ids written in the Markdown: `{: #dover-8-23 .para-num}`, `## Heading {: #camden-x}`
MD_ID = re.compile(r"\{:[^}]*?#([A-Za-z0-9][A-Za-z0-9_-]*)")


def md_ids(md_path: str) -> list[str]:
    return MD_ID.findall((ROOT / md_path).read_text(encoding="utf-8"))


def site_pages(site_dir: Path) -> list[str]:
    """URL path of every built page (each index.html under site_dir)."""
    out = []
    for path in sorted(site_dir.rglob("index.html")):
        rel = path.parent.relative_to(site_dir).as_posix()
        out.append("/" if rel == "." else f"/{rel}/")
    return out


def configured_site_url() -> str:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    match = re.search(r"^site_url:\s*(\S+)", text, re.M)
    return match.group(1) if match else ""


def local_or_data(url: str, site_url: str) -> bool:
    return url.startswith(("data:", "blob:")) or url == site_url or url.startswith(site_url + "/")


# --- policy pages ---------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize("path", list(POLICY_PAGES))
def test_policy_page_renders_with_heading_and_paragraph_anchors(page, site_url, path):
    response = page.goto(site_url + path)
    assert response is not None and response.status == 200
    assert page.locator("article h1").count() == 1
    assert page.locator("article h1").inner_text().strip()
    expected = md_ids(POLICY_PAGES[path])
    assert len(expected) >= 5, f"{POLICY_PAGES[path]} has almost no paragraph anchors"
    present = set(page.evaluate("ids => ids.filter(id => document.getElementById(id))", expected))
    missing = [i for i in expected if i not in present]
    assert not missing, f"{path}: anchors in the Markdown missing from the page: {missing[:10]}"
    council = path.split("/")[2].split("-")[0]
    assert all(i.startswith(council + "-") for i in expected), "anchor ids carry the council prefix"
    assert page.js_errors == []


# --- every page: no JS errors, no request off the local server -------------------------

@pytest.mark.browser
def test_every_page_loads_without_errors_or_off_origin_requests(context, page, site_url, site_dir):
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    failed: list[str] = []
    context.on("requestfailed", lambda r: failed.append(f"{r.url} {r.failure}"))
    pages = site_pages(site_dir)
    assert "/" in pages and "/policies/dover-policy/" in pages and len(pages) >= 20
    tools = 0
    problems: list[str] = []
    started = time.monotonic()
    for path in pages:
        before = len(page.js_errors)
        response = page.goto(site_url + path, wait_until="load")
        if response is None or response.status != 200:
            problems.append(f"{path}: HTTP {response.status if response else None}")
            continue
        if page.locator("[data-tool][data-council]").count():
            tools += 1
            # the worker's requests (Pyodide runtime, engine) are part of the page's load
            page.wait_for_function(
                "() => [...document.querySelectorAll('[data-tool]')]"
                ".every(w => w.getAttribute('data-engine') !== 'loading')", timeout=90_000)
            states = page.eval_on_selector_all("[data-tool]", "ws => ws.map(w => w.dataset.engine)")
            if set(states) != {"ready"}:
                problems.append(f"{path}: engine {states}, status "
                                f"{page.locator('[data-status]').first.inner_text()!r}")
        if page.locator("[data-review-check]").count():
            # the review notice is decided again by the engine for the viewer's date
            page.wait_for_selector("[data-review-check][data-review-checked]", state="attached",
                                   timeout=90_000)
        page.wait_for_load_state("networkidle")
        problems += [f"{path}: JS error: {e}" for e in page.js_errors[before:]]
    print(f"\ncrawled {len(pages)} pages ({tools} with a decision tool) in "
          f"{time.monotonic() - started:.1f} s; {len(requests)} requests")
    assert problems == [], "\n".join(problems)
    assert tools >= 12, "every council has its tool pages"
    assert context.off_origin.blocked == []
    elsewhere = sorted({u for u in requests if not local_or_data(u, site_url)})
    assert elsewhere == [], f"requests to something other than the local server: {elsewhere}"
    assert any("/assets/pyodide/" in u and u.endswith("/pyodide.asm.wasm") for u in requests)
    assert failed == [], failed


THIRD_PARTY_REFS = [
    # (what, pattern capturing the URL); applied to HTML, CSS and JS text alike
    ("<script src>", re.compile(r"<script\b[^>]*?\bsrc\s*=\s*[\"']?(https?://[^\"'\s>]+)", re.I)),
    ("<link href>", re.compile(r"<link\b[^>]*?\bhref\s*=\s*[\"']?(https?://[^\"'\s>]+)", re.I)),
    ("<img src>", re.compile(r"<img\b[^>]*?\bsrc\s*=\s*[\"']?(https?://[^\"'\s>]+)", re.I)),
    ("@import", re.compile(r"@import\s+(?:url\()?\s*[\"']?(https?://[^\"')\s;]+)", re.I)),
    ("url()", re.compile(r"\burl\(\s*[\"']?(https?://[^\"')\s]+)", re.I)),
    ("importScripts()", re.compile(r"importScripts\(\s*[\"'`](https?://[^\"'`]+)")),
    ("import", re.compile(r"\bimport\s*(?:\(|[^;\n]{0,200}?\bfrom)\s*[\"'`](https?://[^\"'`]+)")),
]


def test_no_third_party_asset_urls_in_built_files(site_dir):
    """Statically: nothing in the built HTML/CSS/JS loads an asset from another host.

    Links a reader can follow (`<a href>` in policy text) are not loads and are ignored.
    The page's own canonical address (`site_url` in mkdocs.yml) is the site itself.
    """
    own = urlparse(configured_site_url()).netloc
    allowed = {own, "127.0.0.1", "localhost"} - {""}
    bad = []
    scanned = 0
    for path in sorted(site_dir.rglob("*")):
        if not path.is_file() or path.suffix not in (".html", ".css", ".js", ".mjs"):
            continue
        scanned += 1
        text = path.read_text(encoding="utf-8", errors="replace")
        for what, pattern in THIRD_PARTY_REFS:
            for match in pattern.finditer(text):
                host = urlparse(match.group(1)).netloc
                if host not in allowed:
                    bad.append(f"{path.relative_to(site_dir)}: {what} {match.group(1)}")
        if path.suffix == ".html":
            # Material loads mermaid from unpkg.com for any <pre class="mermaid">
            if re.search(r"class=\"[^\"]*\bmermaid\b", text):
                bad.append(f"{path.relative_to(site_dir)}: a mermaid diagram (Material fetches "
                           f"mermaid.min.js from unpkg.com)")
    assert scanned > 30
    assert bad == [], "\n".join(bad)


# --- fidelity -------------------------------------------------------------------------

def test_every_source_document_has_its_policy_page():
    sources = {p.name for p in (ROOT / "sources").iterdir() if p.name != "README.md"}
    assert len(sources) >= 5 and set(fidelity.documents()) == sources


@pytest.mark.parametrize("source, built", list(fidelity.documents().items()))
def test_fidelity_of_each_policy_page(site_dir, source, built):
    result = fidelity.check(ROOT / "sources" / source, site_dir / built)
    print(f"\nfidelity {source} -> {built}: {result.ratio:.2%} of {result.total} sentences")
    assert result.total > 20, "the source was split into sentences"
    missing = "\n".join(f"   missing: {u[:160]}" for u in result.missing)
    assert result.ratio >= 0.99, f"{built}: {result.ratio:.2%} of {result.total}\n{missing}"


# --- citation anchors -----------------------------------------------------------------

def source_lines(source: str) -> list[str]:
    return [line.strip() for line in (ROOT / "sources" / source).read_text(encoding="utf-8").splitlines()]


def source_paragraph(source: str, number: str) -> str:
    """The text the source prints after paragraph number `number`."""
    pattern = re.compile(r"^(?:[-*\u2022\uf0b7]\s*)?" + re.escape(number) + r"\s+(\S.*)$")
    found = [m.group(1) for line in source_lines(source) if (m := pattern.match(line))]
    assert found, f"paragraph {number} not found in {source}"
    return found[-1]


def source_after_heading(source: str, heading: str) -> str:
    """The first line of text under `heading` in the source (skipping its contents list entry)."""
    lines = [line for line in source_lines(source) if line]
    for i, line in enumerate(lines[:-1]):
        if line.rstrip(".:") == heading.rstrip(".:") and len(lines[i + 1]) > 80:
            return lines[i + 1]
    raise AssertionError(f"heading {heading!r} with text under it not found in {source}")


def first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?;])\s", text, maxsplit=1)[0]


ANCHORS = [
    # (url path, anchor id, source file, paragraph number or heading, a word the source uses there)
    ("/policies/dover-policy/", "dover-8-23", "003_d78f95123ae12777.txt", ("para", "8.23"), "children"),
    ("/policies/rbkc-policy/", "rbkc-5-18", "000_004056abf9b6a9b4.txt", ("para", "5.18"), "safeguarding"),
    ("/policies/tmbc-procedure/", "tmbc-4", "002_21ee3fa6e228c0ef.txt",
     ("heading", "4. DASH RIC and Safeguarding"), "DASH"),
    ("/policies/camden-hub/", "camden-referral-to-marac", "004_2cee0b6ff91f94e9.txt",
     ("heading", "Referral to MARAC"), "MARAC"),
]


@pytest.mark.browser
@pytest.mark.parametrize("path, anchor, source, where, word", ANCHORS,
                         ids=[a[1] for a in ANCHORS])
def test_citation_anchor_resolves_to_the_source_text(page, site_url, path, anchor, source, where, word):
    response = page.goto(f"{site_url}{path}#{anchor}")
    assert response is not None and response.status == 200
    element = page.locator(f"[id='{anchor}']")
    assert element.count() == 1, f"no single element with id {anchor}"
    assert page.evaluate("() => document.querySelector(':target') && document.querySelector(':target').id") \
        == anchor
    kind, locator = where
    if kind == "para":
        # the id sits on the paragraph number; the paragraph is its enclosing block
        text = element.evaluate("e => (e.closest('p, li, td, dd, div') || e).textContent")
        expected = source_paragraph(source, locator)
        assert locator in element.inner_text()
    else:
        text = element.inner_text()
        assert fidelity.squash(locator).rstrip(".:") in fidelity.squash(text)
        text += element.evaluate("e => e.nextElementSibling ? e.nextElementSibling.textContent : ''")
        expected = first_sentence(source_after_heading(source, locator))
    assert fidelity.squash(expected) in fidelity.squash(text), \
        f"#{anchor} does not hold what the source says there:\n  source: {expected[:200]}\n  page: {text[:200]}"
    assert word.lower() in text.lower()
    assert page.js_errors == []


# --- search ---------------------------------------------------------------------------

@pytest.mark.browser
def test_search_for_marac_finds_all_four_councils(page, site_url):
    page.goto(site_url + "/")
    page.keyboard.press("/")  # Material's search shortcut
    box = page.locator("input.md-search__input")
    box.wait_for(state="visible")
    box.fill("MARAC")
    box.press("End")  # a key event: Material searches on keyup
    page.locator(".md-search-result__item").first.wait_for(timeout=20_000)
    # Material renders 10 results, then 4 more each time the list is scrolled to its end
    meta = page.locator(".md-search-result__meta").inner_text()
    total = int(re.search(r"\d+", meta).group(0)) if re.search(r"\d+", meta) else 0
    for _ in range(40):
        if page.locator(".md-search-result__item").count() >= total:
            break
        page.evaluate("() => { const s = document.querySelector('.md-search__scrollwrap'); s.scrollTop = 0; }")
        page.wait_for_timeout(50)
        page.evaluate("() => { const s = document.querySelector('.md-search__scrollwrap'); "
                      "s.scrollTop = s.scrollHeight; }")
        page.wait_for_timeout(200)
    assert page.locator(".md-search-result__item").count() == total, meta
    hrefs = page.eval_on_selector_all(".md-search-result__link", "as => as.map(a => a.href)")
    found = {urlparse(h).path for h in hrefs}
    for expected in ("/policies/rbkc-policy/", "/policies/tmbc-procedure/",
                     "/policies/dover-policy/", "/policies/camden-hub/"):
        assert expected in found, f"search for MARAC does not list {expected}: {sorted(found)}"
    assert page.js_errors == []


# --- abbreviations --------------------------------------------------------------------

@pytest.mark.browser
def test_marac_abbreviation_is_explained_and_reachable_by_keyboard(page, site_url):
    page.goto(site_url + "/policies/dover-policy/")
    glossary = (ROOT / "docs" / "includes" / "abbreviations.md").read_text(encoding="utf-8")
    meaning = re.search(r"^\*\[MARAC\]:\s*(.+)$", glossary, re.M).group(1).strip()
    abbr = page.locator("article abbr[title]", has_text=re.compile(r"^MARAC$"))
    assert abbr.count() > 0, "no <abbr title> for MARAC on the Dover policy page"
    assert abbr.first.get_attribute("title") == meaning
    # keyboard users must be able to reach the explanation: the abbr takes focus...
    tab_index = abbr.first.evaluate("e => e.tabIndex")
    assert tab_index >= 0, (
        "abbr elements are not keyboard-focusable (tabIndex -1), so the meaning shows only on "
        "mouse hover, though the glossary says abbreviations are explained when you focus them. "
        "Needs tabindex=\"0\" on abbr[title] (e.g. in a build hook) and Material's "
        "`content.tooltips` feature, which shows the title as a tooltip on focus.")
    abbr.first.focus()
    # ...and on focus the meaning is shown on screen (Material's tooltip, `content.tooltips`)
    page.wait_for_function(
        """meaning => [...document.querySelectorAll('.md-tooltip2--active, [role=tooltip]')]
               .some(t => t.textContent.includes(meaning) && t.getBoundingClientRect().width > 0)""",
        arg=meaning, timeout=3_000)


# --- document metadata ----------------------------------------------------------------

@pytest.mark.browser
def test_policy_page_shows_approval_and_review_dates(page, site_url):
    meta = yaml.safe_load((ROOT / "docs/policies/dover-policy.md").read_text(encoding="utf-8")
                          .split("---")[1])
    page.goto(site_url + "/policies/dover-policy/")
    content = page.locator(".md-content").evaluate("e => e.textContent")
    first_section = content.find("Introduction")
    head = content[:first_section] if first_section > 0 else content
    assert "Review due" in head, "the review date is not at the top of the page"
    assert "Approved" in head and str(meta["approved"]) in head
    # review_due may be printed in another date format: its year must be there
    assert str(meta["review_due"])[:4] in head


PLACEHOLDER = re.compile(r"\{[a-z][a-z0-9_]{2,}\}")


def test_no_unfilled_placeholders_on_any_built_page(site_dir):
    """Every `{name}` in a rule text is filled with the council's number wherever text is
    rendered: compare, outlines, services, tool pages, coverage pages, the first steps."""
    pages = sorted(site_dir.rglob("*.html"))
    assert len(pages) > 30
    left = {}
    for path in pages:
        text = re.sub(r"<script\b.*?</script>", "", path.read_text(encoding="utf-8"), flags=re.S)
        found = PLACEHOLDER.findall(text)
        if found:
            left[str(path.relative_to(site_dir))] = sorted(set(found))
    assert not left, left
    # and the check would see one
    assert PLACEHOLDER.findall("<p>refer cases of {marac_threshold}+ ticks</p>")


@pytest.mark.browser
def test_every_page_preloads_its_blocking_scripts_early_and_fetches_each_once(context, page, site_url, site_dir):
    """On a slow link Chromium fetched a page's scripts one after another (a round trip each)
    and the tools mounted only after the last: each blocking script is preloaded just after the
    Content Security Policy, and the browser reuses the preload (one request per script)."""
    script = re.compile(r'<script src="([^"]+)"(?![^>]*\basync\b)[^>]*>')
    for html_file in sorted(site_dir.rglob("index.html")):
        text = html_file.read_text(encoding="utf-8")
        head = text[:text.index("</head>")]
        csp, first_script = head.index("Content-Security-Policy"), head.find("<script")
        preloads = re.findall(r'<link rel="preload" href="([^"]+)" as="script">', head)
        where = html_file.relative_to(site_dir)
        assert set(preloads) == set(script.findall(text)), where
        assert preloads and all(csp < head.index(f'href="{src}" as="script"') < first_script
                                for src in preloads), where
    seen: list[str] = []
    context.on("request", lambda r: seen.append(r.url) if r.resource_type == "script" else None)
    page.goto(site_url + "/tools/dover/contractor-duties/")
    page.wait_for_selector("[data-tool=contractor-duties][data-engine=ready]", timeout=120_000)
    names = [urlparse(url).path.rsplit("/", 1)[-1] for url in seen]
    assert "widget.js" in names and any(n.startswith("bundle.") for n in names)
    assert len(names) == len(set(names)), f"a script fetched twice: {sorted(names)}"
