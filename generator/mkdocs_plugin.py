"""The one place MkDocs meets the core: a thin plugin that feeds the rendered site into a Material build.

    plugins:
      - search
      - handbook:
          program: program.yaml   # relative to mkdocs.yml; HANDBOOK_PROGRAM (set by `handbook serve`) wins

Every page, generated page, PDF, calendar and asset comes from `render_site`; the files MkDocs found in docs_dir
under the same paths (the unrendered templates) are replaced, so docs_dir may even be empty.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import material
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from .model import MATERIAL_COLORS
from .problems import InputError
from .site import RenderedSite, render_site, watched_paths
from .sources import Sources

PROGRAM_ENV = "HANDBOOK_PROGRAM"
COLOR_CSS = "assets/program-color.css"
_ACCENTS = frozenset(MATERIAL_COLORS) - {"brown", "grey", "blue grey", "black", "white"}  # Material has no such accents


@dataclass(frozen=True)
class MaterialSettings:
    """What program.yaml decides about a Material site; applied by the plugin and written out by export."""

    config: dict[str, Any]
    """Top-level mkdocs.yml keys program.yaml owns."""
    defaults: dict[str, Any]
    """Top-level keys filled in only where mkdocs.yml leaves them empty."""
    theme: dict[str, Any]
    files: dict[str, str] = field(default_factory=dict)
    """Extra files the settings need (a stylesheet for a hex colour)."""
    extra_css: list[str] = field(default_factory=list)


@cache
def _material_languages() -> dict[str, str]:
    folder = Path(material.__file__).parent / "templates" / "partials" / "languages"
    return {path.stem.lower(): path.stem for path in folder.glob("*.html")}


def material_language(tag: str) -> str:
    """Material's name for a BCP 47 tag: the tag itself, its language subtag, or English when Material lacks both."""
    languages = _material_languages()
    for candidate in (tag, tag.split("-")[0]):
        if candidate.lower() in languages:
            return languages[candidate.lower()]
    return "en"


def _luminance(hex_color: str) -> float:
    channels = [int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4 for x in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _color_css(hex_color: str) -> str:
    """Material's `custom` primary colour, with header text black or white, whichever contrasts more."""
    lum = _luminance(hex_color) + 0.05
    text = "#000000de" if lum / 0.05 > 1.05 / lum else "#ffffff"
    return (
        ":root > * {\n"
        f"  --md-primary-fg-color: {hex_color};\n"
        f"  --md-primary-fg-color--light: {hex_color};\n"
        f"  --md-primary-fg-color--dark: {hex_color};\n"
        f"  --md-primary-bg-color: {text};\n"
        f"  --md-primary-bg-color--light: {text};\n"
        "}\n"
    )


def material_settings(site: RenderedSite) -> MaterialSettings:
    info = site.program.program
    color = info.color.lower()
    palette = {"primary": "custom" if color.startswith("#") else color}
    if color in _ACCENTS:
        palette["accent"] = color
    theme: dict[str, Any] = {"language": material_language(info.language), "palette": palette}
    if site.logo:
        theme.update(logo=site.logo, favicon=site.logo)
    defaults = {"copyright": f"{info.agency}, {info.division}", "site_url": info.url}
    settings = MaterialSettings({"site_name": info.name}, defaults, theme)
    if color.startswith("#"):
        settings.files[COLOR_CSS] = _color_css(color)
        settings.extra_css.append(COLOR_CSS)
    return settings


def apply_palette(current: Any, palette: dict[str, str]) -> Any:
    """The program's colours over mkdocs.yml's palette, kept as a list when it toggles light and dark schemes."""
    if isinstance(current, list):
        return [{**scheme, **palette} if isinstance(scheme, dict) else scheme for scheme in current]
    return {**(current if isinstance(current, dict) else {}), **palette}


class HandbookConfig(Config):
    program = c.Type(str, default="program.yaml")


class HandbookPlugin(BasePlugin[HandbookConfig]):
    """Renders the handbook from program.yaml and hands MkDocs the result in place of content/'s templates."""

    def __init__(self) -> None:
        self.site: RenderedSite | None = None
        self.settings: MaterialSettings | None = None
        self._prepared: RenderedSite | None = None
        self._server: LiveReloadServer | None = None

    def use(self, site: RenderedSite) -> None:
        """Build this already rendered site next: `handbook build` renders first so input errors stop it early."""
        self._prepared = site

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defined so MkDocs keeps this instance across `serve` rebuilds, and with it the server to add watches to."""
        self._server = None

    def _program_file(self, config: MkDocsConfig) -> Path:
        path = Path(os.environ.get(PROGRAM_ENV) or self.config.program)
        return path if path.is_absolute() else Path(config.config_file_path).parent / path

    @event_priority(100)  # before the search plugin, which reads theme.language in its on_config
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        site, self._prepared = self._prepared, None
        sources = site.sources if site else Sources(self._program_file(config))
        self._watch(sources)
        if site is None:
            try:
                site = render_site(sources)
            except InputError as exc:
                count = len(exc.problems)
                raise PluginError(f"{count} problem{'s' if count != 1 else ''} in the handbook:\n{exc}") from exc
        self.site, self.settings = site, material_settings(site)
        for key, value in self.settings.config.items():
            config[key] = value
        for key, value in self.settings.defaults.items():
            if not config.get(key):
                config[key] = value
        for key, value in self.settings.theme.items():
            config.theme[key] = apply_palette(config.theme.get(key), value) if key == "palette" else value
        config.extra_css.extend(css for css in self.settings.extra_css if css not in config.extra_css)
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        assert self.site is not None and self.settings is not None
        for path, content in {**self.site.files, **self.settings.files}.items():
            original = files.get_file_from_path(path)
            if original is not None:
                files.remove(original)
            files.append(File.generated(config, path, content=content))
        return files

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        self._server = server
        if self.site is not None:
            self._watch(self.site.sources)
        return server

    def _watch(self, sources: Sources) -> None:
        """Watch the program's sources; again on each rebuild, as a content/ or forms/ folder may have appeared since.

        MkDocs ignores folder events, so a folder made while serving is watched from the next rebuild on.
        """
        if self._server is None:
            return
        for path in watched_paths(sources):
            self._server.watch(str(path))
