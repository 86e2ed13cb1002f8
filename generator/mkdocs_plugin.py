"""The one place MkDocs meets the core: a thin plugin that feeds the rendered site into a Material build.

    plugins:
      - search
      - handbook:
          program: program.yaml   # relative to mkdocs.yml; HANDBOOK_PROGRAM (set by `handbook serve`) wins

Every page, generated page, PDF, calendar and asset comes from `render_site`; the files MkDocs found in docs_dir
under the same paths (the unrendered templates) are replaced, so docs_dir may even be empty.
"""

from __future__ import annotations

import contextlib
import functools
import html
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import material
from markupsafe import Markup
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import BuildError, PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from .compiled_templates import COMPILED, compile_theme
from .dates import epoch_problem, pinned_build_date
from .i18n import N_, _, language_name, no_such_language, speaking
from .problems import InputError
from .site import RenderedSite, SiteFacts, render_site, watched_paths
from .sources import Sources

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.livereload import LiveReloadServer  # the server, with watchdog, is loaded only by `serve`

LOG = logging.getLogger("mkdocs.plugins.handbook")

PROGRAM_ENV = "HANDBOOK_PROGRAM"
LANGUAGE_ENV = "HANDBOOK_LANGUAGE"
"""The language `handbook serve` previews; the plugin's `language` option otherwise, else the default language."""
SITE_MARKER = ".handbook-site"
"""Written into every built site: `handbook build` replaces only a folder that holds it (or an empty one)."""
COLOR_CSS = "assets/program-color.css"
KEYBOARD_JS = "assets/handbook-keyboard.js"
WORKER_SHIM_JS = "assets/iframe-worker.js"
"""Material's offline plugin (in the shipped mkdocs.yml) names this shim from a CDN unless a polyfill is listed."""
ASSETS_DIR = Path(__file__).parent / "assets"
"""The stylesheet and script every site gets, beside the generated colours."""
THEME_DIR = Path(__file__).parent / "theme"
"""Template overrides searched before Material's own (after a mkdocs.yml custom_dir): the page language."""
ERROR_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>The handbook could not be built</title></head>
<body><main><h1>The handbook could not be built</h1>
<p>Fix what is listed below and save: this page reloads by itself when the handbook builds again.</p>
<pre>{}</pre></main></body></html>
"""

NAV_TITLES = (
    N_("Welcome"),
    N_("For mentees"),
    N_("For mentors"),
    N_("For supervisors"),
    N_("About mentoring"),
    N_("Roles and responsibilities"),
    N_("Eligibility and applying"),
    N_("The mentoring journey"),
    N_("Setting SMART goals"),
    N_("Running good sessions"),
    N_("Evaluation"),
    N_("For coordinators"),
    N_("Glossary"),
    N_("Forms"),
    N_("Timeline"),
)
"""The shipped mkdocs.yml's navigation titles, marked for the handbook catalog (tests keep the two in step)."""


def translated_nav(nav: Any, *, own_titles: bool = True) -> Any:
    """mkdocs.yml's `nav` in the language being spoken: the titles the catalog has are translated, and a
    coordinator's own are kept as written (`own_titles`) or, on another language's site, give way to the page's
    first heading, which is in that language."""
    if isinstance(nav, list):
        return [translated_nav(item, own_titles=own_titles) for item in nav]
    if isinstance(nav, dict) and len(nav) == 1:
        ((title, value),) = nav.items()
        if not isinstance(title, str) or not title:
            return nav
        translated = _(title)
        page = isinstance(value, str) and not value.startswith(("http:", "https:", "mailto:"))
        if page and translated == title and not own_titles:
            return value
        return {translated: translated_nav(value, own_titles=own_titles)}
    return nav


@dataclass(frozen=True)
class MaterialSettings:
    """What program.yaml decides about a Material site; applied by the plugin and written out by export."""

    config: dict[str, Any]
    """Top-level mkdocs.yml keys program.yaml owns."""
    defaults: dict[str, Any]
    """Top-level keys filled in only where mkdocs.yml leaves them empty."""
    theme: dict[str, Any]
    files: dict[str, str] = field(default_factory=dict)
    """Extra files the settings need: the colour and focus stylesheet, the header keyboard script."""
    extra_css: list[str] = field(default_factory=list)
    extra_javascript: list[str] = field(default_factory=list)
    polyfills: list[str] = field(default_factory=list)
    """Scripts for `extra.polyfills`, which Material loads before its own: the file:// Web Worker shim."""
    alternate: list[dict[str, str]] = field(default_factory=list)
    """`extra.alternate`: Material's language menu, when the program has more than one language."""


@cache
def _material_languages() -> dict[str, str]:
    folder = Path(material.__file__).parent / "templates" / "partials" / "languages"
    return {path.stem.lower(): path.stem for path in folder.glob("*.html")}


def material_language(tag: str) -> str:
    """Material's translation for a BCP 47 tag: the longest prefix it has (zh-Hant-TW -> zh-Hant), else English."""
    languages = _material_languages()
    parts = tag.split("-")
    for end in range(len(parts), 0, -1):
        candidate = "-".join(parts[:end]).lower()
        if candidate in languages:
            return languages[candidate]
    return "en"


MATERIAL_HEX = {
    "red": "#ef5552",
    "pink": "#e92063",
    "purple": "#ab47bd",
    "deep purple": "#7e56c2",
    "indigo": "#4051b5",
    "blue": "#2094f3",
    "light blue": "#02a6f2",
    "cyan": "#00bdd6",
    "teal": "#009485",
    "green": "#4cae4f",
    "light green": "#8bc34b",
    "lime": "#cbdc38",
    "yellow": "#ffec3d",
    "amber": "#ffc105",
    "orange": "#ffa724",
    "deep orange": "#ff6e42",
    "brown": "#795649",
    "grey": "#757575",
    "blue grey": "#546d78",
    "black": "#14161a",
    "white": "#ffffff",
}
"""Material's primary colour for each palette name, so contrast is computed for names and hex colours alike."""
_ACCENTS = frozenset(MATERIAL_HEX) - {"brown", "grey", "blue grey", "black", "white"}  # Material has no such accents

WHITE, DARK_TEXT, PAGE = "#ffffff", "#000000de", "#ffffff"
"""Header text choices (Material's own) and the light scheme's page background."""
AA, AAA = 4.5, 7.0
WHITE_TEXT_FROM = 2.5
"""Headers keep white text when the colour gives it this much, then darken to AA: Material's mid tones (green,
light blue, deep orange) stay white-on-colour; light ones (yellow, lime, amber, orange, cyan) get dark text."""
HOVER_STEP, MOST = 1.4, 15.0
"""Hover and focus are this much more contrasting than links (at least AAA, at most MOST), so they show a change."""
_GREY_LINKS = "#4051b5"  # Material's link colour for its grey palettes: grey links would not read as links
FOOTER = {  # opaque versions of Material's footer colours, whose translucent grey copyright text fails AA
    "--md-footer-fg-color": "#ffffff",
    "--md-footer-fg-color--light": "#e0e0e0",
    "--md-footer-fg-color--lighter": "#c2c2c2",
    "--md-footer-bg-color": "#212121",
    "--md-footer-bg-color--dark": "#171717",
}


def _rgba(color: str) -> tuple[float, ...]:
    """`#rrggbb` or `#rrggbbaa` as four channels from 0 to 1."""
    digits = color.lstrip("#").ljust(8, "f")
    return tuple(int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4, 6))


def _hex(rgb: tuple[float, ...]) -> str:
    """Opaque `#rrggbb` from channels 0 to 1 (an alpha channel is dropped)."""
    return "#" + "".join(f"{round(min(1.0, max(0.0, x)) * 255):02x}" for x in rgb[:3])


def flatten(color: str, background: str) -> str:
    """The opaque colour a translucent `#rrggbbaa` shows over `background`, as contrast must be measured on it."""
    *fg, alpha = _rgba(color)
    bg = _rgba(background)[:3]
    return _hex(tuple(alpha * f + (1 - alpha) * b for f, b in zip(fg, bg, strict=True)))


def luminance(color: str) -> float:
    """WCAG 2.1 relative luminance of an opaque colour."""
    r, g, b = (x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4 for x in _rgba(color)[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    """WCAG 2.1 contrast ratio (1 to 21) of text over an opaque background; the text may be translucent."""
    a, b = luminance(flatten(foreground, background)), luminance(background)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def readable_shade(color: str, background: str, target: float = AA) -> str:
    """`color` mixed toward black or white (whichever `background` contrasts with more), only as far as `target`.

    Mixing no further than needed keeps the program's hue and as much of its brightness as the ratio allows.
    """
    end = "#000000" if luminance(background) > 0.179 else "#ffffff"  # 0.179: where black and white contrast equally
    start, stop = _rgba(color)[:3], _rgba(end)[:3]
    for step in range(101):
        shade = _hex(tuple(a + (b - a) * step / 100 for a, b in zip(start, stop, strict=True)))
        if contrast(shade, background) >= target:
            return shade
    return end


def _saturation(color: str) -> float:
    """HSL saturation: greys get Material's indigo links, as grey links would not read as links."""
    high, low = max(_rgba(color)[:3]), min(_rgba(color)[:3])
    lightness = (high + low) / 2
    return 0.0 if high == low else (high - low) / (1 - abs(2 * lightness - 1))


@dataclass(frozen=True)
class Palette:
    """Colours derived from program.color that all meet WCAG 2.1 AA in the light scheme."""

    header: str
    header_text: str
    link: str
    accent: str
    """Hover and focus colour of links and buttons, darker than `link`; white text on it passes AAA."""

    @classmethod
    def from_color(cls, color: str) -> Palette:
        """Keep the colour where its text already passes, else shift it only as far as 4.5:1 needs.

        Light colours (yellow, lime, #ffcc00) keep their brightness under dark text; mid tones darken under white.
        """
        base = MATERIAL_HEX.get(color.lower(), color.lower())
        text = WHITE if contrast(WHITE, base) >= WHITE_TEXT_FROM else DARK_TEXT
        # Dark text is translucent, but only on colours so light that it passes with room to spare (over 6:1).
        header = readable_shade(base, flatten(text, base))
        link_base = base if _saturation(base) >= 0.2 else _GREY_LINKS
        link = readable_shade(link_base, PAGE)
        hover = min(MOST, max(AAA, HOVER_STEP * contrast(link, PAGE)))
        return cls(header, text, link, readable_shade(link, PAGE, hover))

    def css(self) -> str:
        """CSS variables over Material's palette: the header on <body>, links only in the light scheme."""
        header = {
            "--md-primary-fg-color": self.header,
            "--md-primary-fg-color--light": self.header,
            "--md-primary-fg-color--dark": self.header,
            "--md-primary-bg-color": self.header_text,
            "--md-primary-bg-color--light": self.header_text,
        }
        light = {
            "--md-typeset-a-color": self.link,
            "--md-accent-fg-color": self.accent,
            "--md-accent-fg-color--transparent": f"{self.accent}1a",
            "--md-accent-bg-color": WHITE,
            "--md-accent-bg-color--light": WHITE,
            "--handbook-focus-color": self.accent,
            **FOOTER,
        }

        def block(selector: str, values: dict[str, str]) -> str:
            return selector + " {\n" + "".join(f"  {k}: {v};\n" for k, v in values.items()) + "}\n"

        return block("body[data-md-color-primary]", header) + block(
            '[data-md-color-scheme="default"][data-md-color-primary]', light
        )


def css_string(text: str) -> str:
    """program.yaml text as a quoted CSS string: anything but plain letters, digits and punctuation hex-escaped."""
    return '"' + "".join(c if c.isalnum() or c in " .,:;!?()'-/&@_" else f"\\{ord(c):x} " for c in text) + '"'


_MARGIN_TEXT = "font-family: sans-serif; font-size: 9pt; color: #444;"
"""Printed pages' margin lines: small, grey (9.7:1 on white) and plain, below the page's own headings."""


def _identity_css(facts: SiteFacts) -> str:
    """The program's name on phones' headers (short_name) and in printed pages' margins, with the site's address.

    Phones show about 20 characters of the header's title, where the full name would be cut to its first words.
    A printed page's own links print their full address only when the site's address is known.
    """
    rules = [
        "@media screen and (max-width: 44.984375em) {",
        "  .md-header__topic:first-child > .md-ellipsis { display: none; }",
        f"  .md-header__topic:first-child::before {{ content: {css_string(facts.short_name)}; }}",
        "}",
        "@page {",
        "  margin: 18mm 15mm;",
        f"  @top-left {{ content: {css_string(facts.name)}; {_MARGIN_TEXT} }}",
        f'  @bottom-right {{ content: counter(page) " / " counter(pages); {_MARGIN_TEXT} }}',
    ]
    if facts.url:
        root = css_string(facts.url.rstrip("/") + "/")
        own = '[href^="http:"], [href^="https:"], [href^="mailto:"], [href^="#"], .headerlink'
        rules += [
            f"  @top-right {{ content: {css_string(facts.url)}; {_MARGIN_TEXT} }}",
            "}",
            "@media print {",
            f'  .md-content .md-typeset a[href]:not({own})::after {{ content: " (" {root} attr(href) ")"; }}',
            "}",
        ]
    else:
        rules.append("}")
    return "\n".join(rules) + "\n"


def _stylesheet(facts: SiteFacts) -> str:
    """The generated colours and identity, then the shipped rules (focus ring, underlined links, print) using them."""
    rules = (ASSETS_DIR / "handbook.css").read_text(encoding="utf-8")
    header = (
        f"/* Generated from program.yaml (color {facts.color!r}, name, short_name, url) by the handbook plugin. */\n"
    )
    return f"{header}{Palette.from_color(facts.color.lower()).css()}\n{_identity_css(facts)}\n{rules}"


def material_settings(site: RenderedSite) -> MaterialSettings:
    info = site.facts
    color = info.color.lower()
    palette = {"primary": "custom" if color.startswith("#") else color}
    if color in _ACCENTS:
        palette["accent"] = color
    theme: dict[str, Any] = {
        "language": material_language(info.language),
        "handbook_language": info.language,
        "palette": palette,
    }
    if site.logo:
        theme.update(logo=site.logo, favicon=site.logo)

    # MkDocs' theme templates do not escape: config values are HTML there, so program.yaml's text is escaped here.
    # The name is Markup too, so the templates that do escape it (`site_name | e`) leave it as it is.
    url = f"{info.url.rstrip('/')}/{site.folder}" if info.url else None  # another language's site is in <lang>/
    defaults = {"copyright": html.escape(f"{info.agency}, {info.division}"), "site_url": url}
    settings = MaterialSettings({"site_name": Markup(html.escape(info.name))}, defaults, theme)
    if len(info.languages) > 1:
        settings.alternate.extend(alternates(info))
    settings.files[COLOR_CSS] = _stylesheet(info)
    settings.extra_css.append(COLOR_CSS)
    settings.files[KEYBOARD_JS] = (ASSETS_DIR / "handbook.js").read_text(encoding="utf-8")
    settings.extra_javascript.append(KEYBOARD_JS)
    settings.files[WORKER_SHIM_JS] = (ASSETS_DIR / "iframe-worker.js").read_text(encoding="utf-8")
    settings.polyfills.append(WORKER_SHIM_JS)
    return settings


def alternates(facts: SiteFacts) -> list[dict[str, str]]:
    """Material's language menu: each language's home page, as a link relative to this site's root.

    Relative (`es/index.html`, `../index.html`), so the menu works on any host path and from a shared drive alike.
    """
    default = facts.languages[0]
    up = "" if facts.language == default else "../"
    return [
        {"name": language_name(tag), "link": f"{up}{'' if tag == default else tag + '/'}index.html", "lang": tag}
        for tag in facts.languages
    ]


def with_polyfills(extra: Any, polyfills: list[str]) -> dict[str, Any]:
    """mkdocs.yml's `extra` with our polyfills added, so the offline plugin finds its shim and adds none of its own."""
    extra = dict(extra) if isinstance(extra, dict) else {}
    listed = list(extra.get("polyfills") or [])
    extra["polyfills"] = [*listed, *(script for script in polyfills if script not in listed)]
    return extra


def apply_palette(current: Any, palette: dict[str, str]) -> Any:
    """The program's colours over mkdocs.yml's palette, kept as a list when it toggles light and dark schemes."""
    if isinstance(current, list):
        return [{**scheme, **palette} if isinstance(scheme, dict) else scheme for scheme in current]
    return {**(current if isinstance(current, dict) else {}), **palette}


class HandbookConfig(Config):
    program = c.Type(str, default="program.yaml")
    language = c.Optional(c.Type(str))
    """Which of program.languages `mkdocs build` builds (default: the first); `handbook build` builds them all."""


def _chosen(site: RenderedSite, language: str | None) -> RenderedSite:
    """The site of `language` among the program's languages (None: the default one)."""
    if language is None:
        return site
    for each in site.every_language():
        if each.facts.language == language:
            return each
    raise PluginError(no_such_language(language, [each.facts.language for each in site.every_language()]))


class HandbookPlugin(BasePlugin[HandbookConfig]):
    """Renders the handbook from program.yaml and hands MkDocs the result in place of content/'s templates."""

    def __init__(self) -> None:
        self.site: RenderedSite | None = None
        self.settings: MaterialSettings | None = None
        self._prepared: RenderedSite | None = None
        self._server: LiveReloadServer | None = None
        self._build_date = contextlib.ExitStack()
        self._error: Exception | None = None
        self._all_languages = True
        """Whether a site this plugin renders itself (MkDocs run directly) brings its other languages' sites."""
        self._translations: tuple[RenderedSite, ...] = ()

    def use(self, site: RenderedSite) -> None:
        """Build this already rendered site next: `handbook build` renders first so input errors stop it early."""
        self._prepared = site

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defined so MkDocs keeps this instance across `serve` rebuilds, and with it the server to add watches to.

        `mkdocs build` (and gh-deploy) build every language, as `handbook build` does; `serve` previews one.
        """
        self._server = None
        self._all_languages = command != "serve"

    def _program_file(self, config: MkDocsConfig) -> Path:
        path = Path(os.environ.get(PROGRAM_ENV) or self.config.program)
        return path if path.is_absolute() else Path(config.config_file_path).parent / path

    @event_priority(100)  # before the search plugin, which reads theme.language in its on_config
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        problem = epoch_problem()
        if problem:
            raise PluginError(problem)
        site, self._prepared = self._prepared, None
        self._translations = ()
        sources = site.sources if site else Sources(self._program_file(config))
        self._watch(sources)
        if site is None:
            language = os.environ.get(LANGUAGE_ENV) or self.config.language
            try:  # a preview renders the language it shows, alone
                site = render_site(sources, preview=None if self._all_languages else language or "")
            except InputError as exc:
                count = len(exc.problems)
                raise PluginError(f"{count} problem{'s' if count != 1 else ''} in the handbook:\n{exc}") from exc
            site = _chosen(site, language)
            self._translations = site.translations if self._all_languages else ()
        self.site, self.settings = site, material_settings(site)
        # `mkdocs build` dates its sitemap like `handbook build` does, so the two give the same bytes.
        self._build_date.close()
        self._build_date.enter_context(pinned_build_date(site.facts.epoch))
        for key, value in self.settings.config.items():
            config[key] = value
        with speaking(site.facts.language):
            config["nav"] = translated_nav(config.nav, own_titles=not site.folder)
            toc = config.mdx_configs.setdefault("toc", {})
            if toc.get("permalink") and "permalink_title" not in toc:  # headings' link title, read by screen readers
                toc["permalink_title"] = _("Permanent link")
        for key, value in self.settings.defaults.items():
            if not config.get(key):
                config[key] = value
        for key, value in self.settings.theme.items():
            config.theme[key] = apply_palette(config.theme.get(key), value) if key == "palette" else value
        if self.settings.alternate:
            config.extra["alternate"] = self.settings.alternate
        config.extra_css.extend(css for css in self.settings.extra_css if css not in config.extra_css)
        scripts = {str(js) for js in config.extra_javascript}
        config.extra_javascript.extend(js for js in self.settings.extra_javascript if js not in scripts)
        config.extra["polyfills"] = with_polyfills(config.extra, self.settings.polyfills)["polyfills"]
        self._add_theme_overrides(config)
        return config

    def compile_theme(self, config: MkDocsConfig) -> None:
        """Compile the templates every page and static page loads, now: `handbook build` does it while the site
        renders, and each language's build (forked after) then skips compiling them."""
        self._add_theme_overrides(config)
        compile_theme(config.theme.get_env(), ["main.html", *config.theme.static_templates])

    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment:
        env.bytecode_cache = COMPILED
        return env

    @staticmethod
    def _add_theme_overrides(config: MkDocsConfig) -> None:
        """<html lang> from program.language itself: Material's nearest translation may name another (fr for fr-CA).

        The templates go right before Material's, so a custom_dir in mkdocs.yml still overrides them.
        """
        dirs = config.theme.dirs
        if str(THEME_DIR) not in dirs:
            material_dir = str(Path(material.__file__).parent / "templates")
            dirs.insert(dirs.index(material_dir) if material_dir in dirs else 0, str(THEME_DIR))

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._build_date.close()
        note = "Built by the handbook tool; `handbook build` may replace this whole folder.\n"
        (Path(config.site_dir) / SITE_MARKER).write_text(note, encoding="utf-8")
        if self._translations and self.site is not None:
            from .build import build_translations  # MkDocs run directly: the other languages' sites, as handbook's

            try:
                build_translations(self.site, Path(config.config_file_path), config.docs_dir, Path(config.site_dir))
            except InputError as exc:
                raise PluginError(str(exc)) from exc

    def on_build_error(self, *, error: Exception) -> None:
        self._build_date.close()
        self._error = error

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """Every file of the site comes from the render; docs_dir's own (unrendered templates, the pages of other
        languages in content/<language>/) are left out."""
        assert self.site is not None and self.settings is not None
        docs = Path(config.docs_dir).resolve()
        for file in list(files):
            from_docs = file.abs_src_path is not None and Path(file.abs_src_path).resolve().is_relative_to(docs)
            if from_docs and not file.generated_by and file.src_uri not in self.site.files:
                files.remove(file)
        for path, content in {**self.site.files, **self.settings.files}.items():
            original = files.get_file_from_path(path)
            if original is not None:
                files.remove(original)
            files.append(File.generated(config, path, content=content))
        return files

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Give Material the page title as HTML text in `page.meta.title`, which it writes into <title> as it is.

        Otherwise Material writes `page.title | striptags`, and striptags turns the escaped `&lt;/title&gt;` of a
        heading made from program.yaml text back into live markup.
        """
        if page.title and not page.is_homepage and not page.meta.get("title"):  # the home page shows site_name
            page.meta["title"] = page.title
        return html

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        self._server = server
        server.builder = functools.partial(self._rebuild, builder, Path(server.root))
        if self.site is not None:
            self._watch(self.site.sources)
        return server

    def _rebuild(self, builder: Callable[[], None], site_dir: Path) -> None:
        """A preview rebuild whose failure shows in the browser: every page of the preview becomes the error.

        MkDocs holds every page request until a rebuild succeeds, so a failed one raised from here would leave the
        browser waiting; returning lets it serve the error pages, and the next good build replaces them.
        """
        self._error = None
        try:
            builder()
        except Exception as exc:
            error = self._error or exc
            if not isinstance(error, BuildError):  # MkDocs has logged its own errors already
                LOG.error("the handbook could not be built: %s", error)
            page = ERROR_PAGE.format(html.escape(str(error)))
            for path in {*site_dir.rglob("*.html"), site_dir / "index.html", site_dir / "404.html"}:
                path.write_text(page, encoding="utf-8")

    def _watch(self, sources: Sources) -> None:
        """Watch the program's sources; again on each rebuild, as a content/ or forms/ folder may have appeared since.

        MkDocs ignores folder events, so a folder made while serving is watched from the next rebuild on.
        """
        if self._server is None:
            return
        for path in watched_paths(sources):
            self._server.watch(str(path))
