"""The order the suite's tests are handed to pytest-xdist's workers in.

`--dist worksteal` gives each worker one contiguous share of the collection at the start
(a quarter each with four workers) and, when a worker runs out, moves the second half of
the longest queue left to it. Sorted as one list (the tests without a database first, then
every long one), the first shares held only the quick house tests and one share nearly
every long test: that worker ran them one after another while the others stole its queue's
tail, and the run ended on a few workers waiting on servers in processes of their own with
the cores idle. So the list is laid out as one share per worker, each a slice of every
kind:

- first its tests that need no database (they run while the template is migrated);
- then its long tests in the worker's own process (Chromium, the slow tier), longest first
  by kind, so that none starts late and runs alone at the end;
- with its tests in processes of their own (mostly waiting: on a server starting, on a
  lease running out) spread over the share, a module's together (a module may start a
  cluster for all of its tests), so that at any moment about the same number of workers
  wait and the others keep the cores busy;
- and ending on the quick database tests, which stealing shares out at the end."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

LONG = ("slow", "browser")  # long in the worker's own process; "process": waiting mostly


def _kind(item: Any) -> str:
    if "infra" not in getattr(item, "fixturenames", ()):
        return "first"
    if item.get_closest_marker("process"):
        return "waiting"
    if any(item.get_closest_marker(mark) for mark in LONG):
        return "long"
    return "quick"


def _by_module(items: Sequence[Any]) -> list[list[Any]]:
    units: dict[str, list[Any]] = {}
    for item in items:
        units.setdefault(str(item.path), []).append(item)
    return list(units.values())


def _slice(items: list[Any], k: int, workers: int) -> list[Any]:
    """The k-th of `workers` contiguous slices: a module's tests stay on one worker (one
    service started for a module's own settings, not one per worker)."""
    return items[len(items) * k // workers:len(items) * (k + 1) // workers]


def worksteal_order(items: Sequence[Any], workers: int) -> list[Any]:
    """`items` laid out as `workers` shares (module docstring)."""
    workers = max(1, workers)
    kinds: dict[str, list[Any]] = {"first": [], "waiting": [], "long": [], "quick": []}
    for item in items:
        kinds[_kind(item)].append(item)
    # the modules in processes of their own dealt out to the shares, largest first, each to
    # the share with the fewest so far
    waiting: list[list[list[Any]]] = [[] for _ in range(workers)]
    for unit in sorted(_by_module(kinds["waiting"]), key=len, reverse=True):
        min(waiting, key=lambda share: sum(map(len, share))).append(unit)
    # the browser tests before the slow tier's: a journey in Chromium is the longest kind
    long = sorted(kinds["long"], key=lambda item: not item.get_closest_marker("browser"))
    order: list[Any] = []
    for k in range(workers):
        body = [[item] for item in long[k::workers]] + \
            [[item] for item in _slice(kinds["quick"], k, workers)]
        units = waiting[k]
        # the waiting modules spread over the first four fifths of the share's body
        span = len(body) * 4 // 5
        for n, unit in enumerate(units):
            body.insert(span * n // max(1, len(units)) + n, unit)
        order += _slice(kinds["first"], k, workers)
        order += [item for unit in body for item in unit]
    return order
