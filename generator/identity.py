"""What a form PDF says about itself, so a returned copy can be recognised and read back.

The identity travels twice: in the document information (readers show it, some savers drop it) and
in one hidden read-only field (fillers keep fields, as that is what they save). Both hold the same
few plain values; nothing in them is trusted beyond being compared with the program's own forms.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode

FIELD = "_form"
"""Name of the hidden field; form field names start with a letter, so no form can use it."""

INFO_KEYS = {"form": "/HandbookForm", "version": "/HandbookVersion", "program": "/HandbookProgram"}
"""Document-information keys of the identity (the language is the catalogue's /Lang)."""

_MAX = 200
"""Longest value kept from a returned file: an identity is a few short words."""


@dataclass(frozen=True)
class Identity:
    form: str
    """The form id, e.g. mentor-application."""
    version: str
    """A short hash of the form's fields (names, kinds, answer ids): the same version has the same fields, in any
    language."""
    program: str
    """The program's short name."""
    language: str
    """The form's language as a BCP 47 tag."""

    def encode(self) -> str:
        """The hidden field's value."""
        return urlencode(
            {"form": self.form, "version": self.version, "program": self.program, "language": self.language}
        )

    @classmethod
    def decode(cls, text: str) -> Identity | None:
        """The identity a hidden field's value gives, or None when it is not one of ours."""
        if not isinstance(text, str) or len(text) > 4 * _MAX:
            return None
        values = parse_qs(text, keep_blank_values=True, max_num_fields=8)
        try:
            parts = {key: values[key][0][:_MAX] for key in ("form", "version", "program", "language")}
        except (KeyError, IndexError):
            return None
        return cls(**parts)
