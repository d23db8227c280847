"""A connection dropped without being closed is reported with where it was made."""

from __future__ import annotations

import socket
import sys
from types import SimpleNamespace

from tests.support import births


def _opened_here() -> socket.socket:
    return socket.socket()


class _Transport:
    """Like asyncio's transports: it holds the socket, and warns from a method of its own."""

    def __init__(self) -> None:
        self._sock = _opened_here()

    def finalise(self) -> None:
        raise ResourceWarning(f"unclosed transport {self!r}")


def test_a_dropped_socket_is_reported_with_where_it_was_made() -> None:
    sock = _opened_here()
    try:
        told = births.note(sock, None)
    finally:
        sock.close()
    assert told is not None
    assert told.startswith("socket made at:")
    assert "tests/house/test_births.py" in told and "in _opened_here" in told
    assert births.note(object(), None) is None  # nothing recorded, nothing said


def test_the_report_of_a_finaliser_names_where_its_socket_was_made() -> None:
    """pytest names only the finaliser (`<function _SelectorTransport.__del__>`): the socket is
    found through the `self` of the frame that warned; the note reaches pytest's report."""
    transport = _Transport()
    try:
        try:
            transport.finalise()
        except ResourceWarning as exc:
            warned = exc
        seen: list[object] = []
        report = SimpleNamespace(object=_Transport.finalise, exc_value=warned,
                                 exc_traceback=warned.__traceback__)
        births._explaining(seen.append)(report)
    finally:
        transport._sock.close()
    assert seen == [report]
    assert any("in _opened_here" in n and "in __init__" in n for n in warned.__notes__)
    # and the suite's own hook is the one that adds it (tests/conftest.py)
    assert sys.unraisablehook.__qualname__ == "_explaining.<locals>.hook"
