"""The handbook site as participants get it: real MkDocs builds of the example into temporary folders."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import icalendar
import pytest
import yaml
from click.testing import CliRunner
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from generator.build import build_site
from generator.cli import main
from generator.output import replacing
from generator.problems import InputError
from generator.program import load_program
from generator.sources import Sources

from .conftest import EXAMPLE, FEW_FORMS, ROOT, one_language

NAV_PAGES = [
    next(iter(item.values())) for item in yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
]
PROGRAM = load_program(Sources(EXAMPLE))
ENABLED = [
    form_id for form_id in sorted(p.stem for p in (ROOT / "forms").glob("*.yaml")) if PROGRAM.form_enabled(form_id)
]


class _Html(HTMLParser):
    """Links, resources and element ids of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.resources: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag == "link" and "href" in a:
            (self.links if a.get("rel") in ("canonical", "alternate", "prev", "next") else self.resources).append(
                a["href"]
            )
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed") and "src" in a:
            self.resources.append(a["src"])
        if "srcset" in a:
            self.resources += [part.split()[0] for part in a["srcset"].split(",") if part.strip()]
        if tag == "object" and "data" in a:
            self.resources.append(a["data"])


def parse(page: Path) -> _Html:
    parser = _Html()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def pdf_links(page: Path) -> set[str]:
    return {href for href in parse(page).links if href.endswith(".pdf")}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example program built once for the module, the way `handbook build` does it."""
    out = tmp_path_factory.mktemp("example") / "site"
    build_site(EXAMPLE, out)
    return out


@pytest.fixture(scope="module")
def changed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the example in English with a new name, a later start and one form switched off."""
    folder = tmp_path_factory.mktemp("changed")
    text = one_language("en")
    for old, new in [
        ("  name: Bridges Workplace Mentoring Program", "  name: Crossings Field Mentoring Program"),
        ("start: 2027-02-01", "start: 2028-03-06"),
        ("  closure-evaluation:\n    enabled: true", "  closure-evaluation:\n    enabled: false"),
    ]:
        assert old in text
        text = text.replace(old, new, 1)
    (folder / "program.yaml").write_text(text, encoding="utf-8")
    build_site(folder / "program.yaml", folder / "site")
    return folder / "site"


def test_every_page_of_the_nav_is_built(site: Path) -> None:
    assert NAV_PAGES[:1] == ["index.md"] and {"forms.md", "timeline.md"} <= set(NAV_PAGES)
    for page in NAV_PAGES:
        html = site / page.replace(".md", ".html")
        assert html.is_file(), page
        assert "{{" not in html.read_text(encoding="utf-8"), f"unrendered placeholder in {page}"
    assert (site / "program.ics").is_file()


def test_every_internal_link_and_download_resolves(site: Path) -> None:
    pages = {p: parse(p) for p in site.rglob("*.html")}
    broken = []
    for page, parsed in pages.items():
        for href in parsed.links + parsed.resources:
            url = urlsplit(href)
            if url.scheme or href.startswith("//") or not (url.path or url.fragment):
                continue
            base = site if url.path.startswith("/") else page.parent  # 404.html links from the site's root
            target = (base / unquote(url.path).lstrip("/")).resolve() if url.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.name}: {href}")
            elif url.fragment and target.suffix == ".html" and url.fragment not in pages[target].ids:
                broken.append(f"{page.name}: {href} (no such anchor)")
    assert not broken, broken


def test_forms_page_lists_exactly_the_enabled_forms(site: Path, changed_site: Path) -> None:
    assert pdf_links(site / "forms.html") == {f"forms/{form_id}.pdf" for form_id in ENABLED}
    assert sorted(p.stem for p in (site / "forms").glob("*.pdf")) == ENABLED
    page = (site / "forms.html").read_text(encoding="utf-8")
    assert re.search(r"PDF, \d+ KB, \d+ pages?\)", page)
    assert 'id="keyboard-and-screen-reader"' in page

    enabled = [form_id for form_id in ENABLED if form_id != "closure-evaluation"]
    assert pdf_links(changed_site / "forms.html") == {f"forms/{form_id}.pdf" for form_id in enabled}
    assert sorted(p.stem for p in (changed_site / "forms").glob("*.pdf")) == enabled
    assert "closure-evaluation" not in (changed_site / "timeline.html").read_text(encoding="utf-8")


def test_timeline_dates_are_computed_from_the_start(site: Path, changed_site: Path) -> None:
    page = (site / "timeline.html").read_text(encoding="utf-8")
    assert '<time datetime="2027-02-15">February 15, 2027</time>' in page  # first meeting: start + 14 days
    for milestone in PROGRAM.schedule.milestones:
        day = PROGRAM.schedule.start + dt.timedelta(days=milestone.offset_days)
        assert f'<time datetime="{day.isoformat()}">' in page, milestone.id
    moved = (changed_site / "timeline.html").read_text(encoding="utf-8")
    assert '<time datetime="2028-03-20">March 20, 2028</time>' in moved
    assert "February 15, 2027" not in moved


def test_a_change_in_program_yaml_appears_on_the_site(site: Path, changed_site: Path) -> None:
    assert "Bridges Workplace Mentoring Program" in (site / "index.html").read_text(encoding="utf-8")
    for page in ("index.html", "forms.html", "timeline.html"):
        text = (changed_site / page).read_text(encoding="utf-8")
        assert "Crossings Field Mentoring Program" in text, page
        assert "Bridges Workplace Mentoring Program" not in text, page


def test_calendar_has_the_start_each_milestone_and_the_end_as_all_day_events(site: Path) -> None:
    calendar = icalendar.Calendar.from_ical((site / "program.ics").read_bytes())
    events = calendar.walk("VEVENT")
    start = PROGRAM.schedule.start
    milestones = [start + dt.timedelta(days=m.offset_days) for m in PROGRAM.schedule.milestones]
    assert [e.decoded("dtstart") for e in events] == sorted([start, *milestones, PROGRAM.end_date])
    assert all(type(e.decoded("dtstart")) is dt.date for e in events)
    summaries = [str(e["summary"]) for e in events]
    assert summaries[0].endswith(": Applications due") and summaries[1].endswith(": Program starts")
    assert summaries[-1].endswith(": Program ends")
    assert len({str(e["uid"]) for e in events}) == len(events)


def _calendar(program_file: Path) -> icalendar.Calendar:
    """The program's calendar alone (without forms in the descriptions), built as `handbook build` builds it."""
    from generator.calendar import program_calendar
    from generator.pages import milestone_views

    program = load_program(Sources(program_file))
    return icalendar.Calendar.from_ical(program_calendar(program, milestone_views(program, [])))


def test_calendar_uids_differ_from_one_program_year_to_the_next(program_copy) -> None:
    this_year = {str(e["uid"]) for e in _calendar(EXAMPLE).walk("VEVENT")}
    next_year = {
        str(e["uid"]) for e in _calendar(program_copy(("start: 2027-02-01", "start: 2028-02-01"))).walk("VEVENT")
    }
    assert len(this_year) == len(next_year) == len(PROGRAM.schedule.milestones) + 2
    assert not this_year & next_year, "importing next year's calendar must not move this year's events"
    assert all(".20270201." in uid for uid in this_year)


def test_calendar_is_never_stamped_in_the_future(program_copy, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    now = dt.datetime.now(dt.timezone.utc)
    future = program_copy(("start: 2027-02-01", f"start: {now.year + 3}-02-01"))
    stamps = {e.decoded("dtstamp") for e in _calendar(future).walk("VEVENT")}
    assert len(stamps) == 1 and next(iter(stamps)) <= now
    past = program_copy(("start: 2027-02-01", "start: 2020-02-03"), ("deadline: 2027-01-11", "deadline: 2020-01-13"))
    assert {e.decoded("dtstamp") for e in _calendar(past).walk("VEVENT")} == {
        dt.datetime(2020, 2, 3, tzinfo=dt.timezone.utc)
    }
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert {e.decoded("dtstamp") for e in _calendar(future).walk("VEVENT")} == {
        dt.datetime.fromtimestamp(1700000000, dt.timezone.utc)
    }


def test_no_page_loads_anything_from_another_host(site: Path) -> None:
    remote = re.compile(r"^(https?:)?//", re.IGNORECASE)
    found = [f"{p.name}: {r}" for p in site.rglob("*.html") for r in parse(p).resources if remote.match(r)]
    for css in site.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        found += [f"{css.name}: {u}" for u in re.findall(r"url\(\s*['\"]?((?:https?:)?//[^)'\"]+)", text)]
        found += [f"{css.name}: {u}" for u in re.findall(r"@import\s+['\"]((?:https?:)?//[^'\"]+)", text)]
    assert not found, found


def _with_page(tmp_path: Path, name: str, text: str) -> Path:
    """A copy of the example, in English with few forms, whose own content/ overrides one page."""
    folder = tmp_path / "prog"
    (folder / "content").mkdir(parents=True)
    (folder / "program.yaml").write_text(one_language("en", FEW_FORMS), encoding="utf-8")
    (folder / "content" / name).write_text(text, encoding="utf-8")
    return folder / "program.yaml"


def test_an_undefined_placeholder_fails_with_its_file_and_line(tmp_path: Path, site: Path) -> None:
    program_file = _with_page(
        tmp_path, "journey.md", "# Journey\n\nRun by {{ program.agency }}.\n{{ programme.name }}\n"
    )
    previous = tmp_path / "published"
    shutil.copytree(site, previous)
    before = tree_digest(previous)

    with pytest.raises(InputError) as caught:
        build_site(program_file, previous)
    (problem,) = caught.value.problems
    assert problem.file.endswith("prog/content/journey.md") and problem.line == 4
    assert "'programme' is undefined" in problem.message and "did you mean 'program'?" in problem.message

    result = CliRunner().invoke(main, ["build", "-p", str(program_file), "-o", str(previous)])
    assert result.exit_code == 1
    assert "content/journey.md:4" in result.output

    assert tree_digest(previous) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["prog", "published"]


def test_page_templates_cannot_reach_python_internals(tmp_path: Path) -> None:
    program_file = _with_page(tmp_path, "index.md", "# Home\n\n{{ program.__class__.__init__.__globals__ }}\n")
    with pytest.raises(InputError) as caught:
        build_site(program_file, tmp_path / "site")
    (problem,) = caught.value.problems
    assert problem.file.endswith("content/index.md") and problem.line == 3 and "unsafe" in problem.message


@pytest.mark.parametrize(
    ("config", "error"),
    [
        ("theme: {name: no-such-theme}\n", InputError),  # refused before anything is built
        ("strict: true\n", InputError),  # the broken link fails the build after every page was written
    ],
)
def test_a_failed_mkdocs_build_leaves_the_previous_site(
    tmp_path: Path, site: Path, config: str, error: type[Exception]
) -> None:
    program_file = _with_page(tmp_path, "index.md", "# Home\n\n[Gone](missing.md)\n")
    shutil.copy(ROOT / "mkdocs.yml", program_file.parent / "base.yml")
    (program_file.parent / "mkdocs.yml").write_text(f"INHERIT: base.yml\n{config}", encoding="utf-8")
    previous = tmp_path / "published"
    shutil.copytree(site, previous)
    before = tree_digest(previous)

    with pytest.raises(error):
        build_site(program_file, previous)
    assert tree_digest(previous) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["prog", "published"]


def test_an_interrupted_swap_is_repaired_by_the_next_build(tmp_path: Path) -> None:
    target = tmp_path / "site"
    (tmp_path / ".site.old-killed").mkdir()
    (tmp_path / ".site.old-killed" / "index.html").write_text("last good")
    (tmp_path / ".site.new-halfway").mkdir()
    with pytest.raises(RuntimeError), replacing(target, Sources(EXAMPLE), "index.html"):
        raise RuntimeError("this build fails too")
    assert (target / "index.html").read_text() == "last good"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_mkdocs_build_at_the_root_gives_the_same_site(tmp_path: Path, site: Path) -> None:
    content_before = tree_digest(ROOT / "content")
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    mkdocs_build(config)
    assert tree_digest(ROOT / "content") == content_before
    built = tree_digest(tmp_path / "site")
    ours = tree_digest(site)
    assert built.keys() == ours.keys()
    assert [name for name in built if built[name] != ours[name]] == [], "sitemap dates included: byte-identical"
    assert "SOURCE_DATE_EPOCH" not in os.environ, "the plugin restores the environment after building"


def test_export_builds_with_plain_mkdocs(tmp_path: Path, site: Path) -> None:
    out = tmp_path / "export"
    result = CliRunner().invoke(main, ["export", "-p", str(EXAMPLE), str(out)])
    assert result.exit_code == 0, result.output
    config = yaml.safe_load((out / "mkdocs.yml").read_text(encoding="utf-8"))
    assert "handbook" not in str(config["plugins"])
    assert config["site_name"] == PROGRAM.program.name
    assert "{{" not in (out / "docs" / "index.md").read_text(encoding="utf-8")

    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(out / "mkdocs.yml")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert built.returncode == 0, built.stderr
    spanish = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(out / "es" / "mkdocs.yml")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert spanish.returncode == 0, spanish.stderr
    markers = {".handbook-site", "es/.handbook-site"}  # no plugin, no marker
    assert tree_digest(out / "site").keys() == tree_digest(site).keys() - markers
    assert pdf_links(out / "site" / "forms.html") == pdf_links(site / "forms.html")
    exported, plugged = ((root / "index.html").read_text(encoding="utf-8") for root in (out / "site", site))
    for needle in ('<html lang="en"', "assets/handbook-keyboard.js", "assets/program-color.css", "iframe-worker.js"):
        assert needle in exported and needle in plugged, needle
    for root, page in ((out / "site", exported), (site, plugged)):  # the search works from the disk, both ways
        assert (root / "search" / "search_index.js").is_file() and "unpkg" not in page


def test_build_refuses_to_replace_a_folder_it_did_not_make(program_copy, tmp_path: Path) -> None:
    program_file = program_copy(text=one_language("en", FEW_FORMS))
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "todo.txt").write_text("keep me")
    (notes / "index.html").write_text("<h1>a web folder of its own, not an earlier build</h1>")
    for out, why in [(program_file.parent, "holds"), (tmp_path, "holds"), (notes, "has no .handbook-site")]:
        result = CliRunner().invoke(main, ["build", "-p", str(program_file), "-o", str(out)])
        assert result.exit_code == 1 and why in result.output, result.output
    assert (notes / "todo.txt").read_text() == "keep me" and program_file.is_file()
    site = tmp_path / "site"
    for _ in range(2):  # what a build made, the next build replaces
        result = CliRunner().invoke(main, ["build", "-p", str(program_file), "-o", str(site)])
        assert result.exit_code == 0 and (site / ".handbook-site").is_file(), result.output


def test_export_replaces_only_an_earlier_export(tmp_path: Path) -> None:
    runner = CliRunner()
    program_folder = tmp_path / "other-program"
    assert runner.invoke(main, ["new", str(program_folder)]).exit_code == 0
    mkdocs_project = tmp_path / "docs-site"
    mkdocs_project.mkdir()
    (mkdocs_project / "mkdocs.yml").write_text("site_name: Mine\n")
    for target, why in [(program_folder, "holds a program.yaml"), (mkdocs_project, "no .handbook-export")]:
        result = runner.invoke(main, ["export", "-p", str(EXAMPLE), str(target)])
        assert result.exit_code == 1 and why in result.output, result.output
    assert (program_folder / "program.yaml").is_file() and (
        mkdocs_project / "mkdocs.yml"
    ).read_text() == "site_name: Mine\n"
    again = tmp_path / "export"
    for _ in range(2):
        result = runner.invoke(main, ["export", "-p", str(EXAMPLE), str(again)])
        assert result.exit_code == 0, result.output


def test_a_broken_program_hides_no_problem_in_forms_or_pages(program_copy) -> None:
    """YAML, keys and placeholder syntax in forms/, and template syntax in content/, need no program to check."""
    path = program_copy(("session_minutes: 60", "session_minutes: sixty"))
    (path.parent / "forms").mkdir()
    (path.parent / "forms" / "meeting-notes.yaml").write_text(
        "title: Notes\ndescription: Notes.\nwho: Mentee\ncolour: teal\nsections:\n  - id: s\n    title: S\n"
        "    fields:\n      - {type: text, name: a, label: 'Meet {{ schedule.meeting_frequency }'}\n",
        encoding="utf-8",
    )
    (path.parent / "forms" / "action-plan.yaml").write_text("title: [Plan\n", encoding="utf-8")
    (path.parent / "content").mkdir()
    (path.parent / "content" / "roles.md").write_text("# Roles\n\n{% if %}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "-p", str(path)])
    assert result.exit_code == 1
    for expected in (
        "program.yaml:",
        "meeting-notes.yaml:4:1: colour: unknown key 'colour'",
        "meeting-notes.yaml:9:",
        "sections.1.fields.1.label: placeholder syntax error",
        "action-plan.yaml:2:1: YAML syntax error",
        "roles.md:3:1: ",
    ):
        assert expected in result.output, (expected, result.output)
