"""Document assembly: page frame, the restrained header, the footer with 'Page X of Y', one build.

The page total is a form XObject drawn on every page and defined when the canvas is saved, so the
document is laid out once, not twice.
"""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.acroform import AcroForm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from ..formdefs import FormDef
from ..model import Program
from . import styles as st
from .layout import StoryBuilder, all_texts
from .wording import WORDS

_TOTAL = "pageTotal"
_FOOTER_SIZE = 8.0


class _AcroForm(AcroForm):
    """ReportLab writes a new font dictionary for every field, which also defeats its sharing of identical
    appearance streams; one dictionary per font keeps a form with a hundred fields small."""

    def __init__(self, canv: Canvas) -> None:
        super().__init__(canv)
        self._font_refs: dict[str | None, tuple[str, str]] = {}
        self._appearances: dict[str, object] = {}
        self.button_tips: dict[tuple[str, str], str] = {}
        """(radio group, export value) -> the button's own tooltip, set by the post-processor."""

    def makeFont(self, fontName: str | None) -> tuple[str, str]:
        if fontName not in self._font_refs:
            self._font_refs[fontName] = super().makeFont(fontName)
        return self._font_refs[fontName]

    def checkboxAP(self, *args: object, **kwargs: object) -> object:
        """Every checkbox and radio button looks alike: build each appearance once, not six times per box."""
        key = repr((args, sorted(kwargs.items())))
        if key not in self._appearances:
            self._appearances[key] = super().checkboxAP(*args, **kwargs)
        return self._appearances[key]


class _Canvas(Canvas):
    """Uses the sharing AcroForm, and defines the page-total XObject just before saving."""

    font = "Helvetica"

    @property
    def acroForm(self) -> AcroForm:
        if not hasattr(self, "AcroForm"):
            self._doc._catalog.AcroForm = self.AcroForm = _AcroForm(self)
        return self.AcroForm

    def save(self) -> None:
        total = self.getPageNumber() - (0 if self._code else 1)
        if self._code:
            self.showPage()
        self.beginForm(_TOTAL, lowerx=0, lowery=-3, upperx=40, uppery=10)
        self.setFont(self.font, _FOOTER_SIZE)
        self.setFillColor(st.MUTED)
        self.drawString(0, 0, str(total))
        self.endForm()
        super().save()


def _fit(text: str, font: str, size: float, width: float) -> str:
    """Shorten text with an ellipsis so a header or footer line never runs into its neighbour."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


class _Decorator:
    """Draws header and footer on every page."""

    def __init__(self, program: Program, form: FormDef, styles: st.Styles, logo: Path | None) -> None:
        self.program, self.form, self.s = program, form, styles
        self.logo = ImageReader(str(logo)) if logo else None

    def __call__(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        width, height = doc.pagesize
        left, right = st.MARGIN, width - st.MARGIN
        fonts = self.s.fonts
        canv.saveState()
        # Header: optional logo, program name in its colour, agency on the right, a thin colour rule.
        base = height - st.MARGIN - st.HEADER_H + 10
        x = left
        if self.logo:
            w, h = self.logo.getSize()
            logo_h = 20.0
            canv.drawImage(self.logo, left, base + 2, width=logo_h * w / h, height=logo_h, mask="auto")
            x = left + logo_h * w / h + 8
        canv.setFillColor(self.s.text_accent)
        canv.setFont(fonts.bold, 9)
        info = self.program.program
        name = _fit(info.name, fonts.bold, 9, (right - x) * 0.6)
        canv.drawString(x, base + 6, name)
        canv.setFillColor(st.MUTED)
        canv.setFont(fonts.regular, 8)
        room = right - x - stringWidth(name, fonts.bold, 9) - 16
        agency = _fit(f"{info.agency} · {info.division}", fonts.regular, 8, room)
        canv.drawRightString(right, base + 6, agency)
        canv.setStrokeColor(self.s.accent)
        canv.setLineWidth(2)
        canv.line(left, base, right, base)
        # Footer: program and form on the left, page X of Y on the right.
        y = st.MARGIN - 4
        canv.setStrokeColor(st.RULE)
        canv.setLineWidth(0.5)
        canv.line(left, y + 12, right, y + 12)
        canv.setFont(fonts.regular, _FOOTER_SIZE)
        canv.setFillColor(st.MUTED)
        page = WORDS["page"].format(page=doc.page) + " "
        room = stringWidth(WORDS["page"].format(page=999) + " 999", fonts.regular, _FOOTER_SIZE)
        footer = _fit(f"{info.name} · {self.form.title}", fonts.regular, _FOOTER_SIZE, right - left - room - 12)
        canv.drawString(left, y, footer)
        start = right - room
        canv.drawString(start, y, page)
        canv.saveState()
        canv.translate(start + stringWidth(page, fonts.regular, _FOOTER_SIZE), y)
        canv.doForm(_TOTAL)
        canv.restoreState()
        canv.restoreState()


def build(program: Program, form: FormDef, logo: Path | None) -> tuple[bytes, dict[tuple[str, str], str]]:
    """Lay the form out; return ReportLab's PDF and the radio buttons' labels for the post-processor."""
    info = program.program
    fonts = st.fonts_for(list(all_texts(program, form)))
    styles = st.Styles(fonts, st.accent(info.color), st.text_accent(info.color))
    pagesize = st.PAPER[info.paper]
    buffer = io.BytesIO()
    canvas_class = type("FormCanvas", (_Canvas,), {"font": fonts.regular})
    doc = BaseDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=st.MARGIN,
        rightMargin=st.MARGIN,
        topMargin=st.MARGIN + st.HEADER_H,
        bottomMargin=st.MARGIN + st.FOOTER_H,
        invariant=1,
        title=form.title,
        author=info.agency,
        lang=info.language,
        creator="mentoring-handbook",
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body", leftPadding=0, rightPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=_Decorator(program, form, styles, logo))])
    canvases: list[_Canvas] = []

    def make_canvas(*args: object, **kwargs: object) -> _Canvas:
        canvases.append(canvas_class(*args, **kwargs))
        return canvases[-1]

    doc.build(StoryBuilder(program, form, styles).story(), canvasmaker=make_canvas)
    labels = canvases[0].acroForm.button_tips if hasattr(canvases[0], "AcroForm") else {}
    return buffer.getvalue(), labels
