"""JSON Schema of program.yaml, derived from the model so the two never disagree."""

from __future__ import annotations

from typing import Any

from .model import Program


def program_schema() -> dict[str, Any]:
    schema = Program.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "program.yaml"
    schema["description"] = "A mentoring program described for the handbook generator."
    return schema
