"""Read a council's document (.txt, .md, .docx, .pdf) as text lines, in the plain-text
sources' conventions. Used by import-policy and by the fidelity check of the published pages.
CPython only (python-docx and pypdf).
"""
from __future__ import annotations

import re
from pathlib import Path

FORMATS = (".txt", ".md", ".docx", ".pdf")


class UnreadableDocument(ValueError):
    """The file cannot be imported (unknown format, unreadable, empty)."""


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


PAGE_NUMBER = re.compile(r"^\s*(page\s+)?\d{1,3}(\s+(of|/)\s+\d{1,3})?\s*$", re.I)


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
            if edge and PAGE_NUMBER.match(text):
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
