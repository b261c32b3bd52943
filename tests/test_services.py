"""Support services directory: validation, the Galop conflict, citations, the need filter."""
from __future__ import annotations

import re

import pytest

from py_tools.rules import anchors, services


@pytest.fixture(scope="module")
def listed(bundle):
    return services.load(services.PATH, set(bundle.councils))


def test_galop_conflict_is_found(listed):
    found = services.conflicts(listed)
    galop = [c for c in found if services.norm_name(c.key) == "galop" and c.field == "phone"]
    assert len(galop) == 1
    values = {council: v for council, v, _ in galop[0].values}
    assert values == {"tmbc": "0800 999 5248", "dover": "0900 999 5428"}
    # Same number written differently is not a conflict (Southall Black Sisters).
    assert not [c for c in found if "southall" in c.key.lower()]


def test_conflict_is_reported_at_build(listed, capsys):
    services.report(listed)
    err = capsys.readouterr().err
    assert re.search(r"services: conflict: service 'Galop': phone .*0800 999 5248.*0900 999 5428", err)
    assert "WARNING" not in err  # a notice, not a strict-mode failure


def test_citations_resolve_and_belong_to_the_listing_council(listed, bundle):
    links = anchors.links_for(services.cites(listed), anchors.shorts(bundle))
    for s in listed:
        for l in s.listed_by:
            assert l.cite in links, f"{s.where}: {l.cite} has no anchor"
            assert l.cite.startswith(l.council + ":")


def test_unknown_email_is_never_published(listed, tmp_path):
    path = tmp_path / "services.yaml"
    path.write_text("services:\n  - name: X\n    serves: Y\n    needs: [men]\n"
                    "    email: '[email protected]'\n"
                    "    listed_by: [{council: dover, cite: 'dover:8.30'}]\n")
    assert services.load(path)[0].email == ""


@pytest.mark.parametrize("body, message", [
    ("    needs: [aliens]\n", ":4: service 'X': unknown need 'aliens'"),
    ("    needs: []\n    phone: 12345\n", ":5: service 'X': phone must be quoted text"),
    ("    needs: []\n    colour: red\n", ":5: service 'X': unknown key 'colour'"),
])
def test_errors_name_file_and_line(tmp_path, body, message):
    path = tmp_path / "services.yaml"
    path.write_text("services:\n  - name: X\n    serves: Y\n" + body +
                    "    listed_by: [{council: dover, cite: 'dover:8.30'}]\n")
    with pytest.raises(services.LoadError) as exc:
        services.load(path)
    assert str(exc.value).startswith(str(path)) and message in str(exc.value), str(exc.value)


def test_cite_of_another_council_is_refused(tmp_path):
    path = tmp_path / "services.yaml"
    path.write_text("services:\n  - name: X\n    serves: Y\n    needs: []\n"
                    "    listed_by: [{council: tmbc, cite: 'dover:8.30'}]\n")
    with pytest.raises(services.LoadError, match="another council"):
        services.load(path)


def test_page_shows_conflict_and_resolving_links(site_dir, listed):
    html = (site_dir / "services" / "index.html").read_text(encoding="utf-8")
    assert 'data-conflict="galop"' in html
    block = re.search(r'data-conflict="galop".*?</li>', html, re.S).group(0)
    assert "0800 999 5248" in block and "0900 999 5428" in block
    items = re.findall(r'<li class="da-services__item".*?</ul></li>', html, re.S)
    assert len(items) == len(listed)
    for href, anchor in re.findall(r'href="\.\./(policies/[^"#]+)#([^"]+)"', html):
        assert f'id="{anchor}"' in (site_dir / href / "index.html").read_text(encoding="utf-8")


def snapshot(page):
    return page.evaluate("""async () => ({
        local: Object.fromEntries(Object.keys(localStorage).map(k => [k, localStorage.getItem(k)])),
        session: Object.fromEntries(Object.keys(sessionStorage).map(k => [k, sessionStorage.getItem(k)])),
        cookie: document.cookie, caches: (await caches.keys()).length,
        idb: indexedDB.databases ? (await indexedDB.databases()).length : 0})""")


@pytest.mark.browser
def test_filter_shows_only_matching_and_stores_nothing(page, site_url, listed):
    url = f"{site_url}/services/"
    page.goto(url)
    before = snapshot(page)
    items = page.locator(".da-services__item")
    assert items.count() == len(listed)

    def visible_needs():
        return [items.nth(i).get_attribute("data-needs").split()
                for i in range(items.count()) if items.nth(i).is_visible()]

    assert len(visible_needs()) == len(listed)
    needs = sorted({n for s in listed for n in s.needs})
    assert "lgbt" in needs and "perpetrators" in needs
    for need in needs:
        page.locator(f"#da-need-{need}").check()
        shown = visible_needs()
        assert len(shown) == sum(need in s.needs for s in listed), need
        assert all(need in n for n in shown), need
    page.locator("#da-need-all").check()
    assert len(visible_needs()) == len(listed)
    assert page.url == url
    # The filter itself writes nothing (whatever the theme may hold is checked site-wide).
    assert snapshot(page) == before
    assert before["session"] == {} and before["cookie"] == "" and before["caches"] == 0
    assert page.context.off_origin.blocked == []
    assert page.js_errors == []
