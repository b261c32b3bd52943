"""`make dev`: MkDocs' live-reload server over the sources, for editors of policy pages and
rule files. The build hooks (py_tools/site_build/mkdocs_hooks.py) skip the slow steps when DA_DEV=1;
a broken rule file does not stop the server: its errors, each starting with file:line, are
printed in the terminal and shown at the top of every page until it is fixed.
"""
from __future__ import annotations

import sys
from html import escape


def report(exc: Exception) -> list[str]:
    """The rule errors as lines (file:line: problem), printed to the terminal."""
    errors = list(getattr(exc, "errors", None) or str(exc).splitlines())
    print("decision_trees are invalid (showing the last valid rules):", file=sys.stderr)
    for line in errors:
        print(f"  {line}", file=sys.stderr)
    return errors


def errors_html(errors: list[str]) -> str:
    items = "".join(f"<li><code>{escape(e)}</code></li>" for e in errors)
    return ('<div class="admonition failure da-rule-errors" data-rule-errors role="alert">'
            '<p class="admonition-title">Rule files have errors (the site shows the last valid rules)</p>'
            f'<ul>{items}</ul></div>')
