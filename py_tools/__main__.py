"""Command line: decide, validate, coverage, paths, explain, changes, bundle, serve.

    python -m py_tools decide TOOL --council COUNCIL --facts FILE.json   (- for stdin)

Errors in the request (missing fact, bad value, unknown tool or council) exit 2 with one
line on stderr and nothing on stdout.
"""
from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from pathlib import Path

from py_tools.rules import build, coverage, loader, paths
from py_tools.publications import changes, outline
from py_tools.engine import engine
from py_tools.engine.record import record_text


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one clear line, exit 2
        raise UsageError(message)


def _read_facts(source: str) -> dict:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read facts file {source}: {exc.strerror}") from None
    try:
        facts = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"facts file {source} is not valid JSON: {exc.msg} at line {exc.lineno}") from None
    except ValueError as exc:  # e.g. an integer too long to read
        raise UsageError(f"facts file {source} cannot be read: {exc}") from None
    if not isinstance(facts, dict):
        raise UsageError(f"facts file {source} must hold a JSON object of fact names to answers")
    return facts


def cmd_decide(args) -> int:
    bundle = build.load()
    facts = _read_facts(args.facts)
    step = engine.decide(bundle, args.tool, args.council, facts)
    if step["type"] == "question":
        choices = ", ".join(o["value"] for o in step["options"]) if step["input"] != "score" else \
            engine.valid_choices(engine.fact_for(bundle, bundle.trees[args.tool], step["fact"]))
        raise UsageError(f"missing fact: {step['fact']} ({step['question']} valid: {choices})")
    out = {"tool": step["tool"], "council": step["council"], "asked": step["asked"],
           "actions": [{k: a[k] for k in ("code", "duty", "cite", "text", "about", "related", "because")}
                       for a in step["actions"]],
           "record": record_text(bundle, step, datetime.date.today().isoformat(),
                                 datetime.date.today().isoformat())}
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


def cmd_validate(args) -> int:
    try:
        bundle = build.load()
        build.check_coverage(bundle)
    except (loader.LoadError, build.InvalidRules) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    from py_tools.rules.not_reviewed import unreviewed_councils
    count = sum(len(paths.enumerate_paths(bundle, t, c)) for t in bundle.trees for c in bundle.councils)
    scope = " of reviewed councils" if unreviewed_councils(bundle) else ""
    print(f"valid: {len(bundle.trees)} tools, {len(bundle.councils)} councils, {count} paths, "
          f"{len(bundle.links)} citations linked, every duty sentence{scope} used or set aside")
    from py_tools.rules.not_reviewed import pending  # a new council's skeleton: what is left to review
    for line in pending(bundle):
        print(f"not yet reviewed: {line}")
    for code in sorted(unreviewed_councils(bundle)):
        where = coverage.coverage_file(loader.TREES, code).relative_to(loader.ROOT)
        print(f"not yet reviewed: {where}:1: duty coverage of {coverage.report(bundle, code).summary()}")
    return 0


def cmd_coverage(args) -> int:
    bundle = build.load(check=False)
    councils = [args.council] if args.council else list(bundle.councils)
    for code in councils:
        engine.council_for(bundle, code)
    complete = True
    for code in councils:
        rep = coverage.report(bundle, code)
        print(rep.summary())
        for problem in rep.errors:
            print(f"  {problem}")
        for s in rep.sentences:
            if s.status == "open" or args.all:
                why = "; ".join(s.used_by) if s.used_by else s.reason or "OPEN: no rule uses it, none sets it aside"
                print(f"  [{s.status}] docs/{s.page}:{s.line} #{s.anchor}: {s.text}\n      -> {why}")
        complete = complete and not rep.errors and rep.count("open") == 0
    return 0 if complete else 1


def cmd_paths(args) -> int:
    started = time.perf_counter()
    bundle = build.load()
    tools = [args.tool] if args.tool else list(bundle.trees)
    councils = [args.council] if args.council else list(bundle.councils)
    found = [p for t in tools for c in councils for p in paths.enumerate_paths(bundle, t, c)]
    if args.summary:
        for t in tools:
            counts = ", ".join(f"{c} {sum(1 for p in found if p.tool == t and p.council == c)}"
                               for c in councils)
            print(f"{t}: {counts}")
        print(f"total {len(found)} paths in {time.perf_counter() - started:.2f} s")
    else:
        sys.stdout.write(paths.golden_text(found))
    return 0


def cmd_explain(args) -> int:
    bundle = build.load()
    for depth, text in outline.outline(bundle, args.tool, args.council):
        print("  " * depth + text)
    return 0


def cmd_changes(args) -> int:
    try:
        old = changes.load_at(args.since)
    except changes.ChangesError as exc:
        raise UsageError(str(exc)) from None
    new = build.load()
    sys.stdout.write(changes.text(changes.compare(old, new), new, args.since))
    return 0


def cmd_bundle(args) -> int:
    text = build.bundle_json(build.load())
    if args.out == "-":
        sys.stdout.write(text)
    else:
        Path(args.out).write_text(text, encoding="utf-8")
    return 0


def cmd_serve(args) -> int:
    from py_tools.site_build.serve import serve
    serve(Path(args.dir), args.host, args.port)
    return 0


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m py_tools", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    d = sub.add_parser("decide", help="run one tool for one council on a facts file")
    d.add_argument("tool")
    d.add_argument("--council", required=True)
    d.add_argument("--facts", required=True, help="JSON file of facts, or - for stdin")
    d.set_defaults(run=cmd_decide)
    v = sub.add_parser("validate", help="check every rule file and every path")
    v.set_defaults(run=cmd_validate)
    cv = sub.add_parser("coverage", help="duty sentences of each council's documents: used or set aside")
    cv.add_argument("--council")
    cv.add_argument("--all", action="store_true", help="list every duty sentence, not only open ones")
    cv.set_defaults(run=cmd_coverage)
    ps = sub.add_parser("paths", help="every path of every tree for every council")
    ps.add_argument("--tool")
    ps.add_argument("--council")
    ps.add_argument("--summary", action="store_true", help="counts and time only")
    ps.set_defaults(run=cmd_paths)
    e = sub.add_parser("explain", help="the tree as an indented outline with citations")
    e.add_argument("tool")
    e.add_argument("--council", required=True)
    e.set_defaults(run=cmd_explain)
    ch = sub.add_parser("changes", help="each path whose outcome changed since a git ref, in plain words")
    ch.add_argument("--since", required=True, metavar="GIT_REF")
    ch.set_defaults(run=cmd_changes)
    b = sub.add_parser("bundle", help="write the validated rule bundle as JSON")
    b.add_argument("--out", default="-")
    b.set_defaults(run=cmd_bundle)
    s = sub.add_parser("serve", help="serve the built site on localhost")
    s.add_argument("--dir", default="site")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.set_defaults(run=cmd_serve)
    from py_tools.authoring import importer, new_council  # a council joins from its own document
    im = sub.add_parser("import-policy", help="a council's document (.txt/.md/.docx/.pdf) as a policy page")
    importer.add_arguments(im)
    im.set_defaults(run=importer.cli)
    nc = sub.add_parser("new-council", help="council.yaml and one not-yet-reviewed profile per tool")
    new_council.add_arguments(nc)
    nc.set_defaults(run=new_council.cli)
    return p


def main(argv=None) -> int:
    try:
        args = parser().parse_args(argv)
        return args.run(args)
    except (UsageError, engine.EngineError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (loader.LoadError, build.InvalidRules) as exc:
        print(f"error: rule files are invalid: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
