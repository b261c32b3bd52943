"""Build step: a Pyodide memory snapshot with the engine imported and the rules loaded.

Called at the end of the MkDocs build (py_tools/mkdocs_hooks.py on_post_build). Runs
py_tools/snapshot.mjs in Node to make assets/engine/snapshot.bin, restores it once in a
fresh Node process and runs a decision, then writes the .gz copy. If Node is missing or
making or verifying fails, it prints a note and ships no snapshot: the worker then takes
its plain boot, so the site works either way.
"""
from __future__ import annotations

import gzip
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "py_tools" / "snapshot.mjs"


def _remove(engine_dir: Path) -> None:
    for name in ("snapshot.bin", "snapshot.bin.gz"):
        (engine_dir / name).unlink(missing_ok=True)


def make(site_dir: Path, timeout: float = 300) -> Path | None:
    """Write and verify site_dir/assets/engine/snapshot.bin(.gz); None when not shipped."""
    engine_dir = Path(site_dir) / "assets" / "engine"
    _remove(engine_dir)
    node = shutil.which("node")
    if not node:
        print("snapshot: node not found; the site ships without a boot snapshot", file=sys.stderr)
        return None
    for mode in ("make", "verify"):
        try:
            done = subprocess.run([node, str(SCRIPT), mode, str(site_dir)], cwd=ROOT,
                                  capture_output=True, text=True, timeout=timeout)
            failed = done.returncode != 0
            detail = (done.stderr or done.stdout).strip().splitlines()[:3]
        except (OSError, subprocess.TimeoutExpired) as exc:
            failed, detail = True, [str(exc)]
        if failed:
            _remove(engine_dir)
            print(f"snapshot: {mode} failed; the site ships without a boot snapshot: "
                  + " | ".join(detail), file=sys.stderr)
            return None
    snapshot = engine_dir / "snapshot.bin"
    Path(str(snapshot) + ".gz").write_bytes(gzip.compress(snapshot.read_bytes(), compresslevel=6, mtime=0))
    return snapshot
