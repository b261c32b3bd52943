"""Adding a council is data only: copy the project, add tests/fixtures_council (a council
`testshire` with one policy page and four tool profiles), build with --strict, and find the
council on its tool pages, in the compare tables, in the navigation and in the search index.

`test_council_added_without_code_changes` builds the copy exactly as the code stands.
`test_council_added_with_generic_citation_pattern` applies the one-line loader fix (see the
message below) to the copy only, so the rest of the pipeline is checked either way.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures_council"
CODE = "testshire"
TOOLS = ("referral-routes", "consent-override", "accommodation-options", "contractor-duties")


def _copy_project(dest: Path) -> Path:
    for name in ("decision_trees", "docs", "overrides", "py_tools", "sources"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    (dest / "node_modules").symlink_to(ROOT / "node_modules")  # the Pyodide runtime, read only
    shutil.copytree(FIXTURE, dest, dirs_exist_ok=True)
    return dest


def _build(dest: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"],
                          cwd=dest, env=env, capture_output=True, text=True, timeout=300)


def _check_site(site: Path):
    for tool in TOOLS:
        page = site / "tools" / CODE / tool / "index.html"
        assert page.exists(), f"no tool page {page.relative_to(site)}"
        html = page.read_text(encoding="utf-8")
        assert re.search(rf'data-tool="{tool}" data-council="{CODE}"', html), f"{tool}: no widget root"
    compare = (site / "compare" / "index.html").read_text(encoding="utf-8")
    heads = re.findall(r'<th scope="col" data-council="([^"]+)"', compare)
    assert heads and heads.count(CODE) == compare.count("<table data-compare-topic="), \
        "testshire is not a column of every compare table"
    assert re.search(rf'<td data-council="{CODE}" data-covered="yes"><strong>must</strong>: Refer the case',
                     compare)
    home = (site / "index.html").read_text(encoding="utf-8")
    nav = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>', home, re.S)
    assert nav and "Testshire" in nav.group(0) and "policies/testshire-policy/" in nav.group(0)
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    hits = [d["location"] for d in index["docs"] if "Quillfeather lighthouse" in d["text"]]
    assert any(loc.startswith("policies/testshire-policy/") for loc in hits), hits


def test_council_added_without_code_changes(tmp_path):
    dest = _copy_project(tmp_path)
    result = _build(dest)
    assert result.returncode == 0, result.stdout + result.stderr
    _check_site(dest / "site")
