"""Where a connection the suite dropped without closing it was made.

An object finalised while still open (a socket, an asyncio transport or stream writer, a
Redis connection or pipeline, a SQLite connection) warns from its `__del__`, and pytest
fails whichever test the garbage collector happens to run in, naming the object's repr
only: nothing says which test made it, or where. tracemalloc would say where any object
was made, at several times the suite's time. This records, for the kinds of object that
have been dropped, the frames of the project's own code that made each one (a few
microseconds a connection), and adds them as a note to the report."""

from __future__ import annotations

import asyncio
import socket
import sys
import weakref
from collections.abc import Callable
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

ROOT = str(Path(__file__).resolve().parents[2]) + "/"
VENV = ROOT + ".venv/"
DEPTH = 60  # frames looked at, innermost first
KEPT = 8  # of the project's own frames
PURGE_EVERY = 20_000  # records between two sweeps of the dead ones

# id(object) -> (a weak reference to it, where it was made). A record outlives its object
# until the next sweep: the collector clears weak references to a cycle before calling its
# finalisers, so the record must still be found when the object is already unreachable.
_BORN: dict[int, tuple[weakref.ref[Any], tuple[str, ...]]] = {}
_SINCE_PURGE = 0


def _where(frame: FrameType | None) -> tuple[str, ...]:
    """The project's own frames among the innermost DEPTH, innermost first; the innermost
    library frame first when it made the object (a connector, a pool)."""
    kept: list[str] = []
    for _ in range(DEPTH):
        if frame is None or len(kept) >= KEPT:
            break
        name = frame.f_code.co_filename
        if (name.startswith(ROOT) and not name.startswith(VENV)) or not kept:
            kept.append(f"{name.removeprefix(ROOT)}:{frame.f_lineno} in {frame.f_code.co_name}")
        frame = frame.f_back
    if len(kept) == 1:  # none of the project's own: a task a library or a gather started
        kept.append(_task_named())
    return tuple(kept)


def _task_named() -> str:
    """The task the object was made in, by its name and coroutine (arq's poll loop, a job,
    a coroutine asyncio.gather wrapped), when no frame of the project's own is on its stack."""
    try:
        task = asyncio.current_task()
    except RuntimeError:
        task = None
    if task is None:
        return "outside any task"
    coro = task.get_coro()
    return f"in task {task.get_name()} running {getattr(coro, '__qualname__', repr(coro))}"


def _remember(obj: object) -> None:
    global _SINCE_PURGE
    try:
        ref = weakref.ref(obj)
    except TypeError:
        return
    _BORN[id(obj)] = (ref, _where(sys._getframe(2)))
    _SINCE_PURGE += 1
    if _SINCE_PURGE >= PURGE_EVERY:
        _SINCE_PURGE = 0
        for key in [k for k, (r, _) in _BORN.items() if r() is None]:
            del _BORN[key]


def _recording(cls: type) -> None:
    made = cls.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        made(self, *args, **kwargs)
        _remember(self)

    cls.__init__ = __init__  # type: ignore[misc]


def _born(obj: object) -> tuple[str, ...] | None:
    record = _BORN.get(id(obj))
    if record is None:
        return None
    ref, where = record
    alive = ref()
    return where if alive is None or alive is obj else None


def _candidates(obj: object, tb: TracebackType | None) -> list[object]:
    """The finalised object (pytest names it, or it is `self` of the `__del__` that warned)
    and the socket under it."""
    found = [obj]
    while tb is not None:
        if (me := tb.tb_frame.f_locals.get("self")) is not None:
            found.append(me)
        tb = tb.tb_next
    for item in list(found):
        for name in ("_sock", "_transport"):
            if (inner := getattr(item, name, None)) is not None:
                found.append(inner)
                if (sock := getattr(inner, "_sock", None)) is not None:
                    found.append(sock)
    return found


def note(obj: object, tb: TracebackType | None) -> str | None:
    for candidate in _candidates(obj, tb):
        if (where := _born(candidate)) is not None:
            return f"{type(candidate).__name__} made at:\n  " + "\n  ".join(where)
    return None


def _explaining(previous: Callable[[Any], object]) -> Callable[[Any], object]:
    def hook(unraisable: Any) -> None:
        exc = unraisable.exc_value
        if exc is not None:
            told = note(unraisable.object, unraisable.exc_traceback)
            if told is not None:
                exc.add_note(told)
        previous(unraisable)

    return hook


def record() -> None:
    """Record where the suite's connections are made (at the start of each process)."""
    import aiosqlite.core
    from redis.asyncio.client import Pipeline
    from redis.asyncio.connection import AbstractConnection

    for cls in (socket.socket, AbstractConnection, Pipeline, aiosqlite.core.Connection):
        _recording(cls)


def explain() -> None:
    """Add to each report of an object finalised unclosed where it was made (after pytest
    has put its own hook in place)."""
    sys.unraisablehook = _explaining(sys.unraisablehook)
