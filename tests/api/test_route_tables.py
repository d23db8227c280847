"""The API's routes come from one table per folder, and each route answers at its own path:
every endpoint, its path's values filled in, is matched by aiohttp's router to its own
handler (a literal path such as /expert/payouts/authorisation/check is never taken by
/expert/payouts/{payout_id}/check, whatever the tables' order)."""

from __future__ import annotations

import re

from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from miniapp_api.routes import FOLDERS
from miniapp_api.routes import api as collect


async def test_every_route_is_matched_at_its_own_path() -> None:
    app = web.Application()
    endpoints = collect().endpoints
    for ep in endpoints:
        async def view(request: web.Request, ep: object = ep) -> web.Response:
            return web.Response()
        view.endpoint = ep  # type: ignore[attr-defined]
        app.router.add_route(ep.method, ep.path, view)
    app.freeze()
    for ep in endpoints:
        path = re.sub(r"{(\w+)}", lambda m: "1" if m[1].endswith("_id") else "x", ep.path)
        found = await app.router.resolve(make_mocked_request(ep.method, path, app=app))
        assert found.handler.endpoint is ep, (ep.method, ep.path,  # type: ignore[attr-defined]
                                              found.route.resource.canonical)


def test_the_tables_hold_every_route_once() -> None:
    tables = [routes for table in FOLDERS for routes in table]
    assert len(tables) == len({id(t) for t in tables})
    assert sum(len(t.endpoints) for t in tables) == len(collect().endpoints) > 250
