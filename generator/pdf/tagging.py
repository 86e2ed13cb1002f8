"""The logical structure of a form (a tagged PDF), collected while the canvas draws.

Screen readers and Acrobat's reflow follow the structure tree, not the page: each heading and
paragraph is marked content (`BDC`/`EMC` with an MCID) tied to a structure element, every widget is a
`Form` element pointing at its annotation, and header, footer and rules are artifacts. Elements are
recorded in drawing order, which is reading order, so the tree reads like the page.
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
    page: PDFObjectReference
    mcid: int | None = None
    widget: PDFDictionary | None = None
    widget_ref: PDFObjectReference | None = None


@dataclass
class Tagger:
    """Marks content on the canvas and remembers the structure elements in reading order."""

    elements: list[_Element] = field(default_factory=list)
    mcids: dict[str, list[_Element]] = field(default_factory=dict)
    """Page name -> its marked-content elements, indexed by MCID (the page's parent-tree entry)."""

    def begin(self, canv: Canvas, kind: str) -> None:
        page = canv._doc.thisPageRef()
        marked = self.mcids.setdefault(page.name, [])
        element = _Element(kind, page, mcid=len(marked))
        marked.append(element)
        self.elements.append(element)
        canv._code.append(f"/{kind} <</MCID {element.mcid}>> BDC")

    @staticmethod
    def end(canv: Canvas) -> None:
        canv._code.append("EMC")

    @staticmethod
    def begin_artifact(canv: Canvas) -> None:
        canv._code.append("/Artifact BMC")

    def widget(self, canv: Canvas, annotation: PDFDictionary, ref: PDFObjectReference) -> None:
        self.elements.append(_Element("Form", canv._doc.thisPageRef(), widget=annotation, widget_ref=ref))

    def finish(self, doc: PDFDocument, pages: list[object]) -> None:
        """Write the structure tree and link pages (/StructParents) and widgets (/StructParent) into it."""
        root = PDFDictionary({"Type": PDFName("StructTreeRoot")})
        root_ref = doc.Reference(root)
        document = PDFDictionary({"S": PDFName("Document"), "P": root_ref})
        document_ref = doc.Reference(document)
        refs: dict[int, PDFObjectReference] = {}
        kids = []
        for element in self.elements:
            entries: dict[str, object] = {"S": PDFName(element.kind), "P": document_ref, "Pg": element.page}
            if element.mcid is not None:
                entries["K"] = element.mcid
            else:
                entries["K"] = PDFDictionary({"Type": PDFName("OBJR"), "Obj": element.widget_ref, "Pg": element.page})
            ref = doc.Reference(PDFDictionary(entries))
            refs[id(element)] = ref
            kids.append(ref)
        document["K"] = PDFArray(kids)
        numbers: list[object] = []
        for index, page in enumerate(pages):
            page.__NoDefault__ = [*page.__NoDefault__, "StructParents"]
            page.StructParents = index
            marked = self.mcids.get(doc.Reference(page).name, [])
            numbers += [index, PDFArray([refs[id(e)] for e in marked])]
        key = len(pages)
        for element in self.elements:
            if element.widget is not None:
                element.widget["StructParent"] = key
                numbers += [key, refs[id(element)]]
                key += 1
        root["K"] = document_ref
        root["ParentTree"] = PDFDictionary({"Nums": PDFArray(numbers)})
        root["ParentTreeNextKey"] = key
        catalog = doc.Catalog
        catalog.StructTreeRoot = root
        catalog.MarkInfo = PDFDictionary({"Marked": "true"})
