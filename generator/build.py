"""`handbook build` and `handbook serve`: MkDocs driven through its Python API, never writing into content/.

The site is written through `output.replacing`: whole or not at all, one build at a time.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import jinja2
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort

from .background import in_background
from .mkdocs_plugin import LANGUAGE_ENV, PROGRAM_ENV, SITE_MARKER, HandbookPlugin
from .output import check_output, replacing, scratch_beside
from .problems import InputError, Problem, show_mkdocs_log
from .site import RenderedSite, render_site, start_render
from .siteconfig import config_file
from .sources import Sources


@contextlib.contextmanager
def _empty_docs_dir() -> Iterator[str]:
    """docs_dir for MkDocs' checks: the plugin supplies every page from the program's sources instead."""
    with tempfile.TemporaryDirectory(prefix="handbook-docs-") as folder:
        yield folder


def _mkdocs_problem(sources: Sources, config: Path, message: str) -> InputError:
    return InputError([Problem(sources.display(config), 1, 1, "", message)])


def _load_config(sources: Sources, config_path: Path, docs_dir: str) -> tuple[MkDocsConfig, HandbookPlugin]:
    """MkDocs' configuration with its plugins and theme loaded, and our plugin; site_dir is set once known."""
    placeholder = f"{docs_dir}-site"  # neither inside docs_dir nor holding it, as MkDocs' checks require
    try:
        config = load_config(str(config_path), docs_dir=docs_dir, site_dir=placeholder)
    except Abort as exc:
        raise _mkdocs_problem(sources, config_path, f"MkDocs refused its configuration: {exc}") from None
    plugin = config.plugins.get("handbook")
    if not isinstance(plugin, HandbookPlugin):
        message = "the `handbook` plugin is missing from `plugins:`; add it after `search`"
        raise _mkdocs_problem(sources, config_path, message)
    return config, plugin


def build_site(program_file: Path, out_dir: Path, *, use_cache: bool = True) -> RenderedSite:
    """Render, build into a folder beside out_dir, then swap it in; InputError leaves out_dir untouched.

    Two builds of the same inputs give the same bytes, with or without SOURCE_DATE_EPOCH.
    """
    sources = Sources(program_file)
    check_output(out_dir, sources)
    return build_started(start_render(sources, use_cache=use_cache), sources, out_dir)


def build_started(rendering: Callable[[], RenderedSite], sources: Sources, out_dir: Path) -> RenderedSite:
    """Build the site a `start_render` call is rendering: MkDocs loads its plugins and compiles its theme meanwhile.

    Each language is a MkDocs build of its own. The other languages build in forked processes, each into a folder
    beside, while the default builds into the new site's root (emptying it first); each is then moved into its
    `<language>/` folder. MkDocs runs on one core, so two languages take about the time of one.
    """
    config_path = config_file(sources)  # refused before anything is written, or MkDocs reads it
    with _empty_docs_dir() as docs_dir:
        config, plugin = _load_config(sources, config_path, docs_dir)
        plugin.compile_theme(config)
        site = rendering()
        with replacing(out_dir, sources, SITE_MARKER) as new, contextlib.ExitStack() as scratch:
            started = []
            for each in site.translations:
                folder = scratch.enter_context(scratch_beside(new))
                build = functools.partial(_build_language, each, config_path, docs_dir, folder)
                started.append((each, folder, in_background(build)))
            config.site_dir = str(new)
            plugin.use(site)
            problems: list[Problem] = []
            try:
                _mkdocs_build(sources, config_path, config)
            except InputError as exc:
                problems += exc.problems
            for each, folder, finished in started:
                try:
                    finished()
                except InputError as exc:
                    problems += exc.problems
                if not problems:
                    folder.rename(new / each.folder)
            if problems:
                raise InputError(list(dict.fromkeys(problems)))
    return site


def _build_language(site: RenderedSite, config_path: Path, docs_dir: str, site_dir: Path) -> None:
    """One language's site, built with a MkDocs configuration of its own (one serves a single build)."""
    config, plugin = _load_config(site.sources, config_path, docs_dir)
    config.site_dir = str(site_dir)
    plugin.use(site)
    _mkdocs_build(site.sources, config_path, config)


def build_translations(site: RenderedSite, config_path: Path, docs_dir: str, out_dir: Path) -> None:
    """Each other language's site into its folder of a built default site: a MkDocs build of its own each."""
    for each in site.translations:
        _build_language(each, config_path, docs_dir, out_dir / each.folder)


def _mkdocs_build(sources: Sources, config_path: Path, config: MkDocsConfig) -> None:
    try:
        mkdocs_build(config)
    except Abort as exc:
        raise _mkdocs_problem(sources, config_path, f"MkDocs failed: {exc}") from None
    except jinja2.TemplateError as exc:  # the theme's own templates, given a setting they cannot use
        message = f"MkDocs' theme failed: {(exc.message or str(exc)).rstrip('.')}; check the theme settings here"
        raise _mkdocs_problem(sources, config_path, message) from None


def serve(program_file: Path, dev_addr: str | None, open_in_browser: bool, language: str | None = None) -> None:
    """MkDocs' live preview of one language's site; the plugin re-renders on each change to program.yaml, forms/ or
    content/."""
    from mkdocs.commands.serve import serve as mkdocs_serve  # the live-reload server, needless for a build

    sources = Sources(program_file)
    # Input errors reported the coordinator's way before the server starts; the preview's language alone.
    site = render_site(sources, preview=language or "")
    config_path = config_file(sources)
    show_mkdocs_log(logging.INFO)
    os.environ[PROGRAM_ENV] = str(program_file.resolve())
    os.environ[LANGUAGE_ENV] = site.facts.language
    with _empty_docs_dir() as docs_dir:
        mkdocs_serve(str(config_path), docs_dir=docs_dir, dev_addr=dev_addr, open_in_browser=open_in_browser)
