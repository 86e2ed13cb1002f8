"""The example program in English and Spanish: one site per language, the same fields in both, no English left in the
Spanish one, and one `collect` reading returns in either language."""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po
from click.testing import CliRunner
from pypdf import PdfReader

from generator.build import build_site
from generator.cli import main
from generator.i18n import TOOL_LOCALE
from generator.problems import InputError

from .conftest import EXAMPLE, ROOT
from .fillers import detach_radio_kids, fill_pypdf

CATALOGS = [
    (TOOL_LOCALE / "handbook.pot", TOOL_LOCALE / "es" / "LC_MESSAGES" / "handbook.po"),
    (ROOT / "forms" / "locale" / "forms.pot", ROOT / "forms" / "locale" / "es" / "LC_MESSAGES" / "forms.po"),
]
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{[a-z_.]*\}|<[^>]+>|\*\*|\[|\]\([^)]*\)")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("languages") / "site"
    build_site(EXAMPLE, folder)  # from the cache when another module built the example first: the same bytes
    return folder


class _Text(HTMLParser):
    """A page's visible text and attribute text a screen reader announces (aria-label, title, alt)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        self.parts += [value for name, value in attrs if name in ("aria-label", "title", "alt") and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _page_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.parts).split())


def _pdf_text(path: Path) -> str:
    reader = PdfReader(path)
    tooltips = [str(field.get("/TU", "")) for field in (reader.get_fields() or {}).values()]
    return " ".join(" ".join([*(page.extract_text() for page in reader.pages), *tooltips]).split())


def english_phrases() -> list[str]:
    """Pieces of every catalog message whose Spanish differs, long enough to be English only where left untranslated.

    Placeholders and markup split a message into pieces of two words or more; a message of one word counts from five
    letters (Comment, Signature).
    """
    phrases = set()
    for template, spanish in CATALOGS:
        with spanish.open("rb") as handle:
            translated = {m.id: m.string for m in read_po(handle) if m.id}
        with template.open("rb") as handle:
            for message in read_po(handle):
                if not isinstance(message.id, str) or not message.id or translated.get(message.id) == message.id:
                    continue
                whole = message.id.strip(" .,:;()!?-")
                if len(whole) >= 5 and whole.isalpha():  # a one-word label: Comment, Signature
                    phrases.add(whole)
                for piece in _PLACEHOLDER.split(message.id):
                    piece = " ".join(piece.strip(" .,:;()!?-").split())
                    if len(piece.split()) >= 2 and len(piece) >= 10:
                        phrases.add(piece)
    return sorted(phrases)


def _english_in(text: str, phrases: list[str]) -> list[str]:
    text = re.sub(r"\S+@\S+|https?://\S+", " ", text)  # addresses are names, not words
    return [p for p in phrases if re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", text)]


def test_each_language_is_a_site_of_its_own_linked_by_the_language_menu(built: Path) -> None:
    english, spanish = (built / "index.html").read_text(), (built / "es" / "index.html").read_text()
    assert '<html lang="en"' in english and '<html lang="es"' in spanish
    assert 'href="es/index.html" hreflang="es"' in english and 'href="../index.html" hreflang="en"' in spanish
    assert "Español" in english and "English" in spanish
    forms = sorted(p.name for p in (built / "forms").glob("*.pdf"))
    assert len(forms) == 13 and sorted(p.name for p in (built / "es" / "forms").glob("*.pdf")) == forms
    assert not (built / "es" / "es").exists()
    search = (built / "es" / "search" / "search_index.json").read_text(encoding="utf-8")
    assert '"lang":["es"]' in search.replace(" ", "")


def test_every_form_has_the_same_fields_and_version_in_both_languages(built: Path) -> None:
    for path in sorted((built / "forms").glob("*.pdf")):
        english, spanish = PdfReader(path), PdfReader(built / "es" / "forms" / path.name)
        fields_en, fields_es = english.get_fields() or {}, spanish.get_fields() or {}
        assert list(fields_en) == list(fields_es), path.name
        states = {name: field.get("/_States_") for name, field in fields_en.items()}
        assert states == {name: field.get("/_States_") for name, field in fields_es.items()}, path.name
        assert english.metadata["/HandbookVersion"] == spanish.metadata["/HandbookVersion"], path.name
        assert (str(english.trailer["/Root"]["/Lang"]), str(spanish.trailer["/Root"]["/Lang"])) == ("en", "es")
        labels_en = [str(f.get("/TU")) for f in fields_en.values() if f.get("/TU")]
        labels_es = [str(f.get("/TU")) for f in fields_es.values() if f.get("/TU")]
        assert len(set(labels_en) & set(labels_es)) < len(labels_en) / 4, f"{path.name} tooltips stayed English"


def test_the_spanish_site_and_forms_hold_no_english_word_of_the_catalogs(built: Path) -> None:
    phrases = english_phrases()
    assert len(phrases) > 200  # the test looks for something
    found = {}
    for path in sorted((built / "es").rglob("*.html")):
        hits = _english_in(_page_text(path), phrases)
        if hits:
            found[path.relative_to(built).as_posix()] = hits
    for path in sorted((built / "es" / "forms").glob("*.pdf")):
        hits = _english_in(_pdf_text(path), phrases)
        if hits:
            found[path.relative_to(built).as_posix()] = hits
    assert not found, found
    assert _english_in(_page_text(built / "forms.html"), phrases), "the English site should hold them"


def test_dates_read_the_same_on_the_spanish_site_and_forms(built: Path) -> None:
    timeline = _page_text(built / "es" / "timeline.html")
    assert "1 de febrero de 2027" in timeline
    footer = PdfReader(built / "es" / "forms" / "mentor-application.pdf").pages[0].extract_text()
    assert "Página 1 de" in footer and "2027" in footer


def test_one_collect_reads_english_and_spanish_returns_into_one_table(built: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    values = {"contact.name": "Ana Pérez", "offer.skills.negotiating": True}
    fill_pypdf(built / "forms" / "mentor-application.pdf", inbox / "english.pdf", values)
    fill_pypdf(
        built / "es" / "forms" / "mentor-application.pdf", inbox / "spanish.pdf", {**values, "contact.name": "Eva"}
    )
    result = CliRunner().invoke(main, ["collect", str(inbox), "-p", str(EXAMPLE), "-o", str(tmp_path / "records")])
    assert result.exit_code == 0, result.output
    assert "2 stored" in result.output and "0 problems" in result.output
    with (tmp_path / "records" / "mentor-application.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(row["contact.name"] for row in rows) == ["Ana Pérez", "Eva"]
    assert all(row["offer.skills.negotiating"] == "1" for row in rows)


def test_radios_a_reader_detached_from_a_spanish_form_are_mapped_back(built: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    values = {"about.mentee": "Ana", "ratings.questions.1.rating": "good", "ratings.questions.3.rating": "poor"}
    fill_pypdf(built / "es" / "forms" / "mentor-evaluation.pdf", tmp_path / "filled.pdf", values)
    detach_radio_kids(tmp_path / "filled.pdf", inbox / "from-preview.pdf")
    result = CliRunner().invoke(main, ["collect", str(inbox), "-p", str(EXAMPLE), "-o", str(tmp_path / "records")])
    assert result.exit_code == 0, result.output
    with (tmp_path / "records" / "mentor-evaluation.csv").open(encoding="utf-8", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["ratings.questions.1.rating"], row["ratings.questions.3.rating"]) == ("4", "1")


def test_a_page_without_a_translation_is_refused_at_the_page(bilingual_folder: Path) -> None:
    own = bilingual_folder.parent / "content"
    own.mkdir()
    (own / "extra.md").write_text("# Extra\n\nOnly in English.\n", encoding="utf-8")
    (own / "mentors.md").write_text("# Mentors\n\nOur own page.\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        build_site(bilingual_folder, bilingual_folder.parent / "site")
    places = {(p.file, p.line): p.message for p in caught.value.problems}
    assert any(file.endswith("content/extra.md") for file, _ in places), places
    assert any("no Spanish version" in message and "content/es/extra.md" in message for message in places.values())
    assert not any("still the shipped one" in message for message in places.values()), "a warning, not a problem"
    assert not (bilingual_folder.parent / "site").exists()


def _one_language(data: object, language: str) -> object:
    """program.yaml data with every `{en: ..., es: ...}` text reduced to one language's."""
    if isinstance(data, dict):
        if data and set(data) <= {"en", "es"} and all(isinstance(v, (str, dict)) for v in data.values()):
            return _one_language(data[language], language)
        return {key: _one_language(value, language) for key, value in data.items()}
    if isinstance(data, list):
        return [_one_language(item, language) for item in data]
    return data


def test_a_language_the_tool_cannot_speak_is_refused_naming_the_catalog(program_copy, tmp_path: Path) -> None:
    data = _one_language(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")), "en")
    data["program"].pop("languages", None)
    data["program"]["language"] = "fr"
    program = program_copy(text=yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    with pytest.raises(InputError) as caught:
        build_site(program, tmp_path / "site")
    text = str(caught.value)
    assert "French" in text and "pybabel init" in text and "handbook.pot" in text
    assert not (tmp_path / "site").exists()
