"""Warn, with file:line:col and key, about text the forms' fonts cannot show.

The forms print in embedded DejaVu Sans Condensed, which covers Latin, Greek and Cyrillic and more;
anything beyond (CJK, emoji) would print as a box. That is worth a warning, not a failed build: the
rest of the form is still right, and the coordinator learns which key to change.
"""

from __future__ import annotations

import functools
import logging
import unicodedata
from pathlib import Path

from reportlab.pdfbase import pdfmetrics

from ..problems import Problem
from ..yamlsource import parse_yaml, strings
from . import styles as st

LOG = logging.getLogger("mkdocs.plugins.handbook")
"""Under `mkdocs`, so MkDocs prints it in its own log; with no MkDocs handler, Python prints it on stderr."""


@functools.cache
def _covered() -> frozenset[int]:
    """Code points both weights of the embedded font can draw (a label may print in bold)."""
    fonts = st.dejavu()
    regular, bold = (set(pdfmetrics.getFont(name).face.charToGlyph) for name in (fonts.regular, fonts.bold))
    return frozenset(regular & bold)


def unshowable(text: str) -> list[str]:
    """The distinct characters of text that would print as boxes, in order of appearance."""
    covered = _covered()
    found: dict[str, None] = {}
    for char in text:
        if ord(char) not in covered and unicodedata.category(char) not in ("Cc", "Cf", "Zl", "Zp"):
            found.setdefault(char)
    return list(found)


def glyph_problems(path: Path, display: str) -> list[Problem]:
    """One problem per key holding characters the fonts lack, located where the value starts."""
    located = parse_yaml(path, display)
    problems = []
    for loc, text in strings(located.data):
        chars = unshowable(text)
        if chars:
            shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in chars[:5]) + (" ..." if len(chars) > 5 else "")
            message = f"the forms' fonts cannot show {shown}; it will print as an empty box in the PDF forms"
            problems.append(located.problem(loc, message))
    return problems


def warn_missing_glyphs(files: dict[Path, str]) -> list[Problem]:
    """Log a warning for each key of these files (path -> display name) the forms cannot print; return them."""
    problems = [problem for path, display in files.items() for problem in glyph_problems(path, display)]
    for problem in problems:
        LOG.warning("%s", problem)
    return problems
