"""The decision record: plain text to paste into a case management system. Pure."""
from __future__ import annotations

from .model import Bundle
from .review import record_lines

DUTY_HEADINGS = (("must", "Must"), ("should", "Should"), ("may", "May"), ("info", "For information"))


def because_text(item: dict) -> str:
    """Which answers led to an action: "Because: DASH score: 16; children in the household: yes"."""
    reasons = item.get("because")
    if not reasons:  # a note about the answers themselves, or an action no answer decided
        return ""
    parts = [f"{r['short'] if i == 0 else r['short'][0].lower() + r['short'][1:]}: "
             f"{r['label'].lower() if r['label'] in ('Yes', 'No') else r['label']}"
             for i, r in enumerate(reasons)]
    return "Because: " + "; ".join(parts) + "."


def record_text(bundle: Bundle, step: dict, date: str, today: str = "") -> str:
    """`date` is given by the caller (the engine reads no clock); so is `today` (ISO), the
    day against which review dates are checked (the record's date if not given)."""
    today = today or date[:10]
    council = bundle.councils[step["council"]]
    links = step.get("links", {})

    def cites(ids):
        return ", ".join(links.get(c, {}).get("label", c) for c in ids)

    lines = [f"Decision record: {step['title']}", f"Council: {council.name}", f"Date: {date}"]
    for doc in council.documents:
        dates = "; ".join(x for x in (f"approved {doc.approved}" if doc.approved else "",
                                      f"review due {doc.review_due}" if doc.review_due else "",
                                      f"version {doc.version}" if doc.version else "") if x)
        lines.append(f"Policy: {doc.title}" + (f" ({dates})" if dates else ""))
    if bundle.version:
        lines.append(f"Rules version: {bundle.version}")
    lines += record_lines(bundle, step["council"], step["tool"], today)
    lines += ["", "Answers:"]
    lines += [f"- {a['question']} {a['label']}" for a in step["answers"]] or ["- (none)"]
    for duty, heading in DUTY_HEADINGS:
        items = [a for a in step.get("actions", []) if a["duty"] == duty]
        if not items:
            continue
        lines += ["", f"{heading}:"]
        for item in items:
            ref = f" [{cites(item['cite'])}]" if item["cite"] else ""
            rel = f" [related reading, not the duty: {cites(item['related'])}]" if item["related"] else ""
            due = f" Due {item['due']}." if item.get("due") else ""
            lines.append(f"- {item['text']}{ref}{rel}{due}")
            if because_text(item):
                lines.append(f"  {because_text(item)}")
    lines += ["", "Produced by the decision tool from the council's published policy. "
                  "Nothing entered was stored or sent."]
    return "\n".join(lines) + "\n"
