"""Platypus flowables that place AcroForm widgets where the layout puts them.

Widgets are created inside `draw()` with coordinates relative to the flowable, so fields flow with
the text. Only `Rows` (a table or checklist) splits, between rows, repeating its label and header; every
other flowable moves to the next page whole, so a field, a row or a signature block is never cut in two.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Spacer

from . import styles as st
from .tagging import Tagger, tag_for


class Text(Paragraph):
    """A paragraph tagged as it is drawn: a heading level or P, from its style's name, unless given a tag."""

    tag: str = ""
    """The structure type, when the style's name does not give it: 'Lbl' for a list item's bullet."""

    def drawOn(self, canvas: object, x: float, y: float, _sW: float = 0) -> None:
        canvas.tagger.begin(canvas, self.tag or tag_for(self.style.name))  # type: ignore[attr-defined]
        super().drawOn(canvas, x, y, _sW)
        Tagger.end(canvas)  # type: ignore[arg-type]


class ListItem(Flowable):
    """A bulleted item, LI: the bullet is its label (Lbl) and the text its body (LBody), as PDF/UA lists want.

    The bullet is drawn as a paragraph of its own in the text's style, so the two share their first baseline.
    """

    def __init__(self, body: Text, bullet: str = "•") -> None:
        super().__init__()
        style = body.style
        self.body = body
        self.label = Text(bullet, style.clone(f"{style.name}-label", leftIndent=style.bulletIndent))
        self.label.tag = "Lbl"
        self.spaceBefore, self.spaceAfter, self.keepWithNext = style.spaceBefore, style.spaceAfter, style.keepWithNext

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.label.wrap(available_width, available_height)
        self.width, self.height = available_width, self.body.wrap(available_width, available_height)[1]
        return self.width, self.height

    def draw(self) -> None:
        tagger: Tagger = self.canv.tagger  # type: ignore[attr-defined]
        tagger.open("LI")
        self.label.drawOn(self.canv, 0, self.height - self.label.height)
        tagger.open("LBody")
        self.body.drawOn(self.canv, 0, 0)
        tagger.close()
        tagger.close()


class Group(Flowable):
    """Opens (kind given) or closes a structure group, such as a list around its items; takes no room.

    Kept with what follows, so it never breaks a heading's hold on the field after it.
    """

    def __init__(self, kind: str = "") -> None:
        super().__init__()
        self.kind, self.keepWithNext = kind, 1

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0.0, 0.0

    def draw(self) -> None:
        tagger: Tagger = self.canv.tagger  # type: ignore[attr-defined]
        if self.kind:
            tagger.open(self.kind)
        else:
            tagger.close()


class TextBox(Flowable):
    """A text field filling the available width, typed text at a fixed size.

    Multi-line boxes too: auto size (0) makes each reader pick its own, from 5 to 20 pt.
    """

    def __init__(self, name: str, tooltip: str, *, height: float = st.BOX_H, multiline: bool = False, value: str = ""):
        super().__init__()
        self.name, self.tooltip, self.box_h, self.multiline, self.value = name, tooltip, height, multiline, value

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width, self.height = available_width, self.box_h
        return self.width, self.height

    def draw(self) -> None:
        self.canv.acroForm.textfield(
            name=self.name,
            tooltip=self.tooltip,
            value=self.value,
            x=0,
            y=0,
            width=self.width,
            height=self.height,
            relative=True,
            borderStyle="solid",
            borderWidth=0.75,
            borderColor=st.BORDER,
            fillColor=st.FILL,
            textColor=st.FIELD_INK,
            fontName=st.FIELD_FONT,
            fontSize=st.FIELD_SIZE,
            fieldFlags="multiline" if self.multiline else "",
            maxlen=0,
        )


class SignatureLine(Flowable):
    """Room to sign by hand: a rule, not a field, because a wet signature is what is collected."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width, self.height = available_width, st.BOX_H
        return self.width, self.height

    def draw(self) -> None:
        Tagger.begin_artifact(self.canv)
        self.canv.setStrokeColor(st.BORDER)
        self.canv.setLineWidth(0.75)
        self.canv.line(0, 0.5, self.width, 0.5)
        Tagger.end(self.canv)


class CheckItem(Flowable):
    """A checkbox with its caption to the right (clicking the box is enough); radios are RadioFlow and RadioCell."""

    def __init__(self, caption: Text, name: str, tooltip: str, *, checked: bool = False) -> None:
        super().__init__()
        self.caption, self.name, self.tooltip, self.checked = caption, name, tooltip, checked

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        _, caption_h = self.caption.wrap(available_width - st.CHECK - 5, available_height)
        self.width, self.height = available_width, max(st.CHECK, caption_h)
        return self.width, self.height

    def draw(self) -> None:
        """A list item: the box is its label, where a bullet would be (Lbl > Form), the caption its body."""
        tagger: Tagger = self.canv.tagger  # type: ignore[attr-defined]
        tagger.open("LI")
        tagger.open("Lbl")
        top = self.height
        self.canv.acroForm.checkbox(
            name=self.name,
            tooltip=self.tooltip,
            checked=self.checked,
            x=0,
            y=top - st.CHECK,
            size=st.CHECK,
            relative=True,
            buttonStyle="check",
            borderWidth=0.75,
            borderColor=st.BORDER,
            fillColor=st.FILL,
            textColor=st.INK,
            fieldFlags="",
        )
        tagger.close()
        tagger.open("LBody")
        self.caption.drawOn(self.canv, st.CHECK + 5, top - self.caption.height + 0.5)
        tagger.close()
        tagger.close()


def radio(
    canv: object, group: str, value: str, button_tip: str, tooltip: str, x: float, y: float, *, selected: bool = False
) -> None:
    """One button of a radio group: the group (one field) takes the tooltip, each button an export value."""
    canv.acroForm.radio(  # type: ignore[attr-defined]
        button_tip=button_tip,
        name=group,
        value=value,
        selected=selected,
        tooltip=tooltip,
        x=x,
        y=y,
        size=st.CHECK,
        relative=True,
        buttonStyle="circle",
        shape="circle",
        borderWidth=0.75,
        borderColor=st.BORDER,
        fillColor=st.FILL,
        textColor=st.INK,
        fieldFlags="noToggleToOff radio",
    )


class RadioFlow(Flowable):
    """The options of one choice, left to right and wrapping, or one per line."""

    def __init__(
        self,
        group: str,
        tooltip: str,
        hint: str,
        options: Sequence[tuple[str, str]],
        font: str,
        *,
        column: bool,
        chosen: str = "",
    ) -> None:
        super().__init__()
        self.group, self.tooltip, self.hint, self.options, self.font, self.column = (
            group,
            tooltip,
            hint,
            options,
            font,
            column,
        )
        self.chosen = chosen
        """The option id shown selected, or empty."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.places: list[tuple[float, int, float]] = []
        x, line = 0.0, 0
        for _, label in self.options:
            item = st.CHECK + 4 + stringWidth(label, self.font, 9) + 16
            if x and (self.column or x + item > available_width):
                x, line = 0.0, line + 1
            self.places.append((x, line, item))
            x += item
        self.height = (line + 1) * (st.CHECK + 5) - 5
        return self.width, self.height

    def draw(self) -> None:
        for (value, label), (x, line, _) in zip(self.options, self.places, strict=True):
            y = self.height - st.CHECK - line * (st.CHECK + 5)
            tip = f"{self.hint}: {label}"
            radio(self.canv, self.group, value, tip, self.tooltip, x, y, selected=value == self.chosen)
            self.canv.tagger.begin(self.canv, "P")
            self.canv.setFont(self.font, 9)
            self.canv.setFillColor(st.INK)
            self.canv.drawString(x + st.CHECK + 4, y + 2, label)
            Tagger.end(self.canv)


class Stack(Flowable):
    """Flowables one above the other, kept together on one page."""

    def __init__(self, parts: Sequence[Flowable], gap: float = st.LABEL_GAP) -> None:
        super().__init__()
        self.parts, self.gap = list(parts), gap

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        heights = [part.wrap(available_width, available_height)[1] for part in self.parts]
        self.height = sum(heights) + self.gap * (len(self.parts) - 1)
        return self.width, self.height

    def draw(self) -> None:
        y = self.height + self.getSpaceBefore()
        for part in self.parts:
            y -= part.height
            part.drawOn(self.canv, 0, y)
            y -= self.gap


class Signatures(Stack):
    """A signature block: its signatories together, and any note on copies of what was signed.

    Marked so the layout can keep it with what it signs (see sign_with_what_precedes).
    """


class Row(Flowable):
    """Flowables side by side, each given a share of the width; top-aligned; in reading order."""

    def __init__(
        self,
        parts: Sequence[Flowable],
        shares: Sequence[float],
        *,
        gap: float = st.GAP,
        pad: float = 0.0,
        background: Color | None = None,
        cell: str = "",
    ) -> None:
        super().__init__()
        self.parts, self.shares, self.gap, self.pad, self.background = list(parts), list(shares), gap, pad, background
        self.cell = cell
        """'TH' or 'TD' for a table row: tagged TR, each part a cell; empty for a layout row."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        room = available_width - self.gap * (len(self.parts) - 1)
        total = sum(self.shares)
        self.widths = [room * share / total for share in self.shares]
        heights = [part.wrap(w, available_height)[1] for part, w in zip(self.parts, self.widths, strict=True)]
        self.height = max(heights) + 2 * self.pad
        return self.width, self.height

    def draw(self) -> None:
        if self.background is not None:
            Tagger.begin_artifact(self.canv)
            self.canv.setFillColor(self.background)
            self.canv.rect(0, 0, self.width, self.height, stroke=0, fill=1)
            Tagger.end(self.canv)
        tagger: Tagger = self.canv.tagger  # type: ignore[attr-defined]
        if self.cell:
            tagger.open("TR")
        x = 0.0
        for part, w in zip(self.parts, self.widths, strict=True):
            if self.cell:
                tagger.open(self.cell)
            part.drawOn(self.canv, x, self.height - self.pad - part.height)
            if self.cell:
                tagger.close()
            x += w + self.gap
        if self.cell:
            tagger.close()


LEAST = 2
"""Fewest items a split table or checklist leaves on either page: never one orphaned row or box."""


class Rows(Flowable):
    """A table or checklist splitting only between rows; what leads into it and ends it stays with its rows.

    Each later page starts with '<label> (continued)' and the header row again, both artifacts, so a
    screen reader hears the caption and header once, where the group (Table or L) starts.
    """

    def __init__(
        self,
        kind: str,
        rows: Sequence[Flowable],
        *,
        caption: Flowable | None = None,
        again: Flowable | None = None,
        header: Flowable | None = None,
        counts: Sequence[int] = (),
        lead: Sequence[Flowable] = (),
        tail: Sequence[Flowable] = (),
        first: bool = True,
        last: bool = True,
    ) -> None:
        super().__init__()
        self.kind, self.rows, self.caption, self.again, self.header = kind, list(rows), caption, again, header
        self.counts = list(counts) or [1] * len(self.rows)
        """Items in each row (boxes of a checklist's row; one for a table row), for LEAST."""
        self.lead = list(lead)
        """Headings printed above the caption on the first page (see keep_leads_in_tables)."""
        self.tail = list(tail)
        """What ends the group on its last page, outside it: a checklist's 'Other' line, a rule about the ticks."""
        self.first, self.last = first, last
        """Whether this part opens the group (its caption and header are tagged) and closes it."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width

        def height(flowable: Flowable) -> float:
            drawn = flowable.wrap(available_width, available_height)[1]
            return drawn + flowable.getSpaceBefore() + flowable.getSpaceAfter()

        self.lead_hs = [height(p) for p in self.lead]
        top = self.caption if self.first else self.again
        self.top_h = top.wrap(available_width, available_height)[1] + st.LABEL_GAP if top else 0
        self.header_h = self.header.wrap(available_width, available_height)[1] if self.header else 0
        self.row_hs = [row.wrap(available_width, available_height)[1] for row in self.rows]
        self.tail_hs = [height(f) for f in self.tail] if self.last else []
        outer = self.getSpaceBefore() + self.getSpaceAfter()
        self.height = sum(self.lead_hs) + self.top_h + self.header_h + sum(self.row_hs) + sum(self.tail_hs) - outer
        return self.width, self.height

    def getSpaceBefore(self) -> float:
        """The first heading's space above, which a page's top drops, as it would for the heading alone."""
        return self.lead[0].getSpaceBefore() if self.lead else 0.0

    def getSpaceAfter(self) -> float:
        """The last paragraph's space below: needed only if something follows on the page."""
        return self.tail[-1].getSpaceAfter() if self.last and self.tail else 0.0

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        self.wrap(available_width, available_height)
        used, fits = sum(self.lead_hs) - self.getSpaceBefore() + self.top_h + self.header_h, 0
        for height in self.row_hs:
            if used + height > available_height:
                break
            used, fits = used + height, fits + 1
        if fits == len(self.rows):  # only the tail is too long: it takes the last rows along
            fits -= 1
        while fits and sum(self.counts[fits:]) < LEAST:
            fits -= 1
        if not fits or sum(self.counts[:fits]) < LEAST:
            return []
        shared = {"kind": self.kind, "again": self.again, "header": self.header}
        return [
            Rows(
                rows=self.rows[:fits],
                caption=self.caption,
                counts=self.counts[:fits],
                lead=self.lead,
                first=self.first,
                last=False,
                **shared,
            ),
            Rows(
                rows=self.rows[fits:], counts=self.counts[fits:], tail=self.tail, first=False, last=self.last, **shared
            ),
        ]

    def draw(self) -> None:
        y = self.height + self.getSpaceBefore()

        def place(flowable: Flowable, height: float, after: float = 0.0) -> None:
            nonlocal y
            y -= height - after
            flowable.drawOn(self.canv, 0, y)
            y -= after

        for flowable, height in zip(self.lead, self.lead_hs, strict=True):
            place(flowable, height, flowable.getSpaceAfter())
        tagger: Tagger = self.canv.tagger  # type: ignore[attr-defined]
        top = self.caption if self.first else self.again
        if not self.first:  # repeated on a later page: read once, where the group starts
            Tagger.begin_artifact(self.canv)
        if top:
            place(top, self.top_h, st.LABEL_GAP)
        if self.first:
            tagger.open(self.kind)
        if self.header:
            place(self.header, self.header_h)
        if not self.first:
            Tagger.end(self.canv)
        for row, height in zip(self.rows, self.row_hs, strict=True):
            place(row, height)
        if self.last:
            tagger.close()
            for flowable, height in zip(self.tail, self.tail_hs, strict=True):
                place(flowable, height, flowable.getSpaceAfter())


def sign_with_what_precedes(story: list[Flowable]) -> list[Flowable]:
    """A signature block never starts a page alone: it takes the block before it (what it signs) along.

    Its heading and intro are kept with it already. The block before them is kept with them too. A table or
    checklist, just before them or before that block (a total under a table), takes them into its tail instead,
    so that a split leaves its last rows with them rather than moving it whole.
    """
    out = list(story)
    for index in reversed([n for n, flowable in enumerate(out) if isinstance(flowable, Signatures)]):
        start = index
        while start and isinstance(out[start - 1], Paragraph) and out[start - 1].getKeepWithNext():
            start -= 1
        previous = _block_before(out, start)
        if previous is None:  # nothing precedes it: the form is only signatures
            continue
        table = previous if isinstance(out[previous], Rows) else _block_before(out, previous)
        if table is not None and isinstance(out[table], Rows):
            out[table].tail += out[table + 1 : index + 1]
            del out[table + 1 : index + 1]
        else:
            for flowable in out[previous:start]:
                flowable.keepWithNext = 1
    return out


def _block_before(story: list[Flowable], index: int) -> int | None:
    """Where the last flowable before `index` that is not blank space is, if any."""
    while index and isinstance(story[index - 1], Spacer):
        index -= 1
    return index - 1 if index else None


def keep_leads_in_tables(story: list[Flowable]) -> list[Flowable]:
    """Headings kept with a table or checklist are moved inside it, so it can start on the same page.

    Platypus moves a heading and what it is kept with as one block to the next page whenever the block
    does not fit, leaving most of a page blank above a long table that could have split.
    """
    out: list[Flowable] = []
    for flowable in story:
        if isinstance(flowable, Rows):
            while out and isinstance(out[-1], Paragraph) and out[-1].getKeepWithNext():
                flowable.lead.insert(0, out.pop())
        out.append(flowable)
    return out


class Box(Flowable):
    """Fixed-size blank space (a table's corner cell, a spacer inside a row)."""

    def __init__(self, height: float = 0.0) -> None:
        super().__init__()
        self.box_h = height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width, self.height = available_width, self.box_h
        return self.width, self.height

    def draw(self) -> None:
        """Nothing to draw: the space is the point."""


class RadioCell(Flowable):
    """One radio button centred in a rating-grid column."""

    def __init__(self, group: str, value: str, button_tip: str, tooltip: str, *, selected: bool = False) -> None:
        super().__init__()
        self.group, self.value, self.button_tip, self.tooltip, self.selected = (
            group,
            value,
            button_tip,
            tooltip,
            selected,
        )

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width, self.height = available_width, st.CHECK + 2
        return self.width, self.height

    def draw(self) -> None:
        x = (self.width - st.CHECK) / 2
        radio(self.canv, self.group, self.value, self.button_tip, self.tooltip, x, 1, selected=self.selected)
