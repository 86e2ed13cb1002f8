"""`handbook build` and `handbook serve`: MkDocs driven through its Python API, never writing into content/.

A build goes to a temporary folder beside the target and is swapped in only when it succeeded, so a failed or
interrupted build leaves the last good site in place. On Linux the swap is one atomic exchange, so there is no
moment without a site; elsewhere it is two renames, and the next build repairs what a kill between them left.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from .mkdocs_plugin import PROGRAM_ENV, SITE_MARKER, HandbookPlugin
from .problems import InputError, Problem
from .site import RenderedSite, render_site
from .siteconfig import config_file
from .sources import Sources

_NEW, _OLD = ".new-", ".old-"
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2
_LOG_HANDLER = logging.StreamHandler()


@contextlib.contextmanager
def _empty_docs_dir() -> Iterator[str]:
    """docs_dir for MkDocs' checks: the plugin supplies every page from the program's sources instead."""
    with tempfile.TemporaryDirectory(prefix="handbook-docs-") as folder:
        yield folder


def _recover(target: Path) -> None:
    """Finish what an interrupted swap left: put a set-aside site back if none is in place; drop stale folders."""
    leftovers = sorted(target.parent.glob(f".{target.name}{_OLD}*")) if target.parent.is_dir() else []
    if leftovers and not target.exists():
        leftovers.pop().rename(target)
    for folder in [*leftovers, *target.parent.glob(f".{target.name}{_NEW}*")]:
        shutil.rmtree(folder, ignore_errors=True)


class OutputError(Exception):
    """The output folder is one a build must not replace."""


def check_output(target: Path, sources: Sources) -> None:
    """Refuse, before anything is rendered or cached, an output folder that is the program's or its sources'."""
    problem = sources.output_problem(target)
    if problem:
        raise OutputError(problem)


def _check_replaceable(target: Path, sources: Sources, marker: str) -> None:
    """Refuse to swap away anything but an earlier output: never the program's folder, never an unrelated folder."""
    check_output(target, sources)
    if (target / "program.yaml").exists():
        raise OutputError(f"{target} holds a program.yaml; choose another output folder")
    if target.is_dir() and any(target.iterdir()) and not (target / marker).exists():
        raise OutputError(f"{target} is not empty and has no {marker} from an earlier run; choose another folder")


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    """Linux's renameat2(2) from libc, or None where there is none (other systems, old C libraries)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        call = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    call.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    call.restype = ctypes.c_int
    return call


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one atomic step; False when the system or file system cannot, so rename instead."""
    call = _renameat2()
    if call is None:
        return False
    if call(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


@contextlib.contextmanager
def replacing(target: Path, sources: Sources, marker: str) -> Iterator[Path]:
    """A fresh folder to fill; on success it replaces `target` (swapped in one step, or old out then new in).

    Only a missing or empty folder, or one holding `marker` (what an earlier run wrote), is replaced.
    """
    target = target.resolve()
    _check_replaceable(target, sources, marker)
    target.parent.mkdir(parents=True, exist_ok=True)
    _recover(target)
    new = Path(tempfile.mkdtemp(prefix=f".{target.name}{_NEW}", dir=target.parent))
    new.chmod(0o755)  # mkdtemp makes it private; a published site must be readable by the web server
    try:
        yield new
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    if target.exists() and exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)  # now the old site; a kill here leaves a .new- folder to _recover
        return
    old = new.with_name(new.name.replace(_NEW, _OLD))
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def show_mkdocs_log(level: int) -> None:
    """Print MkDocs' messages as its own CLI would (broken links; for serve, where it serves and what it rebuilds)."""
    logger = logging.getLogger("mkdocs")
    if _LOG_HANDLER not in logger.handlers:
        _LOG_HANDLER.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(_LOG_HANDLER)
    logger.setLevel(level)


def _mkdocs_problem(sources: Sources, config: Path, message: str) -> InputError:
    return InputError([Problem(sources.display(config), 1, 1, "", message)])


def build_into(site: RenderedSite, site_dir: Path, config_path: Path) -> None:
    """Run MkDocs on a rendered site with the mkdocs.yml `config_file` gave, writing into site_dir."""
    sources = site.sources
    with _empty_docs_dir() as docs_dir:
        try:
            config = load_config(str(config_path), docs_dir=docs_dir, site_dir=str(site_dir))
        except Abort as exc:
            raise _mkdocs_problem(sources, config_path, f"MkDocs refused its configuration: {exc}") from None
        plugin = config.plugins.get("handbook")
        if not isinstance(plugin, HandbookPlugin):
            message = "the `handbook` plugin is missing from `plugins:`; add it after `search`"
            raise _mkdocs_problem(sources, config_path, message)
        plugin.use(site)
        try:
            mkdocs_build(config)
        except Abort as exc:
            raise _mkdocs_problem(sources, config_path, f"MkDocs failed: {exc}") from None


def build_site(program_file: Path, out_dir: Path, *, use_cache: bool = True) -> RenderedSite:
    """Render, build into a folder beside out_dir, then swap it in; InputError leaves out_dir untouched.

    Two builds of the same inputs give the same bytes, with or without SOURCE_DATE_EPOCH.
    """
    check_output(out_dir, Sources(program_file))
    site = render_site(Sources(program_file), use_cache=use_cache)
    config_path = config_file(site.sources)  # refused before anything is written, or MkDocs reads it
    with replacing(out_dir, site.sources, SITE_MARKER) as new:
        build_into(site, new, config_path)
    return site


def serve(program_file: Path, dev_addr: str | None, open_in_browser: bool) -> None:
    """MkDocs' live preview; the plugin re-renders on each change to program.yaml, forms/ or content/."""
    from mkdocs.commands.serve import serve as mkdocs_serve  # the live-reload server, needless for a build

    sources = Sources(program_file)
    render_site(sources)  # report input errors the coordinator's way before the server starts
    config_path = config_file(sources)
    show_mkdocs_log(logging.INFO)
    os.environ[PROGRAM_ENV] = str(program_file.resolve())
    with _empty_docs_dir() as docs_dir:
        mkdocs_serve(str(config_path), docs_dir=docs_dir, dev_addr=dev_addr, open_in_browser=open_in_browser)
