"""The real-name check at registration (HN-APPLY: the name and the ID number must
match): Tencent Cloud's 身份信息认证 through the sandbox's fake on loopback. A mismatch or an
unknown number is refused before the SMS code is used up; while the provider cannot answer,
registration goes on and says the identity is checked at review."""

from __future__ import annotations

from datetime import date

import pytest
from aiohttp.test_utils import TestServer

from config.clients import sandbox_realname_keys
from config.settings import Settings
from sandbox.fake_tencent_faceid import TENCENT_FACEID
from sandbox.platform import Platform
from services.demo_codes import demo_id
from tests.support.api import Api
from tests.support.settings import make_settings
from tests.support.sign_in import sent_code
from web.context import DOMAIN

PERSON = ("钱新人", demo_id("440106", date(1985, 3, 4), 9, True))


@pytest.fixture
def settings(infra: dict[str, str], wechat: TestServer) -> Settings:
    return make_settings(infra, WECHAT_API_BASE=str(wechat.make_url("")).rstrip("/"),
                         REALNAME_PROVIDER="sandbox")


async def _form(api: Api, platform: Platform, openid: str, phone: str) -> tuple[str, dict]:
    token = await api.login(openid)
    await api.call("POST", "/auth/register/start", token, {"phone": phone})
    return token, {"name": PERSON[0], "id_number": PERSON[1], "phone": phone,
                   "code": sent_code(platform, phone), "password": "Newbie2026",
                   "email": "qx@example.com"}


async def test_a_name_that_does_not_match_the_number_is_refused(
        api: Api, platform: Platform, wechat: TestServer, settings: Settings) -> None:
    fake = wechat.app[TENCENT_FACEID]
    secret_id, secret_key = sandbox_realname_keys(settings)
    fake.keys, fake.citizens, fake.lenient, fake.down = {secret_id: secret_key}, {
        PERSON[1]: PERSON[0]}, False, False
    token, form = await _form(api, platform, "mp_real1", "13900000011")
    wrong = await api.call("POST", "/auth/register", token, {**form, "name": "钱旧人"})
    assert wrong.status == 400 and "姓名与身份证号不一致" in wrong.message
    unknown = await api.call("POST", "/auth/register", token, {
        **form, "id_number": demo_id("440106", date(1986, 5, 6), 3, False)})
    assert unknown.status == 400 and "未查到" in unknown.message
    right = await api.call("POST", "/auth/register", token, form)  # the same code still works
    assert right.status == 200 and "已通过实名核验" in right.data["message"]
    assert fake.requests == 3


async def test_while_the_provider_cannot_answer_identity_is_checked_at_review(
        api: Api, platform: Platform, wechat: TestServer, settings: Settings) -> None:
    fake = wechat.app[TENCENT_FACEID]
    secret_id, secret_key = sandbox_realname_keys(settings)
    fake.keys, fake.citizens, fake.down = {secret_id: secret_key}, {}, True  # 证件库服务异常
    token, form = await _form(api, platform, "mp_real2", "13900000012")
    done = await api.call("POST", "/auth/register", token, form)
    assert done.status == 200 and "资格审核时核验" in done.data["message"]
    # a forged key is refused by the provider: the same, registration is not blocked
    fake.down, fake.keys = False, {"someone-else": "x"}
    token, form = await _form(api, platform, "mp_real3", "13900000013")
    form["id_number"] = demo_id("440106", date(1987, 7, 8), 5, True)
    again = await api.call("POST", "/auth/register", token, form)
    assert again.status == 200 and "资格审核时核验" in again.data["message"]


async def test_with_no_provider_configured_registration_says_identity_is_checked_at_review(
        api: Api, platform: Platform, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a real-name provider, registration goes on and says plainly that the
    name and ID number are checked at the qualification review."""
    # the service may be shared with the module's other tests: put back afterwards
    monkeypatch.setattr(api.client.app[DOMAIN].registration, "realname", None)
    token, form = await _form(api, platform, "mp_real4", "13900000014")
    done = await api.call("POST", "/auth/register", token, form)
    assert done.status == 200 and "资格审核时核验" in done.data["message"]
