"""Load, link and validate the rule data: the one way the CLI, tests and site build get a Bundle."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from . import anchors, loader, validate
from py_tools.engine.model import Bundle, Council, Document, to_data


class InvalidRules(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def rules_version(root: Path = loader.TREES) -> str:
    """A short content hash of the rule files, shown in decision records."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.yaml")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def load(root: Path = loader.TREES, policies: Path = anchors.POLICIES, check: bool = True) -> Bundle:
    bundle = loader.load_bundle(root, version=rules_version(root))
    links = anchors.links_for(anchors.bundle_cites(bundle), anchors.shorts(bundle), policies)
    councils = {code: _with_documents(c, policies) for code, c in bundle.councils.items()}
    years = holiday_years(root)
    bundle = Bundle(bundle.facts, bundle.trees, councils, links, bundle.version,
                    bank_holidays(*years), glossary=read_glossary(policies.parent / "includes" / "abbreviations.md"),
                    bank_holiday_years=years)
    if check:
        errors = validate.validate(bundle)
        if errors:
            raise InvalidRules(errors)
    return bundle


def check_coverage(bundle: Bundle, root: Path = loader.TREES, policies: Path = anchors.POLICIES) -> None:
    """Completeness, on top of `load`'s checks: what a tool never leaves silent each council
    states, and every duty sentence of its documents is used by a rule or set aside. A council
    whose rules are not yet reviewed (a new council's skeleton) is shown as a preview with a
    banner instead, and `validate` lists what is left."""
    from . import coverage
    from py_tools.rules.not_reviewed import unreviewed_councils
    waiting = unreviewed_councils(bundle)  # a preview: what is left is listed, not an error yet
    errors = validate.never_silent(bundle, waiting) + coverage.problems(bundle, root, policies, waiting)
    if errors:
        raise InvalidRules(errors)


def read_glossary(path: Path) -> dict[str, str]:
    """The site's abbreviations (`*[MARAC]: Multi-Agency ...` lines), the same file the
    Markdown pages use, so the tools explain the same terms in the same words."""
    if not path.exists():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("*[") and "]:" in line:
            term, meaning = line[2:].split("]:", 1)
            if term.strip() and meaning.strip():
                out[term.strip()] = meaning.strip()
    return out


HOLIDAYS_BEFORE, HOLIDAYS_AFTER = 2, 5  # years of bank holidays around the release's year


def holiday_years(root: Path = loader.TREES) -> tuple[int, int]:
    """(first, last) year of the bank holidays the bundle carries: tied to the date of the
    signed-off release (release.yaml), not to the day of the build, so the bundle changes
    only when the rules or the holidays do. A rules folder without a release of its own
    (a test fixture) takes the project's."""
    path = root / "release.yaml"
    f = loader._File(path if path.exists() else loader.TREES / "release.yaml", "release")
    year = int(str(f.data["date"])[:4])
    return year - HOLIDAYS_BEFORE, year + HOLIDAYS_AFTER


def bank_holidays(first: int, last: int) -> tuple[str, ...]:
    """England and Wales bank holidays of the years first..last, from the `holidays` library."""
    import holidays  # build time only; the engine receives plain dates
    days = holidays.country_holidays("GB", subdiv="ENG", years=range(first, last + 1))
    return tuple(sorted(d.isoformat() for d in days))


def _with_documents(council: Council, policies: Path) -> Council:
    """Fill each document's title and dates from its page's front matter (one source)."""
    docs = []
    for doc in council.documents:
        page = policies.parent / doc.page
        meta = anchors.front_matter(page) if page.exists() else {}
        docs.append(Document(str(meta.get("document") or meta.get("title") or doc.page), doc.page,
                             str(meta.get("approved", "") or ""), str(meta.get("review_due", "") or ""),
                             str(meta.get("version", "") or "")))
    return Council(council.code, council.name, council.short, tuple(docs), council.tools,
                   council.where)


def bundle_json(bundle: Bundle) -> str:
    return json.dumps(to_data(bundle), separators=(",", ":"), sort_keys=True)
