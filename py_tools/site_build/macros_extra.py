"""mkdocs-macros pluglet: the Compare councils tables, the Support services directory and
each council's corrections for the policy owner.

Registered in mkdocs.yml under the macros plugin as `modules: [py_tools.macros_extra]`.
The pages are generated from the data only (the rule bundle, decision_trees/services.yaml).
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from py_tools.publications import compare  # noqa: E402
from py_tools.site_build import service_site  # noqa: E402
from py_tools.site_build.macros import _base  # noqa: E402
from py_tools.site_build.mkdocs_hooks import rules  # noqa: E402


def define_env(env):
    @env.macro
    def compare_tables() -> str:
        from py_tools.publications import compare_choice  # the reader chooses the councils shown
        return compare_choice.chooser_html(rules()) + compare.compare_html(rules(), _base(env.page))

    @env.macro
    def services_directory() -> str:
        return service_site.directory_html(rules(), _base(env.page))

    @env.macro
    def service_corrections(code: str) -> str:
        return service_site.corrections_html(rules(), code, _base(env.page))

    @env.macro
    def service_corrections_link(code: str) -> str:
        return service_site.corrections_link(rules(), code, _base(env.page))
