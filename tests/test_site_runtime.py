"""The build's runtime step: a snapshot that cannot be made fails the build (never a silent
switch to another boot path); per-council bundles hold only their council."""
from __future__ import annotations

import json
import subprocess

import pytest

from py_tools.site_build import site_runtime, snapshot


def test_failing_snapshot_fails_the_build(tmp_path, monkeypatch, bundle):
    monkeypatch.setenv("DA_STDLIB", "full")
    monkeypatch.delenv("DA_BOOT", raising=False)
    monkeypatch.setattr(snapshot, "run_node", lambda args, timeout=0: subprocess.CompletedProcess(
        args, 1, "", "snapshot make failed: RangeError: offset is out of bounds"))
    with pytest.raises(site_runtime.RuntimeBuildError, match="snapshot make failed: RangeError"):
        site_runtime.post_build({"site_dir": str(tmp_path), "extra": {}}, bundle)
    assert not list(tmp_path.rglob("snapshot.bin"))


def test_plain_boot_needs_no_snapshot_and_is_recorded(tmp_path, monkeypatch, bundle):
    monkeypatch.setenv("DA_STDLIB", "full")
    monkeypatch.setenv("DA_BOOT", "plain")
    (tmp_path / "assets" / "da").mkdir(parents=True)
    (tmp_path / "assets" / "da" / "worker.js").write_text(
        'const BUILD = { boot: "plain" }; // @da-build\nrest();\n', encoding="utf-8")
    called = []
    monkeypatch.setattr(snapshot, "run_node", lambda *a, **k: called.append(a))
    described = site_runtime.post_build({"site_dir": str(tmp_path), "extra": {}}, bundle)
    assert called == [] and described["boot"] == "plain" and described["snapshot"] is None
    worker = (tmp_path / "assets" / "da" / "worker.js").read_text(encoding="utf-8")
    line = worker.splitlines()[0]
    assert json.loads(line.split("=", 1)[1].split("; //")[0]) == {
        "boot": "plain", "pyodide": described["pyodide"], "engine": described["engine"],
        "rules": described["rules"], "stdlib": None,
        "snapshotMinMbps": site_runtime.SNAPSHOT_MIN_MBPS}
    assert worker.endswith("rest();\n")


def test_bad_boot_choice_is_refused(monkeypatch):
    monkeypatch.setenv("DA_BOOT", "fast")
    with pytest.raises(site_runtime.RuntimeBuildError, match="snapshot, plain"):
        site_runtime.boot_choice({"extra": {}})


def test_council_bundle_holds_one_council_and_its_links(bundle):
    for code in bundle.councils:
        one = site_runtime.council_bundle(bundle, code)
        assert list(one.councils) == [code] and one.trees == bundle.trees and one.facts == bundle.facts
        assert one.links and all(cite.startswith(code + ":") for cite in one.links)
