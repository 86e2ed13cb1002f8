"""Everything after layout, done with pypdf: field hierarchy, metadata, language, tab order.

ReportLab names fields flat ('goals.2.measure'); the PDF standard forbids periods in a partial name,
so the names become a field tree (goals -> 2 -> measure) whose full names are the same strings.
"""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    TextStringObject,
)
from pypdf.xmp import XmpInformation


def _tidy_fields(writer: PdfWriter, button_tips: dict[tuple[str, str], str]) -> None:
    """Give each radio button its own tooltip; drop entries that restate defaults or are optional (smaller files)."""
    for ref in writer.root_object["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        for key in ("/V", "/DV"):
            if field.get(key) == "":
                del field[key]
        if field.get("/Ff") == 0:
            del field["/Ff"]
        for widget in [field, *(kid.get_object() for kid in field.get("/Kids", []))]:
            # Pressed and hover looks of buttons: optional, and readers fall back to the normal look.
            for state in ("/D", "/R"):
                if state in widget.get("/AP", {}):
                    del widget["/AP"][state]
        for kid in field.get("/Kids", []):
            kid = kid.get_object()
            value = next(str(v)[1:] for v in kid["/AP"]["/N"] if v != "/Off")
            tip = button_tips.get((str(field["/T"]), value))
            if tip:
                kid[NameObject("/TU")] = TextStringObject(tip)


def _field_tree(writer: PdfWriter) -> None:
    """Replace dotted /T names by parent fields, keeping first-appearance (reading) order."""
    acroform = writer.root_object["/AcroForm"].get_object()
    top: list[IndirectObject] = []
    parents: dict[str, IndirectObject] = {}

    def parent_of(path: str) -> IndirectObject | None:
        if not path:
            return None
        if path in parents:
            return parents[path]
        head, _, last = path.rpartition(".")
        node = DictionaryObject({NameObject("/T"): TextStringObject(last), NameObject("/Kids"): ArrayObject()})
        ref = writer._add_object(node)
        parents[path] = ref
        attach(ref, node, parent_of(head))
        return ref

    def attach(ref: IndirectObject, node: DictionaryObject, parent: IndirectObject | None) -> None:
        if parent is None:
            top.append(ref)
        else:
            node[NameObject("/Parent")] = parent
            parent.get_object()["/Kids"].append(ref)

    for ref in acroform["/Fields"]:
        field = ref.get_object()
        head, _, last = str(field["/T"]).rpartition(".")
        field[NameObject("/T")] = TextStringObject(last)
        attach(ref, field, parent_of(head))
    acroform[NameObject("/Fields")] = ArrayObject(top)


def _pdf_date(moment: dt.datetime) -> str:
    return moment.strftime("D:%Y%m%d%H%M%S+00'00'")


def finish(
    pdf: bytes,
    *,
    button_tips: dict[tuple[str, str], str],
    title: str,
    author: str,
    subject: str,
    keywords: str,
    language: str,
    date: dt.datetime,
) -> bytes:
    """Add what ReportLab cannot: field tree, full metadata (Info and XMP), title bar, /Lang, tab order."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    _tidy_fields(writer, button_tips)
    _field_tree(writer)
    stamp = _pdf_date(date)
    writer.add_metadata(
        {
            "/Title": title,
            "/Author": author,
            "/Subject": subject,
            "/Keywords": keywords,
            "/Creator": "mentoring-handbook",
            "/Producer": "ReportLab and pypdf",
            "/CreationDate": stamp,
            "/ModDate": stamp,
        }
    )
    xmp = XmpInformation.create()
    xmp.dc_title = {"x-default": title}
    xmp.dc_creator = [author]
    xmp.dc_description = {"x-default": subject}
    xmp.dc_language = [language]
    xmp.dc_format = "application/pdf"
    xmp.pdf_keywords = keywords
    xmp.pdf_producer = "ReportLab and pypdf"
    xmp.xmp_creator_tool = "mentoring-handbook"
    xmp.xmp_create_date = xmp.xmp_modify_date = xmp.xmp_metadata_date = date
    writer.xmp_metadata = xmp
    root = writer.root_object
    root[NameObject("/Lang")] = TextStringObject(language)
    root[NameObject("/ViewerPreferences")] = DictionaryObject({NameObject("/DisplayDocTitle"): BooleanObject(True)})
    for page in writer.pages:
        page[NameObject("/Tabs")] = NameObject("/S")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
