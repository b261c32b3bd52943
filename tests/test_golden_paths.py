"""Golden paths: every path of every tree for every council, as reviewed text.

Any change to the rules (a tree, a profile, a number, a citation) changes this listing; the
diff shows exactly which answers now lead to which actions, for a policy officer to review
(see tests/golden/README.md). When the change is intended, regenerate the file with
    .venv/bin/python -m py_tools paths > tests/golden/paths.txt
and commit it with the rule change.
"""
from __future__ import annotations

import difflib
import subprocess
import sys
from pathlib import Path

import pytest

from py_tools import paths

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "paths.txt"
REGENERATE = ".venv/bin/python -m py_tools paths > tests/golden/paths.txt"
SHOWN = 200


def test_paths_match_the_reviewed_golden_file(bundle):
    current = paths.golden_text(paths.all_paths(bundle))
    if not GOLDEN.exists():
        pytest.fail(f"{GOLDEN.relative_to(ROOT)} is missing; create it with:\n    {REGENERATE}", pytrace=False)
    golden = GOLDEN.read_text(encoding="utf-8")
    if current == golden:
        return
    diff = list(difflib.unified_diff(golden.splitlines(), current.splitlines(),
                                     "tests/golden/paths.txt (reviewed)", "the rules now", lineterm=""))
    shown = "\n".join(diff[:SHOWN])
    more = f"\n... {len(diff) - SHOWN} more diff lines" if len(diff) > SHOWN else ""
    pytest.fail(f"the paths changed: review this diff (- reviewed, + now); if every change is intended, "
                f"regenerate the golden file with:\n    {REGENERATE}\n\n{shown}{more}", pytrace=False)


def test_regenerate_command_writes_what_the_test_compares(bundle):
    result = subprocess.run([sys.executable, "-m", "py_tools", "paths"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == paths.golden_text(paths.all_paths(bundle))


def test_golden_text_lists_every_path_once(bundle):
    found = paths.all_paths(bundle)
    text = paths.golden_text(found)
    assert text.count("\n- ") == len(found)
    assert text.count("\n## ") + text.startswith("## ") == len(bundle.trees) * len(bundle.councils)
    keys = [(p.tool, p.council, tuple((a.fact, a.label) for a in p.answers)) for p in found]
    assert len(keys) == len(set(keys))
