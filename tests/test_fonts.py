"""Embedded fonts: every font a form prints with is inside the file, and what a participant types in the
program's language shows after filling in pypdf, MuPDF, pdf.js and Poppler."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po, write_po
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import BooleanObject, DictionaryObject, NameObject, StreamObject

from generator.forms import load_form_definitions, render_form
from generator.pdf.fonts import script, typed_characters
from generator.program import load_program
from generator.sources import Sources

from .conftest import ROOT, one_language
from .fillers import PDFJS, fill_mutool, fill_pdfjs, fill_poppler, fill_pypdf

FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def _fonts(resources: object, seen: set[int]) -> list[tuple[str, DictionaryObject]]:
    """(resource name, font) for every font in these resources and in the form XObjects they draw."""
    resources = resources.get_object() if resources is not None else None
    if not isinstance(resources, DictionaryObject) or id(resources) in seen:
        return []
    seen.add(id(resources))
    found = [(str(name), font.get_object()) for name, font in resources.get("/Font", DictionaryObject()).items()]
    for xobject in resources.get("/XObject", DictionaryObject()).values():
        found += _fonts(xobject.get_object().get("/Resources"), seen)
    return found


def _appearances(annotation: DictionaryObject) -> list[StreamObject]:
    looks = []
    for look in annotation.get("/AP", DictionaryObject()).get_object().values():
        look = look.get_object()
        looks += [look] if isinstance(look, StreamObject) else [state.get_object() for state in look.values()]
    return looks


def _embedded(font: DictionaryObject) -> bool:
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(key in descriptor.get_object() for key in FONT_FILES)


def test_every_font_of_every_blank_form_is_embedded(blank_forms: dict[str, Path]) -> None:
    """PDF/UA 7.21: pages, field looks and the form's default resources print only with embedded fonts.

    The one exception is /ZaDb in the form's /DR: nothing in the file draws with it (the buttons carry
    their own drawn looks); it names the symbol font a reader uses when it redraws a button itself,
    and without it Poppler draws round radio buttons as squares.
    """
    for form_id, path in blank_forms.items():
        pdf = PdfReader(path)
        seen: set[int] = set()
        drawn = []
        for page in pdf.pages:
            drawn += _fonts(page.get("/Resources"), seen)
            for annotation in page.get("/Annots", []):
                for look in _appearances(annotation.get_object()):
                    drawn += _fonts(look.get("/Resources"), seen)
        defaults = _fonts(pdf.trailer["/Root"]["/AcroForm"]["/DR"], seen)
        assert drawn, form_id
        for name, font in drawn + [pair for pair in defaults if pair[0] != "/ZaDb"]:
            assert _embedded(font), f"{form_id}: {name} ({font.get('/BaseFont')}) is not embedded"
        assert [str(font["/BaseFont"]) for name, font in defaults if name == "/ZaDb"] == ["/ZapfDingbats"]


def test_poppler_redraws_radio_buttons_round(blank_forms: dict[str, Path], tmp_path: Path) -> None:
    """A filler that sets NeedAppearances has Poppler (Evince, Okular) redraw every button from its /MK: a radio
    with a caption came out as a square box. Drawn at 72 dpi, one pixel a point: a round button's corners stay blank.
    """
    writer = PdfWriter(clone_from=PdfReader(blank_forms["mentee-application"]))
    writer.root_object["/AcroForm"][NameObject("/NeedAppearances")] = BooleanObject(True)
    writer.write(tmp_path / "redrawn.pdf")
    radios = []
    for number, page in enumerate(writer.pages, 1):
        for annotation in page.get("/Annots", []):
            widget = annotation.get_object()
            group = widget.get("/Parent")
            if group is not None and int(group.get_object().get("/Ff", 0)) & (1 << 15):
                radios.append((number, [float(v) for v in widget["/Rect"]], float(page.mediabox.height)))
    assert radios
    number, (x1, y1, x2, y2), height = radios[0]
    out = tmp_path / "page"
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "72",
            "-gray",
            "-f",
            str(number),
            "-l",
            str(number),
            str(tmp_path / "redrawn.pdf"),
            str(out),
        ],
        check=True,
    )
    (image,) = tmp_path.glob("page*.pgm")
    picture = Image.open(image)
    top, left, bottom, right = round(height - y2), round(x1), round(height - y1) - 1, round(x2) - 1
    middle = round((top + bottom) / 2)
    assert picture.getpixel((left, middle)) < 200 or picture.getpixel((left + 1, middle)) < 200, "no border at all"
    corners = [picture.getpixel(corner) for corner in ((left, top), (right, top), (left, bottom), (right, bottom))]
    assert min(corners) > 200, f"square corners: {corners}"


LANGUAGES = {
    "pl": ("Łucja Źródłowska-Gżegżółka", "Ministerstwo Środowiska i Gospodarki Wodnej"),
    "el": ("Ελένη Παπαδοπούλου-Ψαρρά", "Υπουργείο Περιβάλλοντος και Ενέργειας"),
    "ru": ("Жанна Щукина-Эйдельман", "Министерство природных ресурсов"),
}


def _own_catalog(folder: Path, language: str) -> None:
    """A forms catalog of the program's own for `language`, its words left in English: the forms render in it."""
    with (ROOT / "forms" / "locale" / "forms.pot").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    for message in catalog:
        if message.id:
            message.string = message.id
    target = folder / "forms" / "locale" / language / "LC_MESSAGES" / "forms.po"
    target.parent.mkdir(parents=True)
    with target.open("wb") as handle:
        write_po(handle, catalog)


@pytest.fixture(scope="module")
def meeting_notes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The meeting notes of a Polish, a Greek and a Russian program, each with values in its own script."""
    pdfs = {}
    for language, (_, agency) in LANGUAGES.items():
        folder = tmp_path_factory.mktemp(language)
        data = yaml.safe_load(one_language(language))
        data["program"]["agency"] = agency
        (folder / "program.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        _own_catalog(folder, language)
        sources = Sources(folder / "program.yaml")
        program = load_program(sources)
        form = load_form_definitions(program, sources)["meeting-notes"]
        pdfs[language] = folder / "meeting-notes.pdf"
        pdfs[language].write_bytes(render_form(program, form, sources))
    return pdfs


RENDER_IN_TURN = """
import sys
from pathlib import Path
from generator.forms import load_form_definitions, render_form
from generator.program import load_program
from generator.sources import Sources
for folder in map(Path, sys.argv[1:]):
    sources = Sources(folder / "program.yaml")
    program = load_program(sources)
    form = load_form_definitions(program, sources)["meeting-notes"]
    (folder / "again.pdf").write_bytes(render_form(program, form, sources))
"""


def test_a_form_comes_out_the_same_whatever_was_cut_before_it(meeting_notes: dict[str, Path]) -> None:
    """Every subset is cut from one parse of the font, shared by the process: what was cut before changes no byte.

    Here another process renders the three programs' notes in the reverse order; their field fonts differ.
    """
    folders = [meeting_notes[language].parent for language in reversed(LANGUAGES)]
    subprocess.run([sys.executable, "-c", RENDER_IN_TURN, *map(str, folders)], check=True, cwd=ROOT)
    for language, pdf in meeting_notes.items():
        assert (pdf.parent / "again.pdf").read_bytes() == pdf.read_bytes(), language


def test_a_language_gets_its_script() -> None:
    assert [script(tag) for tag in ("en", "pl", "el", "ru", "sr-Latn", "uk", "ja")] == [
        "Latn",
        "Latn",
        "Grek",
        "Cyrl",
        "Latn",
        "Cyrl",
        "Jpan",
    ]
    assert {ord(c) for c in "AzÉé€ŁłŚś"} <= typed_characters("en")
    assert {ord(c) for c in "ΑΩαωάΐ€é"} <= typed_characters("el") and ord("Ж") not in typed_characters("el")
    assert {ord(c) for c in "ЖжЁёЇїҐґ€é"} <= typed_characters("ru")


def _codes(font: DictionaryObject) -> dict[str, int]:
    """Character -> code by the font's ToUnicode map, read backwards as readers do to encode typed text."""
    cmap = font["/ToUnicode"].get_object().get_data().decode("ascii")
    codes: dict[str, int] = {}
    for first, last, char in re.findall(r"<([0-9A-F]{4})>\s*<([0-9A-F]{4})>\s*<([0-9A-F]{4})>", cmap):
        for offset in range(int(last, 16) - int(first, 16) + 1):
            codes.setdefault(chr(int(char, 16) + offset), int(first, 16) + offset)
    return codes


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_field_font_holds_every_letter_of_the_language(meeting_notes: dict[str, Path], language: str) -> None:
    """The font /DA names, in /DR, draws every character of the script, typed or not, with the whole font's glyph:
    its code (by ToUnicode) leads through the CIDToGIDMap to a glyph of the subset with the same outline and width."""
    form = PdfReader(meeting_notes[language]).trailer["/Root"]["/AcroForm"]
    name = str(form["/DA"]).split()[0]
    font = form["/DR"]["/Font"][name].get_object()
    descendant = font["/DescendantFonts"][0].get_object()
    program = TTFont(io.BytesIO(descendant["/FontDescriptor"]["/FontFile2"].get_object().get_data()))
    to_glyph = descendant["/CIDToGIDMap"].get_object().get_data()
    whole = TTFont(Path(__file__).parent.parent / "generator" / "fonts" / "DejaVuSansCondensed.ttf")
    full = whole.getBestCmap()
    codes = _codes(font)
    first: dict[str, str] = {}  # a glyph drawn for several characters (space, no-break space) maps back to one
    for char in sorted(typed_characters(language) & set(full)):
        first.setdefault(full[char], chr(char))
    wanted = (set(first.values()) | set(LANGUAGES[language][0])) - {"\xa0"}  # printed as, and named, a space
    assert wanted <= set(codes)
    for char in wanted:
        gid = int.from_bytes(to_glyph[2 * codes[char] : 2 * codes[char] + 2], "big")
        glyph = program.getGlyphName(gid)
        assert gid and program["hmtx"][glyph][0] == whole["hmtx"][full[ord(char)]][0], char
        drawn = program["glyf"][glyph].getCoordinates(program["glyf"])[0]
        assert list(drawn) == list(whole["glyf"][full[ord(char)]].getCoordinates(whole["glyf"])[0]), char


def _printed(path: Path) -> str:
    """What Poppler and MuPDF find on the filled page: the field's look, as it prints."""
    poppler = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    mupdf = subprocess.run(
        ["mutool", "draw", "-q", "-F", "txt", "-o", "-", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return poppler + "\n" + mupdf


def _pdfjs(src: Path, dst: Path, values: dict[str, str | bool]) -> None:
    if not (PDFJS / "package.json").exists():
        pytest.skip("pdfjs-dist is missing: run `npm ci` in tests/browser")
    fill_pdfjs(src, dst, values)


def _pypdf(src: Path, dst: Path, values: dict[str, str | bool]) -> None:
    """pypdf's own look of the values: the filler asks readers to redraw text beyond WinAnsi; here they must not."""
    fill_pypdf(src, dst, values)
    writer = PdfWriter(clone_from=dst)
    writer.root_object["/AcroForm"].pop("/NeedAppearances", None)
    writer.write(dst)


FILLERS = {"pypdf": _pypdf, "mutool": fill_mutool, "pdfjs": _pdfjs, "poppler": fill_poppler}
MUPDF_LATIN = pytest.mark.xfail(
    strict=True,
    reason="MuPDF redraws a field in its own Helvetica whatever /DA names, Latin as Windows-1252: Ł Ź ż print as ·",
)


@pytest.mark.parametrize(
    ("language", "filler"),
    [
        pytest.param(language, filler, marks=MUPDF_LATIN if (language, filler) == ("pl", "mutool") else ())
        for language in LANGUAGES
        for filler in FILLERS
    ],
)
def test_typed_text_in_the_language_shows_after_filling(
    meeting_notes: dict[str, Path], tmp_path: Path, language: str, filler: str
) -> None:
    name = LANGUAGES[language][0]
    notes = f"{name}\n{LANGUAGES[language][1]}"
    filled = tmp_path / f"{language}-{filler}.pdf"
    FILLERS[filler](meeting_notes[language], filled, {"meeting.name": name, "review.successes": notes})
    printed = " ".join(_printed(filled).split())
    assert name in printed
    assert LANGUAGES[language][1] in printed
