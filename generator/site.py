"""The whole handbook as a plain tree {site path: text or bytes}: pages, generated pages, PDFs, calendar, assets.

This is the core's one product for the site. The MkDocs plugin feeds it into a build and `handbook export` writes
it to disk; neither needs to know how it was made, and this module needs no MkDocs.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .background import in_background
from .cache import FOLDER, Cache, build_digest, digest, pack, unpack
from .dates import build_epoch
from .formats import HEX, LANGUAGE, MATERIAL_COLORS, URL_CHARACTERS
from .problems import InputError, Problem, warn
from .sources import Sources, defaults_root

if TYPE_CHECKING:
    from .forms import FormInfo, RenderedPdf
    from .model import Program

CALENDAR = "program.ics"


@dataclass(frozen=True)
class SiteFacts:
    """What the site build needs of program.yaml beyond the rendered files.

    Plain values, not the validated model, so a cached rebuild never imports pydantic or builds the model's
    classes: that alone would cost more than the rest of a rebuild's own work.
    """

    name: str
    agency: str
    division: str
    url: str | None
    color: str
    language: str
    """The language of this site."""
    epoch: int
    """The build date (SOURCE_DATE_EPOCH or the program's start) in seconds since 1970."""
    logo: str | None
    """program.logo as written: a cached render is reused only while that file is unchanged."""
    short_name: str
    """Shown in the header on phones, where the full name would be cut short."""
    languages: tuple[str, ...] = ()
    """Every language of the program, default first: each has its own site, linked by Material's language menu."""

    @classmethod
    def of(cls, program: Program) -> SiteFacts:
        info = program.program
        url = str(info.url) if info.url else None
        epoch = build_epoch(program)
        return cls(
            info.name,
            info.agency,
            info.division,
            url,
            info.color,
            info.language,
            epoch,
            info.logo,
            info.short_name,
            tuple(info.languages),
        )


@dataclass(frozen=True)
class RenderedSite:
    facts: SiteFacts
    sources: Sources
    files: dict[str, str | bytes]
    """Every file of the site's source tree by its path: Markdown pages as text, everything else as bytes."""
    logo: str | None
    """Path of the program's logo inside files, if it has one."""
    translations: tuple[RenderedSite, ...] = ()
    """The sites of the program's other languages, in program.languages order (the default site holds them)."""

    @property
    def folder(self) -> str:
        """Where this site goes in the published folder: the root for the default language, else `<language>/`."""
        languages = self.facts.languages
        return "" if not languages or self.facts.language == languages[0] else f"{self.facts.language}/"

    def every_language(self) -> list[RenderedSite]:
        """This site and its translations, default first."""
        return [self, *self.translations]


def _assets(sources: Sources) -> dict[str, bytes]:
    """Non-page files of content/ (images and the like)."""
    return {name: path.read_bytes() for name, path in sources.pages().items() if not name.endswith(".md")}


def render_site(sources: Sources, *, use_cache: bool = True, preview: str | None = None) -> RenderedSite:
    """Render everything, or raise InputError with every problem found in the program, forms and pages.

    With the cache, unchanged inputs give the last result without rendering (or importing the renderers), and
    unchanged forms keep their PDFs when only pages or other forms changed. `preview` renders that one language's
    site alone ("" for the default language), as a live preview shows one: the other languages' forms and pages
    are neither rendered nor checked, which halves a bilingual preview's wait.
    """
    return start_render(sources, use_cache=use_cache, preview=preview)()


def start_render(sources: Sources, *, use_cache: bool = True, preview: str | None = None) -> Callable[[], RenderedSite]:
    """`render_site` begun: a cached render is ready at once, any other renders in a forked process meanwhile.

    The cache is looked up here, not in the worker, so a cached rebuild neither forks nor loads a renderer.
    """
    cache = Cache(sources.root / FOLDER) if use_cache else None
    if cache is None:
        return in_background(functools.partial(_render, sources, None, preview))
    try:
        key = _site_key(sources)
    except OSError:  # an unreadable input: the render reports it where it belongs
        return in_background(functools.partial(_render, sources, None, preview))
    if preview is not None:
        key = digest("preview", key, preview)
    site = _cached_site(cache.get(key), sources)
    if site is not None:
        return lambda: site
    return in_background(functools.partial(_render_and_store, sources, cache, key, preview))


def _render_and_store(sources: Sources, cache: Cache, key: str, preview: str | None) -> RenderedSite:
    site = _render(sources, cache, preview)
    cache.put(key, _packed_site(site))
    cache.prune()
    return site


def _render(sources: Sources, cache: Cache | None, preview: str | None = None) -> RenderedSite:
    """The default language's site holding the other languages' sites; every problem of every language at once.

    With `preview`, that language's site alone (its program is still checked in every language).
    """
    from .i18n import no_such_language, tool_catalog
    from .program import load_programs

    try:
        programs = list(load_programs(sources).values())
    except InputError as exc:
        raise InputError(exc.problems + _unbound_problems(sources)) from None
    languages = tuple(programs[0].program.languages)
    if preview is not None:
        chosen = [each for each in programs if each.program.language == (preview or languages[0])]
        if not chosen:
            where = sources.display(sources.program_file)
            raise InputError([Problem(where, 1, 1, "", no_such_language(preview, list(languages)))])
        programs = chosen
    problems = [problem for each in programs for problem in tool_catalog(each.program.language)[1]]
    if problems:
        raise InputError(list(dict.fromkeys(problems)))
    from . import calendar, forms, generated, pages  # noqa: F401  loaded once, before the languages' processes fork

    locals_ = [sources.speaking(each.program.language, languages) for each in programs]
    lookups = [_look_up_forms(each, local, cache) for each, local in zip(programs, locals_, strict=True)]
    if not all(lookup.complete for lookup in lookups):
        from .pdf.styles import preload_fonts  # the renderer too: loaded and parsed once, not in every process

        preload_fonts()
    # Several languages render in a process each, side by side; one renders here. Each language's forms render in
    # its share of the cores meanwhile: two processes for one language on two cores, one each for two languages.
    start = in_background if len(programs) > 1 else _at_once
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    processes = max(1, cores // len(programs))
    started = []
    for each, local, lookup in zip(programs, locals_, lookups, strict=True):
        work = functools.partial(_language_site, each, local, cache, lookup, processes)
        started.append((local, start(work)))
    sites = []
    for local, rendering in started:
        try:
            sites.append(rendering())
        except InputError as exc:
            problems += exc.problems
        if local.language:
            missing, stale = _translation_problems(sources, local)
            problems += missing
            warn(stale)
    if problems:
        raise InputError(list(dict.fromkeys(problems)))
    return dataclasses.replace(sites[0], translations=tuple(sites[1:]))


def _at_once(work: Callable[[], RenderedSite]) -> Callable[[], RenderedSite]:
    return work


def _language_site(
    program: Program, sources: Sources, cache: Cache | None, lookup: _FormLookup, processes: int
) -> RenderedSite:
    """One language's site: its forms start rendering first, and broken forms stop it before its pages, which
    would only echo them."""
    from .i18n import speaking

    with speaking(program.program.language):
        infos, rendering = _forms(program, sources, cache, lookup, processes)
        return _render_language(program, sources, infos, rendering)


def _render_language(
    program: Program, sources: Sources, infos: list[FormInfo], rendering: Callable[[], dict[str, RenderedPdf]]
) -> RenderedSite:
    """One language's site from its program, sources and forms being rendered."""
    # Imported here, not at the top: a cached rebuild needs none of them, and they (ReportLab, pypdf, Babel,
    # icalendar) are most of what a rebuild would otherwise spend beyond MkDocs' own time.
    from .calendar import program_calendar
    from .generated import generated_pages
    from .pages import form_links, milestone_views, render_pages

    forms = form_links(infos)
    problems: list[Problem] = []
    pages: dict[str, str] = {}
    try:
        pages = render_pages(program, sources, forms)
    except InputError as exc:
        problems += exc.problems
    calendar = program_calendar(program, milestone_views(program, forms))
    pdfs = rendering()  # the forms' PDFs were rendering meanwhile
    generated = generated_pages(program, forms, pdfs)
    for name in generated.keys() & pages.keys():
        where = sources.display(sources.pages()[name])
        problems.append(Problem(where, 1, 1, "", f"{name} is generated from program.yaml; rename or remove this file"))
    if problems:
        raise InputError(problems)
    files: dict[str, str | bytes] = {**_assets(sources), **pages, **generated}
    files.update({f"forms/{form_id}.pdf": pdf.data for form_id, pdf in pdfs.items()})
    files[CALENDAR] = calendar
    logo = None
    if program.program.logo:
        data = (sources.root / program.program.logo).read_bytes()
        # Named by what the file is (load_program let only PNG and JPEG through), never by its name as written:
        # the path goes into the theme's <img src> and <link href>, where a crafted suffix would be markup.
        logo = "assets/logo.png" if data.startswith(b"\x89PNG") else "assets/logo.jpg"
        files[logo] = data
    return RenderedSite(SiteFacts.of(program), sources, files, logo)


def _translation_problems(sources: Sources, translated: Sources) -> tuple[list[Problem], list[Problem]]:
    """English pages with no version in another language (problems: that site would lack them), and the program's
    own pages whose version in that language is still the shipped one (warnings: it may now say something else)."""
    from .i18n import locale

    language = translated.language or ""
    name = locale(language).english_name or language
    pages = dataclasses.replace(sources, language=None, languages=translated.languages).pages()
    others = translated.pages()
    missing, stale = [], []
    for page, path in pages.items():
        if not page.endswith(".md"):
            continue
        wanted = sources.root / "content" / language / page
        if page not in others:
            message = f"this page has no {name} version; translate it into {sources.display(wanted)}"
            missing.append(Problem(sources.display(path), 1, 1, "", message))
        elif sources.own(path) and not sources.own(others[page]):
            message = (
                f"this page is the program's own, but its {name} version is still the shipped one, which may say "
                f"something else; translate this page into {sources.display(wanted)}"
            )
            stale.append(Problem(sources.display(path), 1, 1, "", message))
    return missing, stale


def _unbound_problems(sources: Sources) -> list[Problem]:
    """Problems of the form files and pages that need no program to find, so a broken program.yaml hides none."""
    from .formdefs import form_file_problems
    from .pages import page_problems

    problems = [p for path in sources.form_files().values() for p in form_file_problems(path, sources.display(path))]
    return problems + page_problems(sources)[0]


@dataclass(frozen=True)
class _FormLookup:
    """A language's enabled forms, their cache keys, and those the cache already holds."""

    enabled: list[str]
    keys: dict[str, str]
    cached: dict[str, tuple[FormInfo, RenderedPdf]]

    @property
    def complete(self) -> bool:
        return len(self.cached) == len(self.enabled)


def _look_up_forms(program: Program, sources: Sources, cache: Cache | None) -> _FormLookup:
    """A form's key covers all that shapes its PDF: the validated program (in this language), its definition file,
    the catalogs translating form files, the logo, the tool (code, fonts, library versions) and SOURCE_DATE_EPOCH.
    Any change to program.yaml thus renders every form.
    """
    from .formdefs import ordered_ids
    from .formtext import catalog_files

    files = sources.form_files()
    enabled = [form_id for form_id in ordered_ids(list(files)) if program.form_enabled(form_id)]
    keys: dict[str, str] = {}
    cached: dict[str, tuple[FormInfo, RenderedPdf]] = {}
    if cache is not None:
        logo = (sources.root / program.program.logo).read_bytes() if program.program.logo else b""
        catalogs = [path.read_bytes() for path in catalog_files(program.program.language, sources) if path.is_file()]
        shared = (build_digest(), program.model_dump_json(), logo, *catalogs)
        keys = {form_id: digest("form", *shared, form_id, files[form_id].read_bytes()) for form_id in enabled}
        for form_id, key in keys.items():
            entry = _cached_form(form_id, cache.get(key))
            if entry is not None:
                cached[form_id] = entry
    return _FormLookup(enabled, keys, cached)


def _forms(
    program: Program, sources: Sources, cache: Cache | None, lookup: _FormLookup, processes: int
) -> tuple[list[FormInfo], Callable[[], dict[str, RenderedPdf]]]:
    """Catalogue entries of the enabled forms, and a function giving their PDFs, which render meanwhile.

    Definitions are loaded (once) only if some form is not in the cache.
    """
    from . import forms as api  # looked up at call time, so a test can count render_form calls

    enabled, keys, cached = lookup.enabled, lookup.keys, lookup.cached
    if lookup.complete:
        return [cached[form_id][0] for form_id in enabled], lambda: {form_id: cached[form_id][1] for form_id in enabled}
    definitions = api.load_form_definitions(program, sources)  # InputError lists every problem in every form
    api.warn_unprintable(sources, definitions)
    infos = [api.FormInfo.of(f) for f in definitions.values()]
    missing = [info.id for info in infos if info.id not in cached]
    rendering = api.render_in_background(program, definitions, sources, missing, processes)

    def pdfs() -> dict[str, RenderedPdf]:
        rendered = rendering()
        if cache is not None:
            for info in infos:
                if info.id in rendered:
                    meta = {
                        "title": info.title,
                        "description": info.description,
                        "who": info.who,
                        "minutes": info.minutes,
                        "pages": rendered[info.id].pages,
                    }
                    cache.put(keys[info.id], pack(meta, [rendered[info.id].data]))
        return {info.id: rendered[info.id] if info.id in rendered else cached[info.id][1] for info in infos}

    return infos, pdfs


def _cached_form(form_id: str, entry: bytes | None) -> tuple[FormInfo, RenderedPdf] | None:
    if entry is None:
        return None
    from .forms import FormInfo, RenderedPdf

    try:
        meta, (pdf,) = unpack(entry)
        texts = (meta["title"], meta["description"], meta["who"])
        minutes, pages = meta["minutes"], meta["pages"]
    except (ValueError, KeyError, TypeError):
        return None
    if not all(isinstance(text, str) for text in texts):
        return None
    if minutes is not None and (not isinstance(minutes, int) or isinstance(minutes, bool)):
        return None
    if not isinstance(pages, int) or isinstance(pages, bool) or pages < 1:
        return None
    return FormInfo(form_id, *texts, minutes), RenderedPdf(pdf, pages)


def _site_key(sources: Sources) -> str:
    """Every file a render may read, by name and bytes, except the logo: its path is known only after loading.

    Pages of every language, and the form folders whole: the form files and the catalogs that translate them.
    """
    parts: list[bytes | str] = [build_digest(), sources.program_file.read_bytes()]
    for kind, found in (("content", sources.content_files()), ("forms", sources.form_folder_files())):
        for name, path in found.items():
            parts += [f"{kind}/{name}", path.read_bytes()]
    return digest("site", *parts)


def _packed_site(site: RenderedSite) -> bytes:
    metas, blobs = [], []
    for each in site.every_language():
        names = list(each.files)
        metas.append(
            {
                "facts": asdict(each.facts),
                "logo": each.logo,
                "files": [[name, isinstance(each.files[name], str)] for name in names],
            }
        )
        blobs += [v.encode("utf-8") if isinstance(v, str) else v for v in each.files.values()]
    return pack({"sites": metas}, blobs)


def _site_path(name: object) -> bool:
    """Whether `name` is a plain relative path inside the site: the only kind a build or an export may write."""
    if not isinstance(name, str) or not name or any(c in name for c in "\\:\0") or name.startswith("/"):
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


def _plausible(facts: SiteFacts) -> bool:
    """Whether stored facts have the shapes program.yaml's checks gave them: they go into HTML, CSS and paths."""
    texts = (facts.name, facts.short_name, facts.agency, facts.division, facts.color, facts.language)
    return (
        all(isinstance(text, str) for text in texts)
        and (facts.url is None or (isinstance(facts.url, str) and bool(URL_CHARACTERS.match(facts.url))))
        and (facts.color.lower() in MATERIAL_COLORS or bool(HEX.match(facts.color)))
        and bool(LANGUAGE.match(facts.language))
        and isinstance(facts.languages, tuple)
        and all(isinstance(tag, str) and LANGUAGE.match(tag) for tag in facts.languages)
        and isinstance(facts.epoch, int)
        and not isinstance(facts.epoch, bool)
        and (facts.logo is None or _site_path(facts.logo))
    )


def _cached_site(entry: bytes | None, sources: Sources) -> RenderedSite | None:
    """The stored render, if intact and its logo (read after the key was made) is still the same file.

    A cache entry is data someone else may have written: an entry naming a file outside the site (`../x`,
    `/etc/x`) or facts of a shape program.yaml could not have is ignored, and the site rendered afresh.
    """
    if entry is None:
        return None
    try:
        meta, blobs = unpack(entry)
        sites = []
        offset = 0
        for stored in meta["sites"]:
            facts = SiteFacts(**{**stored["facts"], "languages": tuple(stored["facts"]["languages"])})
            count = len(stored["files"])
            files = {
                name: blob.decode("utf-8") if text else blob
                for (name, text), blob in zip(stored["files"], blobs[offset : offset + count], strict=True)
            }
            offset += count
            sites.append((facts, files, stored["logo"]))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    if not sites or offset != len(blobs):
        return None
    found = []
    for facts, files, logo in sites:
        known_logo = logo is None or (isinstance(logo, str) and logo in files)
        if not (all(map(_site_path, files)) and _plausible(facts) and known_logo):
            return None
        if facts.logo is not None:
            try:
                if (sources.root / facts.logo).read_bytes() != files[logo]:
                    return None
            except (OSError, KeyError):
                return None  # the logo went missing: load_program reports it where it belongs
        local = sources.speaking(facts.language, facts.languages or (facts.language,))
        found.append(RenderedSite(facts, local, files, logo))
    return dataclasses.replace(found[0], translations=tuple(found[1:]))


def watched_paths(sources: Sources) -> list[Path]:
    """What a live preview must watch: program.yaml, and content/ and forms/ both shipped and the program's own."""
    folders = [base / name for base in (defaults_root(), sources.root) for name in ("content", "forms")]
    return [sources.program_file, *dict.fromkeys(f.resolve() for f in folders if f.is_dir())]
