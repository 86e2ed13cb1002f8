"""Fill the generated forms as real readers do, so tests of reading returned forms see genuine files.

Each filler takes FULL dotted field names: a str fills a text field or, for a radio group, names the
on-state (export value) of the button to choose; True/False ticks or unticks a checkbox.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
)

READERS = Path(__file__).parent / "readers"
FILL_VALUES_JS = READERS / "fill_values.js"
PDFJS_FILL = READERS / "pdfjs_fill.mjs"
PDFJS = Path(__file__).parent / "browser" / "node_modules" / "pdfjs-dist"
POPPLER_FILL = READERS / "poppler_fill.py"
POPPLER_PYTHON = "/usr/bin/python3"
"""Debian's Python, where python3-gi and gir1.2-poppler-0.18 (installed by scripts/test.sh) live."""

RADIO = 1 << 15
PUSHBUTTON = 1 << 16

Values = dict[str, str | bool]


def _inherited(node: DictionaryObject, key: str) -> PdfObject | None:
    """A field attribute as the spec defines it: on the node or the nearest ancestor that has it."""
    seen: set[int] = set()
    current: DictionaryObject | None = node
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if key in current:
            return current[key]
        parent = current.get("/Parent")
        current = parent.get_object() if parent is not None else None
    return None


def _full_name(widget: DictionaryObject) -> str:
    """The dotted name from the /T of the widget and its ancestors (radio kids have no /T of their own)."""
    parts: list[str] = []
    seen: set[int] = set()
    current: DictionaryObject | None = widget
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if "/T" in current:
            parts.append(str(current["/T"]))
        parent = current.get("/Parent")
        current = parent.get_object() if parent is not None else None
    return ".".join(reversed(parts))


def _field(widget: DictionaryObject) -> DictionaryObject:
    """The field a widget belongs to: itself when it carries /T (merged), else its parent (radio kid)."""
    if "/T" in widget or "/Parent" not in widget:
        return widget
    return widget["/Parent"].get_object()


def _on_state(widget: DictionaryObject) -> str | None:
    """The widget's non-Off appearance state, without the slash: what a button exports when chosen."""
    normal = widget.get("/AP", DictionaryObject()).get_object().get("/N")
    if normal is None or not isinstance(normal.get_object(), DictionaryObject) or "/Type" in normal.get_object():
        return None
    states = [str(key)[1:] for key in normal.get_object() if key != "/Off"]
    return states[0] if states else None


def _needs_unicode_font(text: str) -> bool:
    """True when the text leaves WinAnsi: the form's field font may lack it (an English form holds Latin only)."""
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return True
    return False


def fill_pypdf(src: Path, dst: Path, values: Values) -> None:
    """Fill with pypdf's update_page_form_field_values, as a script author would, addressing full names.

    pypdf matches a field if its full name OR its short /T equals the key, so `name` would also hit
    `sign.applicant.name`; each call therefore sees a page whose /Annots holds only the target widgets.
    pypdf writes a radio group's /V as a text string "/yes" and sets /V on every kid; both are put
    right (a name on the group, none on kids) so the file holds what the spec says a filled form has.
    NeedAppearances is set only when some text leaves WinAnsi, as pypdf's appearance cannot draw it.
    """
    writer = PdfWriter(clone_from=src)
    targets: dict[str, list[tuple[int, IndirectObject]]] = {}
    for index, page in enumerate(writer.pages):
        for ref in page.get("/Annots", ArrayObject()):
            widget = ref.get_object()
            if widget.get("/Subtype") == "/Widget":
                targets.setdefault(_full_name(widget), []).append((index, ref))
    missing = sorted(set(values) - set(targets))
    if missing:
        raise KeyError(f"no such fields in {src.name}: {missing}")

    for name, want in values.items():
        widgets = targets[name]
        field = _field(widgets[0][1].get_object())
        kind = _inherited(field, "/FT")
        flags = int(_inherited(field, "/Ff") or 0)
        if kind == "/Tx":
            if not isinstance(want, str):
                raise TypeError(f"{name} is a text field: give a str")
            value = want
        elif kind == "/Btn" and flags & RADIO:
            states = [_on_state(ref.get_object()) for _, ref in widgets]
            if not isinstance(want, str) or want not in states:
                raise ValueError(f"{name}: {want!r} is none of the buttons {states}")
            value = f"/{want}"
        elif kind == "/Btn" and not flags & PUSHBUTTON:
            if not isinstance(want, bool):
                raise TypeError(f"{name} is a checkbox: give True or False")
            value = f"/{_on_state(widgets[0][1].get_object()) or 'Yes'}" if want else "/Off"
        else:
            raise ValueError(f"{name}: cannot fill a {kind} field")

        for index in sorted({index for index, _ in widgets}):
            page = writer.pages[index]
            annots = page["/Annots"]
            page[NameObject("/Annots")] = ArrayObject(ref for i, ref in widgets if i == index)
            try:
                writer.update_page_form_field_values(page, {name: value}, auto_regenerate=None)
            finally:
                page[NameObject("/Annots")] = annots

        if kind == "/Btn":
            field[NameObject("/V")] = NameObject(value)
            for _, ref in widgets:
                kid = ref.get_object()
                if kid is not field:
                    kid.pop("/V", None)

    if any(isinstance(v, str) and _needs_unicode_font(v) for v in values.values()):
        writer.set_need_appearances_writer(True)
    with dst.open("wb") as out:
        writer.write(out)


def _run_with_values(command: list[str], values: Values, extra: list[str] | None = None) -> None:
    """Run a reader's script with the values in a JSON file, raising with its stderr if it fails."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "values.json"
        path.write_text(json.dumps(values, ensure_ascii=False), encoding="utf-8")
        run = subprocess.run([*command, str(path), *(extra or [])], capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        raise RuntimeError(f"{command[0]} failed ({run.returncode}): {run.stderr.strip()}")


def fill_mutool(src: Path, dst: Path, values: Values, *, incremental: bool = False) -> None:
    """Fill with MuPDF (mutool run), the engine of SumatraPDF, zathura and many phone readers.

    incremental=True appends the changes to a copy of the original bytes (MuPDF copies them to DST),
    as readers that "save" rather than "save as" do; otherwise MuPDF rewrites the whole file.
    """
    extra = ["incremental"] if incremental else []
    _run_with_values(["mutool", "run", str(FILL_VALUES_JS), str(src), str(dst)], values, extra)


def fill_pdfjs(src: Path, dst: Path, values: Values) -> None:
    """Fill with pdf.js in Node and save as Firefox does: an incremental update to the original bytes.

    Needs `npm ci` in tests/browser (scripts/test.sh runs it) for pdfjs-dist.
    """
    if not (PDFJS / "package.json").exists():
        raise RuntimeError("pdfjs-dist is missing: run `npm ci` in tests/browser")
    _run_with_values(["node", str(PDFJS_FILL), str(src), str(dst)], values)


def fill_poppler(src: Path, dst: Path, values: Values) -> None:
    """Fill with Poppler (Evince, Okular) through its GObject bindings in Debian's own Python.

    Poppler's API does not name a radio button's on-state, so the buttons' places are read here
    with pypdf and passed along: the script picks the button at the place of the wanted state.
    """
    reader = PdfReader(src)
    buttons = {}
    for number, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            widget = annot.get_object()
            if "/Parent" in widget and "/T" not in widget:
                states = [s for s in widget["/AP"]["/N"] if s != "/Off"]
                x1, _, _, y2 = (round(float(v)) for v in widget["/Rect"])
                buttons[f"{number}:{x1}:{y2}"] = states[0][1:]
    with tempfile.TemporaryDirectory() as folder:
        places = Path(folder) / "buttons.json"
        places.write_text(json.dumps(buttons), encoding="utf-8")
        _run_with_values([POPPLER_PYTHON, str(POPPLER_FILL), str(src), str(dst)], values, [str(places)])


def detach_radio_kids(src: Path, dst: Path) -> None:
    """Save as macOS Preview does a filled form: radio kids lose /Parent and the groups leave /Fields.

    The widgets stay in each page's /Annots with /AS showing the choice, but without /T or /Parent
    no field name reaches them, so a reader must recover the choice from the widgets alone.
    """
    writer = PdfWriter(clone_from=src)
    acro_form = writer.root_object["/AcroForm"].get_object()

    def is_radio_group(node: DictionaryObject) -> bool:
        return _inherited(node, "/FT") == "/Btn" and bool(int(_inherited(node, "/Ff") or 0) & RADIO)

    def prune(kids: ArrayObject) -> ArrayObject:
        kept = ArrayObject()
        for ref in kids:
            node = ref.get_object()
            if "/T" in node and is_radio_group(node) and "/Kids" in node:
                for kid in node["/Kids"]:
                    kid_obj = kid.get_object()
                    kid_obj.pop("/Parent", None)
                    kid_obj.pop("/V", None)
                continue
            if "/Kids" in node:
                node[NameObject("/Kids")] = prune(node["/Kids"])
                if not node["/Kids"]:
                    continue  # a parent that only held radio groups goes too
            kept.append(ref)
        return kept

    acro_form[NameObject("/Fields")] = prune(acro_form["/Fields"])
    with dst.open("wb") as out:
        writer.write(out)
