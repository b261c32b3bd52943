"""Duty coverage: every sentence of a council's documents that states a duty is either used
by a rule of that council or set aside in the council's `coverage.yaml` with a reason.

A duty sentence is a sentence of a policy page with a duty word (must, will, shall, should,
need to, required, duty, expected to, all cases, ensure, always, never, obliged, have to), or
an instruction without one: a sentence, list item or step that opens with a verb telling the
reader what to do ("Carry out…", "See…", "Keep…"), also after a leading clause ("If you feel
upset…, seek support…").
It is **used** when an action or value of one of the council's profiles cites the paragraph
or heading it stands under and quotes its words (a quote may join fragments with " … "; each fragment of 20 or
more characters is looked for, whitespace, quote style and dashes ignored). It is **set
aside** when `decision_trees/councils/<code>/coverage.yaml` names it:

    set_aside:
      - cite: rbkc:12.1
        sentence: "All staff will receive domestic abuse training"   # opening words, verbatim
        reason: "Staff training: not a decision about a case."

CPython only (reads the policy pages and the coverage files).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import anchors, loader
from py_tools.rules.text import squash
from py_tools.engine.model import Bundle, Council

DUTY_WORDS = re.compile(
    r"\b(must|will|shall|should|needs? to|required|requires?|duty|duties|(?:are|is) expected to|"
    r"all cases|ensure|always|never|obliged|ha(?:ve|s) to)\b", re.IGNORECASE)
# An instruction with no duty word: a sentence (or a list item or step) that opens with a verb
# telling the reader what to do ("Carry out immediate safety measures…", "See the safeguarding
# pages…", "Keep IDVA informed…"), possibly after a leading clause ("If you feel upset…, seek
# support…"; "With consent of the resident, submit a referral…"). The verbs are plain English,
# the same for every council's documents.
INSTRUCTION_VERBS = frozenset("""
    agree apply arrange ascertain ask assess attend avoid be believe call carry check collate
    complete confirm consider consult contact continue create discuss do document email encourage
    escalate explain explore find flag follow get give help highlight identify inform invite keep
    leave let listen look make meet note notify offer phone present provide raise read reassure
    record refer remember remind report request research respond review see seek send share
    signpost speak stay submit take talk tell try update use validate visit volunteer write
""".split())
_LEAD_CLAUSE = re.compile(r"^(?:if|when|where|once|before|after|while|whilst|unless|with|without|"
                          r"in|for|during|throughout|on)\b[^,]{0,120},\s*", re.IGNORECASE)
_NOT_A_VERB_AFTER = frozenset({"of", "for", "and", "or", "is", "are", "was", "were", "will", "can",
                               "may", "should", "must", "has", "have", "to", "details", "from"})


def is_instruction(sentence: str) -> bool:
    """Does the sentence tell the reader to do something, without a duty word? (Not a question
    to ask oneself, a note of the page's own, or a contact line such as "Call 0808 …".)"""
    if sentence.rstrip().endswith("?") or sentence.lstrip().startswith("!!!"):
        return False
    text = _LEAD_CLAUSE.sub("", re.sub(r"^[^A-Za-z]+", "", sentence))
    match = re.match(r"([A-Za-z']+)\s+(\S+)", text)
    if not match or match.group(1).lower() not in INSTRUCTION_VERBS:
        return False
    after = match.group(2)
    if after[0].isdigit() or "@" in after or after.lower().startswith(("www.", "http")):
        return False  # a phone number, an email or web address: contact details, not a step
    return after.lower().strip(".,;:") not in _NOT_A_VERB_AFTER
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=[A-Z(\"'\u201c\u2018])")
_PARA = re.compile(r"^\s*\[[^\]]*\]\(#[^)]*\)\{:\s*#([a-z0-9\-]+)[^}]*\}\s*")
_HEADING = re.compile(r"^(#+)\s+(.*?)\s*(?:\{:?\s*#([a-z0-9\-]+)[^}]*\})?\s*$")
_HTML_ID = re.compile(r"""<[a-z]+[^>]*\bid=["']([a-z0-9\-]+)["'][^>]*>""")
_ATTR = re.compile(r"\{:[^}]*\}")
_LINK = re.compile(r"\[((?:[^\]\\]|\\.)*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")
MIN_FRAGMENT = 20  # squashed characters a quote fragment or a set-aside opening needs


@dataclass
class DutySentence:
    page: str            # docs-relative page, e.g. policies/rbkc-policy.md
    line: int
    anchor: str          # the nearest anchor: paragraph, else the innermost heading
    scope: tuple         # every anchor the sentence stands under (paragraph and headings)
    text: str
    used_by: list = field(default_factory=list)   # "tool: action title" of the rules that quote it
    reason: str = ""     # why it is set aside

    @property
    def status(self) -> str:
        return "used" if self.used_by else "set aside" if self.reason else "open"


@dataclass
class Report:
    council: str
    short: str
    sentences: list
    errors: list         # file:line problems in coverage.yaml (stale or incomplete entries)

    def count(self, status: str) -> int:
        return sum(1 for s in self.sentences if s.status == status)

    @property
    def percent(self) -> float:
        total = len(self.sentences)
        return 100.0 if not total else 100.0 * (total - self.count("open")) / total

    def summary(self) -> str:
        return (f"{self.council}: {len(self.sentences)} duty sentences: {self.count('used')} used by a "
                f"rule, {self.count('set aside')} set aside with a reason, {self.count('open')} open "
                f"({self.percent:.1f}% covered)")


def _clean(text: str) -> str:
    text = _ATTR.sub("", text)
    text = text.replace("<br>", " ").replace("<br/>", " ")
    text = _TAG.sub(" ", text)
    text = _LINK.sub(r"\1", text)
    text = text.replace("**", "").replace("\\", "")
    text = re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "", text)
    return re.sub(r"\s+", " ", text).strip(" |")


_BLOCK_START = re.compile(r"^\s*(?:[-*+]\s|\d+\.\s|\||<)")


def _blocks(lines: list[str], start: int):
    """(line number, text, heading) per block: a paragraph (wrapped lines joined), a list
    item, a table row or a heading."""
    block, first = [], 0
    for number, raw in enumerate(lines[start:], start + 1):
        if not raw.strip() or _HEADING.match(raw) or _BLOCK_START.match(raw) or _PARA.match(raw):
            if block:
                yield first, " ".join(block), False
            block = []
            if _HEADING.match(raw):
                yield number, raw, True
                continue
            if not raw.strip():
                continue
            if _BLOCK_START.match(raw):
                yield number, raw, False
                continue
        if not block:
            first = number
        block.append(raw.strip())
    if block:
        yield first, " ".join(block), False


def page_sentences(page: Path, href: str) -> list[DutySentence]:
    """The duty sentences of one policy page, each with the anchors it stands under."""
    lines = page.read_text(encoding="utf-8").splitlines()
    start = 0
    if lines and lines[0].strip() == "---":
        start = next((i + 1 for i in range(1, len(lines)) if lines[i].strip() == "---"), 0)
    headings: list[tuple[int, str]] = []   # (level, anchor)
    para = ""
    found = []
    for number, raw, is_heading in _blocks(lines, start):
        if is_heading:
            heading = _HEADING.match(raw)
            level = len(heading.group(1))
            headings = [h for h in headings if h[0] < level]
            if heading.group(3):
                headings.append((level, heading.group(3)))
            para = ""
            continue
        html_id = _HTML_ID.search(raw)
        if html_id and not _clean(raw):
            para = html_id.group(1)  # an anchor of its own (e.g. a section number) on a line
            continue
        match = _PARA.match(raw)
        if match:
            para = match.group(1)
            raw = raw[match.end():]
        if not raw.strip() or re.fullmatch(r"\|?\s*:?-{3,}.*", raw.strip()):
            continue
        cells = raw.split("|") if raw.strip().startswith("|") else [raw]
        scope = tuple(a for a in [para] + [h[1] for h in reversed(headings)] if a)
        for cell in cells:
            for sentence in _SENTENCE_END.split(_clean(cell)):
                sentence = sentence.strip()
                if len(squash(sentence)) >= 3 and (DUTY_WORDS.search(sentence) or is_instruction(sentence)):
                    found.append(DutySentence(href, number, scope[0] if scope else "", scope, sentence))
    return found


def _pieces(quote: str) -> list[str]:
    """A quote's fragments (split at ellipses and sentence ends), squashed, long enough to match."""
    out = []
    for fragment in re.split(r"\u2026|\.\.\.", quote):
        for piece in _SENTENCE_END.split(fragment.strip()):
            piece = squash(piece).lower().strip(".,;:")
            if len(piece) >= MIN_FRAGMENT:
                out.append(piece)
    return out


def quotes(sentence: str, quote: str) -> bool:
    """Does a rule's quote hold (part of) this sentence's words?"""
    text = squash(sentence).lower().strip(".,;:")
    return any(piece in text or (len(text) >= MIN_FRAGMENT and text in piece) for piece in _pieces(quote))


def coverage_file(root: Path, council: str) -> Path:
    return root / "councils" / council / "coverage.yaml"


def _set_asides(path: Path) -> tuple[list, list]:
    """(entries, errors): each entry is (line, anchor, opening words squashed, reason)."""
    if not path.exists():
        return [], []
    try:
        f = loader._File(path, "coverage")
    except loader.LoadError as exc:
        return [], [str(exc)]
    errors, entries = [], []  # the structure is the schema's (decision_trees/schema/coverage.schema.json)
    for item in f.data.get("set_aside") or []:
        line = item.line
        cite, opening, reason = (item[k].strip() for k in ("cite", "sentence", "reason"))
        if len(squash(opening)) < MIN_FRAGMENT:
            errors.append(f"{f.at(line)}: give at least {MIN_FRAGMENT} characters of the sentence")
            continue
        if len(reason) < 10:
            errors.append(f"{f.at(line)}: give a reason a policy lead can check")
            continue
        entries.append((f.at(line), anchors.anchor_id(cite), squash(opening).lower(), reason))
    return entries, errors


def _rules(bundle: Bundle, council: Council):
    """(tool, title, anchors cited, quote) of every action and value that quotes its policy."""
    for tool, profile in council.tools.items():
        tree = bundle.trees.get(tool)
        titles = tree.actions if tree else {}
        name = tree.title if tree else tool
        for code, action in profile.actions.items():
            if action.quote:
                yield name, titles.get(code, code), {anchors.anchor_id(c) for c in action.cite}, action.quote
        for value in profile.values.values():
            if value.quote:
                yield name, "a number the tool uses", {anchors.anchor_id(c) for c in value.cite}, value.quote


def code_names(bundle: Bundle) -> set[str]:
    """Fact names and action codes: words a user must never be shown."""
    names = set(bundle.facts)
    for tree in bundle.trees.values():
        names |= set(tree.facts) | set(tree.actions)
    return {n for n in names if "_" in n}


def report(bundle: Bundle, council: str, root: Path = loader.TREES,
           policies: Path = anchors.POLICIES) -> Report:
    where = bundle.councils[council]
    sentences = []
    for doc in where.documents:
        page = policies.parent / doc.page
        href = doc.page
        if page.exists():
            sentences += page_sentences(page, href)
    rules = list(_rules(bundle, where))
    for sentence in sentences:
        for tool, title, cited, quote in rules:
            if cited & set(sentence.scope) and quotes(sentence.text, quote):
                label = f"{tool}: {title}"
                if label not in sentence.used_by:
                    sentence.used_by.append(label)
    entries, errors = _set_asides(coverage_file(root, council))
    hidden = code_names(bundle)
    for at, anchor, opening, reason in entries:
        shown = sorted(n for n in hidden if re.search(rf"\b{re.escape(n)}\b", reason))
        if shown:
            errors.append(f"{at}: the reason shows code names to readers ({', '.join(shown)}): "
                          f"use the question's or the action's words")
        hits = [s for s in sentences if anchor in s.scope and opening in squash(s.text).lower()]
        if not hits:
            errors.append(f"{at}: no duty sentence under that citation starts with those words "
                          f"(a stale or mistyped set-aside)")
        for s in hits:
            s.reason = reason
    return Report(council, where.short, sentences, errors)


def problems(bundle: Bundle, root: Path = loader.TREES, policies: Path = anchors.POLICIES,
             skip=()) -> list[str]:
    """Validation: an open duty sentence or a broken set-aside is an error, with file:line."""
    errors = []
    for code in bundle.councils:
        if code in skip:
            continue
        rep = report(bundle, code, root, policies)
        errors += rep.errors
        for s in rep.sentences:
            if s.status == "open":
                errors.append(f"docs/{s.page}:{s.line}: duty sentence neither used by a rule of "
                              f"{code} nor set aside in councils/{code}/coverage.yaml: "
                              f"\"{s.text[:100]}{'…' if len(s.text) > 100 else ''}\"")
    return errors
