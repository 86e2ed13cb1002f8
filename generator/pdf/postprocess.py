"""What ReportLab does not write by itself, added to its own objects just before the file is written.

Done here rather than by re-reading the PDF with pypdf, which cost more than the layout (parse,
clone, re-serialise): the file is written once. ReportLab names fields flat ('goals.2.measure'); the
PDF standard forbids periods in a partial name, so the names become a field tree
(goals -> 2 -> measure) whose full names are the same strings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDate,
    PDFDictionary,
    PDFDocument,
    PDFInfo,
    PDFName,
    PDFObjectReference,
    PDFStream,
    PDFString,
)

from ..identity import INFO_KEYS, Identity


@dataclass(frozen=True)
class Meta:
    """Document information, shown by readers (title bar, properties) and read by screen readers."""

    title: str
    author: str
    subject: str
    keywords: str
    language: str
    date: dt.datetime
    identity: Identity


CREATOR = "mentoring-handbook"
PRODUCER = "ReportLab"


def field_tree(doc: PDFDocument, fields: list[PDFObjectReference]) -> list[PDFObjectReference]:
    """Parent fields for dotted names, in first-appearance (reading) order; returns the top-level fields."""
    top: list[PDFObjectReference] = []
    parents: dict[str, tuple[PDFObjectReference, PDFDictionary]] = {}

    def attach(ref: PDFObjectReference, node: object, path: str) -> None:
        if not path:
            top.append(ref)
            return
        if path not in parents:
            head, _, last = path.rpartition(".")
            parent = PDFDictionary({"T": PDFString(last), "Kids": PDFArray([])})
            parents[path] = (doc.Reference(parent), parent)
            attach(parents[path][0], parent, head)
        parent_ref, parent = parents[path]
        _set(node, "Parent", parent_ref)
        parent["Kids"].sequence.append(ref)

    for ref in fields:
        node = doc.idToObject[ref.name]
        head, _, last = _get(node, "T").rpartition(".")
        _set(node, "T", last)
        attach(ref, node, head)
    return top


def _get(node: object, key: str) -> str:
    """A field's text entry, from a widget dictionary or a radio group object."""
    value = node.dict[key] if isinstance(node, PDFDictionary) else getattr(node, key)
    return value.s if isinstance(value, PDFString) else value


def _set(node: object, key: str, value: object) -> None:
    if isinstance(node, PDFDictionary):
        node[key] = PDFString(value) if isinstance(value, str) else value
    else:
        setattr(node, key, value)


def _pdf_date(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("D:%Y%m%d%H%M%S+00'00'")


def _xmp(meta: Meta) -> bytes:
    """XMP metadata: what PDF/UA checkers and document managers read instead of the Info dictionary.

    No pdfuaid:part: that entry claims PDF/UA conformance, and no checker has passed the forms (see the test
    test_no_pdf_ua_claim_while_no_checker_has_passed_the_forms).
    """
    stamp = meta.date.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    title, author, subject = (escape(s) for s in (meta.title, meta.author, meta.subject))
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
<dc:language><rdf:Bag><rdf:li>{escape(meta.language)}</rdf:li></rdf:Bag></dc:language>
<pdf:Keywords>{escape(meta.keywords)}</pdf:Keywords><pdf:Producer>{PRODUCER}</pdf:Producer>
<xmp:CreatorTool>{CREATOR}</xmp:CreatorTool><xmp:CreateDate>{stamp}</xmp:CreateDate>
<xmp:ModifyDate>{stamp}</xmp:ModifyDate><xmp:MetadataDate>{stamp}</xmp:MetadataDate>
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="r"?>""".encode()


class _Info(PDFInfo):
    """ReportLab's document information plus the form's identity, for which ReportLab has no keys."""

    identity: Identity

    def format(self, document: PDFDocument) -> bytes:
        date = PDFDate(ts=document._timeStamp, dateFormatter=self._dateFormatter)
        entries = {
            "Title": PDFString(self.title),
            "Author": PDFString(self.author),
            "Subject": PDFString(self.subject),
            "Keywords": PDFString(self.keywords),
            "Creator": PDFString(self.creator),
            "Producer": PDFString(self.producer),
            "CreationDate": date,
            "ModDate": date,
            "Trapped": PDFName(self.trapped),
            **{key[1:]: PDFString(getattr(self.identity, name)) for name, key in INFO_KEYS.items()},
        }
        return PDFDictionary(entries).format(document)


def metadata(doc: PDFDocument, meta: Meta) -> None:
    """Info dictionary and XMP with the build date (never the clock), /Lang and the title in the title bar."""
    info = doc.info
    info.__class__ = _Info
    info.identity = meta.identity
    info.title, info.author, info.subject, info.keywords = meta.title, meta.author, meta.subject, meta.keywords
    info.creator, info.producer = CREATOR, PRODUCER
    stamp = _pdf_date(meta.date)
    info._dateFormatter = lambda *_: stamp
    # No filter: XMP stays readable to tools that scan the file for it.
    stream = PDFStream(PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}), _xmp(meta))
    doc.Catalog.Metadata = stream
    doc.Catalog.Lang = PDFString(meta.language)
    doc.Catalog.ViewerPreferences = PDFDictionary({"DisplayDocTitle": "true"})


def tab_order(pages: list[object]) -> None:
    """Tab through fields in structure order on every page, which is the order they were drawn: reading order."""
    for page in pages:
        page.__NoDefault__ = [*page.__NoDefault__, "Tabs"]
        page.Tabs = PDFName("S")
