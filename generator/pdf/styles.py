"""Look of the forms: colours from program.color, fonts, paragraph styles and field metrics.

Text colours are darkened until they reach WCAG AA contrast on white, so any palette name or hex a
coordinator picks stays readable. Every text prints in DejaVu Sans Condensed, embedded (see fonts.py):
Latin, Greek and Cyrillic alike, and what a participant types in the program's language. The condensed
cut sets lines about as wide as Helvetica did, so the pages break where they were designed to.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics

from .fonts import EmbeddedFont

# Material Design shade 800 of each palette name Material for MkDocs accepts: dark enough for headings.
MATERIAL_HEX = {
    "red": "#C62828",
    "pink": "#AD1457",
    "purple": "#6A1B9A",
    "deep purple": "#4527A0",
    "indigo": "#283593",
    "blue": "#1565C0",
    "light blue": "#0277BD",
    "cyan": "#00838F",
    "teal": "#00695C",
    "green": "#2E7D32",
    "light green": "#558B2F",
    "lime": "#9E9D24",
    "yellow": "#F9A825",
    "amber": "#FF8F00",
    "orange": "#EF6C00",
    "deep orange": "#D84315",
    "brown": "#4E342E",
    "grey": "#424242",
    "blue grey": "#37474F",
    "black": "#000000",
    "white": "#424242",
}

PAPER = {"letter": LETTER, "a4": A4}
MARGIN = 54.0
"""Three-quarter inch on every side: inside every printer's unprintable border."""
HEADER_H = 30.0
FOOTER_H = 24.0

INK = colors.HexColor("#1A1A1A")
MUTED = colors.HexColor("#555555")
BORDER = colors.HexColor("#767676")
"""Field outlines: 4.5:1 on white, above WCAG's 3:1 for the edges of controls."""
FILL = colors.HexColor("#FFFFFF")
RULE = colors.HexColor("#BDBDBD")

FIELD_INK = colors.black
"""Typed text: black, which ReportLab writes as the shortest appearance string."""
FIELD_FONT = "DejaVuSansCondensed"
"""Typed and pre-filled values: the regular weight, holding every character of the program's language."""
FIELD_SIZE = 10
BOX_H = 20.0
LINE_H = 15.0
"""Height of one handwritten line in multi-line boxes."""
CHECK = 11.0
GAP = 12.0
LABEL_GAP = 3.0
BLOCK_GAP = 9.0

_FONTS = Path(__file__).resolve().parent.parent / "fonts"


def _luminance(color: colors.Color) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.red) + 0.7152 * channel(color.green) + 0.0722 * channel(color.blue)


def contrast_on_white(color: colors.Color) -> float:
    return 1.05 / (_luminance(color) + 0.05)


def accent(program_color: str) -> colors.Color:
    """The program colour as given (palette name or hex), for rules and bars."""
    return colors.HexColor(MATERIAL_HEX.get(program_color.lower(), program_color))


def text_accent(program_color: str) -> colors.Color:
    """The program colour darkened step by step until it reads as text on white (4.5:1)."""
    color = accent(program_color)
    while contrast_on_white(color) < 4.5:
        color = colors.Color(color.red * 0.9, color.green * 0.9, color.blue * 0.9)
    return color


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str


@functools.cache
def dejavu() -> Fonts:
    """The forms' two weights, registered with ReportLab on first use."""
    pdfmetrics.registerFont(EmbeddedFont(FIELD_FONT, _FONTS / "DejaVuSansCondensed.ttf"))
    pdfmetrics.registerFont(EmbeddedFont(f"{FIELD_FONT}-Bold", _FONTS / "DejaVuSansCondensed-Bold.ttf"))
    return Fonts(FIELD_FONT, f"{FIELD_FONT}-Bold")


def preload_fonts() -> None:
    """Parse the forms' fonts for subsetting now, before the renderers are forked (see EmbeddedFont.preload)."""
    fonts = dejavu()
    for name in (fonts.regular, fonts.bold):
        pdfmetrics.getFont(name).preload()


@dataclass(frozen=True)
class Styles:
    """Paragraph styles for one form: its fonts and its program colour."""

    fonts: Fonts
    accent: colors.Color
    text_accent: colors.Color

    def _style(self, name: str, size: float, leading: float, *, bold: bool = False, **kw: object) -> ParagraphStyle:
        font = self.fonts.bold if bold else self.fonts.regular
        kw.setdefault("textColor", INK)
        kw.setdefault("bulletFontName", font)  # ReportLab's default bullet font is Helvetica, not embedded
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading, alignment=TA_LEFT, **kw)

    @functools.cached_property
    def title(self) -> ParagraphStyle:
        return self._style("title", 18, 22, bold=True, textColor=self.text_accent, spaceAfter=4)

    @functools.cached_property
    def who(self) -> ParagraphStyle:
        return self._style("who", 9, 12, textColor=MUTED, spaceAfter=6)

    @functools.cached_property
    def body(self) -> ParagraphStyle:
        return self._style("body", 10, 13.5, spaceAfter=5)

    @functools.cached_property
    def note(self) -> ParagraphStyle:
        return self._style("note", 8.5, 11, textColor=MUTED, spaceAfter=4)

    @functools.cached_property
    def bullet(self) -> ParagraphStyle:
        return self._style("bullet", 10, 13.5, leftIndent=14, bulletIndent=3, spaceAfter=2)

    @functools.cached_property
    def section(self) -> ParagraphStyle:
        return self._style(
            "section", 12.5, 16, bold=True, textColor=self.text_accent, spaceBefore=12, spaceAfter=5, keepWithNext=1
        )

    @functools.cached_property
    def heading(self) -> ParagraphStyle:
        return self._style("heading", 10.5, 14, bold=True, spaceBefore=6, spaceAfter=3, keepWithNext=1)

    @functools.cached_property
    def label(self) -> ParagraphStyle:
        return self._style("label", 9, 11.5, bold=True)

    @functools.cached_property
    def help(self) -> ParagraphStyle:
        return self._style("help", 8, 10, textColor=MUTED)

    @functools.cached_property
    def option(self) -> ParagraphStyle:
        return self._style("option", 9, 11)

    @functools.cached_property
    def cell_head(self) -> ParagraphStyle:
        return self._style("cell_head", 8, 9.5, bold=True)

    @functools.cached_property
    def small(self) -> ParagraphStyle:
        return self._style("small", 7.5, 9, textColor=MUTED)
