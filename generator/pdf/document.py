"""Document assembly: page frame, the restrained header, the footer with 'Page X of Y', one build.

The page total is a form XObject drawn on every page and defined when the canvas is saved, so the
document is laid out once, not twice.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.acroform import AcroForm, RadioGroup
from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDictionary,
    PDFDocument,
    PDFName,
    PDFObjectReference,
    PDFString,
    escapePDF,
)
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from ..formdefs import FormDef
from ..forms import RenderedPdf
from ..i18n import current
from ..identity import FIELD as IDENTITY_FIELD
from ..model import Program
from . import styles as st
from .fonts import EmbeddedFont, typed_characters
from .layout import StoryBuilder
from .postprocess import Meta, field_tree, metadata, tab_order
from .tagging import Tagger
from .wording import WORDS

rl_config.useA85 = 0
"""Binary compressed streams: ASCII85 would make every page stream a quarter larger for no reader's benefit."""

_TOTAL = "pageTotal"
_FOOTER_SIZE = 8.0
_LOGO_H = 20.0
_HEADER_LEADING = 10.0
"""From one header line to the next: the agency's lines are 8 pt."""


class _Group(RadioGroup):
    """A radio group that can sit in the field tree (ReportLab's writes no /Parent)."""

    Parent: PDFObjectReference | None = None

    def format(self, doc: PDFDocument) -> bytes:
        entries = {"Ff": self.Ff, "Kids": PDFArray(self.kids), "FT": PDFName("Btn"), "T": PDFString(self.T)}
        if self.V:  # the button shown selected, when a value is bound in
            entries["V"] = PDFName(self.V)
        if self.TU:
            entries["TU"] = PDFString(self.TU)
        if self.Parent is not None:
            entries["Parent"] = self.Parent
        return PDFDictionary(entries).format(doc)


class _AcroForm(AcroForm):
    """ReportLab's AcroForm, trimmed and completed as it goes, so nothing has to rewrite the file afterwards.

    One font dictionary per font and one appearance per look keep a form with a hundred fields small;
    pressed and hover looks of buttons are dropped (optional; readers fall back to the normal look).
    """

    def __init__(self, canv: Canvas, language: str) -> None:
        super().__init__(canv)
        self.font: EmbeddedFont = pdfmetrics.getFont(st.FIELD_FONT)
        """The field font: typed and pre-filled values, and every letter of the language, for readers that redraw."""
        self.font.require(canv._doc, typed_characters(language))
        self._appearances: dict[str, object] = {}
        self._normal: dict[str, object] = {}
        self._text_fields = 0
        self._multiline = False
        """Whether the text field being written wraps its value (its appearance is drawn wrapped)."""
        self._zapf_font = self.getRef(PDFDictionary(_ZAPF))

    def format(self, doc: PDFDocument) -> bytes:
        """One /Font dictionary in /DR with the field font, which /DA names, and ZapfDingbats for the buttons."""
        name = self.font.use(doc).name
        fonts = PDFDictionary({name: PDFObjectReference(name), "ZaDb": self._zapf_font})
        entries = {
            "Fields": PDFArray([self.getRef(f) for f in self.fields]),
            "DA": PDFString(f"/{name} 0 Tf 0 g"),
            "DR": PDFDictionary({"Font": fonts}),
            **self.extras,
        }
        return PDFDictionary(entries).format(doc)

    @staticmethod
    def circleArcStream(size: float, r: float, arcs: tuple[int, ...] = (0, 1, 2, 3), rotated: bool = False) -> str:
        """Quarter arcs of radius r centred in a size-point box: ReportLab's scale them by size/20 (6 pt radios)."""
        c, k, h = fp_str(r), fp_str(0.55231 * r), fp_str(size / 2)
        starts = (f"{c} 0 m", f"0 {c} m", f"-{c} 0 m", f"0 -{c} m")
        curves = (
            f"{c} {k} {k} {c} 0 {c} c",
            f"-{k} {c} -{c} {k} -{c} 0 c",
            f"-{c} -{k} -{k} -{c} 0 -{c} c",
            f"{k} -{c} {c} -{k} {c} 0 c",
        )
        matrix = "0.7071 0.7071 -0.7071 0.7071" if rotated else "1 0 0 1"
        return "\n".join([f"{matrix} {h} {h} cm", starts[arcs[0]], *(curves[n] for n in arcs)])

    def makeFont(self, fontName: str | None) -> tuple[str, str]:
        """The field font's reference and resource name, whatever font is asked for: the one font of every field."""
        name = self.font.use(self.canv._doc).name
        return PDFObjectReference(name).format(self.canv._doc).decode(), name

    def checkboxAP(self, key: str, value: str, **kwargs: object) -> object:
        """Build each look once; the pressed and hover looks reuse the normal one and are dropped later."""
        if key != "N":
            return self._normal[value]
        cache = repr((value, sorted(kwargs.items())))
        if cache not in self._appearances:
            self._appearances[cache] = super().checkboxAP(key, value, **kwargs)
        self._normal[value] = self._appearances[cache]
        return self._appearances[cache]

    def txAP(self, key: str, value: str, iFontName: str, rFontName: str, fontSize: float, **kwargs: object) -> object:
        """Each text field gets its own appearance stream, never one shared with a look-alike field.

        ReportLab shares identical appearance streams; a filler that rewrites a field's appearance in
        place (pypdf does) would then show one field's value in every empty field of the same size.
        """
        appearance = self._text_appearance(key, value, iFontName, rFontName, fontSize, **kwargs)
        self._text_fields += 1
        appearance._af_refstr += f"\n% field {self._text_fields}"
        return appearance

    def _text_appearance(
        self, key: str, value: str, iFontName: str, rFontName: str, fontSize: float, **kwargs: object
    ) -> object:
        """A pre-filled value, drawn so that every reader prints it without regenerating anything.

        It is drawn in the field font, which /DA names too, so a reader redrawing it changes nothing. A
        multi-line box gets its value wrapped at the largest size that fits, at most the field's own.
        """
        blank = super().txAP(key, "", iFontName, rFontName, fontSize, **kwargs)
        if not value:
            return blank
        font = self.font
        width, height, border = kwargs["width"], kwargs["height"], kwargs.get("borderWidth") or 0
        room = width - 8 * border  # ReportLab starts text 4 border widths in from either side
        if self._multiline:
            size, lines = _fit_lines(value, font.fontName, room, height - 4 * border, fontSize)
        else:
            size, lines = fontSize, [value.replace("\n", " ")]
        texts = []
        for number, line in enumerate(lines):
            ((_, data),) = font.splitString(line, self.canv._doc)
            baseline = fp_str(height - size - 2 * border - number * _LEADING * size)
            show = f"/{iFontName} {fp_str(size)} Tf ({escapePDF(data)}) Tj"
            texts.append(f"BT 0 g 1 0 0 1 {fp_str(4 * border)} {baseline} Tm {show} ET\n")
        # ReportLab's blank look ends by restoring the clip to the box: the text goes just before that.
        stream = blank.content.replace("Q\nEMC", "".join(texts) + "Q\nEMC")
        fonts = PDFDictionary({iFontName: PDFObjectReference(iFontName)})
        return self.makeStream(width, height, stream, Resources=PDFDictionary({"Font": fonts}))

    def _last_widget(self) -> PDFDictionary:
        return self.canv._doc.idToObject[self.canv._annotationrefs[-1].name]

    def _trim(self) -> None:
        """Drop optional entries every widget would repeat (its /Type and page): a tagged form has many."""
        entries = self._last_widget().dict
        del entries["Type"], entries["P"]

    def _drop_pressed_looks(self) -> None:
        looks = self._last_widget()["AP"].dict
        for state in ("D", "R"):
            looks.pop(state, None)

    def _zapf(self) -> None:
        """Name ZapfDingbats as the font of a button's mark (/MK /CA), so a reader redrawing it keeps its shape."""
        self._last_widget()["DA"] = PDFString("/ZaDb 0 Tf 0 g")

    def checkbox(self, **kwargs: object) -> None:
        super().checkbox(**kwargs)
        self._drop_pressed_looks()
        self._trim()
        self._zapf()

    def radio(self, *, button_tip: str, **kwargs: object) -> None:
        """One button of a group; the button gets its own tooltip, as some readers (pdf.js) announce only it."""
        new = kwargs["name"] not in self._radios
        super().radio(**kwargs)
        if new:
            self._radios[kwargs["name"]].__class__ = _Group
        self._drop_pressed_looks()
        self._trim()
        self._zapf()
        # No caption (/MK /CA): a reader that redraws the buttons (Poppler, when a filler set NeedAppearances) draws
        # a captioned radio in a square border, an uncaptioned one round with a dot when chosen.
        del self._last_widget()["MK"].dict["CA"]
        self._last_widget()["TU"] = PDFString(button_tip)

    def textfield(self, **kwargs: object) -> None:
        """A text field without the entries that restate defaults (empty value, no flags): smaller files."""
        self._multiline = "multiline" in str(kwargs.get("fieldFlags", ""))
        super().textfield(**kwargs)
        entries = self._last_widget().dict
        if not kwargs.get("value"):
            del entries["V"], entries["DV"]
        if not entries["Ff"]:
            del entries["Ff"]
        self._trim()


_ZAPF = {"Type": PDFName("Font"), "Subtype": PDFName("Type1"), "BaseFont": PDFName("ZapfDingbats")}
"""In the form's resources (/DR): without it Poppler and others redraw round radio buttons as squares."""
_LEADING = 1.2
"""Line height as a multiple of the font size, as ReportLab draws multi-line text."""
_SIZES = (10.0, 9.0, 8.0, 7.0, 6.0)
"""Sizes tried for a pre-filled multi-line value, largest first; below 6 pt print is unreadable."""


def _fit_lines(text: str, font: str, width: float, height: float, largest: float) -> tuple[float, list[str]]:
    """The largest size at which text, wrapped at words, fits the box, and its lines (clipped at the smallest)."""
    for size in (s for s in _SIZES if s <= largest):
        lines = _wrap(text, font, size, width)
        if len(lines) * _LEADING * size <= height:
            break
    return size, lines


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines no wider than width: breaks at spaces, inside a word only when the word alone is too wide."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if stringWidth(candidate, font, size) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = word
            while stringWidth(line, font, size) > width and len(line) > 1:
                cut = next((n for n in range(len(line) - 1, 0, -1) if stringWidth(line[:n], font, size) <= width), 1)
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line)
    return lines


class _Canvas(Canvas):
    """Uses the trimmed AcroForm, tags structure as it draws, and completes the document when saved."""

    font: str
    """The printed text's regular font, set by build(): the page total and pre-filled values use it."""
    meta: Meta

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.tagger = Tagger()

    @property
    def acroForm(self) -> AcroForm:
        if not hasattr(self, "AcroForm"):
            self._doc._catalog.AcroForm = self.AcroForm = _AcroForm(self, self.meta.language)
        return self.AcroForm

    def _addAnnotation(self, annotation: PDFDictionary, name: str | None = None, addtopage: int = 1) -> None:
        super()._addAnnotation(annotation, name, addtopage)
        title = annotation.dict.get("T")
        if addtopage and getattr(title, "s", title) != IDENTITY_FIELD:  # hidden: no reader presents it
            self.tagger.widget(self, annotation, self._annotationrefs[-1])

    def identity_field(self) -> None:
        """The form's identity in a hidden, read-only field: fillers save fields, so it comes back with them.

        It sits in the page's top corner so that it comes first in reading and tab order, where it is skipped.
        """
        self.acroForm.textfield(
            name=IDENTITY_FIELD,
            tooltip=WORDS["identity"],
            value=self.meta.identity.encode(),
            x=0,
            y=self._pagesize[1] - 1,
            width=1,
            height=1,
            borderWidth=0,
            fontName=st.FIELD_FONT,
            fontSize=1,
            annotationFlags="hidden readonly",
            fieldFlags="readOnly",
            maxlen=0,
        )

    def save(self) -> None:
        total = self.getPageNumber() - (0 if self._code else 1)
        if self._code:
            self.showPage()
        self.beginForm(_TOTAL, lowerx=0, lowery=-3, upperx=40, uppery=10)
        self.setFont(self.font, _FOOTER_SIZE)
        self.setFillColor(st.MUTED)
        self.drawString(0, 0, str(total))
        self.endForm()
        doc = self._doc
        pages = doc.Pages.pages
        if hasattr(self, "AcroForm"):
            self.AcroForm.fields = field_tree(doc, self.AcroForm.fields)
        metadata(doc, self.meta)
        tab_order(pages)
        self.tagger.finish(doc, pages)
        super().save()


def _fit(text: str, font: str, size: float, width: float) -> str:
    """Shorten text with an ellipsis so a header or footer line never runs into its neighbour."""
    if stringWidth(text, font, size) <= width:
        return text
    low, high = 0, len(text)  # the longest prefix that fits with its ellipsis, by bisection: names may be long
    while low < high:
        middle = (low + high + 1) // 2
        if stringWidth(text[:middle] + "…", font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…"


def _agency_lines(agency: str, division: str, font: str, size: float, width: float) -> list[str]:
    """Agency and division on one line if they fit, else each on lines of its own: a public form never cuts them."""
    whole = f"{agency} · {division}"
    if stringWidth(whole, font, size) <= width:
        return [whole]
    return [line for part in (agency, division) for line in _wrap(part, font, size, width)]


class _Decorator:
    """Draws header and footer on every page.

    The header is as tall on every page as the agency's lines make it on the first (later pages carry a name
    line there instead), so the text starts at the same height on every page.
    """

    def __init__(self, program: Program, form: FormDef, styles: st.Styles, logo: Path | None) -> None:
        self.program, self.form, self.s = program, form, styles
        self.logo = ImageReader(str(logo)) if logo else None
        info, fonts = program.program, styles.fonts
        right = st.PAPER[info.paper][0] - st.MARGIN
        self.x = st.MARGIN
        """Where the program name starts: after the logo, if any."""
        if self.logo:
            w, h = self.logo.getSize()
            self.x += _LOGO_H * w / h + 8
        self.name = _fit(info.name, fonts.bold, 9, (right - self.x) * 0.6)
        self.room = right - self.x - stringWidth(self.name, fonts.bold, 9) - st.GAP
        """Width right of the program name: the agency's lines on the first page, the name line on later ones."""
        self.agency = _agency_lines(info.agency, info.division, fonts.regular, 8, self.room)
        self.height = st.HEADER_H + (len(self.agency) - 1) * _HEADER_LEADING
        """From the top margin to the text frame."""

    def __call__(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        width, height = doc.pagesize
        left, right = st.MARGIN, width - st.MARGIN
        fonts = self.s.fonts
        if doc.page == 1:
            canv.identity_field()  # type: ignore[attr-defined]
        Tagger.begin_artifact(canv)
        canv.saveState()
        # Header: optional logo, program name in its colour, agency on the right, a thin colour rule below.
        top = height - st.MARGIN - st.HEADER_H + 16  # the first line's baseline
        base = height - st.MARGIN - self.height + 10  # the rule, under the agency's last line
        if self.logo:
            w, h = self.logo.getSize()
            canv.drawImage(self.logo, left, top - 4, width=_LOGO_H * w / h, height=_LOGO_H, mask="auto")
        canv.setFillColor(self.s.text_accent)
        canv.setFont(fonts.bold, 9)
        canv.drawString(self.x, top, self.name)
        canv.setFillColor(st.MUTED)
        canv.setFont(fonts.regular, 8)
        if doc.page == 1:
            for number, line in enumerate(self.agency):
                canv.drawRightString(right, top - number * _HEADER_LEADING, line)
        else:  # a continuation page separated from the first still says whose it is
            label = f"{WORDS['name']}: "
            line_w = min(200.0, self.room - stringWidth(label, fonts.regular, 8))
            canv.drawRightString(right - line_w - 2, top, label)
            canv.setStrokeColor(st.BORDER)
            canv.setLineWidth(0.5)
            canv.line(right - line_w, top - 1, right, top - 1)
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
        revision = WORDS["revision"].format(form=self.form.id, date=current().date(canv.meta.date.date()))  # type: ignore[attr-defined]
        revision_w = stringWidth(revision, fonts.regular, _FOOTER_SIZE)
        left_room = right - left - room - revision_w - 24
        # The short name: the header names the program in full, and the form's title must fit beside the revision.
        footer = _fit(f"{self.program.program.short_name} · {self.form.title}", fonts.regular, _FOOTER_SIZE, left_room)
        canv.drawString(left, y, footer)
        start = right - room
        canv.drawRightString(start - 12, y, revision)
        canv.drawString(start, y, page)
        canv.saveState()
        canv.translate(start + stringWidth(page, fonts.regular, _FOOTER_SIZE), y)
        canv.doForm(_TOTAL)
        canv.restoreState()
        canv.restoreState()
        Tagger.end(canv)


def build(program: Program, form: FormDef, logo: Path | None, meta: Meta, values: Mapping[str, str]) -> RenderedPdf:
    """Lay the form out, with any values bound in, and write the finished PDF, once."""
    info = program.program
    fonts = st.dejavu()
    styles = st.Styles(fonts, st.accent(info.color), st.text_accent(info.color))
    buffer = io.BytesIO()
    decorator = _Decorator(program, form, styles, logo)
    doc = BaseDocTemplate(
        buffer,
        pagesize=st.PAPER[info.paper],
        leftMargin=st.MARGIN,
        rightMargin=st.MARGIN,
        topMargin=st.MARGIN + decorator.height,
        bottomMargin=st.MARGIN + st.FOOTER_H,
        invariant=1,
        initialFontName=fonts.regular,  # ReportLab's default, Helvetica, would sit in every page's resources
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body", leftPadding=0, rightPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=decorator)])
    canvas_class = type("FormCanvas", (_Canvas,), {"font": fonts.regular, "meta": meta})
    doc.build(StoryBuilder(program, form, styles, frame.width, values).story(), canvasmaker=canvas_class)
    return RenderedPdf(buffer.getvalue(), doc.page)
