"""Golden paths: every path of every tree for every council, as reviewed text.

Any change to the rules (a tree, a profile, a number, a citation) changes this listing; the
diff shows exactly which answers now lead to which actions, for a policy officer to review
(see tests/golden/README.md). When the change is intended, regenerate the file with
    .venv/bin/python -m py_tools paths > tests/golden/paths.txt
and commit it with the rule change.
"""
from __future__ import annotations

import difflib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from py_tools.rules import paths

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "paths.txt"
REGENERATE = ".venv/bin/python -m py_tools paths > tests/golden/paths.txt"
SHOWN = 200


def where(lines: list[str], index: int) -> str:
    """The tool/council heading and the path line above line `index` of the golden text."""
    heading = next((l[3:] for l in reversed(lines[:index + 1]) if l.startswith("## ")), "")
    path = next((l[2:] for l in reversed(lines[:index + 1]) if l.startswith("- ") or l.startswith("## ")), "")
    return f"{heading} | {path}" if path and path != heading else heading


def located(diff: list[str], old: list[str]) -> list[str]:
    """The unified diff with each hunk header naming the path its first change belongs to."""
    out = []
    for i, line in enumerate(diff):
        match = re.match(r"^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@", line)
        if match:
            offset = 0  # context lines before the first change of this hunk
            for body in diff[i + 1:]:
                if body[:1] != " ":
                    break
                offset += 1
            line = f"{line} {where(old, int(match.group(1)) - 1 + offset)}"
        out.append(line)
    return out


def test_paths_match_the_reviewed_golden_file(bundle):
    current = paths.golden_text(paths.all_paths(bundle))
    if not GOLDEN.exists():
        pytest.fail(f"{GOLDEN.relative_to(ROOT)} is missing; create it with:\n    {REGENERATE}", pytrace=False)
    golden = GOLDEN.read_text(encoding="utf-8")
    if current == golden:
        return
    old = golden.splitlines()
    diff = located(list(difflib.unified_diff(old, current.splitlines(), "tests/golden/paths.txt (reviewed)",
                                             "the rules now", lineterm="")), old)
    shown = "\n".join(diff[:SHOWN])
    more = f"\n... {len(diff) - SHOWN} more diff lines" if len(diff) > SHOWN else ""
    pytest.fail(f"the paths changed: review this diff (- reviewed, + now; each @@ line names the tool / "
                f"council | answers of its first change); if every change is intended, "
                f"regenerate the golden file with:\n    {REGENERATE}\n\n{shown}{more}", pytrace=False)


def test_regenerate_command_writes_what_the_test_compares(bundle):
    result = subprocess.run([sys.executable, "-m", "py_tools", "paths"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == paths.golden_text(paths.all_paths(bundle))


def test_diff_hunks_name_their_path():
    old = ["## t / c", "- a=yes", "    must   x [c:1]", "- a=no", "    must   y [c:2]", "    info   z [c:3]"]
    new = old[:4] + ["    should y [c:2]"] + old[5:]
    diff = located(list(difflib.unified_diff(old, new, lineterm="", n=1)), old)
    assert [l for l in diff if l.startswith("@@")] == ["@@ -4,3 +4,3 @@ t / c | a=no"]


def test_golden_text_lists_every_path_once(bundle):
    found = paths.all_paths(bundle)
    text = paths.golden_text(found)
    assert text.count("\n- ") == len(found)
    assert text.count("\n## ") + text.startswith("## ") == len(bundle.trees) * len(bundle.councils)
    keys = [(p.tool, p.council, tuple((a.fact, a.label) for a in p.answers)) for p in found]
    assert len(keys) == len(set(keys))
