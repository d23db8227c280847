"""The unit tier: the mini-program API built alone, as the composition root builds it, but
handed fakes (an in-memory session store, a WeChat login that fails, a domain that must not
be reached): no database, no Redis, no platform. It shows the edge refuses in JSON with
Chinese words, by itself, before any domain work."""

from __future__ import annotations

from typing import Any, cast

import pytest
from aiohttp import web

from config.settings import ROOT
from miniapp_api.app import create_miniapp
from miniapp_api.context import MINIAPP, MiniappServices
from services.common.errors import Unavailable
from services.common.ports import MiniSession
from services.common.texts import Texts
from services.domain import Domain


class MemorySessions:
    def __init__(self) -> None:
        self.tokens: dict[str, int] = {}

    async def create(self, identity_id: int, session_key: str) -> str:
        token = f"t{len(self.tokens)}"
        self.tokens[token] = identity_id
        return token

    async def resolve(self, token: str) -> int | None:
        return self.tokens.get(token)

    async def drop(self, token: str) -> None:
        self.tokens.pop(token, None)

    async def acting(self, token: str) -> int | None:
        return None

    async def set_acting(self, token: str, agency_id: int) -> None:
        return None


class WeChatDown:
    """jscode2session does not answer."""

    def __init__(self) -> None:
        self.codes: list[str] = []

    async def login(self, code: str) -> MiniSession:
        self.codes.append(code)
        raise Unavailable("wechat.unavailable")


class NoQr:
    async def qr_image(self, scene: str, expire_seconds: int) -> str:
        raise AssertionError("not reached")


class Unreached:
    """Stands for the domain: any use of it fails the test."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the domain's {name} was reached")


@pytest.fixture
async def api(aiohttp_client: Any) -> Any:
    app, _ = create_miniapp("http://127.0.0.1")
    login = WeChatDown()
    app[MINIAPP] = MiniappServices(
        domain=cast(Domain, Unreached()), sessions=MemorySessions(),
        texts=Texts(ROOT / "texts"), login=login, qr=NoQr(), subscribe_templates={})
    outer = web.Application()
    outer.add_subapp("/miniapp/v1", app)
    client = await aiohttp_client(outer)
    client.login = login
    return client


async def test_a_signed_in_endpoint_without_a_session_asks_to_sign_in(api: Any) -> None:
    resp = await api.get("/miniapp/v1/me")
    assert resp.status == 401
    assert await resp.json() == {"error": "auth.sign_in", "message": "请先登录小程序。"}


async def test_an_unknown_token_is_an_expired_session(api: Any) -> None:
    resp = await api.get("/miniapp/v1/me", headers={"Authorization": "Bearer forged"})
    body = await resp.json()
    assert resp.status == 401 and body["error"] == "auth.session_expired"
    assert "登录" in body["message"]


async def test_a_bad_body_names_its_field_and_wechat_is_not_asked(api: Any) -> None:
    resp = await api.post("/miniapp/v1/auth/login", json={"code": ""})
    body = await resp.json()
    assert resp.status == 422 and body["error"] == "api.invalid_input"
    assert [f["field"] for f in body["fields"]] == ["code"]
    assert api.login.codes == []


async def test_wechat_down_at_login_is_a_503_that_says_try_later(api: Any) -> None:
    resp = await api.post("/miniapp/v1/auth/login", json={"code": "0a1b2c"})
    assert resp.status == 503
    assert await resp.json() == {"error": "wechat.unavailable",
                                 "message": "微信服务暂时不可用，请稍后再试。"}
    assert api.login.codes == ["0a1b2c"]


async def test_no_such_endpoint_and_wrong_method_are_refusals_in_json(api: Any) -> None:
    missing = await api.get("/miniapp/v1/no/such/thing")
    assert missing.status == 404 and (await missing.json())["error"] == "api.no_such_endpoint"
    wrong = await api.get("/miniapp/v1/auth/login")
    assert wrong.status == 405 and (await wrong.json())["error"] == "api.method_not_allowed"


async def test_the_openapi_document_lists_the_endpoints(api: Any) -> None:
    document = await (await api.get("/miniapp/v1/openapi.json")).json()
    assert "/auth/login" in document["paths"] and len(document["paths"]) > 50
