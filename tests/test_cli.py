"""The `handbook` command as a coordinator meets it: exit codes, messages, scaffolding, schema."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main

from .conftest import EXAMPLE, ROOT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, cwd=ROOT)


def test_check_passes_on_the_example() -> None:
    result = CliRunner().invoke(main, ["check", "-p", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "ok (13 forms" in result.output


def test_check_refuses_a_broken_program_without_traceback(program_copy) -> None:
    path = program_copy(("\nrating_scale:", "\nratng_scale:"), ("per_agreement: 3", "per_agreement: -1"))
    result = run("check", "-p", str(path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "unknown key 'ratng_scale'; did you mean 'rating_scale'?" in result.stderr
    assert "goals.per_agreement:" in result.stderr
    assert "nothing was written" in result.stderr


def test_usage_error_exits_2() -> None:
    assert run("check", "--no-such-option").returncode == 2
    assert run("frobnicate").returncode == 2


def test_new_scaffolds_a_program_that_checks(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "my-program"
    created = runner.invoke(main, ["new", str(target)])
    assert created.exit_code == 0, created.output
    program_file = target / "program.yaml"
    assert program_file.read_text().startswith("# yaml-language-server: $schema=schema/program.schema.json")
    assert json.loads((target / "schema" / "program.schema.json").read_text())["title"] == "program.yaml"
    checked = runner.invoke(main, ["check", "-p", str(program_file)])
    assert checked.exit_code == 0, checked.output
    again = runner.invoke(main, ["new", str(target)])
    assert again.exit_code == 1 and "already exist" in again.output


def test_a_new_program_mentions_no_file_it_lacks(tmp_path: Path) -> None:
    """Every file named in the comments of program.yaml and mkdocs.yml (the schema hint too) is in the folder."""
    target = tmp_path / "fresh"
    assert CliRunner().invoke(main, ["new", str(target)]).exit_code == 0
    mentioned = set()
    for name in ("program.yaml", "mkdocs.yml"):
        for line in (target / name).read_text(encoding="utf-8").splitlines():
            comment = line.partition("#")[2]
            mentioned |= set(re.findall(r"[\w./-]*\w\.(?:md|json|ya?ml)\b", comment))
    assert "schema/program.schema.json" in mentioned
    assert [name for name in sorted(mentioned) if not (target / name).exists()] == []


def test_a_new_program_builds_as_it_is(tmp_path: Path) -> None:
    target = tmp_path / "fresh"
    assert CliRunner().invoke(main, ["new", str(target)]).exit_code == 0
    built = run("build", "-p", str(target / "program.yaml"), "-o", str(target / "site"))
    assert built.returncode == 0, built.stderr
    assert (target / "site" / "index.html").is_file()
    assert len(list((target / "site" / "forms").glob("*.pdf"))) == 13
    assert sorted(p.name for p in (target / "content").iterdir()) == [".gitkeep"], "a build never writes content/"
    assert {"site/", ".handbook-cache/"} <= set((target / ".gitignore").read_text().splitlines())


def _as_editor_sees(data: object) -> object:
    """The YAML language server reads dates as strings."""
    if isinstance(data, dict):
        return {k: _as_editor_sees(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_as_editor_sees(v) for v in data]
    return data.isoformat() if isinstance(data, dt.date) else data


def test_schema_validates_the_example_and_rejects_a_typo() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    shipped = json.loads((ROOT / "schema" / "program.schema.json").read_text())
    assert schema == shipped, "schema/program.schema.json is stale: run `handbook schema > schema/program.schema.json`"
    example = _as_editor_sees(yaml.safe_load(EXAMPLE.read_text()))
    jsonschema.validate(example, schema)
    example["ratng_scale"] = example.pop("rating_scale")
    errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(example)]
    assert any("ratng_scale" in e for e in errors)
    assert EXAMPLE.read_text().splitlines()[0] == "# yaml-language-server: $schema=schema/program.schema.json"


def test_a_bad_source_date_epoch_is_refused_before_anything_runs(tmp_path: Path) -> None:
    for value in ("abc", "-5", str(2**32)):
        result = CliRunner().invoke(main, ["check", "-p", str(EXAMPLE)], env={"SOURCE_DATE_EPOCH": value})
        assert result.exit_code == 1, (value, result.output)
        assert f"SOURCE_DATE_EPOCH='{value}' is not a build date" in result.output
        assert "Traceback" not in result.output


def test_new_reports_a_path_it_cannot_make(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("")
    result = CliRunner().invoke(main, ["new", str(tmp_path / "afile" / "sub")])
    assert result.exit_code == 1
    assert "afile" in result.output and "Not a directory" in result.output


@pytest.mark.parametrize("command", ["build", "forms", "export"])
@pytest.mark.parametrize("inside", [".", "content", "forms/out", "content/site"])
def test_output_inside_the_program_sources_is_refused(example_folder: Path, command: str, inside: str) -> None:
    """Output in content/ or forms/ would be read back by the next build; the program folder holds the sources."""
    target = (example_folder.parent / inside).resolve()
    (example_folder.parent / "content").mkdir(exist_ok=True)
    before = sorted(example_folder.parent.rglob("*"))
    args = [command, "-p", str(example_folder)] + ([str(target)] if command == "export" else ["-o", str(target)])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert "choose" in result.output and "Traceback" not in result.output
    assert sorted(example_folder.parent.rglob("*")) == before
