"""The ports tests hand to the servers they start are ones a browser will load pages from."""

from __future__ import annotations

import itertools

import pytest

from tests.support import ports


def test_a_port_browsers_refuse_is_never_handed_out(monkeypatch: pytest.MonkeyPatch) -> None:
    # a CI run's console page failed with net::ERR_UNSAFE_PORT: the service a browser test
    # opened had been given 10080, a port of the Fetch standard's bad-port list
    assert 10080 in ports.BAD_PORTS and ports.FLOOR < 10080
    free = next(p for p in range(20_000, 21_000) if ports._bindable(p))
    monkeypatch.setattr(ports, "_BLOCK", range(10_080, 10_082))
    monkeypatch.setattr(ports, "_NEXT", itertools.cycle([10_080, free]))
    assert {ports.free_port() for _ in range(5)} == {free}
