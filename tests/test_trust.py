"""Hostile input (issue 13): program.yaml values are text on every page, and nothing outside the program folder
is read or written. Every test builds or checks a real program folder."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from generator.build import build_site
from generator.cache import FOLDER, Cache, pack, unpack
from generator.cli import main
from generator.problems import InputError
from generator.program import load_program
from generator.site import RenderedSite
from generator.sources import Sources

from .conftest import FEW_FORMS, ROOT, one_language

HOSTILE = [
    ("en: Bridges Workplace Mentoring Program", "en: \"Parks & Waters <script>alert('name')</script>\""),
    ("en: Department of Public Lands and Waters", "en: \"Lands <script>alert('agency')</script>\""),
    ("en: Office of Workforce Development", "en: \"Office <img src=x onerror=alert('division')>\""),
    (
        "    Bridges pairs experienced staff",
        "    [click](javascript:alert('purpose')) ![img](https://tracker.example/t.png) *em* { onclick=alert(1) }"
        " <b>bold</b> Bridges pairs experienced staff",
    ),
    (
        "  - {en: Technical expertise in your field, es: Conocimientos técnicos en su área}",
        "  - '# not a heading'\n  - \"<script>alert('skill')</script>\"\n  - Parks & Waters\n"
        "  - 'x { onclick=alert(2) }'\n  - '1. numbered'\n  - '- dashed'\n  - 'a | b'\n  - '!!! note'\n"
        "  - 'snake_case *star* `code` [link](https://example.org)'",
    ),
    ("  midpoint_questions:\n", "    - \"<script>alert('question')</script>\"\n  midpoint_questions:\n"),
    ("  - {en: Program coordinator, es: Coordinación del programa}", "  - \"<script>alert('signatory')</script>\""),
    ("  closure-evaluation:", "  closure-evaluation:\n    title: \"Closure {final} <script>alert('form')</script>\""),
    (
        "glossary:\n  en:\n",
        "glossary:\n  en:\n    \"<script>alert('term')</script>\": \"[l](javascript:alert('definition'))\"\n",
    ),
    ("glossary:\n  en:\n", "glossary:\n  en:\n    ': colon first': \"Mentor's supervisor\"\n"),
    ("    email: mentoring@dplw.example.gov", "    email: first_last@dplw.example.gov"),
    ("  url: https://mentoring.dplw.example.gov/", "  url: https://mentoring.dplw.example.gov/a_b?x=1&y=2#top"),
]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example with markup in every kind of value, built once for the tests that read its pages."""
    folder = tmp_path_factory.mktemp("hostile")
    text = (Path(__file__).resolve().parent.parent / "program.yaml").read_text(encoding="utf-8")
    for old, new in HOSTILE:
        assert old in text, old
        text = text.replace(old, new, 1)
    (folder / "program.yaml").write_text(text, encoding="utf-8")
    build_site(folder / "program.yaml", folder / "site", use_cache=False)
    return folder / "site"


def _pages(site: Path) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in site.glob("*.html")}


def _texts(page: str, tag: str) -> list[str]:
    """The text of every `tag` element as a reader sees it: tags dropped, entities decoded."""
    found = re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", page, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", item)).split()) for item in found]


def test_no_value_becomes_markup_on_the_site(hostile_site: Path) -> None:
    for name, page in _pages(hostile_site).items():
        assert "alert(" not in "".join(re.findall(r"<script\b[^>]*>.*?</script>", page, re.S)), name
        assert not re.search(r"<script>alert", page), name
        assert not re.search(r"""(?:href|src)\s*=\s*["']?\s*javascript:""", page, re.I), name
        assert not re.search(r"<img[^>]+src=\"https?:", page), name
        assert not re.search(r"<[^>]+\son(?:click|error)\s*=", page), name
        assert "<b>bold</b>" not in page, name
        assert "&amp;amp;" not in page and "&amp;#" not in page, name


def test_values_read_as_written(hostile_site: Path) -> None:
    pages = _pages(hostile_site)
    skills = _texts(pages["eligibility.html"], "li")
    for skill in ["# not a heading", "<script>alert('skill')</script>", "Parks & Waters", "x { onclick=alert(2) }"]:
        assert skill in skills
    for skill in [
        "1. numbered",
        "- dashed",
        "a | b",
        "!!! note",
        "snake_case *star* `code` [link](https://example.org)",
    ]:
        assert skill in skills
    assert not re.search(r"<h1[^>]*>[^<]*not a heading", pages["eligibility.html"])
    assert (
        "[click](javascript:alert('purpose')) ![img](https://tracker.example/t.png)"
        in _texts(pages["index.html"], "p")[0]
    )
    assert "<script>alert('question')</script>" in _texts(pages["evaluation.html"], "li")
    assert "<script>alert('signatory')</script>" in _texts(pages["roles.html"], "li")
    assert "Mentor's supervisor" in _texts(pages["roles.html"], "li")
    terms = _texts(pages["glossary.html"], "dt")
    assert "<script>alert('term')</script>" in terms and ": colon first" in terms
    assert "[l](javascript:alert('definition'))" in _texts(pages["glossary.html"], "dd")
    assert "Mentor's supervisor" in _texts(pages["glossary.html"], "dd")
    for page in pages.values():
        assert "\\" not in " ".join(_texts(page, "p") + _texts(page, "li")), "a visible backslash"


def test_site_name_and_footer_are_text(hostile_site: Path) -> None:
    page = _pages(hostile_site)["index.html"]
    assert _texts(page, "title") == ["Parks & Waters <script>alert('name')</script>"]
    assert 'title="Parks &amp; Waters &lt;script&gt;' in page  # escaped once, though Material escapes it too
    footer = _texts(page, "footer")[0]
    assert "Lands <script>alert('agency')</script>, Office <img src=x onerror=alert('division')>" in footer


def test_a_form_title_keeps_its_heading_anchor(hostile_site: Path) -> None:
    forms = _pages(hostile_site)["forms.html"]
    (heading,) = re.findall(r'<h2 id="closure-evaluation">(.*?)</h2>', forms, re.S)
    assert _texts(f"<h2>{heading}</h2>", "h2") == ["Closure {final} <script>alert('form')</script>¶"]
    timeline = _pages(hostile_site)["timeline.html"]
    assert 'href="forms.html#closure-evaluation"' in timeline


def test_addresses_stay_intact_in_links(hostile_site: Path) -> None:
    page = _pages(hostile_site)["index.html"]
    assert 'href="mailto:first_last@dplw.example.gov"' in page
    assert 'href="https://mentoring.dplw.example.gov/a_b?x=1&amp;y=2#top"' in page


def _quoted(text: str) -> str:
    """`text` as a single-quoted YAML scalar."""
    return "'" + text.replace("'", "''") + "'"


@pytest.mark.parametrize(
    "email",
    [
        '"><script>alert(1)</script>@x.org',
        "javascript:alert(1)@x.org",
        "[x](javascript:alert(1))@x.org",
        "o'brien@x.org",
        "a b@x.org",
        "<a@x.org>",
        "a@x.org{onclick=alert(1)}",
    ],
)
def test_an_email_that_could_carry_markup_is_refused(program_copy, email: str) -> None:
    path = program_copy(("email: mentoring@dplw.example.gov", f"email: {_quoted(email)}"))
    with pytest.raises(InputError) as caught:
        load_program(Sources(path))
    (problem,) = caught.value.problems
    assert problem.key == "program.contact.email" and "not an e-mail address" in problem.message
    line = path.read_text(encoding="utf-8").splitlines().index(f"    email: {_quoted(email)}") + 1
    assert (problem.line, problem.column) == (line, 12)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "https://x.org/\"onmouseover='alert(1)'",
        "https://x.org/<script>",
        "https://x.org/a)b",
        "https://x.org/a b",
        "ftp://x.org/",
    ],
)
def test_a_url_that_could_carry_markup_is_refused(program_copy, url: str) -> None:
    path = program_copy(("url: https://mentoring.dplw.example.gov/", f"url: {_quoted(url)}"))
    with pytest.raises(InputError) as caught:
        load_program(Sources(path))
    (problem,) = caught.value.problems
    assert problem.key == "program.url" and "web address" in problem.message


def _check(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "-p", str(path)])
    return result.exit_code, result.output


def _build_refused(path: Path) -> str:
    """Build `path` and return its errors, having made sure it failed and wrote nothing."""
    out = path.parent / "site"
    result = CliRunner().invoke(main, ["build", "-p", str(path), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert "nothing was written" in result.output and not out.exists()
    return result.output


@pytest.mark.parametrize("name", ["My Form.yaml", "Action-Plan.yaml", 'My "x".yaml', "a--b.yaml"])
def test_a_form_file_not_named_by_an_id_is_refused(program_copy, name: str) -> None:
    path = program_copy()
    (path.parent / "forms").mkdir()
    shutil.copy(ROOT / "forms" / "action-plan.yaml", path.parent / "forms" / name)
    code, output = _check(path)
    assert code == 1
    assert f"forms/{name}:1:1: '{name}' is not named by a form id" in output and "lower-case letters" in output
    assert f"forms/{name}:1:1" in _build_refused(path)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the program's, with a logo, a page and a form the program must not use."""
    folder = tmp_path / "outside"
    folder.mkdir()
    Image.new("RGB", (8, 8), "orange").save(folder / "logo.png")
    (folder / "secret.md").write_text("# Secret\n\nnot to be published\n", encoding="utf-8")
    shutil.copy(ROOT / "forms" / "action-plan.yaml", folder / "action-plan.yaml")
    return folder


@pytest.mark.parametrize("how", ["absolute", "dotdot", "link"])
def test_a_logo_outside_the_program_folder_is_refused(program_copy, outside: Path, how: str) -> None:
    path = program_copy()
    if how == "link":
        (path.parent / "logo.png").symlink_to(outside / "logo.png")
    logo = {"absolute": str(outside / "logo.png"), "dotdot": "../outside/logo.png", "link": "logo.png"}[how]
    path.write_text(path.read_text().replace("  # logo: logo.png", f"  logo: {_quoted(logo)}"), encoding="utf-8")
    why = {"absolute": "is an absolute path", "dotdot": "leads out of the program folder", "link": "is a link to"}
    code, output = _check(path)
    line = path.read_text(encoding="utf-8").splitlines().index(f"  logo: {_quoted(logo)}") + 1
    assert code == 1 and f"program.yaml:{line}:9: program.logo: '{logo}' {why[how]}" in output
    assert "copy the image into the program folder" in output
    assert "program.logo" in _build_refused(path)


@pytest.mark.parametrize("link", ["content/secret.md", "content", "content/more", "forms/action-plan.yaml", "forms"])
def test_a_link_leaving_the_program_folder_is_refused(program_copy, outside: Path, link: str) -> None:
    path = program_copy()
    target = {"content/secret.md": "secret.md", "forms/action-plan.yaml": "action-plan.yaml"}.get(link, "")
    where = path.parent / link
    where.parent.mkdir(exist_ok=True)
    where.symlink_to(outside / target if target else outside)
    code, output = _check(path)
    assert code == 1 and f"{link}:1:1: a link to {outside / target if target else outside}, outside" in output
    assert "never read or published" in _build_refused(path)


def test_a_link_within_the_program_folder_is_used(example_folder: Path) -> None:
    path = example_folder
    (path.parent / "notes.md").write_text("# Notes\n\nFor {{ program.short_name }}.\n", encoding="utf-8")
    (path.parent / "content").mkdir()
    (path.parent / "content" / "notes.md").symlink_to(path.parent / "notes.md")
    site = build_site(path, path.parent / "site", use_cache=False)
    assert site.files["notes.md"] == "# Notes\n\nFor Bridges.\n"


def test_a_program_mkdocs_yml_cannot_run_code_or_reach_outside(program_copy, tmp_path: Path) -> None:
    path = program_copy(text=one_language("en", FEW_FORMS))
    marker = tmp_path / "ran"
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("theme:\n", "theme:\n  custom_dir: /etc\n")
    config += (
        "extra:\n"
        f"  run: !!python/object/apply:os.system ['touch {marker}']\n"
        "  emoji: !!python/name:material.extensions.emoji.twemoji\n"
        "  home: !ENV HOME\n"
        "hooks:\n  - hook.py\n"
        "INHERIT: ../shared.yml\n"
    )
    (path.parent / "mkdocs.yml").write_text(config, encoding="utf-8")
    (path.parent / "hook.py").write_text(f"open({str(marker)!r}, 'w')\n", encoding="utf-8")
    (tmp_path / "shared.yml").write_text(f"x: !!python/object/apply:os.system ['touch {marker}']\n")
    lines = config.splitlines()

    def line(start: str) -> int:
        return next(n for n, text in enumerate(lines, 1) if text.startswith(start))

    code, output = _check(path)
    assert code == 1
    assert f"mkdocs.yml:{line('  custom_dir')}:15: theme.custom_dir: '/etc' is outside the program folder" in output
    assert f"mkdocs.yml:{line('  run:')}:8: the tag '!!python/object/apply' would have MkDocs run Python" in output
    assert f"mkdocs.yml:{line('hooks:')}:1: hooks: hooks run Python files" in output
    assert f"mkdocs.yml:{line('INHERIT')}:10: INHERIT: '../shared.yml' is outside the program folder" in output
    assert output.count("error:") == 4  # the allowed emoji function and !ENV pass
    assert f"mkdocs.yml:{line('  run:')}:8" in _build_refused(path)
    assert not marker.exists()


def test_a_theme_template_in_a_program_folder_never_runs(program_copy, tmp_path: Path) -> None:
    """MkDocs renders theme templates without a sandbox, where Jinja reaches Python itself: a program folder's
    custom_dir may hold static files only, and mkdocs.yml may not list files to render as templates."""
    path = program_copy(text=one_language("en", FEW_FORMS))
    marker = tmp_path / "ran"
    theme = "theme:\n  custom_dir: overrides\n  static_templates: [extra.css]\n"
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("theme:\n", theme)
    config += "extra_templates: [x.html]\n"
    (path.parent / "mkdocs.yml").write_text(config, encoding="utf-8")
    overrides = path.parent / "overrides"
    run = f"{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}"
    for name in ("partials/footer.html", "sitemap.xml", ".icons/material/magnify.svg"):
        (overrides / name).parent.mkdir(parents=True, exist_ok=True)
        (overrides / name).write_text(f"<p>{run}</p>\n", encoding="utf-8")
    (overrides / "extra.css").write_text(".md-footer { color: black }\n", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("not to be published\n", encoding="utf-8")
    (overrides / "secret.txt").symlink_to(tmp_path / "secret.txt")
    lines = config.splitlines()
    code, output = _check(path)
    assert code == 1
    for name in ("partials/footer.html", "sitemap.xml", ".icons/material/magnify.svg"):
        assert f"overrides/{name}:1:1: MkDocs would run this file as a theme template, which can run code" in output
    assert f"overrides/secret.txt:1:1: a link to {tmp_path / 'secret.txt'}, outside the program folder" in output
    static_templates = next(n for n, text in enumerate(lines, 1) if "static_templates" in text)
    assert f"mkdocs.yml:{static_templates}:3: theme.static_templates: MkDocs renders the files listed" in output
    assert f"mkdocs.yml:{len(lines)}:1: extra_templates: MkDocs renders the files listed here" in output
    assert output.count("error:") == 6
    assert "overrides/partials/footer.html:1:1" in _build_refused(path)
    assert not marker.exists()

    shutil.rmtree(overrides)
    overrides.mkdir()
    (overrides / "extra.css").write_text(".md-footer { color: black }\n", encoding="utf-8")
    config = config.replace("  static_templates: [extra.css]\n", "").replace("extra_templates: [x.html]\n", "")
    (path.parent / "mkdocs.yml").write_text(config + "extra_css: [extra.css]\n", encoding="utf-8")
    built = CliRunner().invoke(main, ["build", "-p", str(path), "-o", str(path.parent / "site")])
    assert built.exit_code == 0, built.output
    assert (path.parent / "site" / "extra.css").read_text(encoding="utf-8") == ".md-footer { color: black }\n"

    themed = config.replace("theme:\n", "theme:\n  icon:\n    logo: material/no-such-icon\n")
    (path.parent / "mkdocs.yml").write_text(themed, encoding="utf-8")
    shutil.rmtree(path.parent / "site")
    refused = _build_refused(path)
    assert "mkdocs.yml:1:1: MkDocs' theme failed: '.icons/material/no-such-icon.svg' not found" in refused
    assert "Traceback" not in refused


def test_no_markdown_extension_copies_a_file_from_outside_into_a_page(program_copy, tmp_path: Path) -> None:
    path = program_copy(text=one_language("en", FEW_FORMS))
    (tmp_path / "secret.txt").write_text("TOP-SECRET-4242\n", encoding="utf-8")
    (path.parent / "content").mkdir()
    (path.parent / "content" / "notes.md").write_text(f'# Notes\n\n--8<-- "{tmp_path / "secret.txt"}"\n')
    shipped = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    as_list = "markdown_extensions:\n  - pymdownx.snippets:\n      base_path: ['/']\n      restrict_base_path: false\n"
    as_mapping = "markdown_extensions:\n  tables: {}\n  pymdownx.b64: {}\n\n"
    for config, name in [
        (shipped.replace("markdown_extensions:\n", as_list), "pymdownx.snippets"),
        (re.sub(r"(?ms)^markdown_extensions:\n.*?\n\n", as_mapping, shipped), "pymdownx.b64"),
    ]:
        (path.parent / "mkdocs.yml").write_text(config, encoding="utf-8")
        line = next(n for n, text in enumerate(config.splitlines(), 1) if name in text)
        code, output = _check(path)
        assert code == 1 and f"mkdocs.yml:{line}:" in output and f"{name} copies files into the pages" in output
        assert f"{name} copies files" in _build_refused(path)


def test_a_program_mkdocs_yml_is_checked_with_its_place(program_copy) -> None:
    path = program_copy(text=one_language("en", FEW_FORMS))
    (path.parent / "mkdocs.yml").write_text("site_name: x\ntheme: [material\n", encoding="utf-8")
    code, output = _check(path)
    assert code == 1 and "mkdocs.yml:3:1: YAML syntax error" in output
    (path.parent / "mkdocs.yml").write_text("INHERIT: base.yml\n", encoding="utf-8")
    (path.parent / "base.yml").write_text("a: 1\nb: !!python/object/new:os.system [ls]\n", encoding="utf-8")
    code, output = _check(path)
    assert code == 1 and "base.yml:2:4: the tag '!!python/object/new'" in output


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RenderedSite]:
    """The English example built once, its cache filled: each test tampers with a copy of the folder."""
    program_file = tmp_path_factory.mktemp("built") / "program.yaml"
    program_file.write_text(one_language("en"), encoding="utf-8")
    return program_file, build_site(program_file, program_file.parent / "site")


def _tamper_site_entry(program_file: Path, change) -> None:
    """Rewrite the cached site render in place, with a valid checksum, as someone with write access could."""
    cache = Cache(program_file.parent / FOLDER)
    for entry in (program_file.parent / FOLDER).iterdir():
        meta, blobs = unpack(cache.get(entry.name) or b"\0\0\0\2{}")
        if "sites" in meta:
            change(meta["sites"][0], blobs)
            cache.put(entry.name, pack(meta, blobs))
            return
    raise AssertionError("no cached site")


@pytest.mark.parametrize(
    "change",
    [
        lambda meta, blobs: meta["files"].append(["../../escaped.md", True]) or blobs.append(b"# x\n"),
        lambda meta, blobs: meta["files"].append([f"{'/..' * 20}/tmp/escaped-abs.md", True]) or blobs.append(b"x"),
        lambda meta, blobs: meta["files"].__setitem__(0, ["../" + meta["files"][0][0], meta["files"][0][1]]),
        lambda meta, blobs: meta["facts"].update(language='en"><script>alert(1)</script>'),
        lambda meta, blobs: meta["facts"].update(url='javascript:alert(1)//"><script>'),
        lambda meta, blobs: meta.update(logo=["not", "a", "name"]),
    ],
    ids=["dotdot", "absolute", "renamed", "language", "url", "logo"],
)
def test_a_tampered_cache_entry_is_ignored(built: tuple[Path, RenderedSite], tmp_path: Path, change) -> None:
    example_folder = tmp_path / "example" / "program.yaml"
    shutil.copytree(built[0].parent, example_folder.parent)
    site = built[1]
    _tamper_site_entry(example_folder, change)
    out = tmp_path / "deep" / "er" / "site"
    rebuilt = build_site(example_folder, out)
    assert rebuilt.files == site.files and rebuilt.facts == site.facts  # rendered afresh
    assert not list(tmp_path.rglob("escaped*")) and not Path("/tmp/escaped-abs.md").exists()
    assert "<script>alert" not in (out / "index.html").read_text(encoding="utf-8")
    _tamper_site_entry(example_folder, change)
    assert CliRunner().invoke(main, ["export", "-p", str(example_folder), str(tmp_path / "deep" / "x")]).exit_code == 0
    assert not list(tmp_path.rglob("escaped*"))
