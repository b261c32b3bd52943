"""mkdocs-macros pluglet: review notices on council and tool pages (issue 13).

`review_notices(council, tool)` shows the "rules not yet reviewed" banner of a new council's
skeleton profiles and a box holding the "review date passed" notice as of the build date;
in the browser, widget.js sends the viewer's date to the engine, which decides the notice
again (py_tools/engine/review.py), so a site built long ago still warns.
"""
from __future__ import annotations

import datetime
import sys
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from py_tools.engine import review  # noqa: E402
from py_tools.site_build.mkdocs_hooks import rules  # noqa: E402


def notices_html(bundle, council: str, tool: str = "", today: str | None = None) -> str:
    today = today or datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    banner = review.not_reviewed_html(bundle, council, tool)
    dated = any(d.review_due for d in bundle.councils[council].documents)
    box = (f'<div class="da-review-check" data-review-check data-review-council="{escape(council)}" '
           f'data-review-page="">{review.review_notice_html(bundle, council, today)}</div>'
           if dated else "")
    return banner + box


def define_env(env):  # noqa: D401 - mkdocs-macros entry point
    """Register the macro."""

    @env.macro
    def review_notices(council: str, tool: str = "") -> str:
        return notices_html(rules(), council, tool)
