"""A connection dropped without being closed is reported with where it was made."""

from __future__ import annotations

import socket

from tests.support import births


def _opened_here() -> socket.socket:
    return socket.socket()


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
