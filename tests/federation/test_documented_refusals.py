"""Every refusal of the signature docs/federation.md names (HTTP 401, unsigned, its `error`
code), and an unknown request's HTTP 404 `no_request`, answered as the document says: the
list is read from the document itself, so a refusal it adds without a request here to
provoke it, or one the service answers that it does not name, fails."""

from __future__ import annotations

import re
import time

import pytest
from aiohttp.test_utils import TestClient

from config.settings import ROOT, Settings
from services.federation import Identity, Keys
from tests.support.bodies import send
from tests.support.federation import asking, lending_here

DOC = ROOT / "docs" / "federation.md"
STATE = "/federation/v1/draws/440100-0123456789abcdef"


@pytest.fixture
def settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """This service as 韶关's library, trusting 广州's."""
    lending_here(monkeypatch)
    return settings


def unsigned_refusals() -> set[str]:
    text = DOC.read_text()
    said = text[text.index("The called library refuses (HTTP 401"):text.index("The nonce is")]
    return set(re.findall(r"\(`([a-z_]+)`\)", said))


async def test_every_refusal_of_the_signature_is_the_documents(
        client: TestClient, settings: Settings) -> None:
    federation, peer, session = asking(client, settings)
    await session.close()
    stranger, _, other = asking(client, settings, Identity("999999", "某库", Keys.new_private()))
    await other.close()
    _, h_to, h_time, h_nonce, h_signature = federation.trust.protocol.names()

    def signed(now: int | None = None, by: object = federation) -> dict[str, str]:
        return by.trust.sign_request(  # type: ignore[attr-defined]
            peer, "GET", STATE, b"", now or int(time.time()))

    headers = signed()
    cases = {
        "unknown_peer": signed(by=stranger),
        "not_for_us": {**signed(), h_to: "440300"},
        "bad_time": {**signed(), h_time: "soon"},
        "stale": signed(int(time.time()) - 3600),
        "bad_nonce": {**signed(), h_nonce: "!"},
        "bad_signature": {**signed(), h_signature: headers[h_signature][::-1]},
    }
    got = {}
    for code, sent in cases.items():
        answer = await send(client, "GET", STATE, None, b"", sent)
        got[code] = (answer.status, answer.error)
        assert answer.in_words(), code
    first = await send(client, "GET", STATE, None, b"", headers)
    assert (first.status, first.error) == (404, "no_request")  # signed: the request unknown
    assert "no_request" in DOC.read_text() and "HTTP 404\n`no_request`" in DOC.read_text()
    again = await send(client, "GET", STATE, None, b"", headers)
    got["replayed"] = (again.status, again.error)
    assert got == {code: (401, code) for code in unsigned_refusals()}
