"""Rules that policy leads can read, check and sign off: no code names in front of
users, the plain-language outline, the flowchart, the sign-off sheet, `changes`, abbreviations,
search landing on the paragraph, and the Exit this page pattern.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import ROOT
from py_tools.rules import build, paths
from py_tools.publications import changes, flowchart, outline, rulebook, signoff
from py_tools.engine import engine, render

PAIRS = [(t, c) for t in ("referral-routes", "consent-override", "accommodation-options",
                          "contractor-duties") for c in ("rbkc", "tmbc", "dover", "camden")]


def code_names(bundle) -> set[str]:
    """Fact names, action codes and node names that look like code (snake_case)."""
    names = set(bundle.facts) | {"not_covered"}
    for tree in bundle.trees.values():
        names |= set(tree.facts) | set(tree.actions) | {q.fact for q in tree.questions}
        for council in bundle.councils.values():
            profile = council.tools.get(tree.tool)
            if profile:
                names |= set(profile.actions) | set(profile.not_covered) | set(profile.values)
        for fact in list(tree.facts.values()) + list(bundle.facts.values()):
            names |= {o.value for o in fact.options}
    return {n for n in names if "_" in n}


def found_names(text: str, names: set[str]) -> list[str]:
    return sorted(n for n in names if re.search(r"(?<![\w-])" + re.escape(n) + r"(?![\w-])", text))


class VisibleText(HTMLParser):
    """The text a reader can see or hear: no attributes, scripts or styles (hidden text counts)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self.skip += 1
        for name, value in attrs:  # what assistive technology reads out
            if name in ("aria-label", "title", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def article(html: str) -> str:
    start = html.find("<article")
    end = html.rfind("</article>")
    return html[start:end] if start >= 0 else html


# --- 1. no code names ---------------------------------------------------------------------------

def test_every_widget_step_shows_no_code_names(bundle):
    """Every question and every outcome of every path, rendered by the same Python the browser
    runs, with its decision record."""
    from py_tools.engine.record import record_text
    names = code_names(bundle)
    rendered = 0
    for tool, council in PAIRS:
        seen_prefixes = set()
        for path in paths.enumerate_paths(bundle, tool, council):
            facts = {}
            for answer in path.answers + (None,):
                key = tuple(sorted(facts.items(), key=str))
                if key not in seen_prefixes:
                    seen_prefixes.add(key)
                    step = engine.decide(bundle, tool, council, facts)
                    record = record_text(bundle, step, "2026-01-01") if step["type"] == "outcome" else ""
                    html = render.render_step(step, "u", "../../", record, glossary=bundle.glossary)
                    bad = found_names(visible_text(html), names)
                    assert bad == [], f"{tool}/{council} {facts}: code names shown: {bad}"
                    rendered += 1
                if answer is not None:
                    facts[answer.fact] = answer.value
    assert rendered > 500


def test_every_built_page_shows_no_code_names(bundle, site_dir):
    names = code_names(bundle)
    pages = sorted(site_dir.rglob("*.html"))
    assert len(pages) > 50
    problems = []
    for page in pages:
        if "assets" in page.relative_to(site_dir).parts:
            continue
        bad = found_names(visible_text(page.read_text(encoding="utf-8")), names)
        if bad:
            problems.append(f"{page.relative_to(site_dir)}: {bad}")
    assert problems == [], "\n".join(problems)


def test_the_scan_does_find_a_code_name(bundle):
    """The scan itself works: a fact name in visible text is found, in an attribute it is not."""
    names = code_names(bundle)
    assert found_names(visible_text('<p data-question="immediate_danger">Is anyone</p>'), names) == []
    assert found_names(visible_text("<p>add MUST: share_without_consent</p>"), names) == ["share_without_consent"]


@pytest.mark.browser
def test_widget_steps_in_the_browser_show_no_code_names(bundle, page, site_url):
    names = code_names(bundle)
    page.goto(f"{site_url}/tools/rbkc/consent-override/")
    root = page.locator("[data-tool='consent-override'][data-council='rbkc']")
    page.wait_for_selector("[data-tool='consent-override'][data-council='rbkc'][data-engine=ready]", timeout=90_000)
    for _ in range(20):
        assert found_names(page.locator("article").inner_text(), names) == []
        if root.locator("[data-outcome]").count():
            break
        fieldset = root.locator("fieldset[data-question]")
        root.locator("fieldset[data-question] input[type=radio]").last.check()
        old = fieldset.element_handle()
        root.locator("[data-action=next]").click()
        page.wait_for_function("el => !el.isConnected", arg=old, timeout=30_000)
    assert root.locator("[data-outcome]").count() == 1
    assert found_names(page.locator("article").inner_text(), names) == []
    assert page.js_errors == []


# --- 2. the outline ------------------------------------------------------------------------------

@pytest.mark.parametrize("tool, council", PAIRS)
def test_outline_is_plain_words_from_the_rule_data(bundle, tool, council):
    lines = outline.outline(bundle, tool, council)
    text = "\n".join(t for _, t in lines)
    assert found_names(text, code_names(bundle)) == []
    tree = bundle.trees[tool]
    assert lines[0] == (0, f"Part A: {tree.title}: the questions, in order")
    r = rulebook.reader(bundle, tool, council)
    asked = {a.fact for path in paths.enumerate_paths(bundle, tool, council) for a in path.answers}
    # the questions the outline lists are exactly those some path asks, each once, in the tool's order
    listed = [t[len("Ask: "):].split(" [")[0] for _, t in lines if t.startswith("Ask: ")]
    assert listed == [engine.fact_for(bundle, tree, q.fact).question for q in tree.questions if q.fact in asked]
    for question in rulebook.questions(r):  # with the engine's own answers ("Yes, No, I don't know")
        step = engine._question(bundle, tree, r.council, r.profile, rulebook.fact_of(r, question.fact), [])
        if step["input"] == "boolean":
            assert "Answers: " + ", ".join(o["label"] for o in step["options"]) + "." in text
    # every duty any path gives is in the outline, in the council's words, with when it applies
    for path in paths.enumerate_paths(bundle, tool, council):
        for action in path.outcome["actions"]:
            assert action["text"] in text, (tool, council, action["text"][:80])
    part = ""
    found = outline.lines(bundle, tool, council)
    for line, after in zip(found, found[1:] + [None]):
        part = line.part if line.kind == "part" else part
        if part == "B" and line.kind in ("duty", "gap"):  # each duty is followed by when it applies
            assert after is not None and after.kind == "when", line.text[:80]
    assert any(t.strip().split(":")[0] in ("Must", "Should", "May", "For information", "Not covered")
               for _, t in lines)


def test_outline_says_when_each_duty_applies_in_the_councils_own_condition(bundle):
    lines = outline.lines(bundle, "accommodation-options", "tmbc")
    pairs = [(lines[i].text, lines[i + 1].text) for i in range(len(lines) - 1)
             if lines[i].kind in ("duty", "gap") and lines[i + 1].kind == "when"]
    safer = [when for text, when in pairs if "SAFER Scheme, which installs security" in text]
    # TMBC's own condition (section 5): the survivor wishes to remain and the perpetrator does not live there
    assert safer == ["When: “Does the survivor want to remain in their home if it can be made safe?” Yes "
                     "and “Does the perpetrator live at the property?” No."]
    always = [when for text, when in pairs if text.startswith("Continue to provide support and advice")]
    assert always == ["On every path."]
    rbkc = outline.lines(bundle, "accommodation-options", "rbkc")
    sanctuary = [rbkc[i + 1].text for i in range(len(rbkc) - 1) if "Sanctuary Scheme" in rbkc[i].text
                 and rbkc[i].kind == "duty"]
    assert sanctuary == ["When: “Does the survivor want to remain in their home if it can be made safe?” Yes."]


def test_outline_html_links_each_citation_and_each_part(bundle):
    html = outline.outline_html(bundle, "referral-routes", "dover", "../../")
    assert 'href="../../policies/dover-policy/#dover-8-23"' in html
    for target in re.findall(r'href="#([^"]+)"', html):
        assert f'id="{target}"' in html
    assert "<strong>Must:</strong>" in html and 'class="da-ol__when"' in html
    assert html.count('class="da-ol__part"') >= 2


def test_a_new_answer_option_appears_in_the_outline_by_itself(bundle):
    """Answer labels come from the engine's option list: a third answer is shown without any
    change to the outline code (as "I don't know" is)."""
    import dataclasses
    from py_tools.engine.model import Fact, Option
    fact = bundle.facts["consent_obtainable"]
    extra = dataclasses.replace(fact, type="choice", options=(Option("yes", "Yes"), Option("no", "No"),
                                                              Option("later", "Not yet")))
    changed = dataclasses.replace(bundle, facts=dict(bundle.facts, consent_obtainable=extra))
    text = "\n".join(t for _, t in outline.outline(changed, "consent-override", "dover"))
    assert "Not yet" in text


def test_i_dont_know_is_explained_by_its_consequence(bundle):
    """Part C: "I don't know" counts as the protective answer for a duty, and a permission that
    reads the answer is not given (the outline says so under each permission)."""
    lines = [t for _, t in outline.outline(bundle, "consent-override", "camden")]
    text = "\n".join(lines)
    assert "Part C: If an answer is “I don't know”" in text
    tree = bundle.trees["consent-override"]
    checked = 0
    for name in ("assessed_high_risk", "safeguarding_concern", "consent_obtainable"):
        fact = engine.fact_for(bundle, tree, name)
        protective = "Yes" if fact.if_unknown == "yes" else "No"
        assert f"“{fact.question}” “I don't know” counts as {protective} for a duty." in text
        checked += 1
    held = [i for i, t in enumerate(lines) if "If an answer this reads is “I don't know”" in t]
    assert held and all(lines[i - 2].strip().startswith("May: ") for i in held)
    assert checked == 3


# --- 3. the flowchart ----------------------------------------------------------------------------

@pytest.mark.parametrize("tool, council", PAIRS)
def test_flowchart_is_a_clean_svg_from_the_rules(bundle, tool, council):
    svg = flowchart.flowchart_svg(bundle, tool, council, "../../../", "cap")
    assert svg.startswith("<svg ") and svg.rstrip().endswith("</svg>")
    for forbidden in ("<script", " style=", "<title>", "<?xml", "<!--", "http://", "https://", "javascript:"):
        assert forbidden not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
            'xmlns:xlink="http://www.w3.org/1999/xlink"', ""), forbidden
    text = visible_text(svg)
    assert found_names(text, code_names(bundle)) == []
    assert "Outcome" in text and f"Start: {bundle.trees[tool].title}" in text
    hrefs = set(re.findall(r'xlink:href="([^"]+)"', svg))
    known = {"../../../" + link.href for link in bundle.links.values()}
    assert hrefs <= known, hrefs - known
    r = rulebook.reader(bundle, tool, council)
    asked = {a.fact for path in paths.enumerate_paths(bundle, tool, council) for a in path.answers}
    assert asked == {q.fact for q in rulebook.questions(r)}  # the rules' own reading: same questions
    for name in asked:
        cites = r.profile.question_cite.get(name, ())
        if cites:  # a question with a paragraph links to it
            assert "../../../" + bundle.links[cites[0]].href in hrefs
        words = engine.fact_for(bundle, r.tree, name).question.split()
        assert all(w in text for w in words), (tool, council, name)


def test_flowchart_outcomes_count_their_duties(bundle):
    source = flowchart.dot_source(bundle, "contractor-duties", "dover", "")
    counts = re.findall(r'label="Outcome: every duty on the way\\n([^"]+)"', source)
    assert counts and all(re.fullmatch(r"(\d+(–\d+)? (must|should|may|for information)(, )?)+|no duties", c.strip())
                          for c in counts), counts


def test_flowchart_build_fails_clearly_without_dot(bundle, monkeypatch):
    monkeypatch.setattr(flowchart, "DOT", "no-such-graphviz-dot")
    with pytest.raises(flowchart.FlowchartError, match="make graphviz"):
        flowchart.flowchart_svg(bundle, "contractor-duties", "dover", "", "cap")


# --- 4. the sign-off sheet -----------------------------------------------------------------------

@pytest.mark.parametrize("council", ["rbkc", "tmbc", "dover", "camden"])
def test_signoff_sheet_lists_every_path_with_its_duties(bundle, council):
    html = signoff.signoff_html(bundle, council, "../../../", {t: "x/" for t in bundle.trees})
    assert bundle.version and bundle.version in html
    for doc in bundle.councils[council].documents:
        assert doc.title in unescape(html)
        for date in (doc.approved, doc.review_due):
            if date:
                assert date in html
    sections = re.split(r'<section class="da-so__tool" data-signoff-tool="', html)[1:]
    assert [s.split('"')[0] for s in sections] == list(bundle.trees)
    for section, tool in zip(sections, bundle.trees):
        found = paths.enumerate_paths(bundle, tool, council)
        assert section.count('class="da-so__path"') == len(found)
        assert "Checked by:" in section and "Date:" in section
        plain = unescape(section)
        texts = {action["text"] for path in found for action in path.outcome["actions"]}
        missing = [t[:80] for t in texts if t not in plain]
        assert missing == [], missing
        # each duty in full says when the council's rules give it
        assert section.count("data-when>") == section.count('class="da-so__duty da-so__duty--')
    assert found_names(visible_text(html), code_names(bundle)) == []


# --- 5. what changed -------------------------------------------------------------------------------

def _git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def repo_copy(tmp_path):
    """A temporary git repository holding a copy of the project's rules and code."""
    copy = tmp_path / "repo"
    for folder in ("decision_trees", "py_tools", "docs/policies", "docs/includes"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"))
    _git(copy, "init", "-q")
    _git(copy, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "add", "-A")
    _git(copy, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "rules")
    return copy


def _changes(copy: Path, since: str):
    return subprocess.run([sys.executable, "-m", "py_tools", "changes", "--since", since], cwd=copy,
                          capture_output=True, text=True)


def test_changes_since_head_1_lists_the_edited_duty_in_plain_words(repo_copy):
    profile = repo_copy / "decision_trees" / "councils" / "dover" / "contractor_duties.yaml"
    text = profile.read_text(encoding="utf-8")
    block = text[text.index("  contractor_report_police:"):]
    assert "duty: should" in block.split("\n\n")[0]
    edited = text.replace(block, block.replace("duty: should", "duty: must", 1), 1)
    profile.write_text(edited, encoding="utf-8")
    _git(repo_copy, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-am", "edit")
    check = subprocess.run([sys.executable, "-c", "import py_tools; print(py_tools.__file__)"], cwd=repo_copy,
                           capture_output=True, text=True)
    assert str(repo_copy) in check.stdout, "the copy's own py_tools runs"
    result = _changes(repo_copy, "HEAD~1")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    bundle = build.load(repo_copy / "decision_trees", repo_copy / "docs" / "policies")
    witnessed = [p for p in paths.enumerate_paths(bundle, "contractor-duties", "dover")
                 if dict(p.facts()).get("witnessed_violence") == "yes"]
    assert out.startswith(f"{len(witnessed)} paths changed since HEAD~1.\n"), out[:300]
    assert "Contractor duties, Dover District Council" in out
    assert out.count("- Outcome changed. When: ") == len(witnessed)
    assert out.count("Duty changed from Should to Must: Report the violence to the police") == len(witnessed)
    assert "Did the contractor see or hear an incident of violence? Yes" in out
    assert found_names(out, code_names(bundle)) == []
    for other in ("Referral routes", "RBKC", "Tonbridge", "Camden"):
        assert other not in out
    # the working tree against its own commit: nothing changed
    assert _changes(repo_copy, "HEAD").stdout == "No path's outcome changed since HEAD.\n"


def test_changes_reports_a_citation_change_and_a_new_path(repo_copy):
    profile = repo_copy / "decision_trees" / "councils" / "dover" / "contractor_duties.yaml"
    text = profile.read_text(encoding="utf-8")
    block = text[text.index("  contractor_report_police:"):].split("\n\n")[0]
    cite = re.search(r"cite: \[([^\]]+)\]", block).group(1)
    profile.write_text(text.replace(block, block.replace(f"cite: [{cite}]", "cite: [dover:8.65]", 1), 1),
                       encoding="utf-8")
    out = _changes(repo_copy, "HEAD").stdout  # against the working tree, uncommitted
    assert "Paragraph changed: was Dover 8.64, now Dover 8.65: Report the violence to the police" in out
    assert _changes(repo_copy, "no-such-ref").returncode == 2


# --- 6. abbreviations ------------------------------------------------------------------------------

def test_glossary_in_the_bundle_is_the_markdown_glossary(bundle):
    text = (ROOT / "docs" / "includes" / "abbreviations.md").read_text(encoding="utf-8")
    expected = dict(re.findall(r"^\*\[(.+?)\]:\s*(.+)$", text, re.M))
    assert bundle.glossary == expected and len(expected) > 50
    assert json.loads(build.bundle_json(bundle))["glossary"] == expected


def test_each_step_explains_each_term_once(bundle):
    step = engine.decide(bundle, "referral-routes", "tmbc", {"immediate_danger": "no"})
    html = render.render_step(step, "u", "../", glossary=bundle.glossary)
    assert html.count(f'title="{bundle.glossary["DASH"]}"') == 1  # DASH appears twice, explained once
    assert '<abbr tabindex="0" title="Risk Indicator Checklist">RIC</abbr>' in html
    assert 'name="dash_score"' in html and "<abbr" not in html.split("<label")[1].split("</label>")[0]
    # no glossary: unchanged, as before
    assert "<abbr" not in render.render_step(step, "u", "../")


def test_abbreviate_leaves_links_controls_and_attributes_alone(bundle):
    g = {"MARAC": "Multi-Agency Risk Assessment Conference", "K&C": "Kensington & Chelsea"}
    html = ('<p title="MARAC">Refer to <a href="#x">MARAC</a> now</p><button>MARAC</button>'
            '<textarea>MARAC</textarea><p>K&amp;C and MARAC and MARAC.</p>')
    out = render.abbreviate(html, g)
    assert out.count("<abbr") == 2
    assert '<p title="MARAC">Refer to <a href="#x">MARAC</a> now</p>' in out
    assert '<abbr tabindex="0" title="Kensington &amp; Chelsea">K&amp;C</abbr>' in out
    assert 'and <abbr tabindex="0" title="Multi-Agency Risk Assessment Conference">MARAC</abbr> and MARAC.' in out


def test_every_page_explains_every_glossary_term_it_uses(bundle, site_dir):
    """Wrapping the article again adds nothing: every term used in its text is explained."""
    problems = []
    checked = 0
    for page in sorted(site_dir.rglob("index.html")):
        html = article(page.read_text(encoding="utf-8"))
        again = render.abbreviate(html, bundle.glossary, render.abbreviated(html, bundle.glossary))
        if again != html:
            missing = sorted(render.abbreviated(again, bundle.glossary) - render.abbreviated(html, bundle.glossary))
            problems.append(f"{page.relative_to(site_dir)}: {missing}")
        checked += 1
    assert checked > 50
    assert problems == [], "\n".join(problems)
    for name in ("compare", "services", "tools/dover/referral-routes", "rules/dover/referral-routes"):
        html = article((site_dir / name / "index.html").read_text(encoding="utf-8"))
        assert "<abbr" in html, name


# --- pages and links -------------------------------------------------------------------------------

def test_rules_pages_and_signoff_sheets_exist_and_are_linked(bundle, site_dir):
    for council in bundle.councils:
        council_page = (site_dir / "councils" / council / "index.html").read_text(encoding="utf-8")
        assert 'href="../../rules/%s/sign-off/"' % council in council_page
        sheet = (site_dir / "rules" / council / "sign-off" / "index.html").read_text(encoding="utf-8")
        assert "data-signoff" in sheet
        for tool in bundle.trees:
            rules_html = (site_dir / "rules" / council / tool / "index.html").read_text(encoding="utf-8")
            assert "<svg " in rules_html and 'class="da-ol"' in rules_html
            assert 'href="../../rules/%s/%s/"' % (council, tool) in council_page
            tool_html = (site_dir / "tools" / council / tool / "index.html").read_text(encoding="utf-8")
            assert 'href="../../../rules/%s/%s/"' % (council, tool) in tool_html
            assert 'href="../../../rules/%s/sign-off/"' % council in tool_html
            assert 'href="../../../safety/exit-this-page/"' in tool_html
            assert 'href="../../../safety/staying-safe-online/"' in tool_html
            assert "<details class=\"da-outline\" data-search-exclude>" in tool_html
    home = (site_dir / "index.html").read_text(encoding="utf-8")
    assert 'href="safety/exit-this-page/"' in home and 'href="safety/staying-safe-online/"' in home
    for page in ("tools/all-councils", "tools"):
        html = (site_dir / page / "index.html").read_text(encoding="utf-8")
        up = "../" * page.count("/") + "../"
        assert f'href="{up}safety/exit-this-page/"' in html, page
        assert f'href="{up}safety/staying-safe-online/"' in html, page


def test_exit_pages_say_what_the_button_does_and_does_not_do(site_dir):
    text = visible_text((site_dir / "safety" / "exit-this-page" / "index.html").read_text(encoding="utf-8"))
    for words in ("Shift", "3 times", "does not erase your browsing history", "Back"):
        assert words in text, words
    text = visible_text((site_dir / "safety" / "staying-safe-online" / "index.html").read_text(encoding="utf-8"))
    for words in ("private", "Clear your browsing history", "Shared and work devices"):
        assert words in text, words


def test_changes_page_names_the_release(site_dir):
    import yaml
    release = yaml.safe_load((ROOT / "decision_trees" / "release.yaml").read_text(encoding="utf-8"))
    html = (site_dir / "rules" / "changes" / "index.html").read_text(encoding="utf-8")
    assert release["name"] in html and str(release["ref"]) in html
    assert ("data-changes-none" in html or "data-changes-count" in html or "data-changes-missing" in html)


# --- axe and print ---------------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize("path", ["/rules/dover/referral-routes/", "/rules/camden/sign-off/"])
def test_flowchart_and_signoff_pages_are_accessible_and_print_cleanly(browser, site_url, path, tmp_path):
    from test_accessibility import axe, new_context, report
    ctx = new_context(browser, site_url, "light")
    try:
        page = ctx.new_page()
        page.goto(site_url + path)
        found = axe(page, path)
        assert not found, report(found)
        page.emulate_media(media="print")
        shot = tmp_path / "print.png"
        page.screenshot(path=str(shot), full_page=False)
        assert shot.stat().st_size > 5_000
        for hidden in (".md-header", ".md-sidebar--primary", ".da-exit-bar", ".md-footer", "button"):
            loc = page.locator(hidden)
            assert all(not loc.nth(i).is_visible() for i in range(loc.count())), f"{hidden} printed"
        assert page.locator("article h1").is_visible()
        if "sign-off" in path:
            assert page.locator("[data-sign]").first.is_visible()
            color = page.locator("article a[data-cite]").first.evaluate("a => getComputedStyle(a).textDecorationLine")
            assert color == "none"  # a paragraph reference, not a link, on paper
        else:
            assert page.locator("svg.da-flowchart__svg").is_visible()
        assert ctx.off_origin.blocked == []
    finally:
        ctx.close()


# --- 7. search ---------------------------------------------------------------------------------------

def _search(page, site_url, query: str) -> list[str]:
    page.goto(site_url + "/")
    page.keyboard.press("/")
    box = page.locator("input.md-search__input")
    box.wait_for(state="visible")
    box.fill(query)
    box.press("End")
    page.locator(".md-search-result__item").first.wait_for(timeout=20_000)
    page.wait_for_timeout(300)
    return page.eval_on_selector_all(".md-search-result__link", "as => as.map(a => a.href)")


@pytest.mark.browser
@pytest.mark.parametrize("query", ["8.23", "Dover 8.23"])
def test_search_for_a_paragraph_number_lands_on_it(page, site_url, query):
    hrefs = _search(page, site_url, query)
    first_page = urlparse(hrefs[0]).path
    assert first_page == "/policies/dover-policy/", hrefs[:5]
    anchors = [h for h in hrefs if "#" in h]
    assert anchors and anchors[0].endswith("/policies/dover-policy/#dover-8-23"), hrefs[:5]
    assert page.js_errors == []


@pytest.mark.browser
def test_search_for_marac_referral_puts_policy_and_tools_before_outlines(page, site_url):
    hrefs = _search(page, site_url, "MARAC referral")
    kinds = []
    for href in hrefs:
        path = urlparse(href).path
        kinds.append("review" if path.startswith("/rules/") else
                     "policy" if path.startswith("/policies/") else
                     "tool" if path.startswith("/tools/") else "other")
    assert kinds[0] == "policy", hrefs[:5]
    if "review" in kinds:
        last_wanted = max(i for i, k in enumerate(kinds) if k in ("policy", "tool"))
        assert kinds.index("review") > last_wanted, list(zip(kinds, hrefs))
    assert page.js_errors == []


def test_reviewer_lists_stay_out_of_the_search_index(site_dir):
    """Sign-off sheets and the "What changed" list run to megabytes after a large rule change;
    every first visit downloads the search index, so they stay out of it (the rules pages,
    with a low boost, stay in)."""
    index = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    pages = {d["location"].split("#")[0] for d in index["docs"]}
    assert not [p for p in pages if p.startswith("rules/changes/") or p.endswith("/sign-off/")]
    assert [p for p in pages if p.startswith("rules/")], "the rules pages are searchable"
