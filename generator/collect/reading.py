"""Read the fields of one returned PDF, the way real readers write them; runs in a worker on untrusted files.

Returns plain data (picklable, nothing of pypdf's) or raises Unreadable with a sentence a coordinator
can act on. Every walk is bounded (nodes, depth, text length), so a hostile file costs at most a
little time and memory before the worker's own limits apply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..identity import FIELD, INFO_KEYS, Identity

MAX_NODES = 20_000
"""Most field-tree nodes read from one file; our largest form has a few hundred."""
MAX_DEPTH = 16
MAX_TEXT = 100_000
"""Longest text value kept from a field; anything beyond is cut (and is no answer a form asks for)."""

RADIO = 1 << 15
PUSHBUTTON = 1 << 16


class Unreadable(Exception):
    """The file cannot be read as a filled form; the message says why and what to do."""


@dataclass
class Orphan:
    """A button widget no longer attached to its field (macOS Preview detaches radio kids when saving)."""

    page: int
    rect: tuple[float, float, float, float]
    state: str


@dataclass
class Returned:
    """What a returned form holds: its identity if it carries one, and every field's value by full name."""

    identity: Identity | None
    keywords: str
    fields: dict[str, str | bool | None] = field(default_factory=dict)
    """Text as text; a checkbox True/False; a radio group its chosen state name, or None."""
    orphans: list[Orphan] = field(default_factory=list)
    pages: int = 0


def _text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "get_data"):  # a text value may be a stream
        value = value.get_data().decode("utf-8", "replace")
    return str(value)[:MAX_TEXT]


def _state(name: Any) -> str | None:
    text = str(name)
    state = text[1:] if text.startswith("/") else text
    return None if state in ("", "Off") else state


def _on_states(widget: Any) -> list[str]:
    try:
        normal = widget["/AP"]["/N"]
        return [s for s in (_state(k) for k in normal) if s]
    except (KeyError, TypeError, AttributeError):
        return []


class _Walker:
    def __init__(self) -> None:
        self.fields: dict[str, str | bool | None] = {}
        self.seen: set[tuple[int, int]] = set()
        self.nodes = 0

    def visit(self, ref: Any, prefix: str, inherited: dict[str, Any], depth: int) -> None:
        key = (ref.idnum, ref.generation) if hasattr(ref, "idnum") else None
        if key is not None:
            if key in self.seen:
                return  # a field tree that loops back on itself: read each node once
            self.seen.add(key)
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            raise Unreadable("the form's field tree is far larger or deeper than any form of this program")
        node = ref.get_object()
        if not hasattr(node, "get"):
            return
        title = node.get("/T")
        name = f"{prefix}.{title}" if prefix and title is not None else str(title) if title is not None else prefix
        here = {k: node[k] for k in ("/FT", "/Ff", "/V", "/Opt") if k in node}
        attrs = {**inherited, **here}
        kids = node.get("/Kids") or []
        child_fields = [kid for kid in kids if "/T" in kid.get_object()]
        if child_fields:
            for kid in child_fields:
                self.visit(kid, name, attrs, depth + 1)
            return
        widgets = [kid.get_object() for kid in kids] or [node]
        for widget in widgets:
            if hasattr(widget, "indirect_reference") and widget.indirect_reference is not None:
                self.seen.add((widget.indirect_reference.idnum, widget.indirect_reference.generation))
        if name and name not in self.fields:
            self.fields[name] = _value(attrs, widgets)


def _value(attrs: dict[str, Any], widgets: list[Any]) -> str | bool | None:
    kind = str(attrs.get("/FT", ""))
    if kind != "/Btn":
        value = attrs.get("/V")
        if isinstance(value, list):  # a multiple-choice list field
            return ", ".join(_text(v) for v in value)
        return _text(value)
    flags = int(attrs.get("/Ff", 0) or 0)
    if flags & PUSHBUTTON:
        return None
    # What the reader shows (/AS) wins over /V: some savers update one and not the other.
    shown = [s for s in (_state(w.get("/AS", "/Off")) for w in widgets) if s]
    options = [_text(o) for o in attrs.get("/Opt") or []]
    if not flags & RADIO:
        return bool(shown) if any("/AS" in w for w in widgets) else _state(attrs.get("/V")) is not None
    state = shown[0] if shown else _state(attrs.get("/V", "/Off"))
    if state is not None and options and state.isdigit() and int(state) < len(options):
        return options[int(state)]  # buttons named by index, their export values in /Opt
    return state


def _identity(reader: Any, fields: dict[str, str | bool | None]) -> Identity | None:
    value = fields.get(FIELD)
    found = Identity.decode(value) if isinstance(value, str) else None
    if found:
        return found
    info = reader.metadata or {}
    parts = {name: _text(info.get(key))[:200] for name, key in INFO_KEYS.items()}
    if all(parts.values()):
        language = _text(reader.trailer["/Root"].get("/Lang"))[:40]
        return Identity(parts["form"], parts["version"], parts["program"], language)
    return None


def read_returned(path: str) -> Returned:
    """Every field of a returned form; Unreadable when it is not a fillable PDF we can read."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    with open(path, "rb") as handle:
        if not handle.read(1024).lstrip(b"\x00\t\n\r\x0c ").startswith(b"%PDF"):
            raise Unreadable("not a PDF file; ask for the filled form as a PDF")
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            try:
                opened = bool(reader.decrypt(""))  # forms locked only against editing open without a password
            except (FileNotDecryptedError, PdfReadError, NotImplementedError):
                opened = False
            if not opened:
                raise Unreadable("the PDF is protected with a password; ask the sender for a copy saved without one")
        root = reader.trailer["/Root"].get_object()
        form = root.get("/AcroForm")
        form = form.get_object() if form is not None else None
        if form is not None and "/XFA" in form:
            raise Unreadable(
                "an XFA form (saved by Adobe LiveCycle or Designer), not one of this program's forms; "
                "ask for the form downloaded from the handbook"
            )
        walker = _Walker()
        for ref in (form or {}).get("/Fields") or []:
            walker.visit(ref, "", {}, 0)
        orphans = []
        pages = len(reader.pages)
        for number, page in enumerate(reader.pages):
            for annot in page.get("/Annots") or []:
                ref = getattr(annot, "idnum", None)
                widget = annot.get_object()
                if ref is not None and (annot.idnum, annot.generation) in walker.seen:
                    continue
                if widget.get("/Subtype") != "/Widget" or "/T" in widget or "/Parent" in widget:
                    continue
                state = _state(widget.get("/AS", "/Off"))
                if state and _on_states(widget):
                    rect = tuple(float(v) for v in widget.get("/Rect", [0, 0, 0, 0])[:4])
                    orphans.append(Orphan(number, rect, state))  # type: ignore[arg-type]
        if not walker.fields and not orphans:
            raise Unreadable(
                "the PDF has no form fields: it was flattened, printed and scanned, or is not a form; "
                "ask for the filled PDF itself, or type the answers in by hand"
            )
        keywords = _text((reader.metadata or {}).get("/Keywords"))[:400]
        return Returned(_identity(reader, walker.fields), keywords, walker.fields, orphans, pages)
    except Unreadable:
        raise
    except RecursionError as exc:
        raise Unreadable("the PDF is nested too deeply to read; it is damaged or not a real form") from exc
    except MemoryError as exc:
        raise Unreadable(
            "reading the PDF needed more memory than any form should; it may be a decompression bomb"
        ) from exc
    except Exception as exc:  # a damaged file may fail anywhere inside the parser: report it, never crash
        detail = re.sub(r"\s+", " ", str(exc))[:160]
        name = type(exc).__name__
        if name == "LimitReachedError":
            raise Unreadable("the PDF inflates to far more data than any form; it may be a decompression bomb") from exc
        raise Unreadable(f"the PDF is damaged or incomplete and cannot be read ({name}: {detail})") from exc
