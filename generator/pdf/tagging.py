"""The logical structure of a form (a tagged PDF), collected while the canvas draws.

Screen readers and Acrobat's reflow follow the structure tree, not the page: each heading and
paragraph is marked content (`BDC`/`EMC` with an MCID) tied to a structure element, every widget is a
`Form` element pointing at its annotation, and header, footer and rules are artifacts. Elements are
recorded in drawing order, which is reading order, so the tree reads like the page. Lists (L > LI >
Lbl + LBody: the bullet, or a checklist's box, is the item's label) and tables (Table > TR > TH/TD)
are groups opened and closed around what they hold; a label and header repeated on a later page are
artifacts, so a screen reader hears them once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFDocument, PDFName, PDFObjectReference
from reportlab.pdfgen.canvas import Canvas

HEADINGS = {"title": "H1", "section": "H2", "heading": "H3"}
"""Paragraph style name (before any '-' suffix) -> structure type; every other style is a paragraph."""


def tag_for(style_name: str) -> str:
    return HEADINGS.get(style_name.split("-")[0], "P")


@dataclass
class _Element:
    kind: str
    page: PDFObjectReference | None = None
    mcid: int | None = None
    widget: PDFDictionary | None = None
    widget_ref: PDFObjectReference | None = None
    children: list[_Element] = field(default_factory=list)
    """A group's elements (a list's items, a row's cells), in reading order."""


@dataclass
class Tagger:
    """Marks content on the canvas and remembers the structure elements in reading order."""

    document: _Element = field(default_factory=lambda: _Element("Document"))
    groups: list[_Element] = field(default_factory=list)
    """Open groups, innermost last: new elements go into the innermost (or the document)."""
    marks: list[str] = field(default_factory=list)
    """Open marked content, innermost last: "tag", "artifact", or "" inside an artifact (nothing written)."""
    mcids: dict[str, list[_Element]] = field(default_factory=dict)
    """Page name -> its marked-content elements, indexed by MCID (the page's parent-tree entry)."""

    def _add(self, element: _Element) -> None:
        (self.groups[-1] if self.groups else self.document).children.append(element)

    def open(self, kind: str) -> None:
        """Start a group (L, LI, Lbl, LBody, Table, TR, TH, TD); what is drawn until close() belongs to it."""
        group = _Element(kind)
        if not self._in_artifact():  # a group drawn inside an artifact (a repeated header) stays out of the tree
            self._add(group)
        self.groups.append(group)

    def close(self) -> None:
        self.groups.pop()

    def _in_artifact(self) -> bool:
        return any(mark != "tag" for mark in self.marks)

    def begin(self, canv: Canvas, kind: str) -> None:
        if self._in_artifact():  # part of the artifact, not of the structure
            self.marks.append("")
            return
        page = canv._doc.thisPageRef()
        marked = self.mcids.setdefault(page.name, [])
        element = _Element(kind, page, mcid=len(marked))
        marked.append(element)
        self._add(element)
        self.marks.append("tag")
        canv._code.append(f"/{kind} <</MCID {element.mcid}>> BDC")

    @staticmethod
    def end(canv: Canvas) -> None:
        if canv.tagger.marks.pop():  # type: ignore[attr-defined]
            canv._code.append("EMC")

    @staticmethod
    def begin_artifact(canv: Canvas) -> None:
        tagger: Tagger = canv.tagger  # type: ignore[attr-defined]
        if tagger._in_artifact():
            tagger.marks.append("")
            return
        tagger.marks.append("artifact")
        canv._code.append("/Artifact BMC")

    def widget(self, canv: Canvas, annotation: PDFDictionary, ref: PDFObjectReference) -> None:
        self._add(_Element("Form", canv._doc.thisPageRef(), widget=annotation, widget_ref=ref))

    def finish(self, doc: PDFDocument, pages: list[object]) -> None:
        """Write the structure tree and link pages (/StructParents) and widgets (/StructParent) into it."""
        root = PDFDictionary({"Type": PDFName("StructTreeRoot")})
        root_ref = doc.Reference(root)
        refs: dict[int, PDFObjectReference] = {}
        widgets: list[_Element] = []

        def write(element: _Element, parent: PDFObjectReference) -> PDFObjectReference:
            entries = PDFDictionary({"S": PDFName(element.kind), "P": parent})
            ref = doc.Reference(entries)
            refs[id(element)] = ref
            if element.page is not None:
                entries["Pg"] = element.page
            if element.kind == "TH":  # every table's headers are its top row: each one heads its column
                entries["A"] = PDFDictionary({"O": PDFName("Table"), "Scope": PDFName("Column")})
            if element.mcid is not None:
                entries["K"] = element.mcid
            elif element.widget is not None:
                entries["K"] = PDFDictionary({"Type": PDFName("OBJR"), "Obj": element.widget_ref, "Pg": element.page})
                widgets.append(element)
            else:
                entries["K"] = PDFArray([write(child, ref) for child in element.children])
            return ref

        document_ref = write(self.document, root_ref)
        numbers: list[object] = []
        for index, page in enumerate(pages):
            page.__NoDefault__ = [*page.__NoDefault__, "StructParents"]
            page.StructParents = index
            marked = self.mcids.get(doc.Reference(page).name, [])
            numbers += [index, PDFArray([refs[id(e)] for e in marked])]
        key = len(pages)
        for element in widgets:
            element.widget["StructParent"] = key
            numbers += [key, refs[id(element)]]
            key += 1
        root["K"] = document_ref
        root["ParentTree"] = PDFDictionary({"Nums": PDFArray(numbers)})
        root["ParentTreeNextKey"] = key
        catalog = doc.Catalog
        catalog.StructTreeRoot = root
        catalog.MarkInfo = PDFDictionary({"Marked": "true"})
