"""The `handbook` command: thin click wrappers around the core, with exit codes 0 ok, 1 bad input, 2 usage."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .problems import InputError

F = TypeVar("F", bound=Callable[..., Any])

program_option = click.option(
    "-p",
    "--program",
    "program_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("program.yaml"),
    show_default=True,
    help="The program.yaml to use; its folder may hold content/ and forms/ overrides.",
)


def reports_input_errors(command: F) -> F:
    """Print every input problem as file:line:col and exit 1, never a traceback."""

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

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="handbook")
def main() -> None:
    """Build a mentoring program's handbook site and fillable PDF forms from one program.yaml.

    Start with `handbook new my-program`, edit my-program/program.yaml, then run
    `handbook check -p my-program/program.yaml`.
    """


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
