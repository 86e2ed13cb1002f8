"""From the raw fields of a returned form to answers under the form's stable names.

Text stays text; a ticked box is "1"; a choice is its option id; a rating is the level's position on
the scale (1 = worst) with its label kept beside it. Fields the current form no longer has are named
in a note instead of being dropped silently.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field

from ..formdefs import Entry, FormDef
from ..identity import FIELD
from .reading import Orphan, Returned

Answer = tuple[str, str]
"""(value, label): the label is the rating level's or option's words, empty for text."""

Positions = dict[tuple[int, tuple[int, int, int, int], str], str]
"""(page, rounded rectangle, on-state) of every radio button of a blank form -> its group's full name."""


@dataclass
class Mapped:
    answers: dict[str, Answer]
    notes: list[str] = field(default_factory=list)
    """What could not be mapped, in words for problems.csv; the submission is still stored."""


def radio_positions(pdf: bytes) -> Positions:
    """Where each radio button sits on our own blank form, to re-attach buttons a reader detached."""
    from pypdf import PdfReader

    positions: Positions = {}
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages):
        for annot in page.get("/Annots") or []:
            widget = annot.get_object()
            parent = widget.get("/Parent")
            if parent is None or "/T" in widget:
                continue
            names, node = [], parent.get_object()
            while node is not None:
                names.append(str(node["/T"]))
                node = node.get("/Parent").get_object() if "/Parent" in node else None
            for state in widget["/AP"]["/N"]:
                if state != "/Off":
                    positions[(number, _rounded(widget["/Rect"]), state[1:])] = ".".join(reversed(names))
    return positions


def _rounded(rect: object) -> tuple[int, int, int, int]:
    return tuple(round(float(v)) for v in list(rect)[:4])  # type: ignore[return-value]


def _reattach(orphans: list[Orphan], positions: Positions, fields: dict[str, str | bool | None]) -> list[str]:
    """Give detached radio buttons back to their groups by page and position; returns what stayed unplaced."""
    unplaced = []
    for orphan in orphans:
        group = positions.get((orphan.page, _rounded(orphan.rect), orphan.state))
        if group is None:
            unplaced.append(f"a ticked button on page {orphan.page + 1} matches no field of the current form")
        elif fields.get(group) in (None, ""):
            fields[group] = orphan.state
    return unplaced


def _answer(entry: Entry, raw: str | bool | None) -> tuple[Answer, str | None]:
    """The stored answer for one field, and a note when the value is not one the field offers."""
    if entry.kind == "checkbox":
        return ("1" if raw is True else "", ""), None
    if entry.kind in ("choice", "rating"):
        if raw in (None, "", False):
            return ("", ""), None
        for position, (option, label) in enumerate(entry.options, 1):
            if raw == option:
                return (str(position) if entry.kind == "rating" else option, label), None
        return ("", ""), f"{entry.name}: '{raw}' is not one of the offered answers; left blank"
    return ("" if raw is None or isinstance(raw, bool) else str(raw), ""), None


def map_answers(form: FormDef, returned: Returned, positions: Callable[[], Positions]) -> Mapped:
    """Answers for every field of the current form; `positions` is asked only when buttons were detached."""
    fields = dict(returned.fields)
    notes = _reattach(returned.orphans, positions(), fields) if returned.orphans else []
    answers: dict[str, Answer] = {}
    for entry in form.entries():
        answer, note = _answer(entry, fields.pop(entry.name, None))
        answers[entry.name] = answer
        if note:
            notes.append(note)
    fields.pop(FIELD, None)
    extra = sorted(name for name, value in fields.items() if value not in (None, "", False))
    if extra:
        shown = ", ".join(extra[:10]) + (f" and {len(extra) - 10} more" if len(extra) > 10 else "")
        notes.append(f"answers in fields the current form does not have (an older version?): {shown}")
    return Mapped(answers, notes)
