"""Compare councils page: built from the bundle only, every cite resolves to its own council."""
from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

from py_tools.publications import compare
from py_tools.engine.model import ActionDef


class Cells(HTMLParser):
    """(table key, row code, council) -> (cell text, [data-cite...], [href...])."""

    def __init__(self):
        super().__init__()
        self.cells, self.table, self.row, self.cur = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.table = a.get("data-compare-topic")
        elif tag == "tr" and "data-code" in a:
            self.row = (a["data-tool"], a["data-code"])
        elif tag == "td" and self.row:
            self.cur = [self.table, self.row, a["data-council"], "", [], []]
        elif tag == "a" and self.cur:
            self.cur[4].append(a.get("data-cite"))
            self.cur[5].append(a.get("href"))

    def handle_data(self, data):
        if self.cur:
            self.cur[3] += data

    def handle_endtag(self, tag):
        if tag == "td" and self.cur:
            t, row, c, text, cites, hrefs = self.cur
            self.cells[(t, row, c)] = (text.strip(), cites, hrefs)
            self.cur = None


def parse(html):
    p = Cells()
    p.feed(html)
    return p.cells


def test_every_action_and_value_has_a_row_for_every_council(bundle):
    cells = parse(compare.compare_html(bundle))
    rows = {row for (_, row, _) in cells}
    for tool, tree in bundle.trees.items():
        for code in tree.actions:
            assert (tool, code) in rows, f"{tool}/{code} is missing from the compare page"
        for council in bundle.councils.values():
            for name in council.tools[tool].values:
                assert (tool, name) in rows
    for (_, row, c) in cells:
        assert c in bundle.councils
    assert len(cells) == len(rows) * len(bundle.councils)


def test_cells_cite_only_their_own_council_and_links_resolve(bundle):
    cells = parse(compare.compare_html(bundle, "../"))
    checked = 0
    for (table, (tool, code), council), (text, cites, hrefs) in cells.items():
        for cite, href in zip(cites, hrefs):
            assert cite in bundle.links, f"{cite} in {tool}/{code} has no anchor"
            assert cite.split(":")[0] == council, f"{council} column cites {cite}"
            assert href == "../" + bundle.links[cite].href
            checked += 1
        profile = bundle.councils[council].tools[tool]
        stated = profile.actions.get(code) or profile.values.get(code)
        if stated is None:
            assert text.startswith("Not covered"), (tool, code, council, text)
        else:
            assert set(cites) == set(stated.cite)
            assert "Not covered" not in text
    assert checked > 0


def test_silent_council_shows_not_covered(bundle):
    # A council with no profile action for a catalogued code (found from data, not hard-coded).
    found = [(tool, code, c) for tool, tree in bundle.trees.items() for code in tree.actions
             for c, co in bundle.councils.items()
             if code not in co.tools[tool].actions and code not in co.tools[tool].values]
    assert found, "every council states every action: nothing to check"
    cells = parse(compare.compare_html(bundle))
    by_row = {(row, c): v for (_, row, c), v in cells.items()}
    for tool, code, c in found:
        assert by_row[((tool, code), c)][0].startswith("Not covered")


def test_unknown_code_goes_to_other_table(bundle):
    tool = next(iter(bundle.trees))
    tree = bundle.trees[tool]
    trees = dict(bundle.trees)
    trees[tool] = dataclasses.replace(tree, actions={**tree.actions, "zz_new_rule": "A new rule"})
    cells = parse(compare.compare_html(dataclasses.replace(bundle, trees=trees)))
    tables = {t for (t, row, _) in cells if row == (tool, "zz_new_rule")}
    assert tables == {f"other-{tool}"}


def test_cells_follow_the_data(bundle):
    council = next(iter(bundle.councils))
    tool, code = next((t, code) for t, tree in bundle.trees.items() for code in tree.actions
                      if code in bundle.councils[council].tools[t].actions)
    cite = bundle.councils[council].tools[tool].actions[code].cite
    co = bundle.councils[council]
    profile = co.tools[tool]
    new_action = ActionDef(code, "must", "Zebra crossing rule changed in test", cite)
    tools = {**co.tools, tool: dataclasses.replace(profile, actions={**profile.actions, code: new_action})}
    changed = dataclasses.replace(bundle, councils={**bundle.councils,
                                                    council: dataclasses.replace(co, tools=tools)})
    before = parse(compare.compare_html(bundle))
    after = parse(compare.compare_html(changed))
    key = next(k for k in after if k[1] == (tool, code) and k[2] == council)
    assert "Zebra crossing rule changed in test" in after[key][0]
    assert "Zebra crossing" not in before[key][0]
    # removing it makes the cell "Not covered"
    tools2 = {**co.tools, tool: dataclasses.replace(
        profile, actions={k: v for k, v in profile.actions.items() if k != code})}
    removed = dataclasses.replace(bundle, councils={**bundle.councils,
                                                    council: dataclasses.replace(co, tools=tools2)})
    assert parse(compare.compare_html(removed))[key][0].startswith("Not covered")


def test_built_page_has_a_column_per_council(site_dir, bundle):
    html = (site_dir / "compare" / "index.html").read_text(encoding="utf-8")
    tables = re.findall(r"<table data-compare-topic=.*?</table>", html, re.S)
    assert tables
    for t in tables:
        heads = re.findall(r'<th scope="col" data-council="([^"]+)"', t)
        assert heads == list(bundle.councils)
    for href in set(re.findall(r'href="(\.\./policies/[^"#]+)#([^"]+)"', html)):
        page = site_dir / href[0].replace("../", "", 1) / "index.html"
        assert page.exists()
        assert f'id="{href[1]}"' in page.read_text(encoding="utf-8"), href
