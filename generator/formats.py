"""Shapes of the program.yaml values that reach HTML, CSS and file names, without pydantic.

The model validates program.yaml with them, and a cached build checks its stored facts with them without loading
the model (a cached rebuild never imports pydantic).
"""

from __future__ import annotations

import re

MATERIAL_COLORS = (
    "red",
    "pink",
    "purple",
    "deep purple",
    "indigo",
    "blue",
    "light blue",
    "cyan",
    "teal",
    "green",
    "light green",
    "lime",
    "yellow",
    "amber",
    "orange",
    "deep orange",
    "brown",
    "grey",
    "blue grey",
    "black",
    "white",
)

HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
URL_CHARACTERS = re.compile(r"^[A-Za-z0-9\-._~:/?#@!$&+,;=%]+$")
"""What a web address may hold: RFC 3986 characters, less the quotes, brackets, parentheses and `*` that would end or
bend the Markdown link or HTML attribute it is written into."""
