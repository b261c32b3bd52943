"""Support services: every number checked against the service, the numbers a council's
document prints that are not the service's own (the directory, the policy page's note, the
corrections page), citations, and the need filter."""
from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from py_tools.publications import service_pages
from py_tools.rules import anchors, services

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def listed(bundle):
    return services.load(services.PATH, set(bundle.councils))


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "services.yaml"
    path.write_text(text)
    return path


LISTING = ("services:\n  - name: X\n    serves: Y\n    needs: [men]\n    phone: 0800 111 2222\n"
           "    listed_by: [{council: dover, cite: 'dover:8.30'}]\n")
CONFIRMED = ("checks:\n  - service: X\n    status: confirmed\n    phone: 0800 111 2222\n"
             "    source: https://x.example/contact\n    page: X's own contact page\n"
             "    quote: 'Call us on 0800 111 2222'\n    checked: '2026-12-04'\n    copy: a stored copy\n")


# --- the data: every number has its check ------------------------------------------------

def test_every_listed_number_has_a_check_record(listed):
    numbers = [s for s in listed if s.phone]
    assert len(numbers) >= 20
    for s in numbers:
        c = s.check
        assert c is not None, f"{s.where}: {s.phone} has no check"
        assert c.status in services.STATUSES and re.fullmatch(r"\d{4}-\d{2}-\d{2}", c.checked)
        if c.status == "not_confirmed":
            assert not c.phone and c.tried, c.where
        else:
            assert c.source.startswith(("http://", "https://")) and c.page and c.copy, c.where
            assert services.digits(c.phone) in services.digits(c.quote), c.where
    # each check is used, and the listings of one service share it
    for key, group in services.groups(listed).items():
        assert len({id(s.check) for s in group if s.phone}) <= 1, key


def test_galop_difference_is_recorded_against_the_service_number(listed):
    found = services.differences(listed)
    galop = {d.council: d for d in found if services.norm_name(d.listing.name) == "galop"}
    assert set(galop) == {"tmbc", "dover"}
    assert (galop["tmbc"].printed, galop["dover"].printed) == ("0800 999 5248", "0900 999 5428")
    assert {d.expected for d in galop.values()} == {"0800 999 5428"}
    assert all(d.correction and d.kind == "confirmed" for d in galop.values())
    assert galop["tmbc"].listing.check.host == "galop.org.uk"
    # The same number written differently is not a difference (Southall Black Sisters).
    assert not [d for d in found if "southall" in d.listing.name.lower()]


def test_a_number_without_a_check_is_refused(tmp_path):
    path = write(tmp_path, LISTING)
    with pytest.raises(services.LoadError) as exc:
        services.load(path)
    assert str(exc.value).startswith(f"{path}:2: service 'X': number '0800 111 2222' has no check record")


def test_a_checked_number_loads_and_one_that_differs_is_a_correction(tmp_path):
    [s] = services.load(write(tmp_path, LISTING + CONFIRMED))
    assert s.check.status == "confirmed" and not s.differs and services.differences([s]) == []
    [s] = services.load(write(tmp_path, LISTING.replace("111 2222", "111 2223") + CONFIRMED))
    assert s.differs
    [d] = services.differences([s])
    assert (d.printed, d.expected, d.correction) == ("0800 111 2223", "0800 111 2222", True)


def test_councils_that_disagree_on_an_unconfirmed_number_are_both_recorded(tmp_path):
    text = (LISTING + "  - name: X\n    serves: Y\n    needs: []\n    phone: 0800 111 3333\n"
            "    listed_by: [{council: tmbc, cite: 'tmbc:10'}]\n"
            "checks:\n  - service: X\n    status: not_confirmed\n    checked: '2026-12-04'\n"
            "    tried: nothing found\n")
    found = services.differences(services.load(write(tmp_path, text)))
    assert {(d.council, d.printed, d.expected, d.kind) for d in found} == {
        ("dover", "0800 111 2222", "0800 111 3333", "councils"),
        ("tmbc", "0800 111 3333", "0800 111 2222", "councils")}
    assert not any(d.correction for d in found)


@pytest.mark.parametrize("change, message", [
    (("status: confirmed", "status: checked"), ":9: check 'X': status must be one of confirmed"),
    (("    quote: 'Call us on 0800 111 2222'\n", ""), ":8: check 'X': missing 'quote'"),
    (("quote: 'Call us on 0800 111 2222'", "quote: 'Call us'"), ":13: check of 'X': the quote does not show"),
    (("https://x.example/contact", "x.example"), ":11: check 'X': source must be the address"),
    (("checked: '2026-12-04'", "checked: last week"), ":14: check 'X': checked must be a date"),
    (("status: confirmed", "status: not_confirmed\n    tried: nothing found"),
     ":8: check 'X': a not_confirmed check gives no phone, source, page, quote or copy"),
    (("    copy:", "    tried: x\n    copy:"), ":8: check 'X': a confirmed check needs no 'tried'"),
    (("service: X", "service: Z"), ":8: check of 'Z': no listing has this name"),
])
def test_check_errors_name_file_and_line(tmp_path, change, message):
    path = write(tmp_path, LISTING + CONFIRMED.replace(*change))
    with pytest.raises(services.LoadError) as exc:
        services.load(path)
    assert str(exc.value).startswith(str(path)) and message in str(exc.value), str(exc.value)


def test_a_service_checked_twice_is_refused(tmp_path):
    path = write(tmp_path, LISTING + CONFIRMED + CONFIRMED.replace("checks:\n", ""))
    with pytest.raises(services.LoadError, match=r":16: check of 'X': the service is already checked at .*:8"):
        services.load(path)


def test_citations_resolve_and_belong_to_the_listing_council(listed, bundle):
    links = anchors.links_for(services.cites(listed), anchors.shorts(bundle))
    for s in listed:
        for l in s.listed_by:
            assert l.cite in links, f"{s.where}: {l.cite} has no anchor"
            assert l.cite.startswith(l.council + ":")


def test_unknown_email_is_never_published(tmp_path):
    path = write(tmp_path, "services:\n  - name: X\n    serves: Y\n    needs: [men]\n"
                           "    email: '[email protected]'\n"
                           "    listed_by: [{council: dover, cite: 'dover:8.30'}]\n")
    assert services.load(path)[0].email == ""


@pytest.mark.parametrize("body, message", [
    ("    needs: [aliens]\n", ":4: service 'X': unknown need 'aliens'"),
    ("    needs: []\n    phone: 12345\n", ":5: service 'X': phone must be quoted text"),
    ("    needs: []\n    phone: '0800 12'\n", ":5: service 'X': phone '0800 12' is not a UK number"),
    ("    needs: []\n    colour: red\n", ":5: service 'X': unknown key 'colour'"),
])
def test_errors_name_file_and_line(tmp_path, body, message):
    path = write(tmp_path, "services:\n  - name: X\n    serves: Y\n" + body +
                 "    listed_by: [{council: dover, cite: 'dover:8.30'}]\n")
    with pytest.raises(services.LoadError) as exc:
        services.load(path)
    assert str(exc.value).startswith(str(path)) and message in str(exc.value), str(exc.value)


def test_cite_of_another_council_is_refused(tmp_path):
    path = write(tmp_path, "services:\n  - name: X\n    serves: Y\n    needs: []\n"
                           "    listed_by: [{council: tmbc, cite: 'dover:8.30'}]\n")
    with pytest.raises(services.LoadError, match="another council"):
        services.load(path)


def test_tmbc_listings_carry_what_the_procedure_says(listed):
    """What the procedure prints about its services, faithfully: LAWA's own caveat, and the
    groups each service names (the filter finds Ashiana for Turkish or Iranian women)."""
    source = (ROOT / "sources" / "002_21ee3fa6e228c0ef.txt").read_text(encoding="utf-8")
    by_name = {s.name: s for s in listed if s.listed_by[0].council == "tmbc"}
    lawa = by_name["Latin American Women's Aid"]
    assert lawa.remark and f"Call {lawa.phone} and {lawa.remark}" in source
    assert {"turkish_women", "iranian_women", "south_asian_women"} <= set(by_name["Ashiana Network"].needs)
    assert {"turkish_women", "kurdish_women", "turkish_cypriot_women"} <= set(by_name["IMECE"].needs)
    assert {"honour_based_violence", "forced_marriage"} <= set(by_name["Karma Nirvana"].needs)
    for s in by_name.values():
        assert s.serves in source, s.name


def test_every_need_has_its_filter_rule_in_the_stylesheet():
    css = (ROOT / "overrides" / "assets" / "da" / "site.css").read_text(encoding="utf-8")
    for need in services.NEEDS:
        assert (f'.da-services:has(#da-need-{need}:checked) .da-services__item:not([data-needs~="{need}"])'
                in css), need


# --- the note beside a printed number ----------------------------------------------------

NOTE = '<div class="da-number-note">N</div>'


@pytest.mark.parametrize("html, expected", [
    ('<h3 id="a">A</h3><ul><li>Call 0800 999 5248. Open<br>daily</li><li>Email</li></ul>',
     '<h3 id="a">A</h3><ul><li>Call 0800 999 5248. Open<br>daily' + NOTE + '</li><li>Email</li></ul>'),
    ('<p id="a">8.30 Services:</p><ul><li>G <strong>(0800 999 5248)</strong>, x.<ul><li>y</li></ul></li></ul>',
     '<p id="a">8.30 Services:</p><ul><li>G <strong>(0800 999 5248)</strong>, x.' + NOTE +
     '<ul><li>y</li></ul></li></ul>'),
    ('<h2 id="a">A</h2><p>Call <em>0800&nbsp;999 5248</em> now.</p><p>Next</p>',
     '<h2 id="a">A</h2><p>Call <em>0800&nbsp;999 5248</em> now.</p>' + NOTE + '<p>Next</p>'),
])
def test_note_goes_after_the_block_that_prints_the_number(html, expected):
    html = html.replace("&nbsp;", "\u00a0")
    assert service_pages.with_notes(html, [("a", "0800 999 5248", NOTE)]) == expected.replace("&nbsp;", "\u00a0")


def test_a_number_not_printed_after_its_anchor_is_an_error():
    html = '<p>Call 0800 999 5248</p><h3 id="a">A</h3><p>Call 0800 999 5428</p>'
    with pytest.raises(service_pages.NoteError, match="not printed after #a"):
        service_pages.with_notes(html, [("a", "0800 999 5248", NOTE)])


# --- the built pages ---------------------------------------------------------------------

def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_directory_gives_the_service_number_and_says_the_document_differs(site_dir, listed):
    html = (site_dir / "services" / "index.html").read_text(encoding="utf-8")
    items = re.findall(r'<li class="da-services__item".*?</ul></li>', html, re.S)
    assert len(items) == len(listed)
    galop = [i for i in items if 'data-service="galop"' in i]
    assert len(galop) == 2 and all("data-differs" in i for i in galop)
    printed = {"tmbc": "0800 999 5248", "dover": "0900 999 5428"}
    for item in galop:
        council = re.search(r'data-council="([a-z]+)"', item).group(1)
        words = text_of(item)
        assert "Phone: 0800 999 5428 (the number the service publishes)" in words
        assert f"prints {printed[council]}, which is not the number the service publishes" in words
        assert f'href="../rules/{council}/corrections/"' in item
        assert "galop.org.uk" in words and "checked 4 December 2026" in words
    # every number says how it was checked; a number not confirmed says so
    for item in items:
        status = re.search(r'data-phone-status="([a-z_]+)"', item).group(1)
        assert ("Phone:" in item) == (status != "none")
    lawa = text_of(next(i for i in items if "Latin American" in i))
    assert "Number not confirmed with the service" in lawa and "(as the council's document prints it)" in lawa
    assert "adds: “phone number has a web link on it that goes to a mobile number.”" in lawa
    summary = text_of(re.search(r"data-differences>.*?</div>", html, re.S).group(0))
    assert "Galop publishes 0800 999 5428" in summary and "0800 999 5248" in summary and "0900 999 5428" in summary
    for href, anchor in re.findall(r'href="\.\./(policies/[^"#]+)#([^"]+)"', html):
        assert f'id="{anchor}"' in (site_dir / href / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("council, policy_page, printed", [
    ("tmbc", "policies/tmbc-procedure", "0800 999 5248"),
    ("dover", "policies/dover-policy", "0900 999 5428"),
])
def test_policy_page_keeps_the_printed_number_with_a_note_beside_it(site_dir, council, policy_page, printed):
    html = (site_dir / policy_page / "index.html").read_text(encoding="utf-8")
    notes = re.findall(r'<div class="da-number-note" role="note" data-number-note="galop">.*?</div>', html, re.S)
    assert len(notes) == 1
    # the note closes the list item that prints the number: the council's words come first, whole
    item = re.search(r"<li>(?:(?!<li>).)*?" + re.escape(printed) + r"(?:(?!</li>).)*?" + re.escape(notes[0]),
                     html, re.S)
    assert item, "the note is not in the list item that prints the number"
    words = text_of(notes[0])
    assert words.startswith("Note from this site, not part of")
    assert "0800 999 5428" in words and printed in words and "galop.org.uk" in words
    assert f'href="../../rules/{council}/corrections/"' in notes[0]


@pytest.mark.parametrize("council", ["tmbc", "dover"])
def test_corrections_page_lists_every_difference_and_what_could_not_be_confirmed(site_dir, listed, council):
    html = (site_dir / "rules" / council / "corrections" / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r'<tr data-correction="([^"]+)" data-kind="confirmed">(.*?)</tr>', html, re.S)
    cells = {key: [text_of(c) for c in re.findall(r"<td>(.*?)</td>", row, re.S)] for key, row in rows}
    got = {(key, c[1].split(",")[0], c[2]) for key, c in cells.items()}
    expected = {(services.norm_name(d.listing.name), d.printed, d.expected)
                for d in services.differences(listed) if d.council == council and d.correction}
    assert expected and got == expected
    unconfirmed = {s.name for s in listed if s.phone and s.check.status != "confirmed"
                   and any(l.council == council for l in s.listed_by)}
    rows = re.findall(r'<tr data-unconfirmed="[^"]+"><td>([^<]+)</td>', html)
    assert {unescape(r) for r in rows} == unconfirmed


@pytest.mark.parametrize("council", ["rbkc", "camden"])
def test_corrections_page_of_a_council_that_prints_no_numbers_says_so(site_dir, council):
    html = (site_dir / "rules" / council / "corrections" / "index.html").read_text(encoding="utf-8")
    assert 'data-corrections="none"' in html and "print no support service phone numbers" in text_of(html)


@pytest.mark.parametrize("council", ["tmbc", "dover", "rbkc", "camden"])
def test_corrections_page_is_linked_from_the_council_page_and_duty_coverage(site_dir, council):
    for page in (f"councils/{council}", f"coverage/{council}"):
        html = (site_dir / page / "index.html").read_text(encoding="utf-8")
        assert f'href="../../rules/{council}/corrections/">Corrections for the policy owner</a>' in html, page


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
    assert "lgbt" in needs and "perpetrators" in needs and "iranian_women" in needs
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
