"""Compare councils: the reader chooses which councils' columns are shown.

A fieldset of checkboxes, one per council, above the tables; assets/da/compare.js shows or
hides the cells of each council's column (`[data-council=CODE]`). No decision is made in
JavaScript and nothing is stored: the choice lasts as long as the page. Without JavaScript
the chooser stays hidden and every column is shown. CPython only (build time).
"""
from __future__ import annotations

from html import escape


def chooser_html(bundle) -> str:
    if len(bundle.councils) < 2:
        return ""
    boxes = "".join(
        f'<label class="da-compare-chooser__item"><input type="checkbox" value="{escape(code)}" '
        f'checked data-compare-council> {escape(c.short)}</label>'
        for code, c in bundle.councils.items())
    return (f'<fieldset class="da-compare-chooser" data-compare-chooser hidden>'
            f'<legend>Councils shown in the tables</legend>{boxes}'
            f'<p class="da-compare-chooser__status" role="status" aria-live="polite" data-compare-status></p>'
            f'</fieldset>')
