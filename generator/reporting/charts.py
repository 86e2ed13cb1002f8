"""Horizontal bar charts as inline SVG: no script, no font or file to fetch, readable by a screen reader.

Each chart is one image (role="img") named by its <title> and summarised in words by its <desc>; the
page puts the same numbers in a table beside it. Every text is escaped here, since labels and answers
may come from returned forms. Colours keep 4.5:1 against white for text and 3:1 for bars, and a bar's
series is written beside it, so nothing depends on telling colours apart.
"""

from __future__ import annotations

from collections.abc import Sequence

from babel.numbers import format_percent
from markupsafe import Markup, escape

from ..i18n import current, locale
from .suppression import Shown

BARS = 360
"""Length of a full bar (100 %, or the largest count)."""
CHAR = 8
"""A generous width of one character of the 14 px font, to leave room for texts the SVG cannot measure."""
BAR = 16
"""Height of one bar."""
LABEL = 20
"""Height of the line holding a row's label, above its bars."""
GAP = 10
"""Space after a row."""
COLOURS = ("#00695c", "#8a3f00", "#3f51b5")
"""Teal, brown and indigo: each at least 4.5:1 on white."""
TEXT = "#1b1b1b"
FONT = "font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:14px"


def _words(value: Shown, hidden: str, total: int | None = None) -> str:
    """A count, and its share of `total`, as the language being spoken writes them: "5 (42%)", "5 (42 %)"."""
    if value is None:
        return hidden
    count = current().number(value)
    if not total:
        return count
    share = round(100 * value / total) / 100
    return f"{count} ({format_percent(share, locale=locale(current().language))})"


def describe(
    rows: Sequence[str], series: Sequence[tuple[str, Sequence[Shown]]], hidden: str, totals: Sequence[int] | None = None
) -> str:
    """The chart in one sentence per row, for its <desc>."""
    parts = []
    for index, row in enumerate(rows):
        words = [
            _words(values[index], hidden, totals[number] if totals else None)
            for number, (_, values) in enumerate(series)
        ]
        if len(series) == 1:
            parts.append(f"{row}: {words[0]}.")
        else:
            parts.append(f"{row}: {', '.join(f'{name} {w}' for (name, _), w in zip(series, words, strict=True))}.")
    return " ".join(parts)


def bar_chart(
    chart_id: str,
    title: str,
    rows: Sequence[str],
    series: Sequence[tuple[str, Sequence[Shown]]],
    *,
    hidden: str,
    totals: Sequence[int] | None = None,
) -> Markup:
    """One bar per row and series; a hidden count gets no bar.

    With `totals` (one per series) a bar is its count's share of that total, so series of different
    sizes compare fairly, and its value reads as a count and a percentage; without, the largest shown
    count spans the chart.
    """
    several = len(series) > 1
    largest = max([v for _, values in series for v in values if v is not None] or [1]) or 1
    texts = [
        (f"{label}: " if several else "") + _words(value, hidden, totals[number] if totals else None)
        for number, (label, values) in enumerate(series)
        for value in values
    ]
    width = max(BARS + 6 + CHAR * max(map(len, texts), default=0), CHAR * max(map(len, rows), default=0))
    row_height = LABEL + BAR * len(series) + 4 * (len(series) - 1) + GAP
    height = row_height * len(rows) + 4
    name = escape(chart_id)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" aria-labelledby="{name}-title {name}-desc" style="{FONT}">',
        f'<title id="{name}-title">{escape(title)}</title>',
        f'<desc id="{name}-desc">{escape(describe(rows, series, hidden, totals))}</desc>',
    ]
    for index, row in enumerate(rows):
        top = index * row_height
        out.append(f'<text x="0" y="{top + 15}" fill="{TEXT}">{escape(row)}</text>')
        for number, (_, values) in enumerate(series):
            value = values[index]
            total = totals[number] if totals else None
            y = top + LABEL + number * (BAR + 4)
            length = 0 if value is None else round(value / (total or largest) * BARS, 1)
            if length:
                colour = COLOURS[number % len(COLOURS)]
                out.append(f'<rect x="0" y="{y}" width="{length}" height="{BAR}" fill="{colour}"/>')
            text = texts[number * len(rows) + index]
            out.append(f'<text x="{length + 6}" y="{y + BAR - 3}" fill="{TEXT}">{escape(text)}</text>')
    out.append("</svg>")
    return Markup("".join(out))
