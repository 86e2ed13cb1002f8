"""Output folders written safely: one writer at a time, whole or not at all, never over files we did not write.

A build goes to a temporary folder beside the target and is swapped in only when it succeeded, so a failed or
interrupted build leaves the last good site in place. On Linux the swap is one atomic exchange, so there is no
moment without a site; elsewhere it is two renames, and the next build repairs what a kill between them left.
A target that cannot be renamed (a mount point: a USB stick, a network share) is filled in place instead, from a
temporary folder inside it, so nothing is ever written beside it.

Builds into one folder take turns through a lock file beside it (inside it, for a mount point): a second build
waits for the first, so neither ever removes the other's temporary folder.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from .sources import Sources

_NEW, _OLD = ".new-", ".old-"
IN_PLACE_NEW = ".handbook-new-"
"""Prefix of the temporary folder inside a target that is filled in place."""
LOCK = ".handbook-lock"
"""The lock file's name inside a target filled in place; beside a target it is `.<name>.lock`."""
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2
_NOT_RENAMEABLE = (errno.EXDEV, errno.EBUSY)
"""What rename(2) says of a mount point, or of a folder on another device."""
_FULL = (errno.ENOSPC, errno.EDQUOT)
_POLL = 0.1
LOG = logging.getLogger("mkdocs.plugins.handbook")
"""Under `mkdocs`, so `handbook build` prints it with MkDocs' own messages."""


class OutputError(Exception):
    """The output folder is one a build must not replace, or cannot hold the output."""


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


def _same_file(fd: int, path: Path) -> bool:
    try:
        current = os.stat(path)
    except FileNotFoundError:
        return False
    opened = os.fstat(fd)
    return (opened.st_dev, opened.st_ino) == (current.st_dev, current.st_ino)


@contextlib.contextmanager
def locked(path: Path, what: Path) -> Iterator[None]:
    """Hold the lock file `path` while writing `what`; another writer waits, saying so, until the holder is done.

    The lock is the operating system's (flock, or msvcrt on Windows), so a killed holder never leaves it held. The
    holder deletes the file when done; a waiter that then locks the deleted file notices and locks the new one.
    """
    announced = False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            while not _try_lock(fd):
                if not announced:
                    LOG.warning("another build is writing %s; waiting for it to finish", what)
                    announced = True
                time.sleep(_POLL)
            if _same_file(fd, path):
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):  # Windows cannot delete an open file: it stays, harmless
            os.unlink(path)
        os.close(fd)


_VOLUME_ENTRIES = frozenset({"lost+found", "System Volume Information", "$RECYCLE.BIN", ".Trashes", ".fseventsd"})
"""What file systems and operating systems keep at a volume's root: a mount point holding only these is empty."""


def _ours(name: str) -> bool:
    """Entries that never count as a target's content, nor are removed from it: our lock and temporary folder
    inside a target filled in place, and a volume's own entries."""
    return name == LOCK or name.startswith(IN_PLACE_NEW) or name in _VOLUME_ENTRIES


def _recover(target: Path) -> None:
    """Finish what an interrupted swap left: put a set-aside site back if none is in place; drop stale folders.

    Called only under the lock, so no folder it removes belongs to a live build.
    """
    leftovers = sorted(target.parent.glob(f".{target.name}{_OLD}*"))
    if leftovers and not target.exists():
        leftovers.pop().rename(target)
    stale = [*leftovers, *target.parent.glob(f".{target.name}{_NEW}*")]
    if target.is_dir():
        stale += target.glob(f"{IN_PLACE_NEW}*")
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)


def check_output(target: Path, sources: Sources) -> None:
    """Refuse, before anything is rendered or cached, an output folder that is the program's or its sources'."""
    problem = sources.output_problem(target)
    if problem:
        raise OutputError(problem)


def _check_replaceable(target: Path, sources: Sources, marker: str) -> None:
    """Refuse to swap away anything but an earlier output: never the program's folder, never an unrelated folder."""
    check_output(target, sources)
    if target == sources.root.resolve() or target in sources.root.resolve().parents:
        raise OutputError(f"{target} holds {sources.display(sources.program_file)}; choose another output folder")
    if (target / "program.yaml").exists():
        raise OutputError(f"{target} holds a program.yaml; choose another output folder")
    if target.is_dir() and not (target / marker).exists() and any(not _ours(p.name) for p in target.iterdir()):
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


def _fill_in_place(new: Path, target: Path, marker: str) -> None:
    """Replace target's content by new's, keeping target itself: for a folder that cannot be renamed.

    Not one atomic step, so the marker goes first: a kill part way leaves a folder the next build may replace.
    """
    shutil.move(new / marker, target / marker)
    for entry in target.iterdir():
        if entry.name != marker and not _ours(entry.name):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    for entry in new.iterdir():
        shutil.move(entry, target / entry.name)  # a rename inside one device, a copy across two
    shutil.rmtree(new)


def _swap(new: Path, target: Path, marker: str) -> None:
    """Put the finished `new` in target's place, atomically where the system can, in place where it cannot rename."""
    old = new.with_name(new.name.replace(_NEW, _OLD))
    try:
        if target.exists() and exchange(new, target):
            shutil.rmtree(new, ignore_errors=True)  # now the old site; a kill here leaves a .new- folder to _recover
            return
        if target.exists():
            target.rename(old)
    except OSError as exc:
        if exc.errno not in _NOT_RENAMEABLE:
            raise
        _fill_in_place(new, target, marker)
        return
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _full(target: Path) -> OutputError:
    return OutputError(f"no space left on the device to write {target}; free some space and run again")


@contextlib.contextmanager
def replacing(target: Path, sources: Sources, marker: str) -> Iterator[Path]:
    """A fresh folder to fill; on success it replaces `target` (swapped in one step, or old out then new in).

    Only a missing or empty folder, or one holding `marker` (what an earlier run wrote), is replaced. The folder
    written must leave `marker` in it. A full disk is reported as the target's, whichever file it struck.
    """
    target = target.resolve()
    _check_replaceable(target, sources, marker)  # before waiting for another build: a refusal need not wait
    target.parent.mkdir(parents=True, exist_ok=True)
    in_place = target.is_dir() and os.path.ismount(target)
    lock = target / LOCK if in_place else target.parent / f".{target.name}.lock"
    with locked(lock, target):
        _check_replaceable(target, sources, marker)
        _recover(target)
        prefix = IN_PLACE_NEW if in_place else f".{target.name}{_NEW}"
        new = Path(tempfile.mkdtemp(prefix=prefix, dir=target if in_place else target.parent))
        new.chmod(0o755)  # mkdtemp makes it private; a published site must be readable by the web server
        try:
            try:
                yield new
                if in_place:
                    _fill_in_place(new, target, marker)
                else:
                    _swap(new, target, marker)
            except OSError as exc:
                if exc.errno in _FULL:
                    raise _full(target) from exc
                raise
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise


@contextlib.contextmanager
def scratch_beside(new: Path) -> Iterator[Path]:
    """Another fresh folder beside the one `replacing` gave, for part of the output made apart and moved in.

    Named after `new`, so the leftovers of a killed build are dropped with it by the next one; removed on leaving
    unless moved away.
    """
    folder = Path(tempfile.mkdtemp(prefix=f"{new.name}-", dir=new.parent))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


FORMS_MANIFEST = ".handbook-forms.json"
"""What `handbook forms` wrote into a folder: each PDF's name and the SHA-256 of the bytes it wrote."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomically(path: Path, data: bytes) -> None:
    """Write a temporary file beside `path`, then rename it over: a kill or a full disk never leaves half a file."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o644)  # mkstemp makes it private; forms are meant to be handed out
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _manifest(folder: Path) -> dict[str, list[str]]:
    """The manifest's entries, or none when it is missing or not what we write (then no PDF counts as ours)."""
    try:
        entries = json.loads((folder / FORMS_MANIFEST).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    if not isinstance(entries, dict):
        return {}
    return {k: v for k, v in entries.items() if isinstance(v, list) and all(isinstance(h, str) for h in v)}


def _write_manifest(folder: Path, entries: dict[str, list[str]]) -> None:
    text = json.dumps({"written by": "handbook forms", "files": dict(sorted(entries.items()))}, indent=1)
    write_atomically(folder / FORMS_MANIFEST, text.encode("utf-8") + b"\n")


def _replaceable(path: Path, data: bytes, known: list[str]) -> bool:
    """Whether the file at `path` is missing, is what we wrote there, or already holds `data`."""
    if not path.exists() and not path.is_symlink():
        return True
    try:
        current = _sha256(path.read_bytes()) if path.is_file() else None
    except OSError:
        return False
    return current is not None and (current in known or current == _sha256(data))


def write_forms(folder: Path, pdfs: dict[str, bytes]) -> list[Path]:
    """Write `<form-id>.pdf` for each form, each atomically, replacing only PDFs an earlier run wrote.

    A PDF is replaced only while its bytes are those FORMS_MANIFEST records (or already the new ones), so a filled
    copy a participant saved under the same name, or any file of someone else's, is refused rather than lost. The
    manifest lists old and new bytes while files are being replaced, so a kill part way leaves every PDF ours.
    """
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with locked(folder / LOCK, folder):
            # Left by a killed run (the lock says none is writing): a PDF's or the manifest's temporary file.
            for stale in [*folder.glob(".*.pdf.*.tmp"), *folder.glob(f".{FORMS_MANIFEST}.*.tmp")]:
                stale.unlink()
            manifest = _manifest(folder)
            files = {f"{form_id}.pdf": data for form_id, data in pdfs.items()}
            new = {name: _sha256(data) for name, data in files.items()}
            foreign = [n for n, data in files.items() if not _replaceable(folder / n, data, manifest.get(n, []))]
            if foreign:
                names = ", ".join(str(folder / name) for name in foreign)
                raise OutputError(
                    f"{names}: not written by `handbook forms`, or changed since (filled in?); nothing was written. "
                    "Move these files away or choose another output folder"
                )
            _write_manifest(folder, {**manifest, **{n: [*manifest.get(n, []), h] for n, h in new.items()}})
            for name, data in files.items():
                write_atomically(folder / name, data)
            _write_manifest(folder, {**manifest, **{n: [h] for n, h in new.items()}})
    except OSError as exc:
        if exc.errno in _FULL:
            raise _full(folder) from exc
        raise
    return [folder / name for name in files]
