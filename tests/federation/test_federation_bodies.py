"""A signed message whose body is no JSON object is refused as docs/federation.md says — HTTP
400 `{"error": "bad_request", "message": words}`, 413 `too_large` past 64 KB — on every route
that takes one, never a 500 nor aiohttp's English: not JSON, cut short, invalid UTF-8, a
list, nested past the parser's stack, sent as another content type. The signature is still
checked first, and a value past the database's columns is a bad request too. Each field of
each message the protocol reads, given a value of the wrong shape, is refused in words."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
from aiohttp.test_utils import TestClient

from bot.providers.federation.server import MAX_BODY
from config.settings import Settings
from models.federated_draws import PeerDraw
from services.federation import Peer
from services.federation.ask_fees import read_sheet
from services.federation.ask_rosters import read_roster
from services.federation.fee_terms import read_terms
from services.federation.lend_request import read_evaluation, read_request
from tests.support.bodies import JSON_BROKEN, body_routes, path_of, send, wrong_shapes
from tests.support.federation import ASKER, asking, draw_request, lending_here

REQUEST_ID = "440100-0123456789abcdef"


@pytest.fixture
def settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """This service as 韶关's library, trusting 广州's (as tests/federation/test_lending.py
    has it: the same service)."""
    lending_here(monkeypatch)
    return settings


async def test_every_message_refuses_a_body_that_is_no_json_object_in_words(
        client: TestClient, settings: Settings) -> None:
    federation, peer, session = asking(client, settings)
    await session.close()
    routes = body_routes(client.app, "bot.providers.federation")
    assert len(routes) >= 7 and ("POST", "/federation/v1/draws") in routes
    over = ("application/json", b'{"name": "' + b"a" * MAX_BODY + b'"}')
    for method, template in routes:
        path = path_of(template, REQUEST_ID)
        for case, (content_type, body) in {**JSON_BROKEN, "over the cap": over}.items():
            signed = federation.trust.sign_request(peer, method, path, body, int(time.time()))
            answer = await send(client, method, path, content_type, body, signed)
            assert (answer.status, answer.error) == ((413, "too_large") if case ==
                                                     "over the cap" else (400, "bad_request")), (
                template, case, answer.status, answer.text[:200])
            assert answer.in_words(), (template, case, answer.words)
        content_type, body = JSON_BROKEN["JSON cut short"]  # unsigned: refused as ever
        unsigned = await send(client, method, path, content_type, body)
        assert unsigned.status == 401 and unsigned.error == "unknown_peer", template
    assert not await PeerDraw.exists()


async def test_a_number_past_the_database_is_a_bad_request(client: TestClient,
                                                           settings: Settings) -> None:
    """A change numbered beyond any column (2^70): a bad request in words, not a 500."""
    await PeerDraw.create(peer_code=ASKER.code, peer_name=ASKER.name, request_id=REQUEST_ID,
                          specialty="A0401", region="4402", count=2,
                          received_at=datetime.now(UTC))
    federation, peer, session = asking(client, settings)
    async with session:
        path = f"/federation/v1/draws/{REQUEST_ID}/update"
        body = json.dumps({**draw_request(), "seq": 2 ** 70}).encode()
        signed = federation.trust.sign_request(peer, "POST", path, body, int(time.time()))
        answer = await send(client, "POST", path, "application/json", body, signed)
    assert (answer.status, answer.error) == (400, "bad_request") and answer.in_words(), answer
    assert (await PeerDraw.get(request_id=REQUEST_ID)).seq == 0


def test_each_field_of_each_message_given_a_wrong_shape_is_refused_in_words() -> None:
    now = datetime.now(UTC).isoformat()
    asked = {**draw_request(), "wanted": 1, "records": {"12345678": {
        "late": True, "conduct": [{"code": "tbl71-8", "name": "使用手机"}], "score": 90,
        "comment": "迟到"}}, "fee": {"rule": "higher", "standard": {
            "name": "广州库劳务费标准", "base_hours": 3, "base_fen": 50000, "hour_fen": 10000,
            "daily_cap_fen": 200000, "cancel_fen": 0, "travel_fen": 0, "meal_fen": 0,
            "part_hour_counts": True}}}
    peer = Peer(ASKER.code, ASKER.name, "http://127.0.0.1:9", ASKER.public_key())
    tried = wrong_shapes(lambda body: read_request(peer, body), asked)
    tried += wrong_shapes(read_evaluation, asked)
    tried += wrong_shapes(read_terms, asked["fee"])
    tried += wrong_shapes(read_roster, {"seq": 1, "experts": [{
        "name": "张*", "specialty": "A0401", "specialty_name": "工程", "code": "12345678",
        "state": "serving", "absence": "", "checkin_at": now, "checkout_at": None}]})
    tried += wrong_shapes(read_sheet, {"seq": 1, "sheet": {
        "state": "submitted", "total_fen": 90000, "reference": "HX-1", "experts": [{
            "code": "12345678", "name": "张*", "amount_fen": 90000, "computed_fen": None,
            "reason": "", "paid": False, "supplementary": False}]}})
    assert tried > 1000
