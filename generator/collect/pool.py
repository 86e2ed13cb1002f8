"""Read untrusted files in worker processes, each under a time limit and a memory cap.

A hostile PDF can make a parser loop, recurse or inflate gigabytes. Here it can only cost its own
worker: a worker over its time is killed and replaced, one over its memory fails inside its cap, one
that dies is replaced, and the file is reported; every other file is still read, at full speed.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from .reading import Returned, Unreadable, read_returned


@dataclass(frozen=True)
class Limits:
    seconds: float = 20.0
    """Longest one file may take; a filled form reads in well under a second."""
    memory: int = 1024 * 1024 * 1024
    """Address space a worker may use (bytes); Linux and macOS only (Windows has no such cap)."""
    workers: int = max(1, min(4, os.cpu_count() or 1))


def _serve(conn: Connection, memory: int) -> None:
    """A worker: read each path it is sent, answer with the result or the problem, until told to stop."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ImportError, ValueError, OSError):
        pass  # no cap where the platform has none; the time limit still holds
    while True:
        path = conn.recv()
        if path is None:
            return
        try:
            conn.send(("ok", read_returned(path)))
        except Unreadable as exc:
            conn.send(("problem", str(exc)))
        except MemoryError:
            message = "reading the PDF needed more memory than any form should; it may be a decompression bomb"
            conn.send(("fatal", message))
            return  # a worker that ran out of memory is not trusted with another file


@dataclass
class _Worker:
    process: Any
    conn: Connection
    path: str | None = None
    deadline: float = 0.0


class _Pool:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.context = multiprocessing.get_context("spawn")  # the same on every platform; inherits nothing
        self.workers: list[_Worker] = []

    def start(self) -> _Worker:
        ours, theirs = self.context.Pipe()
        process = self.context.Process(target=_serve, args=(theirs, self.limits.memory), daemon=True)
        process.start()
        theirs.close()
        worker = _Worker(process, ours)
        self.workers.append(worker)
        return worker

    def retire(self, worker: _Worker) -> None:
        self.workers.remove(worker)
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join()
        worker.conn.close()

    def close(self) -> None:
        for worker in list(self.workers):
            with contextlib.suppress(OSError):
                worker.conn.send(None)
            worker.process.join(timeout=2)
            self.retire(worker)


def read_all(paths: Iterable[str], limits: Limits) -> Iterator[tuple[str, Returned | str]]:
    """(path, Returned) for every readable file, (path, problem) for the rest; in the order they finish."""
    pending = list(paths)
    pending.reverse()
    pool = _Pool(limits)
    try:
        for _ in range(min(limits.workers, len(pending))):
            pool.start()
        idle = list(pool.workers)
        while pending or any(w.path for w in pool.workers):
            while idle and pending:
                worker = idle.pop()
                worker.path, worker.deadline = pending.pop(), time.monotonic() + limits.seconds
                worker.conn.send(worker.path)
            busy = [w for w in pool.workers if w.path]
            now = time.monotonic()
            ready = wait([w.conn for w in busy], timeout=max(0.0, min(w.deadline for w in busy) - now))
            for worker in busy:
                path = worker.path
                assert path is not None
                if worker.conn in ready:
                    try:
                        status, result = worker.conn.recv()
                    except (EOFError, OSError):
                        status, result = "fatal", "the PDF made its reader crash; it is damaged or built to do so"
                    worker.path = None
                    yield path, result
                    if status != "fatal":
                        idle.append(worker)
                        continue
                elif time.monotonic() >= worker.deadline:
                    worker.path = None
                    yield (
                        path,
                        (
                            f"reading the PDF took longer than {limits.seconds:g} seconds; it is damaged or built to "
                            "hang readers"
                        ),
                    )
                else:
                    continue
                pool.retire(worker)
                if pending:
                    idle.append(pool.start())
    finally:
        pool.close()
