"""Text normalisation shared by the duty-coverage check and the authoring tools: two texts
compare equal when they differ only in quotes, dashes, markup and whitespace."""
from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                         "\u2013": "-", "\u2014": "-", "\u2011": "-", "\u00a0": " ",
                         "\u2022": " ", "\u25b6": " ", "\uf0b7": " ", "\u25cf": " ", "\u00b7": " "})


def squash(text: str) -> str:
    """Normalise for comparison: quotes and dashes folded, markers and all whitespace removed."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    # extraction markup that the page renders as plain words
    text = re.sub(r"</?u>", "", text)
    text = re.sub(r"\[((?:[^\]\\]|\\.)*)\]\([^)]*\)", r"\1", text)  # [words](address) -> words
    text = re.sub(r"<(https?://[^>\s]+)>", r"\1", text)
    text = text.replace("\\", "").replace("*", "")
    return re.sub(r"\s+", "", text)
