"""mkdocs-macros pluglet: the Compare councils tables and the Support services directory.

Registered in mkdocs.yml under the macros plugin as `modules: [py_tools.macros_extra]`.
Both pages are generated from the data only (the rule bundle, decision_trees/services.yaml).
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from py_tools.rules import anchors, services  # noqa: E402
from py_tools.publications import compare
from py_tools.site_build.macros import _base  # noqa: E402
from py_tools.site_build.mkdocs_hooks import rules  # noqa: E402


def load_services(bundle):
    """The validated directory and the links of its citations (a LoadError stops the build)."""
    from py_tools.rules import loader  # the directory for the councils this build publishes
    from py_tools.site_build import site_scope
    known = {p.name for p in loader.TREES.joinpath("councils").iterdir() if p.is_dir()}
    listed = site_scope.services_for(services.load(services.PATH, known | set(bundle.councils)), bundle)
    links = anchors.links_for(services.cites(listed), anchors.shorts(bundle))
    missing = sorted(services.cites(listed) - set(links))
    if missing:
        raise services.LoadError(f"{services.PATH.relative_to(ROOT)}:1: citations with no anchor "
                                 f"on a policy page: {', '.join(missing)}")
    return listed, links


def define_env(env):
    state: dict = {}

    def directory():
        bundle = rules()
        if state.get("bundle") is not bundle:
            state["bundle"] = bundle
            state["services"] = load_services(bundle)
            services.report(state["services"][0])  # one notice line per conflict; build goes on
        return state["services"]

    @env.macro
    def compare_tables() -> str:
        from py_tools.publications import compare_choice  # the reader chooses the councils shown
        return compare_choice.chooser_html(rules()) + compare.compare_html(rules(), _base(env.page))

    @env.macro
    def services_directory() -> str:
        listed, links = directory()
        short = {code: c.short for code, c in rules().councils.items()}
        return services.directory_html(listed, links, short, _base(env.page))
