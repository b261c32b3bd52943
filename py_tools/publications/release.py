"""The "What changed" page: every path whose outcome changed since the release named in
decision_trees/release.yaml, so a reviewer signs off only what changed (CPython, build time).
"""
from __future__ import annotations

from html import escape
from pathlib import Path

from . import changes
from .changes import KIND_WORDS

ROOT = Path(__file__).resolve().parents[2]
RELEASE = ROOT / "decision_trees" / "release.yaml"


def read(path: Path = RELEASE) -> dict:
    import yaml  # CPython only
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not str(data.get("ref") or "").strip():
        raise changes.ChangesError(f"{path.relative_to(ROOT)}:1: needs `ref:` (the released commit or tag)")
    return {"ref": str(data["ref"]).strip(), "name": str(data.get("name") or data["ref"]),
            "date": str(data.get("date") or "")}


def changes_html(bundle, base: str, path: Path = RELEASE) -> str:
    release = read(path)
    named = escape(release["name"]) + (f" ({escape(release['date'])})" if release["date"] else "")
    intro = (f'<p>Every path of every tool whose outcome has changed since the last signed-off release, '
             f'<strong data-release>{named}</strong>, in plain words: a new path, a path that no longer exists, '
             f'or a duty added, removed, or changed in level, wording or paragraph. A reviewer checks these '
             f'against the policy and signs them off on the council\'s sign-off sheet. The same list comes from '
             f'<code>python -m py_tools changes --since {escape(release["ref"])}</code>.</p>')
    try:
        old = changes.load_at(release["ref"])
    except changes.ChangesError as exc:
        return intro + (f'<p class="da-changes__missing" data-changes-missing>The release could not be read '
                        f'from this copy of the repository ({escape(str(exc))}). Run the command above in a full '
                        f'clone.</p>')
    found = changes.compare(old, bundle)
    if not found:
        return intro + '<p data-changes-none>No path\'s outcome has changed since that release.</p>'
    out = [intro, f'<p data-changes-count="{len(found)}">{len(found)} path{"s" if len(found) != 1 else ""} '
                  f'changed.</p>']
    current = None
    for change in found:
        if (change.tool, change.council) != current:
            if current is not None:
                out.append("</ul>")
            current = (change.tool, change.council)
            title = bundle.trees[change.tool].title if change.tool in bundle.trees else change.tool
            name = bundle.councils[change.council].name if change.council in bundle.councils else change.council
            out.append(f'<h2>{escape(title)}, {escape(name)}</h2><ul class="da-changes">')
        when = "; ".join(f"{escape(q)} <strong>{escape(a)}</strong>" for q, a in change.answers) \
            or "no questions asked"
        details = "".join(f"<li>{escape(d)}</li>" for d in change.details)
        out.append(f'<li data-change="{change.kind}"><strong>{KIND_WORDS[change.kind]}.</strong> When: {when}'
                   + (f"<ul>{details}</ul>" if details else "") + "</li>")
    out.append("</ul>")
    return "".join(out)
