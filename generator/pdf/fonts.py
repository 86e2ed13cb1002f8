"""Embedded fonts: every glyph a form prints, and every letter a participant may type, comes from inside the file.

PDF/UA (7.21) wants the fonts embedded, and a reader that redraws a filled field draws with the font its
/DA names: that font must hold the letters of the program's language, not only those already printed.
DejaVu Sans is written as a Type0 font (two-byte codes, so any number of glyphs) whose codes are the glyph
ids of the whole font: text is encoded as it is drawn, and the font program, a fontTools subset without
hinting and with its glyphs renumbered, is cut when the file is saved, from the characters drawn plus those
required (the field font's typed characters); a CIDToGIDMap stream leads each code to its glyph in the
subset. The ToUnicode map covers every glyph kept, which is what pdf.js, Poppler and pypdf read backwards
to encode what a participant types.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import io
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from babel.core import get_global
from fontTools import subset
from fontTools.ttLib import TTFont as FontFile
from fontTools.ttLib import newTable
from fontTools.ttLib.tables._g_l_y_f import Glyph
from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDictionary,
    PDFDocument,
    PDFName,
    PDFObjectReference,
    PDFStream,
    PDFString,
    PDFZCompress,
)
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, TTFont

from ..i18n import locale

_WINDOWS_1252 = bytes(range(0x20, 0x7F)) + bytes(range(0x80, 0x100))
_PUNCTUATION = (range(0x2010, 0x2028), range(0x2030, 0x203B), (0x20AC, 0x2116, 0x2122))
"""Dashes, quotes, bullets and ellipsis, per mille and guillemets, euro, numero and trade mark sign."""
SCRIPTS: dict[str, tuple[Iterable[int], ...]] = {
    "Latn": (range(0x00A0, 0x0180), range(0x0218, 0x021C)),
    "Grek": (range(0x0370, 0x0400),),
    "Cyrl": (range(0x0400, 0x0500),),
}
"""Letters of each script a participant may type: Latin with Central European, Baltic, Turkish and Romanian
letters; monotonic Greek; the Cyrillic block (Russian, Ukrainian, Belarusian, Bulgarian, Serbian, Kazakh, ...)."""
_KEPT = ("head", "hhea", "maxp", "OS/2", "name", "post")
"""Tables a subset copies from the whole font, besides its glyphs and their metrics. Not its cmap: a CIDFont's
program must not have one (PDF 32000-1, 9.9), as codes reach glyphs through the CIDToGIDMap; and pypdf, when
there is one, encodes what it fills in by it, bypassing the CIDToGIDMap. Not hinting, nor layout tables that
no PDF reader uses."""
_CMAP_CHUNK = 100
"""A CMap's bfrange block holds at most 100 entries."""


def script(language: str) -> str:
    """The script a language is written in: its own subtag (sr-Latn), else CLDR's likely one (el -> Grek)."""
    found = locale(language)
    if found.script:
        return found.script
    likely = get_global("likely_subtags").get(found.language, "")
    parts = likely.split("_")
    return parts[1] if len(parts) > 2 else "Latn"


@functools.cache
def typed_characters(language: str) -> frozenset[int]:
    """What a participant may type in a form in this language: its script, ASCII and Windows-1252 (names).

    A script other than Latin, Greek and Cyrillic gets the Latin letters: DejaVu Sans and the forms'
    left-to-right layout serve only these three, and the build warns about text beyond them.
    """
    latin = _WINDOWS_1252.decode("cp1252", errors="ignore")
    codes = {ord(char) for char in latin}
    for block in (*_PUNCTUATION, *SCRIPTS.get(script(language), SCRIPTS["Latn"])):
        codes.update(block)
    return frozenset(codes)


@dataclass(frozen=True)
class _Whole:
    """A font file parsed once per process: the tables every subset is cut from, and each glyph's id by name."""

    tables: dict[str, Any]
    ids: dict[str, int]


@functools.cache
def _whole(path: Path) -> _Whole:
    """Parsing the font's glyph names, outlines and metrics costs more than cutting a subset: done once.

    Its glyphs stay compact and are only read, so that every subset cut from it comes out the same.
    """
    with FontFile(path) as font:
        tables = {tag: font[tag] for tag in (*_KEPT, "glyf", "hmtx")}
        return _Whole(tables, {name: gid for gid, name in enumerate(font.getGlyphOrder())})


@dataclass(frozen=True)
class _Program:
    """A subset font program and, for each of its glyphs in order, the glyph's id in the whole font."""

    data: bytes
    original: tuple[int, ...]


@functools.lru_cache(maxsize=64)
def _font_program(path: Path, gids: frozenset[int]) -> _Program:
    """The TrueType font cut down to these glyphs, renumbered, without hinting nor cmap: small and stable.

    Renumbered, as keeping the whole font's ids would keep a slot in loca and hmtx for every one of its
    thousands of glyphs. Cut from fresh copies of the glyphs kept (the subsetter rewrites them), with the
    rest of the font shared with `_whole`. Glyphs are written as stored, not decoded to recompute bounds
    they already hold (that took two thirds of a cut); the header keeps the whole font's bounds and maxima.
    Same glyphs, same bytes: the timestamp is kept. Cached, as most forms of a program print with the
    same characters.
    """
    whole = _whole(path)
    source = whole.tables["glyf"]
    order = source.glyphOrder
    glyphs: dict[str, Glyph] = {}
    todo = [order[gid] for gid in sorted(gids)]
    while todo:  # the glyphs asked for and the glyphs they are composed of
        name = todo.pop()
        if name not in glyphs:
            glyphs[name] = Glyph(getattr(source.glyphs[name], "data", b""))
            todo += glyphs[name].getComponentNames(source)
    font = FontFile(recalcBBoxes=False, recalcTimestamp=False)
    font.setGlyphOrder(order)
    for tag in _KEPT:
        font[tag] = copy.copy(whole.tables[tag])
    font["loca"] = newTable("loca")
    font["glyf"] = newTable("glyf")
    font["glyf"].glyphOrder, font["glyf"].glyphs = order, glyphs
    font["hmtx"] = newTable("hmtx")
    font["hmtx"].metrics = whole.tables["hmtx"].metrics
    options = subset.Options()
    options.hinting = False
    options.notdef_outline = True
    options.glyph_names = False
    options.layout_features = []
    options.name_IDs = [0, 1, 2]  # copyright, family, style
    options.prune_unicode_ranges = options.prune_codepage_ranges = False  # read from a cmap, and there is none
    cutter = subset.Subsetter(options)
    cutter.populate(gids=gids)
    cutter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return _Program(out.getvalue(), tuple(whole.ids[name] for name in font.getGlyphOrder()))


def _cid_to_gid(program: _Program, cids: Iterable[int]) -> bytes:
    """The CIDToGIDMap stream: for each code up to the highest used, two bytes naming its glyph in the subset.

    Codes stay the whole font's glyph ids, as text is encoded when drawn, before the subset is known.
    """
    new = {gid: index for index, gid in enumerate(program.original)}
    used = sorted(cids)
    table = bytearray(2 * (used[-1] + 1))
    for cid in used:
        struct.pack_into(">H", table, 2 * cid, new[cid])
    return bytes(table)


def _up_rows(table: bytes) -> bytes:
    """The map as PNG "Up" rows of one entry each (filter type 2, then each byte less the one above), as
    cross-reference streams are written: a run of consecutive glyphs becomes one repeated row, which deflate
    shrinks to almost nothing (the maps of a form: about 720 bytes compressed as they are, 250 so)."""
    rows = bytearray()
    above = b"\0\0"
    for start in range(0, len(table), 2):
        row = table[start : start + 2]
        rows += bytes((2, (row[0] - above[0]) & 0xFF, (row[1] - above[1]) & 0xFF))
        above = row
    return bytes(rows)


def _tag(codes: frozenset[int]) -> str:
    """Six capitals naming a subset, as the PDF standard asks; derived from its characters, so deterministic."""
    digest = hashlib.sha256(",".join(map(str, sorted(codes))).encode()).digest()
    return "".join(chr(ord("A") + byte % 26) for byte in digest[:6])


def _runs(glyphs: dict[int, int]) -> list[tuple[int, int, int]]:
    """(first glyph, last glyph, first character) for runs where both go up by one, within one high byte."""
    runs: list[list[int]] = []
    for gid, char in sorted(glyphs.items()):
        last = runs[-1] if runs else None
        follows = last and gid == last[1] + 1 and char == last[2] + gid - last[0]
        if follows and gid >> 8 == last[0] >> 8 and char >> 8 == last[2] >> 8:
            last[1] = gid
            continue
        runs.append([gid, gid, char])
    return [(first, end, char) for first, end, char in runs]


def _to_unicode(glyphs: dict[int, int]) -> bytes:
    """A ToUnicode CMap from glyph id (the code) to character, for every glyph in the font."""
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <FFFF>",
        "endcodespacerange",
    ]
    runs = _runs(glyphs)
    for start in range(0, len(runs), _CMAP_CHUNK):
        chunk = runs[start : start + _CMAP_CHUNK]
        lines.append(f"{len(chunk)} beginbfrange")
        lines += [f"<{first:04X}> <{end:04X}> <{_utf16(char)}>" for first, end, char in chunk]
        lines.append("endbfrange")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


def _utf16(char: int) -> str:
    return chr(char).encode("utf-16-be").hex().upper()


def _widths(widths: dict[int, float]) -> PDFArray:
    """The /W array: each run of consecutive glyph ids as `first [w1 w2 ...]`."""
    entries: list[object] = []
    run: list[int] = []
    previous = None
    for gid, width in sorted(widths.items()):
        if previous is None or gid != previous + 1:
            if run:
                entries.append(PDFArray(run))
            entries.append(gid)
            run = []
        run.append(round(width))
        previous = gid
    if run:
        entries.append(PDFArray(run))
    return PDFArray(entries)


@dataclass
class _Use:
    """One document's use of the font: its resource name, its font dictionary and the characters it needs."""

    name: str
    font: PDFDictionary
    codes: set[int] = field(default_factory=set)


class EmbeddedFont(TTFont):
    """A TrueType font ReportLab draws with as one embedded Type0 font per document (see the module's doc)."""

    def __init__(self, name: str, path: Path) -> None:
        super().__init__(name, str(path), shapable=False)
        self.path = path
        self._uses: WeakKeyDictionary[PDFDocument, _Use] = WeakKeyDictionary()

    def use(self, doc: PDFDocument) -> _Use:
        """This document's use, begun on first need: the font's name and object exist from then on."""
        if doc not in self._uses:
            name = f"F{len(doc.fontMapping) + 1}"
            doc.fontMapping[self.fontName] = f"/{name}"
            doc.delayedFonts.append(self)
            font = PDFDictionary({"Type": PDFName("Font"), "Subtype": PDFName("Type0")})
            doc.Reference(font, name)
            self._uses[doc] = _Use(name, font)
        return self._uses[doc]

    def preload(self) -> None:
        """Parse the whole font now, in a process about to fork renderers: they share the parse, not each making one."""
        _whole(self.path)

    def require(self, doc: PDFDocument, codes: Iterable[int]) -> None:
        """Keep these characters in the document's font even if nothing prints them (what may be typed)."""
        glyphs = self.face.charToGlyph
        self.use(doc).codes.update(code for code in codes if code in glyphs)

    def splitString(self, text: str | bytes, doc: PDFDocument, encoding: str = "utf-8") -> list[tuple[int, bytes]]:
        """The text as two-byte glyph ids, in one piece: a Type0 font has no 256-character subsets."""
        if isinstance(text, bytes):
            text = text.decode(encoding)
        glyphs = self.face.charToGlyph
        use = self.use(doc)
        codes = [0x20 if char == "\xa0" else ord(char) for char in text]
        use.codes.update(code for code in codes if code in glyphs)
        return [(0, struct.pack(f">{len(codes)}H", *(glyphs.get(code, 0) for code in codes)))]

    def getSubsetInternalName(self, subset: int, doc: PDFDocument) -> str:
        return f"/{self.use(doc).name}"

    def addObjects(self, doc: PDFDocument) -> None:
        """Write the font when the document is saved: the subset of what was drawn and required."""
        use = self._uses[doc]
        face = self.face
        codes = frozenset(use.codes)
        glyphs: dict[int, int] = {}
        for code in sorted(codes, reverse=True):  # a glyph drawn for several characters maps back to the first
            glyphs[face.charToGlyph[code]] = code
        base = f"{_tag(codes)}+{face.name.decode('latin-1')}"
        cut = _font_program(self.path, frozenset(glyphs) | {0})
        program = PDFStream(PDFDictionary({"Length1": len(cut.data)}), cut.data)
        to_unicode = PDFStream(content=_to_unicode(glyphs))
        cid_to_gid = PDFStream(content=_cid_to_gid(cut, [0, *glyphs]))
        if doc.compression:
            program.filters = to_unicode.filters = cid_to_gid.filters = [PDFZCompress]
            cid_to_gid.content = _up_rows(cid_to_gid.content)
            # An array, as ReportLab writes /Filter as one: MuPDF reads a bare dictionary beside it as no parameters.
            cid_to_gid.dictionary["DecodeParms"] = PDFArray([PDFDictionary({"Predictor": 12, "Columns": 2})])
        descriptor = PDFDictionary(
            {
                "Type": PDFName("FontDescriptor"),
                "FontName": PDFName(base),
                "Flags": (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
                "FontBBox": PDFArray(face.bbox),
                "ItalicAngle": face.italicAngle,
                "Ascent": face.ascent,
                "Descent": face.descent,
                "CapHeight": face.capHeight,
                "StemV": face.stemV,
                "FontFile2": doc.Reference(program),
            }
        )
        descendant = PDFDictionary(
            {
                "Type": PDFName("Font"),
                "Subtype": PDFName("CIDFontType2"),
                "BaseFont": PDFName(base),
                "CIDSystemInfo": PDFDictionary(
                    {"Registry": PDFString("Adobe"), "Ordering": PDFString("Identity"), "Supplement": 0}
                ),
                "FontDescriptor": doc.Reference(descriptor),
                "W": _widths({gid: face.getCharWidth(code) for gid, code in glyphs.items()}),
                "CIDToGIDMap": doc.Reference(cid_to_gid),
            }
        )
        use.font.dict.update(
            {
                "BaseFont": PDFName(base),
                "Encoding": PDFName("Identity-H"),
                "DescendantFonts": PDFArray([doc.Reference(descendant)]),
                "ToUnicode": doc.Reference(to_unicode),
            }
        )
        doc.idToObject["BasicFonts"].dict[use.name] = PDFObjectReference(use.name)
