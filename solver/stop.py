"""Stopping a running solve on request, keeping the best rota found so far.

`SolveParams.stop` is a `threading.Event` the caller sets (a planner pressing "cancel"); each CP-SAT
search runs inside `watching`, which then stops it the way its time limit would, so the solve returns
its best rota as usual (settled and read back like any other). Loops between searches ask `requested`.
Pure: no files, no environment; a thread only while a search runs.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from ortools.sat.python import cp_model

# How often the watcher looks at the event. It keeps calling `stop_search` while the event is set,
# because a call that comes before CP-SAT has set up its search is lost.
POLL = 0.05


def requested(stop: threading.Event | None) -> bool:
    return stop is not None and stop.is_set()


@contextmanager
def watching(solver: cp_model.CpSolver, stop: threading.Event | None) -> Iterator[None]:
    """While the block runs `solver`'s search, a set `stop` ends that search as its time limit would."""
    if stop is None:
        yield
        return
    done = threading.Event()

    def watch() -> None:
        while not done.wait(POLL):
            if stop.is_set():
                solver.stop_search()

    thread = threading.Thread(target=watch, daemon=True, name="solve-stop")
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
