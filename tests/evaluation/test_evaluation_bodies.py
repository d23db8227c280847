"""A signed message whose body is no JSON object is refused as docs/evaluation-systems.md
says — HTTP 400 `not_json` or `content_type`, 413 `too_large` past 2 MiB, in the protocol's
`{"error", "message"}` — on every route that takes one, never a 500 nor aiohttp's English:
not JSON, cut short, invalid UTF-8, a list, nested past the parser's stack, sent as another
content type. The signature is still checked first; a value past the database's columns is
a wrong message too; and each field of each message, given a value of the wrong shape, is
refused in words."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from aiohttp import web
from aiohttp.test_utils import TestClient, make_mocked_request

from bot.providers.evaluation.server import MAX_BODY, last_line
from models.evaluation.scores import EvaluationBidders
from services.evaluation.intake import parse_bidders, parse_event, parse_table
from tests.support.api import Api
from tests.support.bodies import (
    JSON_BROKEN,
    Answer,
    body_routes,
    path_of,
    send,
    wrong_shapes,
)
from tests.support.evaluation import BIDDERS, System, table


async def test_every_message_refuses_a_body_that_is_no_json_object_in_words(
        client: TestClient, api: Api, demo: dict) -> None:
    system = System()
    await system.register(api, demo, ["440100"])
    assert system.library is not None
    trust = system.client(None).trust  # type: ignore[arg-type]  # it signs; nothing is sent
    routes = body_routes(client.app, "bot.providers.evaluation")
    assert len(routes) >= 3 and ("PUT", "/evaluation/v1/activities/{activity_id}/bidders") in routes
    over = ("application/json", b'{"name": "' + b"a" * MAX_BODY + b'"}')
    for method, template in routes:
        path = path_of(template)
        for case, (content_type, body) in {**JSON_BROKEN, "over the cap": over}.items():
            signed = trust.sign_request(system.library, method, path, body, int(time.time()))
            answer = await send(client, method, path, content_type, body, signed)
            expected = (413, "too_large") if case == "over the cap" else (
                400, "content_type") if case == "another content type" else (400, "not_json")
            assert (answer.status, answer.error) == expected, (
                template, case, answer.status, answer.text[:200])
            assert answer.in_words(), (template, case, answer.words)
        content_type, body = JSON_BROKEN["JSON cut short"]  # unsigned: refused as ever
        unsigned = await send(client, method, path, content_type, body)
        assert unsigned.status == 401 and unsigned.error == "unknown_peer", template
    assert not await EvaluationBidders.exists()


async def test_a_value_past_the_database_is_a_wrong_message(client: TestClient) -> None:
    """No value of the protocol reaches past a column today; the last line is there for the
    day one does."""
    async def overflowing(request: web.Request) -> web.Response:
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    request = make_mocked_request("PUT", "/evaluation/v1/activities/1/bidders", app=client.app)
    answer = await last_line(overflowing)(request)
    said = Answer(answer.status, answer.content_type, answer.text or "")
    assert (said.status, said.error) == (400, "invalid_value") and said.in_words(), said


def test_each_field_of_each_message_given_a_wrong_shape_is_refused_in_words() -> None:
    codes = ["12345678", "23456789"]
    tried = wrong_shapes(parse_bidders, {"bidders": BIDDERS})
    tried += wrong_shapes(lambda body: parse_table(body, set(codes),
                                                   {b["key"] for b in BIDDERS}), table(codes))
    tried += wrong_shapes(parse_event, {"event_id": "E-1", "expert": codes[0], "kind": "late",
                                        "at": datetime.now(UTC).isoformat(), "note": "迟到"})
    assert tried > 500
