"""The `handbook` command: thin click wrappers around the core, with exit codes 0 ok, 1 bad input, 2 usage."""

from __future__ import annotations

import atexit
import functools
import gc
import json
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .problems import InputError

F = TypeVar("F", bound=Callable[..., Any])
DATABASE_NAME = "records.sqlite"

# At exit, Python collects garbage across every object a command loaded (MkDocs, Material, the rendered site): a
# fifth of a second at the end of a build, in a process about to end. Frozen, they are left to the operating system.
atexit.register(gc.freeze)

program_option = click.option(
    "-p",
    "--program",
    "program_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("program.yaml"),
    show_default=True,
    help="The program.yaml to use; its folder may hold content/ and forms/ overrides.",
)


records_option = click.option(
    "-r",
    "--records",
    "records_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("records"),
    show_default=True,
    help="The folder `handbook collect` wrote, holding records.sqlite with the returned forms.",
)


def output_option(default: str, help_text: str) -> Callable[[F], F]:
    """-o/--output, the folder a command writes into."""
    return click.option(
        "-o",
        "--output",
        "out_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=Path(default),
        show_default=True,
        help=help_text,
    )


def reports_input_errors(command: F) -> F:
    """Print every input problem as file:line:col (or the file system's refusal) and exit 1, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InputError as exc:
            for problem in exc.problems:
                click.echo(f"error: {problem}", err=True)
            count = len(exc.problems)
            click.echo(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.", err=True)
            sys.exit(1)
        except OSError as exc:
            where = f" {exc.filename}" if exc.filename else ""
            advice = "check the folder exists and you may write there"
            click.echo(f"error:{where}: {exc.strerror or exc}; {advice}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _terminated(signum: int, frame: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second signal must not cut the cleanup short
    raise SystemExit(128 + signum)


def stops_cleanly(command: F) -> F:
    """End on SIGTERM (`kill`, a service manager, a CI time limit) as on Ctrl-C: through every cleanup.

    Python's default is to die on the spot, which would leave a build's temporary folder beside the site.
    """

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        previous = signal.signal(signal.SIGTERM, _terminated)
        try:
            return command(*args, **kwargs)
        finally:
            signal.signal(signal.SIGTERM, previous)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="handbook")
def main() -> None:
    """Build a mentoring program's handbook site and fillable PDF forms from one program.yaml.

    Start with `handbook new my-program`, edit my-program/program.yaml, then run
    `handbook check -p my-program/program.yaml`.
    """
    from .dates import epoch_problem

    problem = epoch_problem()
    if problem:
        raise click.ClickException(problem)


@main.command()
@program_option
@reports_input_errors
def check(program_file: Path) -> None:
    """Validate program.yaml, the form definitions and the page templates; write nothing."""
    from .checking import check_all

    summary = check_all(program_file)
    click.echo(f"{program_file}: ok ({summary})")


@main.command()
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@reports_input_errors
def new(directory: Path) -> None:
    """Create DIRECTORY with a commented program.yaml and an mkdocs.yml that build as they are."""
    from .scaffold import ScaffoldError, scaffold

    try:
        written = scaffold(directory)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None
    for path in written:
        click.echo(f"created {path}")
    click.echo(f"Next: edit {directory / 'program.yaml'}, then run `handbook check -p {directory / 'program.yaml'}`.")


@main.command()
def schema() -> None:
    """Print the JSON Schema of program.yaml (for editors and other tools)."""
    from .schema import program_schema

    click.echo(json.dumps(program_schema(), indent=2))


language_option = click.option(
    "-l",
    "--language",
    metavar="TAG",
    default=None,
    help="One of program.languages, such as es [default: the first].",
)


@main.command()
@program_option
@output_option("pdf", "Folder to write <form-id>.pdf into (created if missing).")
@language_option
@reports_input_errors
@stops_cleanly
def forms(program_file: Path, out_dir: Path, language: str | None) -> None:
    """Write a fillable PDF for every enabled form, in one of the program's languages, into the output folder.

    A PDF already there is replaced only if an earlier `handbook forms` wrote it and it is unchanged since.
    """
    from .forms import render_forms
    from .i18n import no_such_language, speaking
    from .output import OutputError, write_forms
    from .program import load_program
    from .sources import Sources

    sources = Sources(program_file)
    refusal = sources.output_problem(out_dir)
    if refusal:
        raise click.ClickException(refusal)
    program = load_program(sources)
    languages = list(program.program.languages)
    if language is not None and language != languages[0]:
        if language not in languages:
            raise click.BadParameter(no_such_language(language, languages), param_hint="--language")
        program = load_program(sources, language)
        sources = sources.speaking(language, tuple(languages))
    with speaking(program.program.language):  # the forms' words, dates and numbers in their language
        pdfs = render_forms(program, sources)
    try:
        written = write_forms(out_dir, pdfs)
    except OutputError as exc:
        raise click.ClickException(str(exc)) from None
    for path in written:
        click.echo(path)


@main.command()
@program_option
@output_option("site", "Folder to publish; replaced only when the whole build succeeded.")
@click.option(
    "--no-cache",
    is_flag=True,
    help="Render every page and PDF afresh, ignoring and not updating .handbook-cache/ beside program.yaml.",
)
@reports_input_errors
@stops_cleanly
def build(program_file: Path, out_dir: Path, no_cache: bool) -> None:
    """Build the handbook site and its PDF forms into a folder ready to publish."""
    import logging

    from .output import OutputError, check_output
    from .problems import show_mkdocs_log
    from .site import start_render
    from .sources import Sources

    show_mkdocs_log(logging.WARNING)
    sources = Sources(program_file)
    try:
        check_output(out_dir, sources)  # before anything renders, so a refused folder leaves no cache behind
        rendering = start_render(sources, use_cache=not no_cache)  # forms and pages render while MkDocs loads

        from .build import build_started

        site = build_started(rendering, sources, out_dir)
    except OutputError as exc:
        raise click.ClickException(str(exc)) from None
    pdfs = sum(1 for path in site.files if path.startswith("forms/") and path.endswith(".pdf"))
    languages = [each.facts.language for each in site.every_language()]
    each = f" in each of {len(languages)} languages ({', '.join(languages)})" if len(languages) > 1 else ""
    click.echo(f"built {out_dir}/ ({pdfs} forms{each}); open {out_dir / 'index.html'} or publish the folder as it is")


@main.command()
@program_option
@click.option(
    "-a", "--dev-addr", metavar="IP:PORT", default=None, help="Address to serve on [default: 127.0.0.1:8000]."
)
@click.option("--open", "open_in_browser", is_flag=True, help="Open the preview in the default browser.")
@language_option
@reports_input_errors
@stops_cleanly
def serve(program_file: Path, dev_addr: str | None, open_in_browser: bool, language: str | None) -> None:
    """Preview the site of one language; it rebuilds and reloads when program.yaml, a form or a page changes."""
    from .build import serve as serve_site

    serve_site(program_file, dev_addr, open_in_browser, language)


@main.command()
@click.argument("inbox", type=click.Path(path_type=Path, file_okay=False, exists=True))
@program_option
@output_option("records", "Folder for records.sqlite and the CSV and XLSX exports (created if missing).")
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=20.0,
    show_default=True,
    help="Seconds one file may take to read; a slower one is reported and the rest go on.",
)
@click.option(
    "--max-size",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Largest file read, in MB; a larger one is reported, not read.",
)
@reports_input_errors
def collect(inbox: Path, program_file: Path, out_dir: Path, timeout: float, max_size: int) -> None:
    """Read the filled forms under INBOX (and its subfolders) into records/, with CSV and XLSX per form.

    Files are only read, never changed, moved or deleted. A file already collected is not read again,
    so running it again after more forms arrive is safe. Files that cannot be read are listed in
    records/problems.csv with the reason.
    """
    from .collect.pool import Limits
    from .collect.run import collect as collect_forms
    from .collect.store import StoreError

    try:
        summary = collect_forms(inbox, program_file, out_dir, Limits(seconds=timeout), max_size * 1_000_000)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    stored = summary.stored + summary.already
    click.echo(
        f"{summary.found} files read, {stored} stored ({summary.stored} new), {len(summary.problems)} problems"
        + (f"; {summary.ignored} files not named *.pdf were skipped" if summary.ignored else "")
    )
    for path, problem in summary.problems:
        click.echo(f"  {path}: {problem}", err=True)
    click.echo(f"records in {out_dir}/: one CSV and XLSX per form, codebook.csv, problems.csv, {DATABASE_NAME}")


@main.command()
@click.argument("csv_file", metavar="CSV", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--form", "form_id", required=True, metavar="FORM_ID", help="The form to fill, e.g. mentoring-agreement.")
@program_option
@output_option("filled", "Folder for the filled PDFs (created if missing); existing files are never replaced.")
@reports_input_errors
def fill(csv_file: Path, form_id: str, program_file: Path, out_dir: Path) -> None:
    """Write one pre-filled PDF of a form for every row of CSV, ready to send out.

    The first line of CSV names fields by their stable names (terms.mentee, goals.1.goal; all are in
    records/codebook.csv); a column the form lacks is ignored with a warning. Checkboxes take 1 or
    blank (also yes, true, x), choices the option id or its words, ratings the level number or id.
    Fields stay editable. Files are named <form-id>-<line>-<name>.pdf; one that exists already is
    left alone (unchanged when it holds the same, the row fails otherwise). A bad row is reported
    with its line and the others are still written; the exit code is 1 when any row failed.
    """
    from .prefill import UnknownForm
    from .prefill import fill as fill_forms

    try:
        summary = fill_forms(csv_file, form_id, program_file, out_dir)
    except UnknownForm as exc:
        raise click.BadParameter(str(exc), param_hint="'--form'") from None
    for warning in summary.warnings:
        click.echo(f"warning: {warning}", err=True)
    for outcome in summary.outcomes:
        if outcome.status == "failed":
            click.echo(f"error: {summary.source}:{outcome.line}: {outcome.detail}", err=True)
    written, unchanged, failed = (summary.count(status) for status in ("written", "unchanged", "failed"))
    click.echo(
        f"{len(summary.outcomes)} rows: {written} PDFs written to {out_dir}/"
        + (f", {unchanged} already there unchanged" if unchanged else "")
        + f", {failed} failed"
    )
    if failed:
        sys.exit(1)


@main.command()
@program_option
@records_option
@output_option("matches", "Folder for matches.csv, unmatched.csv, index.html and your overrides.csv.")
@reports_input_errors
def match(program_file: Path, records_dir: Path, out_dir: Path) -> None:
    """Propose mentor and mentee pairs from the collected mentor and mentee applications.

    Each person's latest application counts. A pair scores one point for every skill the mentee wants
    and the mentor offers, plus the program's `matching.weights`; the best total over all pairs wins.
    Nobody is paired with their supervisor or someone who shares it, no mentor gets more mentees than
    offered, and no pair scores below `matching.minimum_score`. To keep or rule out a pair, add a row
    (mentee e-mail, mentor e-mail, lock or forbid) to overrides.csv in the output folder and run again.
    Review the proposal in index.html; the records are only read.
    """
    from .collect.store import StoreError
    from .matching.run import MatchError
    from .matching.run import match as propose_pairs

    try:
        result = propose_pairs(program_file, records_dir, out_dir)
    except (MatchError, StoreError) as exc:
        raise click.ClickException(str(exc)) from None
    unmatched = sum(1 for left in result.left if left.role == "mentee")
    click.echo(
        f"{result.mentees} mentees, {result.mentors} mentors: {len(result.pairs)} pairs proposed,"
        f" {unmatched} mentees without a mentor"
    )
    if result.template_written:
        click.echo(f"wrote an empty {out_dir / 'overrides.csv'} for pairs to lock or forbid")
    click.echo(f"review {out_dir / 'index.html'}; pairs in {out_dir / 'matches.csv'}, the rest in unmatched.csv")


@main.command()
@program_option
@records_option
@output_option("report", "Folder for index.html; never inside the site or content folder.")
@click.option(
    "--matches",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="CSV of matched pairs, one row per pair after a header [default: matches/matches.csv beside the records "
    "folder, left out when absent].",
)
@reports_input_errors
def report(program_file: Path, records_dir: Path, out_dir: Path, matches: Path | None) -> None:
    """Write the confidential program evaluation, report/index.html, from the collected forms.

    It shows how many people reached each step, how each rated question was answered, and the skills
    mentees want and mentors offer. No names are shown, and no figure about fewer people than
    evaluation.minimum_group in program.yaml (default 5). Keep the report off the published site.
    """
    from .reporting.figures import ReportError
    from .reporting.run import make_report

    try:
        written = make_report(program_file, records_dir, out_dir, matches)
    except ReportError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {written}: confidential, not for publication; open it in a browser")


@main.command()
@program_option
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@reports_input_errors
@stops_cleanly
def export(program_file: Path, directory: Path) -> None:
    """Write the rendered handbook (Markdown, PDFs, calendar, mkdocs.yml) for MkDocs or Zensical without this tool."""
    from .export import export_site
    from .output import OutputError

    try:
        export_site(program_file, directory)
    except OutputError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"exported to {directory}/; build it there with `mkdocs build` or `zensical build`")
