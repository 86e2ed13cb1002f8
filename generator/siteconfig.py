"""A program folder's own mkdocs.yml, read safely before MkDocs reads it.

MkDocs loads its configuration with PyYAML's full loader, which builds any Python object a tag names
(`!!python/object/apply:os.system`), runs the Python files listed under `hooks:`, reads the file `INHERIT:` names
and publishes the static files of `theme.custom_dir`. A program folder is input like program.yaml, so its
mkdocs.yml is first composed (never constructed) with the safe loader and refused, with its place, when it asks
for any of that beyond the folder. The shipped mkdocs.yml is the tool's own and is not checked.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import yaml

from .problems import InputError, Problem
from .sources import Sources, defaults_root

_PYTHON_TAG = "tag:yaml.org,2002:python/"
_ALLOWED_NAMES = ("material.", "pymdownx.")
"""`!!python/name:` may name these packages' functions, as Material's own documentation does for emoji."""
_MKDOCS_TAGS = ("!ENV", "!relative")
_TEMPLATE_SUFFIXES = (".html", ".htm", ".xml", ".j2", ".jinja", ".jinja2")
_FILE_READERS = ("pymdownx.snippets", "pymdownx.b64")
"""Markdown extensions that put files into pages from wherever their base_path reaches, the whole disk included."""


def config_file(sources: Sources) -> Path:
    """The program folder's own mkdocs.yml if it has one (once it passed `config_problems`), else the shipped one."""
    own = sources.root / "mkdocs.yml"
    if not own.is_file():
        return defaults_root() / "mkdocs.yml"
    problems = config_problems(own, sources)
    if problems:
        raise InputError(problems)
    return own


def config_problems(path: Path, sources: Sources, seen: frozenset[Path] = frozenset()) -> list[Problem]:
    """Everything in this mkdocs.yml (and the files it inherits) that MkDocs must not be given, located."""
    where = sources.display(path)
    if not sources.inside(path):
        return [Problem(where, 1, 1, "", f"a link to {path.resolve()}, outside the program folder; copy the file in")]
    try:
        text = path.read_bytes().decode("utf-8-sig")
        root = yaml.compose(text, Loader=yaml.SafeLoader)  # nodes only: no tag is ever constructed
    except OSError as exc:
        return [Problem(where, 1, 1, "", f"cannot read the file: {exc.strerror}")]
    except UnicodeDecodeError:
        return [Problem(where, 1, 1, "", "the file is not UTF-8 text; save it with UTF-8 encoding")]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = f"YAML syntax error: {exc.problem or 'invalid YAML'}; check indentation and quoting"
        return [Problem(where, line, column, "", message)]
    except yaml.YAMLError as exc:
        return [Problem(where, 1, 1, "", f"YAML error: {exc}")]
    if root is None:
        return []
    problems = [Problem(where, *_mark(node), "", message) for node, message in _tag_problems(root)]
    if not isinstance(root, yaml.MappingNode):
        return [*problems, Problem(where, 1, 1, "", "expected keys and values at the top level of the file")]
    top = _keys(root)
    if "hooks" in top:
        key, _ = top["hooks"]
        message = "hooks run Python files, which the handbook tool never does for a program folder; remove the key"
        problems.append(Problem(where, *_mark(key), "hooks", message))
    theme = top.get("theme", (None, None))[1]
    settings = _keys(theme) if isinstance(theme, yaml.MappingNode) else {}
    for node, name in _extensions(top.get("markdown_extensions", (None, None))[1]):
        if name.partition(":")[0] in _FILE_READERS:
            message = (
                f"{name} copies files into the pages from wherever its base_path reaches, and files outside the "
                "program folder are never published; remove it, and include pages of content/ with {% include %}"
            )
            problems.append(Problem(where, *_mark(node), "markdown_extensions", message))
    listed = {"extra_templates": top.get("extra_templates"), "theme.static_templates": settings.get("static_templates")}
    for name, found in listed.items():
        if found is not None:
            message = (
                "MkDocs renders the files listed here as templates, which can run code, and the handbook tool never "
                "runs a program folder's code; remove the key"
            )
            problems.append(Problem(where, *_mark(found[0]), name, message))
    custom_dir = settings.get("custom_dir", (None, None))[1]
    for name, node in (("INHERIT", top.get("INHERIT", (None, None))[1]), ("theme.custom_dir", custom_dir)):
        if not isinstance(node, yaml.ScalarNode):
            continue  # missing, or not a path at all: MkDocs says so
        target = path.parent / node.value
        if node.tag != "tag:yaml.org,2002:str":
            message = f"write a plain path relative to mkdocs.yml here, without the tag '{node.tag}'"
            problems.append(Problem(where, *_mark(node), name, message))
        elif Path(node.value).is_absolute() or ".." in Path(node.value).parts or not sources.inside(target):
            message = (
                f"'{node.value}' is outside the program folder, and files outside it are never read or published; "
                "copy what it names into the program folder and give its path relative to mkdocs.yml"
            )
            problems.append(Problem(where, *_mark(node), name, message))
        elif name == "INHERIT" and target.resolve() not in seen and target.is_file():
            problems += config_problems(target, sources, seen | {path.resolve()})
        elif name == "theme.custom_dir":
            problems += _theme_problems(target, sources)
    return problems


def _theme_problems(folder: Path, sources: Sources) -> list[Problem]:
    """The custom_dir's files: static ones only, each in the program folder (MkDocs publishes them all).

    MkDocs renders theme templates with Jinja outside any sandbox, where `{{ cycler.__init__.__globals__ }}` reaches
    Python itself: a template in a program folder would run as code. Templates are the HTML and XML files, and
    anything in a dot-folder (Material includes `.icons/*.svg` by name); MkDocs publishes neither.
    """
    problems = []
    for top, folders, files in os.walk(folder):  # links are reported, never followed
        for entry in sorted([*folders, *files]):
            path = Path(top) / entry
            where = sources.display(path)
            hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
            if not sources.inside(path):
                message = f"a link to {path.resolve()}, outside the program folder; copy the file in"
                problems.append(Problem(where, 1, 1, "", message))
            elif entry in files and (hidden or path.suffix.lower() in _TEMPLATE_SUFFIXES):
                message = (
                    "MkDocs would run this file as a theme template, which can run code, and the handbook tool never "
                    "runs a program folder's code; remove it (custom_dir may hold stylesheets, scripts, images and "
                    "fonts; list stylesheets under extra_css)"
                )
                problems.append(Problem(where, 1, 1, "", message))
    return problems


def _extensions(node: yaml.Node | None) -> Iterator[tuple[yaml.Node, str]]:
    """markdown_extensions' names with their nodes, in each form MkDocs takes: a list of names or one-key mappings,
    or a mapping of names."""
    items = node.value if isinstance(node, yaml.SequenceNode) else [node] if isinstance(node, yaml.MappingNode) else []
    for item in items:
        if isinstance(item, yaml.ScalarNode):
            yield item, item.value
        elif isinstance(item, yaml.MappingNode):
            yield from ((key, key.value) for key, _ in item.value if isinstance(key, yaml.ScalarNode))


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _keys(node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    return {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _tag_problems(root: yaml.Node) -> Iterator[tuple[yaml.Node, str]]:
    """Every node whose tag would have MkDocs' loader build a Python object (or is unknown to it)."""
    stack, visited = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in visited:  # an alias: the node is shared, and was checked where its anchor is
            continue
        visited.add(id(node))
        tag = node.tag
        if tag.startswith(_PYTHON_TAG):
            kind, _, target = tag[len(_PYTHON_TAG) :].partition(":")
            if kind != "name" or not target.startswith(_ALLOWED_NAMES):
                yield (
                    node,
                    (
                        f"the tag '!!python/{kind}' would have MkDocs run Python code; remove it (only "
                        f"!!python/name: of {' or '.join(n.rstrip('.') for n in _ALLOWED_NAMES)} functions is allowed)"
                    ),
                )
        elif tag.startswith("!") and tag not in _MKDOCS_TAGS:
            yield node, f"unknown tag '{tag}'; MkDocs knows only {' and '.join(_MKDOCS_TAGS)}: remove it"
        if isinstance(node, yaml.MappingNode):
            stack += [part for pair in node.value for part in pair]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value
