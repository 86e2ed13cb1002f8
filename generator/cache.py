"""Build results kept between runs, keyed by a digest of everything that shapes them, so a rebuild skips the work.

The cache is an optimisation only: an entry that is missing, torn or corrupt reads as absent and is made again, and
a folder that cannot be written just means no caching. Entries are written to a temporary file and renamed into
place, so a killed build or a concurrent one never leaves half an entry under a real key.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from . import __version__

FOLDER = ".handbook-cache"
"""Where a program's cache lives, beside its program.yaml."""

LIMIT = 64 * 1024 * 1024
"""Bytes kept; the least recently used entries go first."""

_SHAPING = ("jinja2", "babel", "pydantic", "pyyaml", "icalendar", "reportlab", "pypdf", "holidays")
"""Libraries whose version can change what we render (dates, holidays, templates, PDFs); MkDocs runs every build."""

_PACKAGE = Path(__file__).resolve().parent
_DIGEST = hashlib.sha256().digest_size
_STALE_SECONDS = 600
"""A temporary file this old is left by a killed writer, not one still writing."""


def digest(*parts: bytes | str) -> str:
    """One hex digest of several parts; each is length-prefixed so ("ab", "c") and ("a", "bc") differ."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


@functools.cache
def tool_digest() -> str:
    """The tool itself: version, every module and font of the package, and the libraries that shape output.

    Hashing the whole package rather than just the renderer costs a few milliseconds and means no code change,
    even to a module the renderer imports indirectly, can ever serve a stale result.
    """
    files = sorted(p for p in _PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    parts: list[bytes | str] = [__version__, *(f"{n}={importlib.metadata.version(n)}" for n in _SHAPING)]
    for path in files:
        parts += [path.relative_to(_PACKAGE).as_posix(), path.read_bytes()]
    return digest(*parts)


def build_digest() -> str:
    """The tool plus the environment a build honours (SOURCE_DATE_EPOCH sets the PDFs' and calendar's dates)."""
    return digest(tool_digest(), os.environ.get("SOURCE_DATE_EPOCH", ""))


def pack(meta: dict[str, Any], blobs: list[bytes]) -> bytes:
    """A JSON header and binary parts in one entry: no pickle, so a cache file can never run code."""
    header = json.dumps({"meta": meta, "sizes": [len(b) for b in blobs]}).encode("utf-8")
    return b"".join([len(header).to_bytes(4, "big"), header, *blobs])


def unpack(data: bytes) -> tuple[dict[str, Any], list[bytes]]:
    """The inverse of pack; raises ValueError (or KeyError) on anything malformed."""
    size = int.from_bytes(data[:4], "big")
    header = json.loads(data[4 : 4 + size])
    blobs, offset = [], 4 + size
    for length in header["sizes"]:
        blobs.append(data[offset : offset + length])
        offset += length
    if offset != len(data):
        raise ValueError("entry length does not match its header")
    return header["meta"], blobs


class Cache:
    """A folder of entries named by key; each entry ends with the digest of its own bytes."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get(self, key: str) -> bytes | None:
        """The entry's bytes, or None when missing or damaged; a hit is marked recently used."""
        path = self.folder / key
        try:
            data = path.read_bytes()
        except OSError:
            return None
        body, check = data[:-_DIGEST], data[-_DIGEST:]
        if len(data) < _DIGEST or hashlib.sha256(body).digest() != check:
            return None  # torn by a crash or damaged on disk: render again
        with contextlib.suppress(OSError):
            os.utime(path)
        return body

    def put(self, key: str, body: bytes) -> None:
        """Store atomically; failure (read-only folder, full disk) is ignored, as the build does not need it."""
        try:
            self.folder.mkdir(exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=self.folder, prefix=f".{key}.", suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(body + hashlib.sha256(body).digest())
                os.replace(temp, self.folder / key)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                raise
        except OSError:
            return

    def prune(self, limit: int = LIMIT) -> None:
        """Drop least recently used entries beyond `limit` bytes, and temporary files killed writers left."""
        entries = []
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.folder):
                with contextlib.suppress(OSError):
                    stat = entry.stat()
                    if entry.name.endswith(".tmp"):
                        if stat.st_mtime < time.time() - _STALE_SECONDS:
                            os.unlink(entry.path)
                    else:
                        entries.append((stat.st_mtime, stat.st_size, entry.path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= limit:
                break
            with contextlib.suppress(OSError):
                os.unlink(path)
            total -= size
