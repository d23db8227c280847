"""`GET /personal-data.json?t=...`: the person's copy of their personal data (PIPL Art. 45),
from the link the chat's 个人信息 reply carries (signed for that person, handlers/privacy.py).
The same file as the mini-program's GET /me/personal-data/export."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from services.common.links import LinkError
from services.rights import COPY_LINK, COPY_PATH
from web.context import DOMAIN
from web.pages import add_page, bad_link


async def personal_data_copy(request: web.Request) -> web.Response:
    domain = request.app[DOMAIN]
    try:
        person_id = domain.links.verify(COPY_LINK, "copy", request.query.get("t", ""))
    except LinkError:
        return bad_link(request, "personal_data")
    person = await domain.people.by_id(person_id)
    if person is None:
        return bad_link(request, "personal_data")
    body = await domain.personal_data.copy(person, datetime.now(UTC), "chat")
    return web.Response(body=body, content_type="application/json", charset="utf-8", headers={
        "Content-Disposition": 'attachment; filename="personal-data.json"',
        "Cache-Control": "private, no-store"})


def setup_personal_data(app: web.Application) -> None:
    add_page(app, "GET", COPY_PATH, personal_data_copy)
