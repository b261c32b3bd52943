"""Caching: runtime, engine and rules live under versioned or content-hashed folders that the
project's server marks immutable; every file (and its precompressed copy) revalidates with
ETag / Last-Modified and 304; a repeat visit to a tool page re-downloads no runtime bytes."""
from __future__ import annotations

import json
import re
import urllib.request
from urllib.error import HTTPError

import pytest

from py_tools.site_build.serve import serve_in_thread

RUNTIME = re.compile(r"^/assets/(pyodide|engine|rules)/")


def described(site_dir) -> dict:
    return json.loads((site_dir / "assets" / "engine" / "build.json").read_text(encoding="utf-8"))


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), response.read()
    except HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_runtime_folders_are_versioned_or_hashed(site_dir):
    from py_tools.site_build import site_runtime
    built = described(site_dir)
    assert built["pyodide"] == f"pyodide/{site_runtime.pyodide_version()}/"
    assert re.fullmatch(r"engine/[0-9a-f]{12}/", built["engine"])
    assert re.fullmatch(r"rules/[0-9a-f]{12}/", built["rules"])
    worker = (site_dir / "assets" / "da" / "worker.js").read_text(encoding="utf-8")
    line = next(l for l in worker.splitlines() if "// @da-build" in l)
    for key in ("pyodide", "engine", "rules", "boot"):
        assert json.dumps(built[key]) in line, f"worker.js does not point at this build's {key}"
    # nothing of the runtime is left at an unversioned path
    assert not (site_dir / "assets" / "pyodide" / "pyodide.asm.wasm").exists()
    assert not (site_dir / "assets" / "engine" / "py_tools.zip").exists()


def test_server_revalidates_plain_and_compressed_copies(site_dir, site_url):
    wasm = f"{site_url}/assets/{described(site_dir)['pyodide']}pyodide.asm.wasm"
    for headers, encoding in (({"Accept-Encoding": "gzip, deflate, br"}, "br"),
                              ({"Accept-Encoding": "gzip"}, "gzip"), ({}, None)):
        status, first, body = fetch(wasm, headers)
        assert status == 200 and first.get("Content-Encoding") == encoding
        assert first["ETag"] and first["Last-Modified"]
        assert first["Cache-Control"] == "public, max-age=31536000, immutable"
        assert int(first["Content-Length"]) == len(body)
        status, again, body = fetch(wasm, {**headers, "If-None-Match": first["ETag"]})
        assert (status, body) == (304, b""), "a current copy must get 304"
        assert again["ETag"] == first["ETag"]
        status, _, body = fetch(wasm, {**headers, "If-Modified-Since": first["Last-Modified"]})
        assert (status, body) == (304, b"")
        status, _, _ = fetch(wasm, {**headers, "If-None-Match": '"stale"'})
        assert status == 200
    # the gzip and plain copies are different representations: different validators
    assert fetch(wasm, {"Accept-Encoding": "gzip"})[1]["ETag"] != fetch(wasm)[1]["ETag"]
    assert fetch(wasm, {"Accept-Encoding": "br"})[1]["ETag"] != fetch(wasm, {"Accept-Encoding": "gzip"})[1]["ETag"]
    # pages and unversioned files revalidate every time
    for path in ("/", "/assets/da/worker.js", "/assets/engine/build.json"):
        status, headers, _ = fetch(site_url + path, {"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Cache-Control"] == "no-cache", path
        assert fetch(site_url + path, {"If-None-Match": fetch(site_url + path)[1]["ETag"]})[0] == 304


@pytest.mark.browser
def test_repeat_visit_downloads_no_runtime_bytes(browser, site_dir):
    sent: list = []
    server, base = serve_in_thread(site_dir, sent=sent)
    try:
        ctx = browser.new_context()
        page = ctx.new_page()
        url = base + "/tools/dover/contractor-duties/"
        ready = "[data-tool=contractor-duties][data-council=dover][data-engine=ready]"
        page.goto(url)
        page.wait_for_selector(ready, timeout=120_000)
        first = sum(size for path, status, size in sent if RUNTIME.match(path))
        assert first > 1_000_000, "the first visit fetches the runtime"
        for visit in (lambda: page.reload(), lambda: page.goto(base + "/"), lambda: page.goto(url)):
            sent.clear()
            visit()
            if page.url == url:
                page.wait_for_selector(ready, timeout=120_000)
                page.wait_for_load_state("networkidle")
                again = [(p, s, n) for p, s, n in sent if RUNTIME.match(p) and n]
                assert again == [], f"re-downloaded on a repeat visit: {again}"
                assert all(s in (200, 304) for _, s, _ in sent)
        ctx.close()
    finally:
        server.shutdown()


def test_brotli_copies_hold_the_same_bytes_and_are_smaller(site_dir):
    import brotli
    built = described(site_dir)
    checked = 0
    for name, sizes in built["files"].items():
        path = site_dir / "assets" / name
        packed = (site_dir / "assets" / (name + ".br")).read_bytes()
        assert brotli.decompress(packed) == path.read_bytes(), name
        assert sizes["brotli"] == len(packed) <= sizes["gzip"], name
        checked += 1
    assert checked >= 8
    # the runtime's largest file: Brotli beats gzip by more than 0.5 MB
    wasm = built["files"][built["pyodide"] + "pyodide.asm.wasm"]
    assert wasm["gzip"] - wasm["brotli"] > 500_000
