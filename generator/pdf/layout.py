"""From a bound form definition to a Platypus story: one builder per field type, in reading order."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import get_args
from xml.sax.saxutils import escape

from reportlab.lib.colors import Color
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer

from ..formdefs import (
    Checkbox,
    Checklist,
    Choice,
    FormDef,
    Heading,
    Multiline,
    ParagraphField,
    Questions,
    RatingGrid,
    Repeat,
    Signature,
    Table,
    TextField,
    Width,
)
from ..model import Program
from . import styles as st
from .flowables import (
    Box,
    CheckItem,
    Group,
    ListItem,
    RadioCell,
    RadioFlow,
    Row,
    Rows,
    SignatureLine,
    Signatures,
    Stack,
    TextBox,
    keep_leads_in_tables,
    sign_with_what_precedes,
)
from .flowables import Text as Paragraph
from .wording import TOOLTIPS, WORDS

SHARES = {width: 1.0 if width == "full" else float(Fraction(width)) for width in get_args(Width)}
"""Share of the line for each `width` a form may give, read from the names themselves ('2/3' is 2/3)."""

_NUMBER_W = 24.0
"""The rating grid's first column, holding the question's number."""
_GRID_GAP = 4.0


def paragraphs(text: str, style: ParagraphStyle) -> list[Flowable]:
    """Static text kept with what follows it, so guidance never ends a page apart from its fields."""
    kept = style.clone(f"{style.name}-kept", keepWithNext=1)
    return [Paragraph(escape(part.strip()), kept) for part in text.split("\n\n") if part.strip()]


class StoryBuilder:
    """Turns sections and fields into flowables with the styles of one form."""

    def __init__(
        self, program: Program, form: FormDef, styles: st.Styles, width: float, values: Mapping[str, str]
    ) -> None:
        self.program, self.form, self.s = program, form, styles
        self.width = width
        """Width of the page's text frame, in points: letter and A4 differ."""
        self.values = values
        """Answers bound in by full field name (see render_pdf); a name not given keeps the form's default."""
        self.tint = _tint(styles.accent)

    def story(self) -> list[Flowable]:
        story: list[Flowable] = [
            Paragraph(escape(self.form.title), self.s.title),
            Paragraph(escape(self.who_line()), self.s.who.clone("who-first", spaceAfter=1)),
            Paragraph(escape(self.return_line()), self.s.small.clone("return", spaceAfter=6)),
            *[Paragraph(escape(p.strip()), self.s.body) for p in self.form.intro.split("\n\n") if p.strip()],
        ]
        for section in self.form.sections:
            story.append(Paragraph(escape(section.title), self.s.section))
            story += paragraphs(section.intro, self.s.body)
            body = self.fields(section.fields, section.id)
            if isinstance(body[-1], Paragraph):
                # Text ending a section leads into nothing there: kept with the next section, it would pull
                # that section's first block along and leave the rest of the page blank. Signatures that follow
                # take it along all the same (sign_with_what_precedes): it is what they sign.
                body[-1].keepWithNext = 0
            story += body
        while isinstance(story[-1], Spacer):  # space after the last field could start a blank page
            story.pop()
        return keep_leads_in_tables(sign_with_what_precedes(story))

    def who_line(self) -> str:
        """Who fills the form in and about how long it takes, so people can set the time aside."""
        line = f"{WORDS['completed_by']}: {self.form.who}"
        return f"{line}, {WORDS['minutes'].format(minutes=self.form.minutes)}" if self.form.minutes else line

    def return_line(self) -> str:
        """Where the filled form goes and whom to ask for it in another format (large print, plain text)."""
        info, contact = self.program.program, self.program.program.contact
        how = info.return_to or WORDS["return_default"].format(email=contact.email)
        others = WORDS["other_formats"].format(name=contact.name, email=contact.email, phone=contact.phone)
        return f"{WORDS['return_to'].format(how=how)} {others}"

    def fields(self, fields: list, prefix: str) -> list[Flowable]:
        """Flowables for a run of fields; consecutive narrow ones share a line."""
        out: list[Flowable] = []
        pending: list[tuple[Flowable, float]] = []

        def flush() -> None:
            if pending:
                parts, shares = zip(*pending, strict=True)
                filler = 1.0 - sum(shares)
                if filler > 0.01:
                    parts, shares = (*parts, Box()), (*shares, filler)
                out.append(Row(parts, shares))
                out.append(Spacer(0, st.BLOCK_GAP))
                pending.clear()

        previous: object = None
        for field in fields:
            share = self.share(field)
            if share < 1.0:
                if sum(s for _, s in pending) + share > 1.001:
                    flush()
                pending.append((self.one(field, prefix)[0], share))
                continue
            flush()
            built = self.one(field, prefix)
            # A rule about the ticks (the 90-day check-up's) or a note on copies of what was signed never
            # starts a page apart from what it is about: the checklist's last rows or the signature block.
            if isinstance(field, ParagraphField) and isinstance(previous, Checklist):
                checklist, gap = out[-2:]
                checklist.tail += [gap, *built]
                del out[-1]
                built = []
            elif isinstance(field, ParagraphField) and isinstance(previous, Signature):
                built = [Signatures([*out[-2:], *built], gap=0)]
                del out[-2:]
            out += built
            previous = field
        flush()
        return out

    def share(self, field: object) -> float:
        """The field's share of the line; the whole line when its pre-filled value would overflow the narrower box."""
        share = SHARES[getattr(field, "width", "full")]
        value = getattr(field, "default", "")
        # A box is its share less a gap, and ReportLab starts text 3 pt in from either border.
        if value and stringWidth(value, st.FIELD_FONT, st.FIELD_SIZE) + 6 > share * self.width - st.GAP:
            return 1.0
        return share

    def one(self, field: object, prefix: str) -> list[Flowable]:
        builder: Callable[..., list[Flowable]] = getattr(self, f"_{type(field).__name__.lower()}")
        return builder(field, prefix)

    # --- helpers ----------------------------------------------------------------------------------

    def labelled(self, label: str, help_text: str | None, body: Flowable, *, aside: str = "") -> list[Flowable]:
        """Label, optional help and the field; an aside (a date's format) follows the label on its line."""
        aside = f" <font size=7.5 color='#555555'>{escape(aside)}</font>" if aside else ""
        parts: list[Flowable] = [Paragraph(escape(label) + aside, self.s.label)]
        if help_text:
            parts.append(Paragraph(escape(help_text), self.s.help))
        return [Stack([*parts, body]), Spacer(0, st.BLOCK_GAP)]

    def caption(self, label: str, help_text: str | None) -> Paragraph:
        text = escape(label) + (f"<br/><font size=8 color='#555555'>{escape(help_text)}</font>" if help_text else "")
        return Paragraph(text, self.s.label)

    def continued(self, label: str) -> Paragraph:
        """A table's or checklist's label at the top of a later page, so a printed page says what its rows are."""
        return Paragraph(escape(WORDS["continued"].format(label=label)), self.s.label)

    def header_row(self, cells: list[Flowable], shares: list[float]) -> Row:
        return Row(cells, shares, gap=4, pad=3, background=self.tint, cell="TH")

    def text(self, name: str, tooltip: str, **kwargs: object) -> TextBox:
        """A text field holding its bound value, if any."""
        return TextBox(name, tooltip, value=self.values.get(name, ""), **kwargs)  # type: ignore[arg-type]

    def ticked(self, name: str) -> bool:
        return self.values.get(name) == "1"

    # --- one builder per field type ---------------------------------------------------------------

    def _heading(self, field: Heading, prefix: str) -> list[Flowable]:
        return [Paragraph(escape(field.text), self.s.heading)]

    def _paragraphfield(self, field: ParagraphField, prefix: str) -> list[Flowable]:
        style = self.s.note if field.style == "note" else self.s.body
        out = paragraphs(field.text, style)
        bullet = self.s.bullet.clone("bullet-kept", keepWithNext=1)
        items = [ListItem(Paragraph(escape(item), bullet)) for item in field.items]
        if items:
            out += [Group("L"), *items, Group(), Spacer(0, 4)]
        return out

    def _textfield(self, field: TextField, prefix: str) -> list[Flowable]:
        tooltip = TOOLTIPS.get(field.type, "{hint}").format(hint=field.hint, format=WORDS["date_format"])
        name = f"{prefix}.{field.name}"
        box = TextBox(name, tooltip, value=self.values.get(name, field.default))
        # A date's format beside its label, on the same line so boxes sharing a line stay level.
        aside = WORDS["date_format"] if field.type == "date" else ""
        return self.labelled(field.label, field.help, box, aside=aside)

    def _multiline(self, field: Multiline, prefix: str) -> list[Flowable]:
        box = self.text(f"{prefix}.{field.name}", field.hint, height=field.lines * st.LINE_H + 4, multiline=True)
        return self.labelled(field.label, field.help, box)

    def _checkbox(self, field: Checkbox, prefix: str) -> list[Flowable]:
        name = f"{prefix}.{field.name}"
        item = CheckItem(Paragraph(escape(field.label), self.s.option), name, field.hint, checked=self.ticked(name))
        return [item, Spacer(0, st.BLOCK_GAP)]

    def _checklist(self, field: Checklist, prefix: str) -> list[Flowable]:
        items = [
            CheckItem(
                Paragraph(escape(option.label), self.s.option),
                name,
                TOOLTIPS["option"].format(hint=field.hint, option=option.label),
                checked=self.ticked(name),
            )
            for option, name in zip(field.options, field.option_names(prefix), strict=True)
        ]
        columns = field.columns
        chunks = [items[start : start + columns] for start in range(0, len(items), columns)]
        rows = [
            Stack(
                [Row([*chunk, *(Box() for _ in range(columns - len(chunk)))], [1.0] * columns, gap=st.GAP), Box(4)],
                gap=0,
            )
            for chunk in chunks
        ]
        tail: list[Flowable] = []
        after: Flowable = Spacer(0, st.BLOCK_GAP - 4)  # the last row ends in 4 pt of its own
        if field.other:  # its line ends the checklist: it never starts a page alone
            other = self.text(f"{prefix}.{field.name}.other", TOOLTIPS["other"].format(hint=field.hint))
            line, after = self.labelled(WORDS["other"], None, other)
            tail = [Spacer(0, 2), line]
        checklist = Rows(
            "L",
            rows,
            caption=self.caption(field.label, field.help),
            again=self.continued(field.label),
            counts=[len(chunk) for chunk in chunks],
            tail=tail,
        )
        return [checklist, after]

    def _choice(self, field: Choice, prefix: str) -> list[Flowable]:
        # The loader refuses options with the same id, so every button has its own export value.
        options = [(o.key, o.label) for o in field.options]
        tooltip = TOOLTIPS["choice"].format(hint=field.hint, options=", ".join(o.label for o in field.options))
        group = f"{prefix}.{field.name}"
        column, chosen = field.layout == "column", self.values.get(group, "")
        flow = RadioFlow(group, tooltip, field.hint, options, self.s.fonts.regular, column=column, chosen=chosen)
        return self.labelled(field.label, field.help, flow)

    def _questions(self, field: Questions, prefix: str) -> list[Flowable]:
        out: list[Flowable] = []
        for n, question in enumerate(field.questions, 1):
            name = f"{prefix}.{field.name}.{question.key_at(n)}"
            box = self.text(name, question.label, height=field.lines * st.LINE_H + 4, multiline=True)
            out += self.labelled(question.label, None, box)
        return out

    def _ratinggrid(self, field: RatingGrid, prefix: str) -> list[Flowable]:
        scale = self.program.rating_scale
        labels = [level.label for level in scale]
        out: list[Flowable] = []
        if field.definitions:
            out.append(Paragraph(escape(WORDS["scale_intro"]), self.s.heading))
            out += [
                Paragraph(f"<b>{escape(level.label)}</b>: {escape(level.definition)}", self.s.note) for level in scale
            ]
            out.append(Spacer(0, 4))
        # Widths in points: Row spreads what is left after the gaps over the shares, so these fill the frame.
        column = min(64.0, max(34.0, 300.0 / len(scale)))
        room = self.width - _GRID_GAP * (len(scale) + 1)
        question = max(column, room - _NUMBER_W - len(scale) * column)
        shares = [_NUMBER_W, question] + [column] * len(scale)
        head = [Box(), Paragraph(escape(WORDS["question"]), self.s.cell_head)]
        head += [Paragraph(escape(label), self.s.cell_head.clone("c", alignment=1)) for label in labels]
        rows = []
        for n, item in enumerate(field.questions, 1):
            question, name = item.label, f"{prefix}.{field.name}.{item.key_at(n)}"
            tooltip = TOOLTIPS["rating"].format(n=n, question=question, options=", ".join(labels))
            cells: list[Flowable] = [Paragraph(f"{n}.", self.s.option), Paragraph(escape(question), self.s.option)]
            chosen = self.values.get(f"{name}.rating")
            cells += [
                RadioCell(
                    f"{name}.rating", level.key, f"{level.label}, question {n}", tooltip, selected=level.key == chosen
                )
                for level in scale
            ]
            line: Flowable = Row(cells, shares, gap=_GRID_GAP, pad=4, cell="TD")
            if field.comments:
                comment = self.text(f"{name}.comment", TOOLTIPS["comment"].format(n=n), height=18)
                note = Paragraph(escape(WORDS["comment"]), self.s.small)
                widths = [_NUMBER_W, 52.0, self.width - 2 * _GRID_GAP - _NUMBER_W - 52.0]
                line = Stack([line, Row([Box(), note, comment], widths, gap=_GRID_GAP, cell="TD")], gap=1)
            rows.append(Stack([line, Box(5)], gap=0))
        out += [
            Rows(
                "Table",
                rows,
                caption=self.caption(field.label, field.help),
                again=self.continued(field.label),
                header=self.header_row(head, shares),
            ),
            Spacer(0, st.BLOCK_GAP),
        ]
        return out

    def _table(self, field: Table, prefix: str) -> list[Flowable]:
        shares = [column.width for column in field.columns]
        head = [Paragraph(escape(column.label), self.s.cell_head) for column in field.columns]
        rows = []
        for n in range(1, field.rows + 1):
            cells: list[Flowable] = [
                self.text(
                    f"{prefix}.{field.name}.{n}.{column.name}",
                    TOOLTIPS["cell"].format(hint=field.hint, row=n, column=column.tooltip or column.label),
                )
                for column in field.columns
            ]
            rows.append(Row(cells, shares, gap=0, cell="TD"))
        table = Rows(
            "Table",
            rows,
            caption=self.caption(field.label, field.help),
            again=self.continued(field.label),
            header=self.header_row(head, shares),
        )
        return [table, Spacer(0, st.BLOCK_GAP)]

    def _signature(self, field: Signature, prefix: str) -> list[Flowable]:
        out: list[Flowable] = []
        for item in field.roles:
            role, key = item.label, f"{prefix}.{item.key}"
            parts = [
                Stack(
                    [
                        Paragraph(escape(WORDS["printed_name"]), self.s.small),
                        self.text(f"{key}.name", TOOLTIPS["sign_name"].format(role=role)),
                    ]
                ),
                Stack([Paragraph(escape(WORDS["signature"]), self.s.small), SignatureLine()]),
                Stack(
                    [
                        Paragraph(escape(f"{WORDS['date']} ({WORDS['date_format']})"), self.s.small),
                        self.text(f"{key}.date", TOOLTIPS["sign_date"].format(role=role, format=WORDS["date_format"])),
                    ]
                ),
            ]
            out.append(Stack([Paragraph(escape(role), self.s.label), Row(parts, [0.4, 0.38, 0.22])], gap=2))
        # One block: a page never holds a lone signatory, cut off from the others who sign the same form.
        return [Signatures(out, gap=st.BLOCK_GAP + 3), Spacer(0, st.BLOCK_GAP + 3)]

    def _repeat(self, field: Repeat, prefix: str) -> list[Flowable]:
        out: list[Flowable] = []
        for n in range(1, (field.count or 0) + 1):
            group = [
                Paragraph(escape(f"{field.title} {n}"), self.s.heading),
                *self.fields(field.fields, f"{prefix}.{n}"),
            ]
            # A Stack, not KeepTogether: Platypus will keep a heading "with next" only if next is not a KeepTogether.
            out.append(Stack(group, gap=0))
        return out


def _tint(color: Color) -> Color:
    """A pale wash of the program colour for table headers: print-friendly, keeps black text readable."""
    return Color(*(1 - (1 - c) * 0.12 for c in (color.red, color.green, color.blue)))
