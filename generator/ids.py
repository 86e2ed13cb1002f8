"""Stable machine ids for options, roles and rating levels, made from their text when none is given.

An id names a PDF field or a radio button's export value, so returned forms can be read back: it
must come out the same for the same text, be plain ASCII, and never depend on the label's language
when an explicit `id:` is given.
"""

from __future__ import annotations

import re
import unicodedata

_GREEK = "αβγδεζηθικλμνξοπρσςτυφχψω"
_GREEK_LATIN = [
    "a",
    "b",
    "g",
    "d",
    "e",
    "z",
    "i",
    "th",
    "i",
    "k",
    "l",
    "m",
    "n",
    "x",
    "o",
    "p",
    "r",
    "s",
    "s",
    "t",
    "y",
    "f",
    "ch",
    "ps",
    "o",
]
_CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяєіїґў"
_CYRILLIC_LATIN = [
    "a",
    "b",
    "v",
    "g",
    "d",
    "e",
    "e",
    "zh",
    "z",
    "i",
    "i",
    "k",
    "l",
    "m",
    "n",
    "o",
    "p",
    "r",
    "s",
    "t",
    "u",
    "f",
    "kh",
    "ts",
    "ch",
    "sh",
    "shch",
    "_",
    "y",
    "_",
    "e",
    "yu",
    "ya",
    "ie",
    "i",
    "i",
    "g",
    "u",
]
_TRANSLIT = str.maketrans(
    {
        **dict(zip(_GREEK, _GREEK_LATIN, strict=True)),
        **{c: ("" if t == "_" else t) for c, t in zip(_CYRILLIC, _CYRILLIC_LATIN, strict=True)},
        **{"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d", "\u0131": "i"},
    }
)


SLUG_MAX = 48
"""Names made from text keep this many characters; longer texts must differ before the cut."""


def slug(text: str) -> str:
    """The id of an option, role or rating level with no `id:`: lower case ASCII letters and digits joined by '_'.

    Accents are dropped and Greek and Cyrillic transliterated, so options in any of those scripts
    get distinct, readable names ('Łódź' gives lodz, 'Министерство' gives ministerstvo). Any other
    letter or digit becomes `u` and its hex code point ('会议' gives u4f1a_u8bae): names are always
    ASCII and always the same for the same text. Texts giving the same name are refused by the loader.
    """
    text = re.sub("['\u2019]", "", text)  # "Mentor's" gives mentors, not mentor_s
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_TRANSLIT).lower()
    spelled = "".join(
        c if c.isascii() else (f" u{ord(c):x} " if unicodedata.category(c)[0] in "LMN" else " ") for c in plain
    )
    return re.sub(r"[^a-z0-9]+", "_", spelled).strip("_")[:SLUG_MAX].rstrip("_") or "item"


ITEM_ID_PATTERN = r"^[a-z0-9]+(_[a-z0-9]+)*$"
"""What an explicit `id:` may be: the same alphabet slugs use, so given and made ids look alike."""


def key_clashes(keys: list[str]) -> list[tuple[int, int, str]]:
    """(earlier index, later index, id) for every id an earlier item already has."""
    first: dict[str, int] = {}
    clashes = []
    for index, key in enumerate(keys):
        if key in first:
            clashes.append((first[key], index, key))
        first.setdefault(key, index)
    return clashes
