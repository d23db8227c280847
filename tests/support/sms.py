"""Tencent Cloud SMS as the tests run it: the fake on loopback, the settings, and an expert
reached only by SMS."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient, TestServer

from models.wechat import WeChatIdentity
from sandbox.app import sync_followers
from sandbox.fake_tencent_sms import TENCENT_SMS, TencentSmsFake
from sandbox.platform import Platform
from services.common.clock import SYSTEM_CLOCK, Clock
from tests.support.driven import driven_app
from tests.support.helpers import eventually

SECRET_ID, SECRET_KEY = "AKIDexpertbottest0000000000000000000", "expertbot-test-secret-key-000000"


TOKEN = "callback-secret-0123456789"


# as approved in the console: {1}... filled from the notification's parameters
TEMPLATES = {"system.test": {"id": "1100001", "params": ["content", "at"]},
             "code.login": {"id": "1100002", "params": ["code"]}}


APPROVED = {"1100001": "{1}，时间{2}。", "1100002": "您的登录验证码为{1}，5分钟内有效。"}


def sms_fake(wechat: TestServer) -> TencentSmsFake:
    fake = wechat.app[TENCENT_SMS]
    fake.keys, fake.templates = {SECRET_ID: SECRET_KEY}, dict(APPROVED)
    fake.app_id, fake.sign_name, fake.daily_limit, fake.down = "1400000000", "评标专家库", 10, False
    fake.sent_today.clear()
    fake.delay = 0.0
    return fake


def sms_env(wechat: TestServer, monkeypatch: pytest.MonkeyPatch, **extra: str) -> None:
    values = {"TENCENTCLOUD_SECRET_ID": SECRET_ID, "TENCENTCLOUD_SECRET_KEY": SECRET_KEY,
              "TENCENT_SMS_APP_ID": "1400000000", "TENCENT_SMS_SIGN_NAME": "评标专家库",
              "TENCENT_SMS_TEMPLATES": json.dumps(TEMPLATES), "TENCENT_SMS_CALLBACK_TOKEN": TOKEN,
              "TENCENT_SMS_ENDPOINT": str(wechat.make_url("/tencent-sms")), **extra}
    for key, value in values.items():
        monkeypatch.setenv(key, value)


async def sms_app(aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
                  platform: Platform, clock: Clock = SYSTEM_CLOCK
                  ) -> tuple[web.Application, TestClient]:
    return await driven_app(aiohttp_client, infra, wechat, platform, clock,
                            SMS_PROVIDER="tencent")


async def sms_only_expert(app: web.Application, platform: Platform) -> tuple[int, str]:
    """The demo expert, who does not follow the official account: only an SMS reaches him."""
    from services.demo import DEMO_PEOPLE
    from tests.support.world import demo_world

    await demo_world(app)
    await sync_followers(platform)
    expert = next(d for d in DEMO_PEOPLE if d.key == "expert")
    platform.user(expert.openid).follower = False
    return (await WeChatIdentity.get(openid=expert.openid)).person_id or 0, expert.phone


async def sms_world(aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
                    platform: Platform, monkeypatch: pytest.MonkeyPatch,
                    clock: Clock = SYSTEM_CLOCK
                    ) -> tuple[web.Application, TestClient, TencentSmsFake, int, str]:
    """The service with SMS_PROVIDER=tencent, the fake provider, and an SMS-only expert."""
    sms_env(wechat, monkeypatch)
    fake = sms_fake(wechat)
    app, client = await sms_app(aiohttp_client, infra, wechat, platform, clock)
    person_id, phone = await sms_only_expert(app, platform)
    return app, client, fake, person_id, phone


FORM_TOKEN = re.compile(r'name="_csrf" value="([^"]+)"')


async def sms_link(platform: Platform, phone: str, path: str) -> str:
    """The path of the page (`/s/`, `/r/`, `/f/`...) the latest SMS to `phone` that links
    one carries (waiting for the relay)."""
    await eventually(lambda: any(path in t for t in platform.sms_to(phone)), timeout=15)
    text = next(t for t in reversed(platform.sms_to(phone)) if path in t)
    return path + text.split(path, 1)[1].split(" ", 1)[0]


async def opened(client: TestClient, link: str) -> tuple[str, str]:
    """A link's page as the phone shows it, and its form's token ("" without a form)."""
    page = await client.get(link)
    assert page.status == 200, await page.text()
    text = await page.text()
    found = FORM_TOKEN.search(text)
    return text, found.group(1) if found else ""


async def submitted(client: TestClient, link: str, data: dict[str, str]) -> ClientResponse:
    """A link page's form sent as the phone sends it: the page opened, its token along."""
    _, token = await opened(client, link)
    return await client.post(link, data={**data, "_csrf": token})
