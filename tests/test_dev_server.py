"""`make dev`: MkDocs' live-reload server rebuilds on a change to a policy page and to a rule
file, and shows a broken rule file's errors (file:line) on the page and in the terminal.

Runs `make dev` itself in a temporary copy of the project (node_modules and .venv linked,
read only) on a free port, edits the copy, fetches the page again; the server is always
stopped (its whole process group) at the end.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
IGNORE = shutil.ignore_patterns(".venv", "node_modules", "site", ".git", "__pycache__",
                                ".pytest_cache", ".hypothesis", ".bench", "*.egg-info")


def copy_project(dest: Path) -> Path:
    shutil.copytree(ROOT, dest, ignore=IGNORE, symlinks=True)
    (dest / "node_modules").symlink_to(ROOT / "node_modules")
    (dest / ".venv").symlink_to(ROOT / ".venv")
    return dest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def wait_for(url: str, predicate, limit: float, proc) -> str:
    deadline = time.monotonic() + limit
    last = ""
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the dev server stopped"
        try:
            last = fetch(url)
            if predicate(last):
                return last
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url}: the change did not show within {limit:.0f} s")


def test_make_dev_reloads_policy_pages_and_rule_files(tmp_path):
    project = copy_project(tmp_path / "project")
    port = free_port()
    log = (tmp_path / "dev.log").open("w+")
    # the stamps are copied, so `make dev` does not reinstall anything
    proc = subprocess.Popen(["make", "dev", f"PORT={port}", "PYTHON=false"], cwd=project,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                            env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    try:
        base = f"http://127.0.0.1:{port}/"
        policy = base + "policies/dover-policy/"
        tool = base + "tools/dover/referral-routes/"
        first = wait_for(policy, lambda t: "dover-8-23" in t, 240, proc)
        assert "livereload" in first, "the page has no live-reload script"

        # 1. a policy page
        page = project / "docs" / "policies" / "dover-policy.md"
        page.write_text(page.read_text(encoding="utf-8") + "\nMarker sentence for the dev server test.\n",
                        encoding="utf-8")
        wait_for(policy, lambda t: "Marker sentence for the dev server test." in t, 120, proc)

        # 2. a rule file: an action's wording shows in the compare tables
        rules = project / "decision_trees" / "councils" / "dover" / "referral_routes.yaml"
        text = rules.read_text(encoding="utf-8")
        marker = "Edited wording for the dev server test"
        import re
        # the first action's text (a one-line or a folded `>-` block scalar) becomes the marker
        edited, count = re.subn(r"^    text: (?:[>|]-?\n(?:      [^\n]*\n)+|[^\n]+\n)",
                                "    text: " + marker + "\n", text, count=1, flags=re.M)
        assert count == 1, "no action text line in the rule file"
        rules.write_text(edited, encoding="utf-8")
        wait_for(base + "compare/", lambda t: marker in t, 120, proc)

        # 3. a broken rule file: file:line on the page (and in the terminal), server still up
        broken_text, count = re.subn(r"^(    duty: )\w+$", r"\1sometimes", text, count=1, flags=re.M)
        assert count == 1
        rules.write_text(broken_text, encoding="utf-8")
        broken = wait_for(tool, lambda t: "data-rule-errors" in t, 120, proc)
        assert "referral_routes.yaml:" in broken, "the error does not name the file and line"
        log.flush()
        log.seek(0)
        assert "referral_routes.yaml:" in log.read(), "the terminal does not show the error"

        # 4. fixed again: the error goes
        rules.write_text(text, encoding="utf-8")
        wait_for(tool, lambda t: "data-rule-errors" not in t, 120, proc)
        assert marker not in fetch(base + "compare/")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()
    if proc.returncode not in (0, -signal.SIGTERM, 2, -signal.SIGKILL):
        pytest.fail(f"make dev exited with {proc.returncode}")
