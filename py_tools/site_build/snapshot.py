"""Build step: a Pyodide memory snapshot with the engine imported (no rules in it).

Called at the end of the MkDocs build (py_tools/site_build/mkdocs_hooks.py on_post_build) when the
build's boot is `snapshot`. Runs py_tools/site_build/snapshot.mjs in Node to make
assets/engine/<hash>/snapshot.bin, then restores it in a fresh Node process and runs a
decision for every council's rules and for all of them together. The snapshot holds the
engine only: the worker loads the page's council's rules after restoring it, so its size
does not grow with the number of councils.

A snapshot that cannot be made or verified stops the build (SnapshotFailed): the boot path
chosen for the build is the one the site ships, never swapped silently. Build with
DA_BOOT=plain (or `extra: da_boot: plain` in mkdocs.yml) to ship the plain boot instead.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from py_tools.site_build.node import run_node

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).resolve().parent / "snapshot.mjs"


class SnapshotFailed(Exception):
    pass


def make(site_dir: Path, described: dict, timeout: float = 600) -> Path:
    """Write and verify the snapshot; returns its path or raises SnapshotFailed."""
    engine_dir = Path(site_dir) / "assets" / described["engine"]
    snapshot = engine_dir / "snapshot.bin"
    for mode in ("make", "verify"):
        try:
            done = run_node([str(SCRIPT), mode, str(site_dir)], timeout=timeout)
            failed = done.returncode != 0
            detail = (done.stderr or done.stdout).strip().splitlines()[:3]
        except (OSError, subprocess.TimeoutExpired) as exc:
            failed, detail = True, [str(exc)]
        if failed:
            snapshot.unlink(missing_ok=True)
            raise SnapshotFailed(f"snapshot {mode} failed: " + " | ".join(detail) +
                                 " (build with DA_BOOT=plain to ship the plain boot)")
    return snapshot
