"""The README documents every program.yaml key the model accepts."""

from __future__ import annotations

import typing

from pydantic import BaseModel

from generator.model import Program
from generator.validation import _unwrap

from .conftest import ROOT


def _keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    keys = []
    for name, field in model.model_fields.items():
        key = f"{prefix}{name}"
        keys.append(key)
        for inner in _unwrap(field.annotation):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                keys += _keys(inner, f"{key}.")
            elif typing.get_origin(inner) is list:
                (item,) = typing.get_args(inner)
                for sub in _unwrap(item):
                    if isinstance(sub, type) and issubclass(sub, BaseModel):
                        keys += _keys(sub)
    return keys


def test_readme_documents_every_key() -> None:
    readme = (ROOT / "README.md").read_text()
    reference = readme[readme.index("## program.yaml reference") :]
    # Contact's and milestones' keys are listed by their own name beside their parent's row.
    missing = [
        key for key in _keys(Program) if f"`{key}" not in reference and f"`{key.split('.')[-1]}`" not in reference
    ]
    assert not missing, f"README's program.yaml reference lacks: {missing}"


def test_quick_start_is_two_commands_and_ci_runs_the_second() -> None:
    """Set-up happens inside the two commands (in .venv, as Debian's Python refuses `pip install` outside one)."""
    readme = (ROOT / "README.md").read_text()
    quick = readme[readme.index("## Quick start") :]
    block = quick[quick.index("```sh\n") + 6 : quick.index("```\n", quick.index("```sh\n") + 6)]
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert len(commands) == 2, commands
    assert ".venv/bin/handbook build" in commands[0], "the tool runs from .venv"
    ci = (ROOT / ".ci" / "run").read_text()
    assert f"exec {commands[1]}" in ci
