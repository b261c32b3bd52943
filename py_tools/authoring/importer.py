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

ROOT = Path(__file__).resolve().parents[2]
FORMATS = (".txt", ".md", ".docx", ".pdf")
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}


class UnreadableDocument(ValueError):
    """The file cannot be imported (unknown format, unreadable, empty)."""


@dataclass
class Imported:
    markdown: str
    page: str                      # docs/policies/<code>-<slug>.md (relative to the project)
    anchors: list[str]
    unplaced: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)


# --- reading each format as lines ------------------------------------------------

def read_lines(path: Path) -> tuple[list[str], list[str]]:
    """The document as text lines in the plain-text sources' conventions (blank line between
    paragraphs, `- ` bullets, tab-separated table cells, `#` headings where the format marks
    them), and notes on what the reader could not carry over."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UnreadableDocument(f"{path}: unknown format {suffix!r} (valid: {', '.join(FORMATS)})")
    if suffix == ".txt":
        return path.read_text(encoding="utf-8-sig").splitlines(), []
    if suffix == ".md":
        return _md_lines(path.read_text(encoding="utf-8-sig")), []
    if suffix == ".docx":
        return _docx_lines(path)
    return _pdf_lines(path)


_MD_PARA_NUM = re.compile(r"^\[([^\]]+)\]\(#[^)]*\)\{:[^}]*\}\s*")


def _md_lines(text: str) -> list[str]:
    """A Markdown page: front matter left out, existing paragraph-number links unwrapped."""
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end > 0:
            text = text[end + 4:]
    return [_MD_PARA_NUM.sub(r"\1 ", line) for line in text.splitlines()]


def _docx_lines(path: Path) -> tuple[list[str], list[str]]:
    import docx  # python-docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    lines: list[str] = []
    notes: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = Paragraph(block, document)
            text = para.text.strip()
            if not text:
                continue
            style = (para.style.name if para.style is not None else "") or ""
            level = re.match(r"Heading (\d)", style)
            numbered = para._p.pPr is not None and para._p.pPr.numPr is not None
            if level:
                lines += ["#" * (int(level.group(1)) + 1) + " " + text, ""]
            elif "List" in style or numbered:
                if numbered and "Bullet" not in style:
                    notes.append(f"automatic list numbering not carried over: {text[:60]}")
                lines.append("- " + text)
            else:
                lines += [text, ""]
        elif tag == "tbl":
            table = Table(block, document)
            lines.append("")
            for row in table.rows:
                cells, seen = [], set()
                for cell in row.cells:  # merged cells repeat: keep each once
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    cells.append(" ".join(cell.text.split()))
                lines.append("\t".join(cells) + "\t")
            lines.append("")
    for section in document.sections:
        for part, name in ((section.header, "page header"), (section.footer, "page footer")):
            text = " ".join(p.text.strip() for p in part.paragraphs if p.text.strip())
            if text and not part.is_linked_to_previous:
                notes.append(f"{name} not placed: {text[:80]}")
    return lines, notes


_PAGE_NUMBER = re.compile(r"^\s*(page\s+)?\d{1,3}(\s+(of|/)\s+\d{1,3})?\s*$", re.I)


def _pdf_lines(path: Path) -> tuple[list[str], list[str]]:
    import pypdf

    reader = pypdf.PdfReader(str(path))
    pages = [(page.extract_text() or "").splitlines() for page in reader.pages]
    notes: list[str] = []
    # a line at the top or bottom of most pages is a running header or footer
    edges: dict[str, int] = {}
    for lines in pages:
        for line in {l.strip() for l in lines[:2] + lines[-2:] if l.strip()}:
            edges[line] = edges.get(line, 0) + 1
    running = {l for l, n in edges.items() if len(pages) >= 3 and n >= max(3, len(pages) // 2)}
    out: list[str] = []
    for number, lines in enumerate(pages, 1):
        for i, line in enumerate(lines):
            text = line.strip()
            edge = i < 2 or i >= len(lines) - 2
            if edge and text in running:
                notes.append(f"page header or footer not placed (page {number}): {text[:80]}")
                continue
            if edge and _PAGE_NUMBER.match(text):
                notes.append(f"page number not placed (page {number}): {text}")
                continue
            out.append(text)
        out.append("")
    return _pdf_paragraphs(out), notes


_STARTS_BLOCK = re.compile(r"^(\d+(\.\d+)*\.?(\([a-z0-9]+\))?\s|[-\u2022\uf0b7\u25cf]\s|#|\(?[a-z]\)\s)")


def _pdf_paragraphs(lines: list[str]) -> list[str]:
    """PDF text comes as wrapped lines: rebuild paragraphs. A line starts a new block when it
    starts with a number or a bullet, or follows a line that does not fill the width (a
    heading, the last line of a paragraph)."""
    out: list[str] = []
    prev_short = True
    widths = sorted(len(l) for l in lines if l)
    full = 0.8 * widths[int(len(widths) * 0.95)] if widths else 60  # a wrapped line fills the width
    for line in lines:
        if not line:
            out.append("")
            prev_short = True
            continue
        new_block = (not out or not out[-1] or prev_short or bool(_STARTS_BLOCK.match(line)))
        if new_block:
            if out and out[-1]:
                out.append("")
            out.append(line)
        else:
            out[-1] += " " + line
        prev_short = len(line) < full
    return out


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
    from .fidelity import squash
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
    squashed_title = _squash(title)
    i = 0
    in_contents = False
    while i < len(blocks):
        text = blocks[i].strip() if blocks[i] else ""
        i += 1
        if not text:
            if b.list_open:
                b.list_open = False
            continue
        if text.lower() == "contents":
            b.unplaced.append("the heading 'Contents' not placed (the contents list is the navigation)")
            in_contents = True
            continue
        if in_contents and re.search(r"\S\s+\d{1,3}(\s+\d{1,3})*$", text) and len(text) < 120:
            b.unplaced.append(f"contents line not placed: {text}")
            continue  # a contents line whose tab the format lost (PDF)
        in_contents = False
        if len(b.anchors) == 1 and _squash(text) and _squash(text) in squashed_title:
            b.repaired.append(f"title line shown as the page title: {text}")
            continue
        if text.startswith("{{") or "{%" in text or "{#" in text:
            b.unplaced.append(f"text that would run as a template, left out: {text[:80]}")
            continue
        if _PAGE_NUMBER.match(text) and not b.table:
            b.unplaced.append(f"page number not placed: {text}")
            continue
        md_heading = re.match(r"^(#{1,6})\s+(.*?)\s*(\{:?\s*#[^}]*\})?\s*$", text)
        if md_heading:
            text = md_heading.group(2)
        section = _SECTION.match(text)
        appendix = _APPENDIX.match(text) if (md_heading or _is_heading(text)) else None
        if section and b.numbered and int(section.group(1)) == b.section + 1 and not _ends_sentence(section.group(2)):
            b.section = int(section.group(1))
            b.last_para, b.para, b.scope = (), "", ""
            app = _APPENDIX.match(section.group(2))
            ident = f"{prefix}-appendix-{app.group(1).lower()}" if app else f"{prefix}-{b.section}"
            b.heading(2, text, ident)
            continue
        if appendix and not section:
            b.scope = f"appendix-{appendix.group(1).lower()}-"
            b.heading(2, text, f"{prefix}-appendix-{appendix.group(1).lower()}")
            continue
        if "\t" in text or text.startswith("|"):
            cells = [c.strip() for c in (text.strip("|").split("|") if text.startswith("|") else text.split("\t"))]
            if text.startswith("|") and all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                continue  # a Markdown table's rule line
            while cells and not cells[-1]:
                cells.pop()
            if not b.table and b.out and b.out[-1] != "":
                b.out.append("")
            b.table.append([_escape(c) for c in cells] or [""])
            continue
        b.end_table()
        marker = _BULLET.match(text)
        para = _PARA.match(text[marker.end():] if marker else text)
        if para and b.expected_para(para.group(1), para.group(2) or ""):
            number, sub, body = para.group(1), para.group(2) or "", (para.group(3) or "").strip()
            b.last_para = tuple(int(p) for p in number.split("."))
            b.para = number
            ident = f"{prefix}-{number.replace('.', '-')}" + (f"-{sub[1:-1]}" if sub else "")
            ident = b.anchor(ident)
            body = re.sub(r"^\*\*\s*", "", body)
            b.list_open = False
            b.block(f"[{number}{sub}](#{ident}){{: #{ident} .para-num}} {_escape(body)}".rstrip())
            continue
        subpara = _SUBPARA.match(text)
        if subpara and b.para:
            ident = b.anchor(f"{prefix}-{b.para.replace('.', '-')}-{subpara.group(1)}")
            b.block(f"[({subpara.group(1)})](#{ident}){{: #{ident} .para-num}} {_escape(subpara.group(2))}")
            continue
        bullet = _BULLET.match(text)
        if bullet:
            item = "- " + _escape(text[bullet.end():].strip())
            if b.list_open:
                b.out.append(item)
            else:
                b.block(item)
                b.list_open = True
            continue
        if md_heading or (_is_heading(text) and not (b.numbered and b.section == 0)):
            ident = f"{prefix}-{b.scope}{slug(text)}"
            b.heading(3 if b.numbered or b.scope else 2, text, ident)
            continue
        # a paragraph cut by a page break: the next line goes on in lower case
        if (b.out and b.out[-1] and not b.list_open and not b.out[-1].startswith(("#", "|"))
                and not _ends_sentence(b.out[-1]) and text[:1].islower()):
            b.out[-1] += " " + _escape(text)
            b.repaired.append(f"paragraph joined across a page break: …{text[:50]}")
            continue
        b.list_open = False
        b.block(_escape(text))
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
    p.add_argument("--council", required=True, help="council code, e.g. dover")
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
