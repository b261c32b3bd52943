"""Import a council's policy document (.txt, .md, .docx, .pdf) as a policy page.

`python -m py_tools import-policy --council CODE --title "…" FILE` writes
docs/policies/<code>-<slug>.md: front matter, the text as the source has it (extraction
artefacts repaired, nothing reworded), an anchor on every numbered paragraph (`1.1`, `8.23`,
`9.1(d)`) and on every heading, in the style the existing pages use:

    ## 8. Policy statements {: #dover-8}
    ### Record keeping {: #dover-record-keeping}
    [8.23](#dover-8-23){: #dover-8-23 .para-num} Text of the paragraph.

Whatever it cannot place (a contents list, a page header or footer, a page number, text
that would run as a template) is listed in `Imported.unplaced`, never dropped silently.
CPython only (reads files; .docx and .pdf through python-docx and pypdf).
"""
from __future__ import annotations

import calendar
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from py_tools.authoring.source_reader import PAGE_NUMBER, UnreadableDocument, read_lines
from py_tools.rules.text import squash

ROOT = Path(__file__).resolve().parents[2]
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}


@dataclass
class Imported:
    markdown: str
    page: str                      # docs/policies/<code>-<slug>.md (relative to the project)
    anchors: list[str]
    unplaced: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)


# --- structure ---------------------------------------------------------------------

_CONTENTS_LINE = re.compile(r"^\s*(\d+(\.\d+)*\.?\s+)?[^\t]+(\t|\.{4,})\s*\d+(\s+\d+)*\s*$")
_SECTION = re.compile(r"^(\d{1,2})\.?\s+([A-Z][^\t]{0,110})$")
_PARA = re.compile(r"^(\d{1,2}(?:\.\d{1,3})+)(\([a-z0-9]{1,4}\))?\.?(?:\*\*)?(?:\s+(.*)|$)")
_SUBPARA = re.compile(r"^\(([a-z]|[ivx]{1,4})\)\s+(.*)")
_BULLET = re.compile(r"^\s*(?:[-*\u2022\uf0b7\u25cf\u25aa\u2013]|o(?=\s))\s+(?=\S)")
_APPENDIX = re.compile(r"^appendix\s+(\d+|[a-z])\b", re.I)


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"['\u2019]", "", text)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _squash(text: str) -> str:
    return squash(text).lower()


def _ends_sentence(text: str) -> bool:
    return bool(re.search(r"[.:;!?]['\"\u2019\u201d)]*$", text.strip()))


def _is_heading(text: str) -> bool:
    if len(text) > 110 or "\t" in text or not text[:1].isupper():
        return False
    words = text.split()
    if text.endswith((",", ";")) or len(words) > 12:
        return False
    if text.endswith((".", ":")) and len(words) > 4:
        return False
    return not re.search(r"\b(https?://|www\.)", text)


def _escape(text: str) -> str:
    """Text as Markdown that renders as itself (no accidental lists, headings or templates)."""
    text = re.sub(r"^(\d+)([.)])(\s)", r"\1\\\2\3", text)
    text = re.sub(r"^([#>+])", r"\\\1", text)
    return text


def _blocks(lines: list[str]) -> list[str]:
    """Lines to blocks: one paragraph, heading or table row per block, bullets kept."""
    blocks: list[str] = []
    current: list[str] = []

    def flush():
        if current:
            blocks.append(" ".join(current))
            current.clear()

    for raw in lines:
        line = raw.rstrip().replace("\u00a0", " ")
        if not line.strip():
            flush()
            blocks.append("")
            continue
        if "\t" in line or _BULLET.match(line) or line.lstrip().startswith(("#", "|")):
            flush()
            blocks.append(line)
            continue
        # a plain line: in these sources each line is a paragraph
        flush()
        current.append(line.strip())
    flush()
    return blocks


class _Builder:
    def __init__(self, prefix: str, title: str):
        self.prefix = prefix
        self.title = title
        self.out: list[str] = []
        self.anchors: list[str] = []
        self.unplaced: list[str] = []
        self.repaired: list[str] = []
        self.section = 0          # last numbered section
        self.numbered = False     # the document numbers its sections
        self.scope = ""           # "appendix-1-" inside a free-standing appendix
        self.para = ""            # last paragraph number, for (a) sub-paragraphs
        self.last_para: tuple[int, ...] = ()
        self.list_open = False
        self.table: list[list[str]] = []
        self.in_contents = False       # after a "Contents" heading, until the first other line
        self.squashed_title = _squash(title)

    def anchor(self, ident: str) -> str:
        base, n = ident, 2
        while ident in self.anchors:
            ident, n = f"{base}-{n}", n + 1
        self.anchors.append(ident)
        return ident

    def block(self, text: str) -> None:
        self.end_table()
        if self.out and self.out[-1] != "":
            self.out.append("")
        self.out.append(text)

    def end_table(self) -> None:
        if not self.table:
            return
        width = max(len(r) for r in self.table)
        rows = [r + [""] * (width - len(r)) for r in self.table]
        cell = lambda c: c.replace("|", "\\|") or " "  # noqa: E731
        text = ["| " + " | ".join(cell(c) for c in rows[0]) + " |", "|" + "---|" * width]
        text += ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows[1:]]
        self.table = []
        self.block("\n".join(text))

    def heading(self, level: int, text: str, ident: str) -> None:
        text = re.sub(r"^([#>+])", r"\\\1", text)  # a heading's "1." is no list: no escape
        self.block(f"{'#' * level} {text} {{: #{self.anchor(ident)}}}")

    def expected_para(self, number: str, sub: str = "") -> bool:
        """A number at a line start is a paragraph number only if it fits the sequence
        (so '2.3 million…' carried over a page break is not taken for paragraph 2.3)."""
        parts = tuple(int(p) for p in number.split("."))
        if self.numbered and parts[0] != self.section:
            return False
        if sub and parts == self.last_para:
            return True  # 9.1(d) after 9.1
        if self.last_para and parts[0] == self.last_para[0] and parts <= self.last_para:
            return False
        return len(parts) <= 4

    # --- one block of the document at a time (convert) --------------------------------

    def take(self, text: str) -> None:
        """Place one block of text: left out (and listed), a heading, a table row, a numbered
        paragraph, a list item or a plain paragraph."""
        if not text:
            self.list_open = False
            return
        if self.left_out(text):
            return
        md_heading = re.match(r"^(#{1,6})\s+(.*?)\s*(\{:?\s*#[^}]*\})?\s*$", text)
        if md_heading:
            text = md_heading.group(2)
        if self.section_heading(text, bool(md_heading)) or self.table_row(text):
            return
        self.end_table()
        if self.numbered_paragraph(text) or self.list_item(text):
            return
        if md_heading or (_is_heading(text) and not (self.numbered and self.section == 0)):
            self.heading(3 if self.numbered or self.scope else 2, text, f"{self.prefix}-{self.scope}{slug(text)}")
            return
        # a paragraph cut by a page break: the next line goes on in lower case
        if (self.out and self.out[-1] and not self.list_open and not self.out[-1].startswith(("#", "|"))
                and not _ends_sentence(self.out[-1]) and text[:1].islower()):
            self.out[-1] += " " + _escape(text)
            self.repaired.append(f"paragraph joined across a page break: …{text[:50]}")
            return
        self.list_open = False
        self.block(_escape(text))

    def left_out(self, text: str) -> bool:
        """A contents line, a repeated title, template syntax or a page number: listed, not placed."""
        if text.lower() == "contents":
            self.unplaced.append("the heading 'Contents' not placed (the contents list is the navigation)")
            self.in_contents = True
            return True
        if self.in_contents and re.search(r"\S\s+\d{1,3}(\s+\d{1,3})*$", text) and len(text) < 120:
            self.unplaced.append(f"contents line not placed: {text}")
            return True  # a contents line whose tab the format lost (PDF)
        self.in_contents = False
        if len(self.anchors) == 1 and _squash(text) and _squash(text) in self.squashed_title:
            self.repaired.append(f"title line shown as the page title: {text}")
            return True
        if text.startswith("{{") or "{%" in text or "{#" in text:
            self.unplaced.append(f"text that would run as a template, left out: {text[:80]}")
            return True
        if PAGE_NUMBER.match(text) and not self.table:
            self.unplaced.append(f"page number not placed: {text}")
            return True
        return False

    def section_heading(self, text: str, md_heading: bool) -> bool:
        """A numbered section ("8. Policy statements") or an appendix heading."""
        section = _SECTION.match(text)
        appendix = _APPENDIX.match(text) if (md_heading or _is_heading(text)) else None
        if section and self.numbered and int(section.group(1)) == self.section + 1 and not _ends_sentence(section.group(2)):
            self.section = int(section.group(1))
            self.last_para, self.para, self.scope = (), "", ""
            app = _APPENDIX.match(section.group(2))
            ident = f"{self.prefix}-appendix-{app.group(1).lower()}" if app else f"{self.prefix}-{self.section}"
            self.heading(2, text, ident)
            return True
        if appendix and not section:
            self.scope = f"appendix-{appendix.group(1).lower()}-"
            self.heading(2, text, f"{self.prefix}-appendix-{appendix.group(1).lower()}")
            return True
        return False

    def table_row(self, text: str) -> bool:
        """A tab-separated or Markdown table row, gathered until the table ends."""
        if "\t" not in text and not text.startswith("|"):
            return False
        cells = [c.strip() for c in (text.strip("|").split("|") if text.startswith("|") else text.split("\t"))]
        if text.startswith("|") and all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
            return True  # a Markdown table's rule line
        while cells and not cells[-1]:
            cells.pop()
        if not self.table and self.out and self.out[-1] != "":
            self.out.append("")
        self.table.append([_escape(c) for c in cells] or [""])
        return True

    def numbered_paragraph(self, text: str) -> bool:
        """A numbered paragraph (8.23, 9.1(d)) or a lettered sub-paragraph, with its anchor."""
        marker = _BULLET.match(text)
        para = _PARA.match(text[marker.end():] if marker else text)
        if para and self.expected_para(para.group(1), para.group(2) or ""):
            number, sub, body = para.group(1), para.group(2) or "", (para.group(3) or "").strip()
            self.last_para = tuple(int(p) for p in number.split("."))
            self.para = number
            ident = self.anchor(f"{self.prefix}-{number.replace('.', '-')}" + (f"-{sub[1:-1]}" if sub else ""))
            body = re.sub(r"^\*\*\s*", "", body)
            self.list_open = False
            self.block(f"[{number}{sub}](#{ident}){{: #{ident} .para-num}} {_escape(body)}".rstrip())
            return True
        subpara = _SUBPARA.match(text)
        if subpara and self.para:
            ident = self.anchor(f"{self.prefix}-{self.para.replace('.', '-')}-{subpara.group(1)}")
            self.block(f"[({subpara.group(1)})](#{ident}){{: #{ident} .para-num}} {_escape(subpara.group(2))}")
            return True
        return False

    def list_item(self, text: str) -> bool:
        bullet = _BULLET.match(text)
        if not bullet:
            return False
        item = "- " + _escape(text[bullet.end():].strip())
        if self.list_open:
            self.out.append(item)
        else:
            self.block(item)
            self.list_open = True
        return True


def convert(lines: list[str], council: str, title: str, prefix: str | None = None) -> tuple[str, list[str], list[str], list[str]]:
    """(markdown body, anchors, unplaced notes, repairs) for the document's lines."""
    prefix = prefix or council
    b = _Builder(prefix, title)
    blocks = _blocks(lines)
    # the contents list: the site's navigation and table of contents replace it
    contents = [x for x in blocks if x and _CONTENTS_LINE.match(x)]
    if contents:
        b.unplaced.append(f"contents list ({len(contents)} lines) not placed: the page's "
                          f"navigation and table of contents replace it")
    blocks = [x for x in blocks if not (x and _CONTENTS_LINE.match(x))]
    plain = (re.sub(r"^#{1,6}\s+|\s*\{:?\s*#[^}]*\}\s*$", "", x) for x in blocks if x)
    sections = [int(m.group(1)) for m in (_SECTION.match(x) for x in plain) if m]
    b.numbered = 1 in sections and 2 in sections
    # title lines before the first heading or paragraph become the page's title
    b.block(f"# {_escape(title)} {{: #{b.anchor(prefix + '-' + slug(title))}}}")
    for block in blocks:
        b.take(block.strip() if block else "")
    b.end_table()
    return "\n".join(b.out).strip() + "\n", b.anchors, b.unplaced, b.repaired


def _iso_month_end(month: str, year: str) -> str:
    m = MONTHS[month.lower()]
    return f"{year}-{m:02d}-{calendar.monthrange(int(year), m)[1]:02d}"


def dates(text: str) -> dict:
    """Approval and review dates where the text states them."""
    out = {}
    months = "|".join(MONTHS)
    approved = re.search(rf"(?:approval date|approved(?: on)?)\s*:?\s*(\d{{1,2}} (?:{months}) \d{{4}})", text, re.I)
    if approved:
        out["approved"] = approved.group(1)
    review = re.search(rf"(?:scheduled review|review date|next review|review due|to be reviewed(?: by| in)?)"
                       rf"\s*:?\s*(?:(\d{{1,2}}) )?({months}) (\d{{4}})", text, re.I)
    if review:
        day, month, year = review.groups()
        out["review_due"] = (f"{year}-{MONTHS[month.lower()]:02d}-{int(day):02d}" if day
                             else _iso_month_end(month, year))
    return out


def _yaml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def import_policy(source: Path, council: str, title: str, root: Path = ROOT,
                  name: str | None = None, prefix: str | None = None, copy: bool = True) -> Imported:
    """Write docs/policies/<council>-<name>.md from the source; copy the source to sources/."""
    if not re.fullmatch(r"[a-z][a-z0-9]*", council):
        raise UnreadableDocument(f"council code {council!r}: use lower-case letters and digits")
    source = Path(source)
    if not source.is_file():
        raise UnreadableDocument(f"{source}: no such file")
    lines, notes = read_lines(source)
    if not any(l.strip() for l in lines):
        raise UnreadableDocument(f"{source}: no text found")
    name = name or slug(title)
    if not re.fullmatch(r"[a-z0-9][a-z0-9\-]*", name):
        raise UnreadableDocument(f"page name {name!r}: use lower-case letters, digits and '-'")
    body, anchors, unplaced, repaired = convert(lines, council, title, prefix)
    kept = Path("sources") / source.name
    if copy:
        target = root / kept
        if target.exists() and target.resolve() != source.resolve() and target.read_bytes() != source.read_bytes():
            kept = Path("sources") / f"{council}-{name}{source.suffix.lower()}"
            target = root / kept
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.resolve() != source.resolve():
            shutil.copyfile(source, target)
    meta = [f"title: {_yaml_str(title)}", f"council: {council}", f"document: {_yaml_str(title)}",
            f"source: {kept.as_posix()}"]
    for key, value in dates("\n".join(lines)).items():
        meta.append(f"{key}: {value if key == 'review_due' else _yaml_str(value)}")
    page = f"docs/policies/{council}-{name}.md"
    text = "---\n" + "\n".join(meta) + "\n---\n\n" + body
    return Imported(text, page, anchors, notes + unplaced, repaired)


def write(result: Imported, root: Path = ROOT) -> Path:
    path = root / result.page
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(result.markdown, encoding="utf-8")
    return path


def add_arguments(p) -> None:
    p.add_argument("file", help="the council's document: .txt, .md, .docx or .pdf")
    p.add_argument("--council", required=True, help="council code: lower-case letters and digits, e.g. kent")
    p.add_argument("--title", required=True, help="the document's title as the council gives it")
    p.add_argument("--name", help="page name after the council code (default: from the title)")
    p.add_argument("--anchor-prefix", help="anchor prefix (default: the council code; give "
                   "<code>-<name> for a council's second document)")
    p.add_argument("--force", action="store_true", help="overwrite an existing page")


def cli(args) -> int:
    """`import-policy`: write the page, list what could not be placed; exit 2 on a bad file."""
    import sys
    page = f"docs/policies/{args.council}-{args.name or slug(args.title)}.md"
    if (ROOT / page).exists() and not args.force:  # checked before anything is written
        print(f"error: {page} exists (use --force to overwrite)", file=sys.stderr)
        return 2
    try:
        result = import_policy(Path(args.file), args.council, args.title, name=args.name,
                               prefix=args.anchor_prefix)
    except UnreadableDocument as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    write(result)
    numbered = sum(1 for a in result.anchors if re.search(r"-\d+(-\d+)+", a))
    print(f"wrote {result.page}: {len(result.anchors)} anchors ({numbered} numbered paragraphs)")
    for note in result.repaired:
        print(f"repaired: {note}")
    if result.unplaced:
        print(f"not placed ({len(result.unplaced)}): check these against the source")
        for note in result.unplaced:
            print(f"  - {note}")
    else:
        print("not placed: nothing")
    print(f"next: add the page to decision_trees/councils/{args.council}/council.yaml "
          f"(python -m py_tools new-council {args.council} --name ...)")
    return 0
