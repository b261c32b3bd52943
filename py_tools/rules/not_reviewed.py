"""A new council's rules not yet reviewed: the checks and the list of what is left.

`python -m py_tools new-council` writes profiles whose actions are all under `not_reviewed`;
reviewing one moves it to `actions` or `not_covered`."""
from __future__ import annotations

from py_tools.engine.model import Bundle


def check(bundle: Bundle) -> list[str]:
    """Errors: a not-reviewed code that the tool does not have, or that is also reviewed."""
    errors = []
    for council in bundle.councils.values():
        for tool, profile in council.tools.items():
            titles = bundle.trees[tool].actions if tool in bundle.trees else {}
            for code in profile.not_reviewed:
                if code not in titles:
                    errors.append(f"{profile.where}: not_reviewed names unknown action {code!r} for {tool}")
                elif code in profile.actions or code in profile.not_covered:
                    errors.append(f"{profile.where}: {code!r} is reviewed: take it out of not_reviewed")
    return errors


def pending(bundle: Bundle) -> list[str]:
    """What is left to review, one line per council and tool (empty when all is reviewed)."""
    out = []
    for council in bundle.councils.values():
        for tool, profile in council.tools.items():
            if profile.not_reviewed:
                out.append(f"{profile.where}: {council.short} {tool}: {len(profile.not_reviewed)} "
                           f"action(s) not yet reviewed: {', '.join(profile.not_reviewed)}")
    return out


def unreviewed_councils(bundle: Bundle) -> set[str]:
    return {code for code, c in bundle.councils.items() if any(p.not_reviewed for p in c.tools.values())}
