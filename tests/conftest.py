"""Shared fixtures: the built site, a localhost server for it, and Debian Chromium."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic",
                 "--no-first-run"]


def chromium_path() -> str | None:
    for path in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if path and Path(path).exists():
            return path
    return None  # fall back to Playwright's own browser where one is installed


@pytest.fixture(scope="session")
def bundle():
    from py_tools.rules import build
    return build.load()


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory) -> Path:
    """`mkdocs build --strict` of the working tree, once per test session."""
    out = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
                             "--site-dir", str(out)], cwd=ROOT, env=env, capture_output=True,
                            text=True)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line]
    assert not warnings, "\n".join(warnings)
    return out


@pytest.fixture(scope="session")
def site_url(site_dir):
    from py_tools.site_build.serve import serve_in_thread
    server, url = serve_in_thread(site_dir)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        path = chromium_path()
        launched = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True) \
            if path else p.chromium.launch(args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


class OffOrigin:
    """Records and blocks every request that leaves the local server."""

    def __init__(self, origin: str):
        self.origin = origin
        self.blocked: list[str] = []
        self.seen = 0

    def handle(self, route):
        self.seen += 1
        url = route.request.url
        parsed = urlparse(url)
        if url.startswith(("data:", "blob:")) or f"{parsed.scheme}://{parsed.netloc}" == self.origin:
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


@pytest.fixture
def context(browser, site_url):
    """A fresh browser context whose off-origin requests are recorded and refused."""
    ctx = browser.new_context()
    guard = OffOrigin(site_url)
    ctx.route("**/*", guard.handle)
    ctx.off_origin = guard
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    page.close()


PLAYWRIGHT_FIXTURES = frozenset({"browser", "context", "page"})


def unmarked_browser_tests(items) -> list[str]:
    """Tests that drive Chromium (through a Playwright fixture, directly or through another
    fixture) but lack the `browser` marker, so `-m "not browser"` would still run them."""
    def fixtures(item) -> set:  # a parametrized argument named `page` is no fixture
        params = getattr(getattr(item, "callspec", None), "params", {})
        return set(getattr(item, "fixturenames", ())) - set(params)
    return [item.nodeid for item in items
            if PLAYWRIGHT_FIXTURES & fixtures(item) and item.get_closest_marker("browser") is None]


def pytest_collection_modifyitems(config, items):
    unmarked = unmarked_browser_tests(items)
    if unmarked:
        raise pytest.UsageError("these tests use Chromium but lack @pytest.mark.browser:\n  "
                                + "\n  ".join(unmarked))


def pytest_report_header(config):
    return f"chromium: {chromium_path() or 'playwright default'}; node: {shutil.which('node')}"
