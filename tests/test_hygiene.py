"""The tests themselves: none is skipped or expected to fail by the state of the rules (a
regression must fail, not turn into a skip), every one that drives Chromium is marked
`browser`, and none points readers to a file outside the repository."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from conftest import unmarked_browser_tests

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SKIPPING = {"skip", "skipif", "xfail", "importorskip"}


def _test_files() -> list[Path]:
    return sorted(TESTS.glob("*.py"))


def test_no_test_skips_or_expects_failure():
    found = []
    for path in _test_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in SKIPPING:
                base = ast.unparse(node.value)
                if base in ("pytest", "pytest.mark"):
                    found.append(f"{path.name}:{node.lineno}: {base}.{node.attr}")
    assert not found, "assert the precondition instead of skipping:\n" + "\n".join(found)


def test_no_test_points_outside_the_repository():
    """Tests cite policy paragraphs and the project's own files, never notes kept elsewhere."""
    outside = re.compile(r"(?<![\w.])/(?:tmp|work|home|root)/|\.\./shared\b|\bDESIGN\.md\b")
    found = [f"{path.name}:{n}: {line.strip()}" for path in _test_files()
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if outside.search(line) and path.name != Path(__file__).name]
    assert not found, "\n".join(found)


def test_no_test_speaks_of_how_the_work_was_organised():
    """A test's words are about the behaviour it checks (and the paragraph it comes from), not
    about the tracker or who was doing what."""
    organised = re.compile(r"\bissue \d+|\bfinding \d+|\b(?:another|a|the) (?:helper|agent|session) (?:is|was)\b",
                           re.I)
    found = [f"{path.name}:{n}: {line.strip()}" for path in _test_files()
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if organised.search(line) and path.name != Path(__file__).name]
    assert not found, "\n".join(found)


class _Item:
    def __init__(self, nodeid: str, fixtures: set, marked: bool):
        self.nodeid, self.fixturenames, self._marked = nodeid, sorted(fixtures), marked

    def get_closest_marker(self, name: str):
        return object() if self._marked and name == "browser" else None


@pytest.mark.parametrize("fixtures, marked, reported", [
    ({"page", "site_url"}, False, True),
    ({"axe_page", "context", "browser"}, False, True),  # through another fixture
    ({"page"}, True, False),
    ({"site_dir", "bundle"}, False, False),  # the built site without Chromium
])
def test_the_collection_check_finds_an_unmarked_browser_test(fixtures, marked, reported):
    """conftest.py stops a test run whose Chromium tests lack the marker (checked here on
    stand-in items; the run itself is the real check)."""
    assert unmarked_browser_tests([_Item("t::x", fixtures, marked)]) == (["t::x"] if reported else [])
