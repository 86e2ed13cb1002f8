"""JSON Schema of program.yaml, derived from the model so the two never disagree."""

from __future__ import annotations

from typing import Any

from .model import PER_LANGUAGE_TEXT, TEXT_SCHEMA, Program


def program_schema() -> dict[str, Any]:
    schema = _shared(Program.model_json_schema(mode="validation"))
    schema["$defs"] = {**schema["$defs"], "Text": {"anyOf": [TEXT_SCHEMA["anyOf"][0], _ref("TextPerLanguage")]}}
    schema["$defs"]["TextPerLanguage"] = PER_LANGUAGE_TEXT
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "program.yaml"
    schema["description"] = "A mentoring program described for the handbook generator."
    return schema


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


def _shared(node: Any) -> Any:
    """The schema with each inline copy of the text schema replaced by a reference to it, written once in $defs."""
    if isinstance(node, list):
        return [_shared(each) for each in node]
    if not isinstance(node, dict):
        return node
    if node == PER_LANGUAGE_TEXT:
        return _ref("TextPerLanguage")
    if node.get("anyOf") == TEXT_SCHEMA["anyOf"]:
        return {**_ref("Text"), **{key: _shared(value) for key, value in node.items() if key != "anyOf"}}
    return {key: _shared(value) for key, value in node.items()}
