"""Duty coverage counts instructions, not only sentences with a duty word: a bare imperative in
a list or a step list ("Carry out immediate safety measures…", "See the safeguarding pages…",
"Keep IDVA informed…", "seek support from your Line Manager…") is a duty sentence, used by a
rule of the council or set aside with a reason."""
from __future__ import annotations

import pytest

from py_tools.rules import coverage


@pytest.mark.parametrize("sentence", [
    "Carry out immediate safety measures for victim, child and perpetrator.",
    "See the safeguarding pages on the hub or on the council’s website and review the safeguarding policy.",
    "Keep IDVA informed of relevant information.",
    "If you feel upset or overwhelmed when working on a domestic abuse case, seek support from your "
    "Line Manager or Employee Assistance Programme.",
    "With consent of the resident, submit a referral to the Housing IDVA via Huume.",
    "▶ Ascertain if the survivor is known to support services.",
    "1. Listen attentively and objectively to the victim's / survivor's concerns and experiences.",
    "Be mindful of accessibility needs for victim/survivors.",
])
def test_an_instruction_without_a_duty_word_counts(sentence):
    assert coverage.is_instruction(sentence)
    assert not coverage.DUTY_WORDS.search(sentence)  # the old detector missed each of these


@pytest.mark.parametrize("sentence", [
    "Do you see a resident being given an allowance?",            # a question to notice
    "Call 020 8539 0427",                                          # a contact line
    "Email referrals@lawadv.org.uk",
    "Use of tools and powers, including the decision to engage with external partners, is case specific.",
    "Support for staff working on cases of DA is available.",      # a noun, not an instruction
    "Safety planning means thinking about what the survivor can do.",
    '!!! note "Flowchart not available"',
])
def test_what_is_not_an_instruction(sentence):
    assert not coverage.is_instruction(sentence)


def test_each_councils_instructions_are_used_or_set_aside(bundle):
    """The instructions the close reads named are duty sentences, and each is used by a rule of
    its council (quoted, its paragraph cited) or set aside with a reason."""
    named = {"rbkc": ["Carry out immediate safety measures for victim, child and perpetrator.",
                      "Keep IDVA informed of relevant information."],
             "camden": ["See the safeguarding pages on the hub or on the council’s website and review "
                        "the safeguarding policy."],
             "tmbc": ["If you feel upset or overwhelmed when working on a domestic abuse case, seek support "
                      "from your Line Manager or Employee Assistance Programme."]}
    for council, sentences in named.items():
        report = coverage.report(bundle, council)
        status = {s.text: s for s in report.sentences}
        for text in sentences:
            assert text in status, f"{council}: not counted as a duty sentence: {text}"
            assert status[text].used_by, f"{council}: no rule uses: {text}"
        assert report.count("open") == 0 and report.errors == []
