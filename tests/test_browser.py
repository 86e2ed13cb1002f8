"""The built site in a real Chromium, as participants meet it: axe-core finds no WCAG 2.1 A/AA violation, the keyboard
reaches every control with a focus ring one can see, pages carry program.language, and a click-through from the home
page downloads exactly the PDF the build wrote. Agencies must meet WCAG 2.1 AA, so these fail rather than skip when
the browser tools are missing.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from generator.build import build_site
from generator.mkdocs_plugin import FOOTER, MATERIAL_HEX, PAGE, Palette, contrast
from generator.model import MATERIAL_COLORS
from generator.program import load_program
from generator.site import RenderedSite
from generator.sources import Sources

from .conftest import EXAMPLE, FEW_FORMS, ROOT, one_language

BROWSER_DIR = ROOT / "tests" / "browser"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
COLORS = ["teal", "yellow", "lime", "light blue", "#ffcc00", "#1f5f5b", *MATERIAL_HEX]


@dataclass(frozen=True)
class Served:
    site: RenderedSite
    folder: Path
    url: str


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep pytest's output to failures."""


def _require_browser_tools() -> None:
    """Fail, naming the fix, when Chromium, Node or the npm packages are missing."""
    missing = [
        name
        for name, present in (
            (str(CHROMIUM), CHROMIUM.exists()),
            ("node", shutil.which("node") is not None),
            ("tests/browser/node_modules", (BROWSER_DIR / "node_modules" / "@axe-core" / "playwright").is_dir()),
        )
        if not present
    ]
    if missing:
        pytest.fail(f"browser tests need {', '.join(missing)}: run `bash scripts/test.sh`", pytrace=False)


@contextlib.contextmanager
def build_and_serve(program_file: Path, folder: Path) -> Iterator[Served]:
    """Build a program and serve the site on a free local port, as a web host would (a file:// page is no test)."""
    _require_browser_tools()
    site = build_site(program_file, folder)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(site, folder, f"http://127.0.0.1:{server.server_port}/")
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def browser(*args: str) -> Any:
    """Run one command of tests/browser/browser.mjs and return its JSON answer."""
    done = subprocess.run(
        ["node", "browser.mjs", *args], cwd=BROWSER_DIR, capture_output=True, text=True, timeout=180, check=False
    )
    if done.returncode != 0:
        pytest.fail(f"browser.mjs {args[0]} failed:\n{done.stderr[-3000:]}", pytrace=False)
    return json.loads(done.stdout)


def _report(audit: dict[str, list[dict[str, Any]]]) -> str:
    lines = []
    for page, violations in audit.items():
        for v in violations:
            lines.append(f"{page}: {v['id']} ({v['impact']}): {v['help']}")
            lines += [f"    {n['target']}: {' '.join(n['summary'].split())}" for n in v["nodes"]]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with build_and_serve(EXAMPLE, tmp_path_factory.mktemp("browser") / "site") as served:
        yield served


def test_every_colour_program_yaml_accepts_has_a_palette() -> None:
    assert set(MATERIAL_HEX) == set(MATERIAL_COLORS)


@pytest.mark.parametrize("color", COLORS)
def test_palette_meets_aa_for_any_colour(color: str) -> None:
    palette = Palette.from_color(color)
    assert contrast(palette.header_text, palette.header) >= 4.5
    assert contrast(palette.link, PAGE) >= 4.5
    assert contrast(palette.accent, PAGE) >= 7 and palette.accent != palette.link  # hover and focus show a change


def test_palette_keeps_colours_that_already_pass_and_measures_like_axe() -> None:
    assert int(contrast("#ffffff", "#009485") * 100) / 100 == 3.76  # axe truncates to 3.76 for Material's teal
    assert contrast("#000000", "#ffffff") == 21
    assert Palette.from_color("#1f5f5b").header == "#1f5f5b"
    assert Palette.from_color("yellow").header == MATERIAL_HEX["yellow"]  # light colours keep dark text instead
    grid = (f"#{r:02x}{g:02x}{b:02x}" for r, g, b in itertools.product(range(0, 256, 51), repeat=3))
    for color in grid:
        palette = Palette.from_color(color)
        assert min(contrast(palette.header_text, palette.header), contrast(palette.link, PAGE)) >= 4.5, color
    footer_text = [FOOTER[f"--md-footer-fg-color{s}"] for s in ("", "--light", "--lighter")]
    footer_bg = [FOOTER["--md-footer-bg-color"], FOOTER["--md-footer-bg-color--dark"]]
    assert min(contrast(fg, bg) for fg in footer_text for bg in footer_bg) >= 4.5


def test_every_page_has_no_axe_violations(example: Served) -> None:
    pages = sorted(p.name for p in example.folder.glob("*.html"))
    assert len(pages) >= 13
    audit = browser("audit", example.url, *pages)
    assert sorted(audit) == pages
    assert not any(audit.values()), "axe-core found WCAG 2.1 A/AA violations:\n" + _report(audit)


def test_every_spanish_page_has_no_axe_violations(example: Served) -> None:
    pages = sorted(p.name for p in (example.folder / "es").glob("*.html"))
    assert len(pages) >= 13
    audit = browser("audit", example.url + "es/", *pages)
    assert sorted(audit) == pages
    assert not any(audit.values()), "axe-core found WCAG 2.1 A/AA violations in Spanish:\n" + _report(audit)


def test_a_light_programme_colour_has_no_axe_violations(program_copy, tmp_path: Path) -> None:
    yellow_program = program_copy(text=one_language("en", FEW_FORMS).replace("color: teal", "color: yellow"))
    with build_and_serve(yellow_program, tmp_path / "site") as yellow:
        audit = browser("audit", yellow.url, "--width=1280,390", "index.html", "forms.html", "timeline.html")
    assert len(audit) == 6
    assert not any(audit.values()), "axe-core found WCAG 2.1 A/AA violations with yellow:\n" + _report(audit)


def _rgb_hex(css: str) -> str:
    return "#" + "".join(f"{int(x):02x}" for x in re.findall(r"\d+", css)[:3])


def test_tab_reaches_the_controls_with_a_visible_focus_ring(example: Served) -> None:
    palette = Palette.from_color(example.site.facts.color)
    stops = browser("focus", example.url, "index.html", "17")
    names = [stop["name"] for stop in stops]
    menu = ["Select language", "English", "Español"]  # the language menu opens as it takes focus
    assert names[:6] == ["Skip to content", example.site.facts.name, *menu, "Search"], names
    assert "For mentees" in names  # on into the navigation
    for stop in stops:
        assert stop["visible"] and stop["outlineStyle"] == "solid" and stop["outlineWidth"] >= 2, stop
        in_header = ("md-header" in stop["cls"] or "md-search" in stop["cls"]) and "md-select" not in stop["cls"]
        ring, behind = (palette.header_text, palette.header) if in_header else (palette.accent, PAGE)
        assert _rgb_hex(stop["outlineColor"]) == ring[:7], stop
        assert contrast(ring, behind) >= 3, stop  # WCAG 1.4.11: a focus ring must stand out from what is around it


def test_the_menu_button_works_from_the_keyboard_on_a_phone(example: Served) -> None:
    drawer = browser("drawer", example.url, "index.html")
    assert drawer["tabs"] == 2, "Tab should reach the menu button right after the skip link"
    assert drawer["focus"]["tag"] == "button" and drawer["focus"]["name"] == "Navigation"  # a real button
    assert drawer["focus"]["outlineStyle"] == "solid"
    assert drawer["open"] and drawer["expanded"] == "true"
    assert drawer["next"]["onScreen"] and "md-nav" in drawer["next"]["cls"], drawer["next"]  # on into the drawer
    assert drawer["closed"] and drawer["back"] == "__drawer", "Escape closes the drawer and returns to its button"


def test_every_tab_stop_on_a_phone_is_on_screen(example: Served) -> None:
    """WCAG 2.4.3 and 2.4.7: the closed drawer and the closed search field must not take focus off screen."""
    stops = browser("focus", example.url, "--width=390", "index.html", "40")
    seen = stops[: stops.index(None)] if None in stops else stops  # once round the page, to the address bar
    names = [stop["name"] for stop in seen[:6]]
    assert names == ["Skip to content", "Navigation", "Select language", "English", "Español", "Search"], seen[:6]
    assert seen[1]["tag"] == seen[5]["tag"] == "button"
    hidden = [stop for stop in seen if not (stop["visible"] and stop["onScreen"])]
    assert hidden == [], hidden
    assert len(seen) >= 15 and not any("md-nav" in stop["cls"] for stop in seen)


def test_the_search_dialog_has_a_name(example: Served) -> None:
    stops = browser("focus", example.url, "index.html", "6")
    assert stops[5]["cls"].startswith("md-search__input") and stops[5]["dialog"] == "Search", stops[5]


def test_search_finds_pages_on_a_site_opened_from_the_disk(example: Served) -> None:
    found = browser("search", example.folder.as_uri() + "/", "index.html", "agreement")
    assert found["errors"] == [] and found["meta"], found
    assert "Mentoring agreement" in found["titles"], found


def test_phone_and_desktop_layout_reads_well(example: Served) -> None:
    """Phones show short_name (the full name would be cut), ¶ never sits alone, and no text is set small."""
    pages = sorted(p.name for p in example.folder.glob("*.html"))
    phone = browser("layout", example.url, "--width=390", *pages)
    desktop = browser("layout", example.url, "index.html")
    assert {page: facts["loneHeaderlinks"] for page, facts in phone.items() if facts["loneHeaderlinks"]} == {}
    program = load_program(Sources(EXAMPLE)).program
    assert {facts["headerTitle"] for facts in phone.values()} == {program.short_name}
    assert desktop["index.html"]["headerTitle"] == program.name
    for page, facts in phone.items():
        sizes = [facts[kind] for kind in ("table", "note") if facts[kind] is not None]
        assert all(size >= facts["body"] for size in sizes), (page, facts)
        assert facts["dtWeight"] in (None, 700), (page, facts)
    assert phone["glossary.html"]["dtWeight"] == 700


def test_printed_pages_carry_the_program_and_where_links_lead(example: Served, tmp_path: Path) -> None:
    from pypdf import PdfReader

    url = example.site.facts.url
    printed = browser("print", example.url, "index.html", str(tmp_path / "index.pdf"))
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(tmp_path / "index.pdf").pages]
    assert len(pages) > 1
    for number, text in enumerate(pages, 1):
        assert text.startswith(f"{example.site.facts.name} {url} {number} / {len(pages)}"), text[:200]
    assert f"How the program is evaluated ({url}evaluation.html)" in " ".join(pages)
    afters = {link["href"]: link["after"] for link in printed["links"]}
    assert afters["forms.html"] == f'" ({url}forms.html)"' and afters[url] == f'" ({url})"'
    assert printed["headingBreakAfter"] == "avoid-page"
    button = browser("print", example.url, "forms.html", str(tmp_path / "forms.pdf"))["button"]
    assert button == {"border": "0px", "padding": "0px"}


def test_the_404_page_works_at_any_depth(program_copy, tmp_path: Path) -> None:
    """Served for a missing page in any folder, the 404 page reaches its styles and links from the site's root."""
    site = tmp_path / "site"
    build_site(
        program_copy(("https://mentoring.dplw.example.gov/", "https://intranet.example.gov/hr/mentoring/")), site
    )
    text = (site / "404.html").read_text(encoding="utf-8")
    targets = re.findall(r'(?:href|src)="([^"]+)"', text)
    local = [t for t in targets if not t.startswith("https://")]
    assert len(local) > 10 and all(t.startswith("/hr/mentoring/") for t in local), local
    spanish = re.findall(r'(?:href|src)="([^"]+)"', (site / "es" / "404.html").read_text(encoding="utf-8"))
    assert "/hr/mentoring/es/forms.html" in spanish and "/hr/mentoring/es/../index.html" in spanish, spanish


def test_pages_are_in_the_programme_language(example: Served, program_copy, tmp_path: Path) -> None:
    def languages(folder: Path) -> set[str]:
        return {re.search(r'<html lang="([^"]+)"', p.read_text(encoding="utf-8"))[1] for p in folder.glob("*.html")}

    assert languages(example.folder) == {"en"}
    assert languages(example.folder / "es") == {"es"}
    mexican = tmp_path / "site"
    build_site(program_copy(text=one_language("es-MX", FEW_FORMS)), mexican)
    assert languages(mexican) == {"es-MX"}  # the program's own tag, though Material's translation is plain "es"
    home = (mexican / "index.html").read_text(encoding="utf-8")
    assert "Saltar a contenido" in home and "Formularios" in home  # Material's words and ours, from content/es/


def test_a_participant_clicks_from_home_to_a_form_and_gets_the_built_pdf(example: Served, tmp_path: Path) -> None:
    saved = tmp_path / "downloaded.pdf"
    clicked = browser("download", example.url, "Forms", str(saved))
    assert clicked["page"] == example.url + "forms.html"
    path = clicked["href"]
    assert path.startswith("forms/") and path.endswith(".pdf")
    assert saved.read_bytes() == (example.folder / path).read_bytes() == example.site.files[path]
