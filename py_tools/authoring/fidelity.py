"""Fidelity of the published policy pages to the source documents.

A source is split into units (sentences within each non-empty line); each unit is
normalised (whitespace, quotes, dashes, extraction markers) and looked for in the
normalised text of the built page's article. Contents-list lines are not units: the
contents become the site's navigation and table of contents.
"""
from __future__ import annotations

import html.parser
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from py_tools.rules.text import squash

ROOT = Path(__file__).resolve().parents[2]


def documents(root: Path = ROOT) -> dict[str, str]:
    """Source file -> built page (relative to site/) that must hold it: every policy page
    whose front matter names its file in sources/ (`import-policy` writes it)."""
    from py_tools.rules.anchors import front_matter
    found: dict[str, str] = {}
    for page in sorted((root / "docs" / "policies").glob("*.md")):
        source = str(front_matter(page).get("source", "") or "")
        name = Path(source).name
        if source.startswith("sources/") and name not in found and (root / source).is_file():
            found[name] = f"policies/{page.stem}/index.html"
    return found


def source_text(source_file: Path) -> str:
    """The source's text: plain text as it is; .docx and .pdf read as import-policy reads them."""
    if source_file.suffix.lower() in (".docx", ".pdf"):
        from py_tools.authoring.source_reader import read_lines
        return "\n".join(re.sub(r"^#{1,6}\s+", "", line) for line in read_lines(source_file)[0])
    return source_file.read_text(encoding="utf-8")


_CONTENTS_LINE = re.compile(r"^\s*(\d+(\.\d+)*\.?\s+)?[^\t]+\t\s*\d+(\s+\d+)*\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'0-9])")


def source_units(raw: str) -> list[str]:
    units: list[str] = []
    for line in raw.splitlines():
        if not line.strip() or _CONTENTS_LINE.match(line):
            continue
        line = re.sub(r"^\s*[-*\u2022\uf0b7o]\s+(?=\S)", "", line)  # list markers
        for part in _SENTENCE_END.split(line.strip()):
            if len(squash(part)) >= 3:
                units.append(part)
    return units


class _ArticleText(html.parser.HTMLParser):
    """Text inside <article>, with a space at every tag boundary."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
        if tag in ("script", "style"):
            self.skip += 1
        self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1
        if tag in ("script", "style"):
            self.skip -= 1
        self.parts.append(" ")

    def handle_data(self, data):
        if self.depth > 0 and not self.skip:
            self.parts.append(data)


def article_text(html_text: str) -> str:
    parser = _ArticleText()
    parser.feed(html_text)
    return "".join(parser.parts)


@dataclass
class Fidelity:
    source: str
    page: str
    total: int
    missing: list[str]

    @property
    def ratio(self) -> float:
        return 1.0 if not self.total else (self.total - len(self.missing)) / self.total


def check(source_file: Path, page_file: Path) -> Fidelity:
    units = source_units(source_text(source_file))
    page = squash(article_text(page_file.read_text(encoding="utf-8")))
    missing = [u for u in units if squash(u) not in page]
    return Fidelity(source_file.name, str(page_file), len(units), missing)


def main(argv: list[str]) -> int:
    site = Path(argv[0]) if argv else ROOT / "site"
    worst = 1.0
    for source, page in documents().items():
        result = check(ROOT / "sources" / source, site / page)
        worst = min(worst, result.ratio)
        print(f"{source} -> {page}: {result.ratio:.2%} of {result.total} sentences")
        for unit in result.missing:
            print(f"   missing: {unit[:160]}")
    return 0 if worst >= 0.99 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
