"""Horizontal bar charts as inline SVG: no script, no font or file to fetch, readable by a screen reader.

Each chart is one image (role="img") named by its <title> and summarised in words by its <desc>; the
page puts the same numbers in a table beside it. Every text is escaped here, since labels and answers
may come from returned forms. Colours keep 4.5:1 against white for text and 3:1 for bars, and a bar's
series is written beside it, so nothing depends on telling colours apart.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from .suppression import Shown

WIDTH = 640
BAR = 16
"""Height of one bar."""
LABEL = 20
"""Height of the line holding a row's label, above its bars."""
GAP = 10
"""Space after a row."""
VALUE_ROOM = 220
"""Room right of the longest bar for its value."""
COLOURS = ("#00695c", "#8a3f00", "#3f51b5")
"""Teal, brown and indigo: each at least 4.5:1 on white."""
TEXT = "#1b1b1b"
FONT = "font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:14px"


def _words(value: Shown, hidden: str) -> str:
    return hidden if value is None else str(value)


def describe(rows: Sequence[str], series: Sequence[tuple[str, Sequence[Shown]]], hidden: str) -> str:
    """The chart in one sentence per row, for its <desc>."""
    parts = []
    for index, row in enumerate(rows):
        if len(series) == 1:
            parts.append(f"{row}: {_words(series[0][1][index], hidden)}.")
        else:
            values = ", ".join(f"{name} {_words(values[index], hidden)}" for name, values in series)
            parts.append(f"{row}: {values}.")
    return " ".join(parts)


def bar_chart(
    chart_id: str, title: str, rows: Sequence[str], series: Sequence[tuple[str, Sequence[Shown]]], *, hidden: str
) -> Markup:
    """One bar per row and series, longest bar for the largest shown count; a hidden count gets no bar."""
    several = len(series) > 1
    largest = max([v for _, values in series for v in values if v is not None] or [1]) or 1
    room = WIDTH - VALUE_ROOM
    row_height = LABEL + BAR * len(series) + 4 * (len(series) - 1) + GAP
    height = row_height * len(rows) + 4
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" height="{height}"'
        f' viewBox="0 0 {WIDTH} {height}" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc"'
        f' style="{FONT}">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(describe(rows, series, hidden))}</desc>',
    ]
    for index, row in enumerate(rows):
        top = index * row_height
        out.append(f'<text x="0" y="{top + 15}" fill="{TEXT}">{escape(row)}</text>')
        for number, (name, values) in enumerate(series):
            value = values[index]
            y = top + LABEL + number * (BAR + 4)
            length = 0 if value is None else round(value / largest * room, 1)
            if length:
                colour = COLOURS[number % len(COLOURS)]
                out.append(f'<rect x="0" y="{y}" width="{length}" height="{BAR}" fill="{colour}"/>')
            words = _words(value, hidden)
            text = f"{name}: {words}" if several else words
            out.append(f'<text x="{length + 6}" y="{y + BAR - 3}" fill="{TEXT}">{escape(text)}</text>')
    out.append("</svg>")
    return Markup("".join(out))
