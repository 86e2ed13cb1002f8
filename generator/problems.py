"""Problems found in a coordinator's input, reported all at once with file:line:col locations."""

from __future__ import annotations

import logging
from dataclasses import dataclass

LOG = logging.getLogger("mkdocs.plugins.handbook")
"""Under `mkdocs`, so MkDocs prints warnings in its own log; with no MkDocs handler, Python prints them on stderr."""
_LOG_HANDLER = logging.StreamHandler()


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    column: int
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class InputError(Exception):
    """Raised with every problem found, so a coordinator can fix them all in one pass."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def warn(problems: list[Problem]) -> None:
    """Report what is allowed but probably unintended, located, without failing the build."""
    for problem in sorted(problems):
        LOG.warning("warning: %s", problem)


def show_mkdocs_log(level: int) -> None:
    """Print MkDocs' messages (ours among them) as its own CLI would: broken links, unprintable text, for serve where
    it serves and what it rebuilds. Set before a build forks its workers, so their warnings print alike."""
    logger = logging.getLogger("mkdocs")
    if _LOG_HANDLER not in logger.handlers:
        _LOG_HANDLER.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(_LOG_HANDLER)
    logger.setLevel(level)
