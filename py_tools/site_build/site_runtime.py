"""Build step: write the browser runtime into the built site under cacheable paths.

Layout (every folder below `assets/pyodide/`, `assets/engine/` and `assets/rules/` is named
by a version or a content hash, so a server may cache its files as immutable):

    assets/pyodide/<pyodide version>/   the Pyodide runtime from node_modules/pyodide
    assets/engine/<hash>/               py_tools.zip, python_stdlib.zip (trimmed, when
                                        made) and snapshot.bin (snapshot boot only)
    assets/rules/<hash>/<council>.json  one rule bundle per council (facts, trees, that
                                        council's profiles and links); index.json lists them
    assets/engine/build.json            what this build chose (boot path, folders, sizes);
                                        read by tests, `make bench` and operators, not the browser

The worker (assets/da/worker.js) learns these folders from one line the build rewrites
(marked `// @da-build`), so a tool page needs no extra request to find them. A tool page
fetches only its own council's bundle; "Same case, all councils" fetches each council's.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

from py_tools.rules import anchors, build
from py_tools.engine.model import Bundle
from py_tools.site_build.node import run_node

ROOT = Path(__file__).resolve().parents[2]
PYODIDE_SOURCE = ROOT / "node_modules" / "pyodide"
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
                 "pyodide-lock.json")
COMPRESS = (".wasm", ".mjs", ".js", ".json", ".zip", ".css", ".html", ".bin")
BOOTS = ("snapshot", "plain")
STDLIBS = ("trimmed", "full")
TRACE = Path(__file__).resolve().parent / "stdlib_trace.mjs"
# Imported lazily by the standard library on paths the trace may not reach (error reports,
# date parsing): kept in the trimmed standard library whatever the trace saw.
STDLIB_ALWAYS = ("traceback.py", "linecache.py", "tokenize.py", "token.py", "_strptime.py",
                 "calendar.py", "locale.py", "encodings/__init__.py", "encodings/aliases.py",
                 "encodings/utf_8.py", "encodings/ascii.py", "encodings/latin_1.py",
                 "warnings.py", "_py_warnings.py",
                 "textwrap.py", "string/", "copy.py", "weakref.py", "_weakrefset.py")
# The worker takes the snapshot boot only over a link at least this fast (Mbit/s, timed on
# pyodide.asm.mjs, 0.2 MB): the snapshot is about 5 MB more to download than the plain boot
# (4.5 s at 9 Mbit/s) and saves the CPU time of starting Python. Timed this way, the emulated
# phone link (9 Mbit/s, 170 ms) measures 3.6-4 and localhost 28-116 on the benchmark machine;
# see docs/performance.md.
SNAPSHOT_MIN_MBPS = 15
# Brotli copies: the best quality up to this size (Pyodide's wasm is 9.6 MB); above it (the
# snapshot, a large search index) a fast quality so the build stays quick.
BROTLI_BEST_UP_TO = 12_000_000
BROTLI_CACHE = PYODIDE_SOURCE.parent / ".cache" / "da-brotli"
WORKER_LINE = re.compile(r"^const BUILD = .*// @da-build.*$", re.M)


class RuntimeBuildError(Exception):
    """The runtime could not be written (the build stops with this message)."""


def pyodide_version(source: Path = PYODIDE_SOURCE) -> str:
    return json.loads((source / "package.json").read_text(encoding="utf-8"))["version"]


def _hash(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()[:12]


def council_bundle(bundle: Bundle, code: str) -> Bundle:
    """The rules a tool page of one council needs: every tree, that council, its links."""
    only = replace(bundle, councils={code: bundle.councils[code]}, links={})
    cites = anchors.bundle_cites(only)
    return replace(only, links={c: link for c, link in bundle.links.items() if c in cites})


ENGINE = ROOT / "py_tools" / "engine"  # the package the browser runs: this folder, whole


def engine_files(folder: Path = ENGINE) -> list[Path]:
    """What py_tools.zip holds: py_tools/__init__.py and every module of the engine folder."""
    return [folder.parent / "__init__.py", *sorted(folder.glob("*.py"))]


def engine_zip(folder: Path = ENGINE) -> bytes:
    import io
    out = io.BytesIO()
    # stored: the server's compressed copy of the whole zip is the smaller download
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for path in engine_files(folder):
            name = path.relative_to(folder.parent.parent).as_posix()
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            archive.writestr(info, path.read_bytes(), zipfile.ZIP_STORED)
    return out.getvalue()


def brotli_bytes(data: bytes) -> bytes:
    """Brotli at the highest quality up to BROTLI_BEST_UP_TO bytes (a faster quality above),
    kept in BROTLI_CACHE by content hash: Pyodide's files are the same in every build, and
    quality 11 takes about 35 s for the wasm file alone."""
    import brotli
    quality = 11 if len(data) <= BROTLI_BEST_UP_TO else 5
    key = hashlib.sha256(data).hexdigest() + f".q{quality}.br"
    cached = BROTLI_CACHE / key
    if cached.is_file():
        return cached.read_bytes()
    packed = brotli.compress(data, quality=quality, lgwin=24)
    try:
        BROTLI_CACHE.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(f"{key}.{os.getpid()}.part")
        partial.write_bytes(packed)
        partial.replace(cached)  # atomic: builds running side by side share the cache
    except OSError:
        pass  # no cache (read-only node_modules): compress again next time
    return packed


def compress(path: Path) -> None:
    """A .gz and a Brotli .br copy beside a file, for servers that serve precompressed files
    (Brotli makes Pyodide's wasm 2.77 MB instead of 3.53 MB gzip)."""
    data = path.read_bytes()
    Path(str(path) + ".gz").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    Path(str(path) + ".br").write_bytes(brotli_bytes(data))


def compress_folder(folder: Path) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in COMPRESS:
            compress(path)


def boot_choice(config) -> str:
    """`DA_BOOT` in the environment, else `extra.da_boot` in mkdocs.yml, else snapshot."""
    extra = (config.get("extra") or {}) if config is not None else {}
    boot = (os.environ.get("DA_BOOT") or extra.get("da_boot") or "snapshot").strip()
    if boot not in BOOTS:
        raise RuntimeBuildError(f"DA_BOOT / extra.da_boot is {boot!r}; choose one of {', '.join(BOOTS)}")
    return boot


def write(site: Path, bundle: Bundle, boot: str = "snapshot", stdlib: str = "trimmed") -> dict:
    """Write runtime, engine and rules into site/assets; returns the build description."""
    site = Path(site)
    assets = site / "assets"
    if not (PYODIDE_SOURCE / "pyodide.mjs").exists():
        raise RuntimeBuildError("node_modules/pyodide is missing: run `npm ci` (make install) first")
    version = pyodide_version()
    pyodide_dir = assets / "pyodide" / version
    for old in (assets / "pyodide", assets / "engine", assets / "rules"):
        shutil.rmtree(old, ignore_errors=True)
    pyodide_dir.mkdir(parents=True)
    for name in PYODIDE_FILES:
        shutil.copy2(PYODIDE_SOURCE / name, pyodide_dir / name)

    rules = {code: build.bundle_json(council_bundle(bundle, code)) for code in bundle.councils}
    index = json.dumps({"councils": list(bundle.councils)}, separators=(",", ":"))
    rules_hash = _hash(index.encode(), *(text.encode() for text in rules.values()))
    rules_dir = assets / "rules" / rules_hash
    rules_dir.mkdir(parents=True)
    for code, text in rules.items():
        (rules_dir / f"{code}.json").write_text(text, encoding="utf-8")
    (rules_dir / "index.json").write_text(index, encoding="utf-8")

    code_zip = engine_zip()
    script = (Path(__file__).resolve().parent / "snapshot.mjs").read_bytes() + TRACE.read_bytes()
    engine_hash = _hash(code_zip, version.encode(), boot.encode(), stdlib.encode(), script,
                        json.dumps(STDLIB_ALWAYS).encode())
    engine_dir = assets / "engine" / engine_hash
    engine_dir.mkdir(parents=True)
    (engine_dir / "py_tools.zip").write_bytes(code_zip)

    described = {
        "boot": boot,
        "pyodide": f"pyodide/{version}/",
        "engine": f"engine/{engine_hash}/",
        "rules": f"rules/{rules_hash}/",
        "councils": list(bundle.councils),
        "snapshot": None,
        "snapshot_min_mbps": SNAPSHOT_MIN_MBPS,
        "stdlib": None,
    }
    (assets / "engine" / "build.json").write_text(json.dumps(described, indent=1), encoding="utf-8")
    return described


def finish(site: Path, described: dict, gzip_copies: bool = True) -> dict:
    """Point the worker at this build's folders, write the .gz copies and build.json."""
    assets = Path(site) / "assets"
    worker = assets / "da" / "worker.js"
    text = worker.read_text(encoding="utf-8")
    if not WORKER_LINE.search(text):
        raise RuntimeBuildError(f"{worker}: no `const BUILD = ... // @da-build` line to fill in")
    browser_view = {k: described[k] for k in ("boot", "pyodide", "engine", "rules", "stdlib")}
    browser_view.update(snapshotMinMbps=described["snapshot_min_mbps"])
    line = f"const BUILD = {json.dumps(browser_view)}; // @da-build (written by py_tools/site_build/site_runtime.py)"
    worker.write_text(WORKER_LINE.sub(lambda _: line, text, count=1), encoding="utf-8")
    for folder in (assets / described["pyodide"], assets / described["engine"],
                   assets / described["rules"], assets / "da") if gzip_copies else ():
        compress_folder(folder)
    # the rest of what a first visit fetches: Material's scripts and styles, the search index
    for path in [*(Path(site) / "search").glob("*.json"), *(assets / "javascripts").rglob("*.js"),
                 *(assets / "stylesheets").glob("*.css")] if gzip_copies else ():
        compress(path)
    sizes = {}
    for folder in (described["pyodide"], described["engine"], described["rules"]):
        for path in sorted((assets / folder).rglob("*")):
            if path.is_file() and not path.name.endswith((".gz", ".br")):
                gz = Path(str(path) + ".gz")
                br = Path(str(path) + ".br")
                sizes[str(path.relative_to(assets))] = {
                    "bytes": path.stat().st_size,
                    "gzip": gz.stat().st_size if gz.exists() else None,
                    "brotli": br.stat().st_size if br.exists() else None}
    described = dict(described, files=sizes)
    (assets / "engine" / "build.json").write_text(json.dumps(described, indent=1), encoding="utf-8")
    return described


def stdlib_choice() -> str:
    """`DA_STDLIB=full` ships Pyodide's whole standard library; default: trimmed."""
    choice = os.environ.get("DA_STDLIB", "trimmed").strip() or "trimmed"
    if choice not in STDLIBS:
        raise RuntimeBuildError(f"DA_STDLIB is {choice!r}; choose one of {', '.join(STDLIBS)}")
    return choice


def trim_stdlib(site: Path, described: dict) -> dict:
    """A python_stdlib.zip with only the files the engine's traced run loaded (and
    STDLIB_ALWAYS), in the engine folder; the worker and the snapshot load it."""
    assets = Path(site) / "assets"
    try:
        done = run_node([str(TRACE), str(site)])
    except OSError as exc:
        raise RuntimeBuildError(str(exc)) from None
    if done.returncode != 0:
        raise RuntimeBuildError("standard library trace failed: " +
                                " | ".join((done.stderr or done.stdout).strip().splitlines()[:3]))
    marker = ".zip/"  # /lib/python3NN.zip/<name>: Pyodide mounts its standard library as a zip
    used = {f.split(marker, 1)[1] for f in json.loads(done.stdout) if marker in f}
    full = zipfile.ZipFile(PYODIDE_SOURCE / "python_stdlib.zip")
    names = [n for n in full.namelist() if not n.endswith("/") and (
        n in used or n.startswith(tuple(p for p in STDLIB_ALWAYS if p.endswith("/")))
        or n in STDLIB_ALWAYS)]
    missing = sorted(used - set(full.namelist()))
    if missing or not used:
        raise RuntimeBuildError(f"standard library trace: not in python_stdlib.zip: {missing[:5]}")
    target = assets / described["engine"] / "python_stdlib.zip"
    # stored, not deflated: the server's Brotli copy of the whole zip is smaller (0.59 MB
    # against 0.82 MB for a deflated zip, whose members Brotli cannot compress again)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as out:
        for name in sorted(names):
            out.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), full.read(name),
                         zipfile.ZIP_STORED)
    described = dict(described, stdlib=described["engine"] + "python_stdlib.zip",
                     stdlib_files=len(names))
    (assets / "engine" / "build.json").write_text(json.dumps(described, indent=1), encoding="utf-8")
    return described


def post_build(config, bundle: Bundle, dev: bool = False) -> dict:
    """The whole step, as the MkDocs hook runs it; raises RuntimeBuildError on failure.
    `dev` (make dev, live reload): the plain boot, the whole standard library, no .gz copies,
    so a rebuild skips the slow steps."""
    from py_tools.site_build import snapshot
    site = Path(config["site_dir"])
    boot = "plain" if dev else boot_choice(config)
    stdlib = "full" if dev else stdlib_choice()
    described = write(site, bundle, boot, stdlib)
    if stdlib == "trimmed":
        described = trim_stdlib(site, described)
    if boot == "snapshot":
        try:
            snapshot.make(site, described)
        except snapshot.SnapshotFailed as exc:
            raise RuntimeBuildError(str(exc)) from None
        described["snapshot"] = described["engine"] + "snapshot.bin"
    return finish(site, described, gzip_copies=not dev)
