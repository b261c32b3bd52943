"""Run a build script in Node.js (the standard-library trace and the Pyodide snapshot)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_node(args: list[str], timeout: float = 600) -> subprocess.CompletedProcess:
    """Run `node ARGS` from the project folder; FileNotFoundError when Node.js is missing."""
    node = shutil.which("node")
    if not node:
        raise FileNotFoundError("node not found: the build needs Node.js (make install)")
    return subprocess.run([node, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)
