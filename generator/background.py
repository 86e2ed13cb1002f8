"""Work started in a forked process while the caller does something else, with the result collected later.

A cold build renders forms and pages while MkDocs is being loaded, and forms on two cores at once. Only where fork
is safe and cheap: not on Windows (spawn would import everything again) and not beside other threads (as under
`handbook serve`, whose server threads a fork could leave holding locks); there the work runs when collected.
"""

from __future__ import annotations

import atexit
import gc
import multiprocessing
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import TypeVar

from .problems import InputError

T = TypeVar("T")


def in_background(work: Callable[[], T]) -> Callable[[], T]:
    """Start `work` in a forked process; the function returned waits for its result.

    An InputError comes back as it was raised. Any other failure (or a worker that died) makes the parent do the work
    itself when collecting, so such errors surface as they would without a worker. Ctrl-C or SIGTERM while waiting
    stops the worker.
    """
    if threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return work
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    # Not a daemon, which could start no workers of its own; a worker never collected is stopped at exit instead.
    process = context.Process(target=_run, args=(sender, receiver, work))
    # Frozen, the objects the worker inherits are out of its garbage collector's reach: its collections would
    # otherwise walk (and so copy, page by page) everything the parent holds, about a tenth of a cold build's CPU.
    # The parent takes them back at once.
    gc.freeze()
    try:
        process.start()
    finally:
        gc.unfreeze()
    atexit.register(process.terminate)
    sender.close()

    def result() -> T:
        try:
            kind, value = receiver.recv()
        except EOFError:
            kind, value = "failed", None
        except BaseException:
            process.terminate()
            raise
        finally:
            receiver.close()
            process.join()
            atexit.unregister(process.terminate)
        if kind == "problems":
            raise InputError(value)
        return value if kind == "done" else work()

    return result


def _run(sender: Connection, receiver: Connection, work: Callable[[], object]) -> None:
    """The worker: its result goes to the parent, or nowhere once the parent is gone.

    The worker closes its copy of the pipe's reading end, so a write to a parent that died fails instead of
    waiting for ever; and `terminate()` (an abandoned render, a stopped build) ends it at once, whatever handler
    the parent had set for SIGTERM.
    """
    receiver.close()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        sender.send(("done", work()))
    except InputError as exc:
        sender.send(("problems", exc.problems))  # InputError itself would not survive pickling
    except Exception:
        sender.send(("failed", None))
