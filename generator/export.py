"""`handbook export DIR`: the rendered handbook as plain Markdown plus assets and an mkdocs.yml without our plugin.

Material reaches end of life in 2027 and its successor (Zensical) reads mkdocs.yml but runs no third-party plugins,
so the export is what any engine can build: `mkdocs build` or `zensical build` inside DIR.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml
from mkdocs.utils.yaml import yaml_load

from .i18n import speaking
from .mkdocs_plugin import (
    THEME_DIR,
    MaterialSettings,
    apply_palette,
    material_settings,
    translated_nav,
    with_polyfills,
)
from .output import check_output, replacing
from .site import RenderedSite, render_site
from .siteconfig import config_file
from .sources import Sources

DOCS = "docs"
MARKER = ".handbook-export"
"""Written into every export, so a later export replaces only a folder an export made."""
OVERRIDES = "overrides"
HEADER = """\
# Exported by `handbook export` from program.yaml: pages, forms and calendar are already rendered, so this site
# builds without the handbook plugin, with `mkdocs build` or `zensical build`. Edit program.yaml and export again
# rather than editing these files.
"""


def _without_handbook(plugins: Any) -> Any:
    if isinstance(plugins, dict):
        return {name: options for name, options in plugins.items() if name != "handbook"}
    return [p for p in plugins if p != "handbook" and not (isinstance(p, dict) and "handbook" in p)]


def _copy_unless_present(source: str, target: str) -> None:
    """A coordinator's own override of the same template wins over ours."""
    if not Path(target).exists():
        shutil.copy2(source, target)


def export_config(
    raw: dict[str, Any], settings: MaterialSettings, source_dir: Path
) -> tuple[dict[str, Any], Path | None]:
    """The mkdocs.yml for the export, and the theme's custom_dir to copy beside it (if any)."""
    # Plain str, not Markup: yaml.dump would write a str subclass as a Python object tag.
    config = {**raw, "docs_dir": DOCS, "site_dir": "site", **{k: str(v) for k, v in settings.config.items()}}
    for key, value in settings.defaults.items():
        if value and not config.get(key):
            config[key] = value
    theme = raw.get("theme", {})
    theme = {"name": theme} if isinstance(theme, str) else dict(theme)
    for key, value in settings.theme.items():
        theme[key] = apply_palette(theme.get(key), value) if key == "palette" else value
    custom_dir = source_dir / theme["custom_dir"] if theme.get("custom_dir") else None
    # Our template overrides (the page language) travel in the export's custom_dir, beside the coordinator's.
    theme["custom_dir"] = OVERRIDES
    config["theme"] = theme
    for key, ours in (("extra_css", settings.extra_css), ("extra_javascript", settings.extra_javascript)):
        config[key] = [*raw.get(key, []), *ours]
        if not config[key]:
            del config[key]
    config["extra"] = with_polyfills(raw.get("extra"), settings.polyfills)
    if settings.alternate:
        config["extra"]["alternate"] = settings.alternate
    config["plugins"] = _without_handbook(raw.get("plugins", ["search"]))
    return config, custom_dir


def export_site(program_file: Path, out_dir: Path) -> RenderedSite:
    """Render and write DIR/mkdocs.yml and DIR/docs/; DIR is replaced whole, and only when everything succeeded.

    Each other language of the program is a project of its own in DIR/<language>/, whose site goes into
    DIR/site/<language>/ beside the default language's, as `handbook build` lays them out.
    """
    sources = Sources(program_file)
    check_output(out_dir, sources)
    site = render_site(sources)
    source = config_file(sources)
    with source.open("rb") as handle:
        raw = yaml_load(handle)
    with replacing(out_dir, sources, MARKER) as new:
        (new / MARKER).write_text("Made by `handbook export`; the next export replaces this folder.\n")
        for each in site.every_language():
            _export_language(each, raw, source.parent, new / each.folder, each.folder)
    return site


def _export_language(site: RenderedSite, raw: dict[str, Any], source_dir: Path, target: Path, folder: str) -> None:
    settings = material_settings(site)
    config, custom_dir = export_config(raw, settings, source_dir)
    if folder:
        config["site_dir"] = f"../site/{folder}"
    if config.get("nav"):
        with speaking(site.facts.language):
            config["nav"] = translated_nav(config["nav"], own_titles=not folder)
    for path, content in {**site.files, **settings.files}.items():
        written = target / DOCS / path
        written.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            written.write_text(content, encoding="utf-8")
        else:
            written.write_bytes(content)
    if custom_dir is not None:
        shutil.copytree(custom_dir, target / OVERRIDES)
    shutil.copytree(THEME_DIR, target / OVERRIDES, dirs_exist_ok=True, copy_function=_copy_unless_present)
    text = yaml.dump(config, sort_keys=False, allow_unicode=True, default_flow_style=False)
    (target / "mkdocs.yml").write_text(HEADER + text, encoding="utf-8")
