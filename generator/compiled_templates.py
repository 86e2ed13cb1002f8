"""The theme's templates compiled once per process, not once per MkDocs build.

MkDocs makes a fresh Jinja environment for every build and compiles Material's templates again: about a quarter of
a build's CPU, paid once per language by `handbook build` and on every change by `handbook serve`. Here the compiled
code is kept in memory, so a build started after `compile_theme`, or in a process forked after it, loads it instead.
Nothing is written to or read from disk: the only code that runs is code this process compiled, and Jinja compares
each template's source with the source the code was compiled from.
"""

from __future__ import annotations

from collections.abc import Iterable

import jinja2
import jinja2.meta
from jinja2.bccache import Bucket


class InMemory(jinja2.BytecodeCache):
    """Compiled templates kept for the life of the process: never written, so never read back from a file."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


COMPILED = InMemory()
"""Set as the bytecode cache of every theme environment (the plugin's on_env)."""


def compile_theme(env: jinja2.Environment, names: Iterable[str]) -> None:
    """Compile these templates and every template they extend, include or import by a fixed name.

    Templates named at render time (an icon chosen by a setting) are compiled when a build first loads them.
    """
    todo, seen = list(names), set()
    while todo and env.loader:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            source, filename, _ = env.loader.get_source(env, name)
            tree = env.parse(source, name, filename)
            todo += [found for found in jinja2.meta.find_referenced_templates(tree) if found]
            bucket = COMPILED.get_bucket(env, name, filename, source)
            if bucket.code is None:
                bucket.code = env.compile(tree, name, filename)  # from the tree just read: parsed once
                COMPILED.set_bucket(bucket)
        except jinja2.TemplateError:
            continue  # not in this theme, or one a build never loads (Material's blog templates need its plugin)
