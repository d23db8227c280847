"""Ports for the servers tests start (Redis, sentinels, PostgreSQL, Chromium, the service).

A port from `bind(("127.0.0.1", 0))` comes from the kernel's ephemeral range, the same range
every outgoing connection of every worker draws from: between the test choosing it and its
server binding it, a client connection can take it ("Address already in use"). These come from
below that range, where only an explicit bind lands, and each pytest-xdist worker has a block of
its own, so two workers never hand out the same port."""

from __future__ import annotations

import itertools
import os
import random
import socket

FLOOR = 10_000  # below this live well-known services
# the Fetch standard's bad ports (https://fetch.spec.whatwg.org/#port-blocking): a browser
# refuses to load a page from one (Chromium: net::ERR_UNSAFE_PORT), so a service a browser
# test opens must never listen on one. Only 10080 (amanda) lies above FLOOR; the rest are
# here so that a lower FLOOR or the kernel's own choice stays clear of them too.
BAD_PORTS = frozenset({
    1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101,
    102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389,
    427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636,
    989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665,
    6666, 6667, 6668, 6669, 6679, 6697, 10080})
WORKERS = 16  # blocks; a worker index past this shares a block (and the bind check holds)


def _ephemeral_low() -> int:
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32_768


def _worker() -> int:
    name = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(name[2:]) if name[2:].isdigit() else 0


def _block() -> range:
    low = _ephemeral_low()
    size = (low - FLOOR) // WORKERS
    if size < 50:  # an unusual machine: no room below the ephemeral range
        return range(0)
    start = FLOOR + (_worker() % WORKERS) * size
    return range(start, start + size)


_BLOCK = _block()
# a random start, so that two runs on one machine (CI's stages, a developer's second terminal)
# rarely begin at the same port; the bind check below settles the rest
_NEXT = itertools.cycle(
    [*_BLOCK[(cut := random.randrange(len(_BLOCK))):], *_BLOCK[:cut]] if _BLOCK else [0])


# ports a server of this worker comes back to, test after test (held_port): not handed out
_HELD: set[int] = set()


def _bindable(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port() -> int:
    """A port nothing listens on, outside the ephemeral range and this worker's alone, and
    one a browser loads pages from."""
    if not _BLOCK:
        while True:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                if (port := int(s.getsockname()[1])) not in BAD_PORTS:
                    return port
    for port in itertools.islice(_NEXT, len(_BLOCK)):
        if port not in _HELD and port not in BAD_PORTS and _bindable(port):
            return port
    raise RuntimeError(f"no free port in {_BLOCK.start}-{_BLOCK.stop - 1}")


def held_port() -> int:
    """A free port this worker keeps for a server it starts again in test after test (a
    fake provider whose address the shared service's settings name): free_port never
    hands it out to anything else of the worker."""
    port = free_port()
    _HELD.add(port)
    return port
