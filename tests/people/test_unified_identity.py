"""Agencies through the province's unified identity platform (GD-DRAW: "法人用户需满足统一
身份认证平台的四级（原L2）核验后，方可进入系统，四级以下认证的账号不能进入系统"; "不允许个人身份
登录办理抽取业务"), against a fake OpenID Connect provider on its own server: a legal person at
四级 is signed in and the level kept with the role; below it, refused in words with the way to raise
it, the level read again at the next sign-in; a handler comes in through a personal account;
a person with no agency role is refused; where the platform is in use the legal person's
password no longer opens the console; a lost state, a code used twice, a token the
platform's keys did not sign and the platform down are each refused in words."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from config.settings import Settings
from models.audit import AuditEntry
from models.people import Agency, Role, RoleGrant
from sandbox.identity.platform import (
    CLIENT_ID,
    CLIENT_SECRET,
    IdentityPlatformFake,
    claims_of,
    identity_platform_app,
)
from tests.support.api import Api
from tests.support.console import Desk
from tests.support.settings import make_settings
from web.context import DOMAIN

LEVEL_URL = "https://tyrz.gd.gov.cn/level"


@pytest.fixture
async def idp(aiohttp_server: Any) -> tuple[TestServer, IdentityPlatformFake]:
    fake = IdentityPlatformFake("")
    server = await aiohttp_server(identity_platform_app(fake))
    fake.issuer = str(server.make_url("")).rstrip("/")
    return server, fake


@pytest.fixture
def settings(infra: dict[str, str], wechat: TestServer,
             idp: tuple[TestServer, IdentityPlatformFake]) -> Settings:
    return make_settings(infra, WECHAT_API_BASE=str(wechat.make_url("")).rstrip("/"),
                         UNIFIED_IDENTITY=idp[1].issuer, UNIFIED_IDENTITY_CLIENT_ID=CLIENT_ID,
                         UNIFIED_IDENTITY_CLIENT_SECRET=CLIENT_SECRET,
                         UNIFIED_IDENTITY_LEVEL_URL=LEVEL_URL)


async def _through_platform(desk: Desk, who: str, account: str, level: int
                            ) -> tuple[int, str]:
    """The console sends the browser to the platform; the person signs in there (its page's
    form) and is sent back: the console's answer (status, page)."""
    await desk.get("/console/sign-in")
    sent, _ = await desk.get("/console/sign-in/unified", follow=False)
    assert sent.status == 303
    query = {k: v[0] for k, v in parse_qs(urlsplit(sent.headers["Location"]).query).items()}
    assert query["code_challenge_method"] == "S256" and query["client_id"] == CLIENT_ID
    async with aiohttp.ClientSession() as browser:
        page = await browser.get(sent.headers["Location"])
        assert "统一身份认证平台" in await page.text()
        back = await browser.post(sent.headers["Location"].split("?")[0], allow_redirects=False,
                                  data={**query, "who": who, "account": account,
                                        "level": str(level)})
    assert back.status == 302
    returned = urlsplit(back.headers["Location"])
    answer, text = await desk.get(f"{returned.path}?{returned.query}")
    return answer.status, text


async def _level(person_id: int) -> int | None:
    grant = await RoleGrant.get(person_id=person_id, role=Role.AGENCY_LEGAL)
    return grant.identity_level


async def test_a_legal_person_enters_at_level_four_only(
        api: Api, client: TestClient, demo: dict) -> None:
    legal = demo["agency_legal"]
    desk = Desk(client)
    _, page = await desk.get("/console/sign-in")
    assert "通过统一身份认证平台登录" in page
    # below 四级: refused, with the way to raise it; the level kept with the role
    status, page = await _through_platform(desk, "agency_legal", "legal", 3)
    assert status == 403 and "核验等级为3级" in page and "须达到4级" in page
    assert LEVEL_URL in page
    person_id = (await RoleGrant.get(role=Role.AGENCY_LEGAL)).person_id
    assert await _level(person_id) == 3
    # raised at the platform: in, the level read again
    status, page = await _through_platform(desk, "agency_legal", "legal", 4)
    assert status == 200 and legal.name in page and "工作台" in page
    assert await _level(person_id) == 4
    entry = await AuditEntry.filter(action="sign_in").order_by("-id").first()
    assert entry is not None and entry.detail["how"] == "unified"
    # a personal account of the legal person: the legal-person account is asked for
    await desk.sign_out()
    status, page = await _through_platform(desk, "agency_legal", "personal", 4)
    assert status == 403 and "法人账号" in page
    # a legal person who is also a handler elsewhere: a personal account opens neither
    other = await Agency.create(name="另一家招标代理有限公司", credit_code="91440101MA5OTHER01")
    await RoleGrant.create(person_id=person_id, role=Role.AGENCY_HANDLER, agency=other)
    status, page = await _through_platform(desk, "agency_legal", "personal", 4)
    assert status == 403 and "法人账号" in page
    # the legal person of another agency too: that one verified by its own account first
    await RoleGrant.create(person_id=person_id, role=Role.AGENCY_LEGAL, agency=other)
    status, page = await _through_platform(desk, "agency_legal", "legal", 4)
    assert status == 403 and "另一家招标代理有限公司" in page
    await RoleGrant.filter(person_id=person_id, agency=other).delete()
    # the mini-program does not open a legal person's work where the platform is in use
    token = await api.login(legal.mp_openid)
    refused = await api.call("GET", "/draws/activities", token)
    assert refused.status == 403 and "工作台" in refused.message
    # the platform in use: the legal person's password no longer opens the console
    refused = await desk.sign_in(legal.phone)
    assert refused.status == 400 and "不能再用密码或短信验证码登录" in await refused.text()
    home, _ = await desk.get("/console/home", follow=False)
    assert home.status == 303  # not signed in


async def test_a_handler_uses_a_personal_account_and_others_are_refused(
        client: TestClient, demo: dict) -> None:
    desk = Desk(client)
    status, page = await _through_platform(desk, "handler", "personal", 2)
    assert status == 200 and demo["handler"].name in page  # no level is asked of a handler
    await desk.sign_out()
    status, page = await _through_platform(desk, "expert", "personal", 4)
    assert status == 403 and "不允许以个人身份登录办理" in page
    # the handler's own password still opens the console
    other = Desk(client)
    answer = await other.sign_in(demo["handler"].phone)
    assert answer.status == 303 and "/console/home" in answer.headers["Location"]


async def test_a_broken_sign_in_is_refused_in_words(
        client: TestClient, demo: dict, idp: tuple[TestServer, IdentityPlatformFake]) -> None:
    _, fake = idp
    desk = Desk(client)
    # back without this browser's state
    answer, page = await desk.get("/console/sign-in/unified/done?code=x&state=y")
    assert answer.status == 403 and "重新点" in page
    # a token signed by a key the platform's JWKS does not hold
    fake.tampered = True
    status, page = await _through_platform(desk, "agency_legal", "legal", 4)
    assert status == 403 and "未通过校验" in page
    fake.tampered = False
    # the platform down at the token endpoint
    fake.down = True
    status, page = await _through_platform(desk, "agency_legal", "legal", 4)
    assert status == 403 and "暂时连不上统一身份认证平台" in page
    fake.down = False
    # the same code twice: the second is refused
    async def flow() -> dict[str, str]:
        await desk.get("/console/sign-in")
        sent, _ = await desk.get("/console/sign-in/unified", follow=False)
        return {k: v[0] for k, v in parse_qs(urlsplit(sent.headers["Location"]).query).items()}
    query = await flow()
    code = fake.issue(claims_of("handler", False, 2), query["redirect_uri"],
                      query["code_challenge"], query["nonce"])
    first, _ = await desk.get(f"/console/sign-in/unified/done?code={code}&state={query['state']}")
    assert first.status == 200, re.findall(r"data-testid=\"error\">([^<]*)", _)
    await desk.sign_out()
    query = await flow()
    again, page = await desk.get(f"/console/sign-in/unified/done?code={code}&state="
                                 f"{query['state']}")
    assert again.status == 403 and "已使用过" in page


async def test_the_legal_person_signs_in_through_the_platform_in_chromium(
        client: TestClient, demo: dict, browser: Any) -> None:
    from playwright.async_api import expect

    from tests.support.browser import screenshot

    page = await browser.new_page()
    own = str(client.server.make_url("")).rstrip("/")
    public = client.app[DOMAIN].links.address("").rstrip("/")  # PUBLIC_BASE_URL: elsewhere

    async def back_from_the_platform() -> None:
        """The platform sends the browser to the public address (not this test's server):
        the same address here."""
        async with page.expect_event("requestfailed",
                                     lambda r: r.url.startswith(public)) as sent:
            await page.get_by_test_id("idp-sign-in").click()
        url = (await sent.value).url
        await page.wait_for_url(lambda u: u.startswith("chrome-error"))  # nothing listens
        await page.goto(url.replace(public, own, 1))

    await page.goto(f"{own}/console/sign-in")
    await page.get_by_test_id("sign-in-unified").click()
    await page.get_by_label("登录人").select_option("agency_legal")
    await page.get_by_label("核验等级").select_option("3")
    await back_from_the_platform()
    await expect(page.get_by_test_id("error")).to_contain_text("须达到4级")
    await screenshot(page, "var/console-sign-in-level.png")
    await page.get_by_test_id("sign-in-unified").click()
    await page.get_by_label("登录人").select_option("agency_legal")
    await back_from_the_platform()  # 四级, the platform's first choice
    await expect(page.get_by_test_id("who")).to_have_text(demo["agency_legal"].name)
