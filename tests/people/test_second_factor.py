"""Desk sign-in with two factors (GB/T 22239-2019 level 3, 身份鉴别: "应采用口令、密码技术、
生物技术等两种或两种以上组合的鉴别技术"): an administrator cannot get past the password alone —
they enrol an authenticator app (TOTP, RFC 6238) with the QR code, keep 8 one-time recovery
codes, and from then on give a code at each sign-in; a code works once, a recovery code once,
five wrong codes end the sign-in; a role not configured signs in as before."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac

from config.settings import Settings
from models.audit import AuditEntry
from models.desk_auth import DeskFactor
from models.people import Person, phone_is
from sandbox.platform import Platform
from services.common.errors import BadInput
from services.common.redis_keys import CONSOLE_IDLE, CONSOLE_MAX_AGE
from services.demo import DEMO_PASSWORD
from tests.support.api import Api
from tests.support.browser import screenshot
from tests.support.console import Desk
from tests.support.draw_world import make_experts, prepared
from tests.support.helpers import eventually, open_window, redis_of
from tests.support.settings import make_settings
from tests.support.wechat import Chat
from web.context import DOMAIN


@pytest.fixture
def settings(infra: dict[str, str], wechat: TestServer) -> Settings:
    return make_settings(infra, WECHAT_API_BASE=str(wechat.make_url("")).rstrip("/"),
                         DESK_2FA_ROLES="admin,verifier")


async def test_an_administrator_enrols_then_signs_in_with_a_code_or_a_recovery_code(
        client: TestClient, demo: dict) -> None:
    desk = Desk(client)
    signed = await desk.sign_in(demo["admin"].phone)
    assert signed.status == 303 and signed.headers["Location"] == "/console/second-factor"
    # the password alone opens nothing
    home = await client.get("/console/home", allow_redirects=False)
    assert home.status == 303 and home.headers["Location"] == "/console/second-factor"
    _, page = await desk.get("/console/second-factor")
    secret = re.search(r'data-testid="enrol-secret">([A-Z2-7 ]+)<', page)
    assert secret and "<svg" in page
    totp = pyotp.TOTP(secret.group(1).replace(" ", ""))
    wrong, said = await desk.post("/console/second-factor", {"code": "000000"})
    assert wrong.status == 400 and "验证码不对" in said
    first = totp.now()
    enrolled, shown = await desk.post("/console/second-factor", {"code": first})
    assert enrolled.status == 200 and "只显示这一次" in shown
    codes = re.findall(r"<li>([0-9A-F]{4}-[0-9A-F]{4})</li>", shown)
    assert len(codes) == 8 and len(set(codes)) == 8
    assert (await client.get("/console/home", allow_redirects=False)).status == 200
    await desk.sign_out()
    # next time: the code (once), or a recovery code (once)
    await desk.sign_in(demo["admin"].phone)
    await desk.get("/console/second-factor")  # the half-done session's form
    # the enrolment's own code again (not totp.now(): a new 30-second step would be a
    # fresh, rightly accepted code)
    replayed, said = await desk.post("/console/second-factor", {"code": first})
    assert replayed.status == 400  # the code of the enrolment's step, used already
    await desk.sign_out()
    await desk.sign_in(demo["admin"].phone)
    await desk.get("/console/second-factor")  # the half-done session's form
    recovered, _ = await desk.post("/console/second-factor", {"code": codes[0].lower()})
    assert recovered.status == 303 and recovered.headers["Location"] == "/console/home"
    await desk.sign_out()
    await desk.sign_in(demo["admin"].phone)
    await desk.get("/console/second-factor")  # the half-done session's form
    again, _ = await desk.post("/console/second-factor", {"code": codes[0]})
    assert again.status == 400
    for _ in range(3):
        await desk.post("/console/second-factor", {"code": "123456"})
    locked, _ = await desk.post("/console/second-factor", {"code": "654321"})
    assert locked.status == 303 and locked.headers["Location"] == "/console/sign-in"
    assert "连续5次验证失败" in await desk.flash(locked.headers["Location"])
    assert (await client.get("/console/home", allow_redirects=False)).status == 303
    # on the audit trail: every wrong code (1 at enrolment, the replay, 5 in the last
    # sign-in) and both successes
    assert await AuditEntry.filter(action="second_factor_failed").count() == 7
    assert await AuditEntry.filter(action="second_factor").count() == 2


async def test_a_role_not_configured_signs_in_with_its_password(
        client: TestClient, demo: dict) -> None:
    desk = Desk(client)
    signed = await desk.sign_in(demo["handler"].phone)
    assert signed.status == 303 and signed.headers["Location"] == "/console/home"


async def test_the_enrolment_in_the_browser(client: TestClient, demo: dict,
                                            browser: Any) -> None:
    from playwright.async_api import expect

    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    await page.goto(str(client.make_url("/console/sign-in")))
    await page.get_by_label("手机号或身份证号").fill(demo["verifier"].phone)
    await page.get_by_label("密码").fill(DEMO_PASSWORD)
    await page.get_by_test_id("sign-in").click()
    await expect(page.get_by_test_id("enrol-qr").locator("svg")).to_be_visible()
    await screenshot(page, "var/console-second-factor-enrol.png")
    secret = (await page.get_by_test_id("enrol-secret").inner_text()).replace(" ", "")
    await page.get_by_label("应用显示的6位数字").fill(pyotp.TOTP(secret).now())
    await page.get_by_test_id("second-factor").click()
    await expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(8)
    await screenshot(page, "var/console-recovery-codes.png")
    await page.get_by_test_id("continue").click()
    await expect(page.get_by_test_id("sign-out")).to_be_visible()


async def test_after_a_password_an_sms_code_may_stand_in_for_the_app(
        client: TestClient, demo: dict, platform: Platform) -> None:
    desk = Desk(client)
    await desk.sign_in(demo["admin"].phone)
    _, page = await desk.get("/console/second-factor")
    assert 'data-testid="send-sms"' in page  # offered after a password
    sent, page = await desk.post("/console/second-factor/sms", {})
    assert sent.status == 200 and "验证码已发送到 138****0007" in page
    (text,) = [t for t in platform.sms_to(demo["admin"].phone) if "第二重验证码" in t]
    code = re.search(r"验证码(\d{6})", text)
    assert code
    wrong, _ = await desk.post("/console/second-factor", {"via": "sms", "code": "000000"})
    assert wrong.status == 400
    done, _ = await desk.post("/console/second-factor", {"via": "sms", "code": code.group(1)})
    assert done.status == 303 and done.headers["Location"] == "/console/home"
    entry = await AuditEntry.filter(action="second_factor").order_by("id").first()
    assert entry is not None and entry.detail["how"] == "sms"


async def test_the_mini_program_api_is_no_way_around_the_second_factor(
        client: TestClient, demo: dict, api: Api) -> None:
    """GB/T 22239-2019 level 3, 身份鉴别 d) (two or more factors for administrators): a
    mini-program session is one factor (wx.login), so the administrator's and the verifier's
    work — the roles of DESK_2FA_ROLES here — is refused there with what to do instead; the
    same person's own, one-factor business (their profile) still works, and so does a role
    not configured (the handler)."""
    admin = await api.login(demo["admin"].mp_openid)
    refused = await api.call("GET", "/admin/batches", admin)
    assert refused.status == 403 and "工作台" in refused.data["message"] \
        and "第二重验证" in refused.data["message"]
    assert (await api.call("GET", "/me", admin)).status == 200
    verifier = await api.login(demo["verifier"].mp_openid)
    assert (await api.call("GET", "/verify/activities", verifier)).status == 403
    handler = await api.login(demo["handler"].mp_openid)
    assert (await api.call("GET", "/draws/activities", handler)).status == 200
    # at the desk, after the second factor, the same work is done (the console calls the API)
    desk = Desk(client)
    await desk.sign_in(demo["verifier"].phone)
    _, page = await desk.get("/console/second-factor")
    secret = re.search(r'data-testid="enrol-secret">([A-Z2-7 ]+)<', page)
    assert secret
    await desk.post("/console/second-factor",
                    {"code": pyotp.TOTP(secret.group(1).replace(" ", "")).now()})
    resp, _ = await desk.get("/console/verify")
    assert resp.status == 200


async def test_a_known_password_gives_no_endless_guesses_at_the_code(
        client: TestClient, demo: dict) -> None:
    """GB/T 22239-2019 level 3, 身份鉴别 b) ("应具有登录失败处理功能，应配置并启用结束
    会话、限制非法登录次数和当登录连接超时自动退出等相关措施"): five wrong codes end a
    sign-in, but someone who knows the password could sign in again and again; ten wrong
    codes about the person, over every sign-in, lock the second factor, even against the
    right code, until the lock ends or a security administrator lifts it."""
    desk = Desk(client)
    await desk.sign_in(demo["admin"].phone)
    _, page = await desk.get("/console/second-factor")
    secret = re.search(r'data-testid="enrol-secret">([A-Z2-7 ]+)<', page)
    assert secret
    totp = pyotp.TOTP(secret.group(1).replace(" ", ""))
    await desk.post("/console/second-factor", {"code": totp.now()})  # enrolled
    await desk.sign_out()
    for _sign_in in range(2):  # twice five wrong codes: each sign-in ends after its fifth
        await desk.sign_in(demo["admin"].phone)
        await desk.get("/console/second-factor")  # the half-done session's form
        for _ in range(5):
            last, _ = await desk.post("/console/second-factor", {"code": "000000"})
        assert last.status == 303 and last.headers["Location"] == "/console/sign-in"
    flash = await desk.flash(last.headers["Location"])
    assert "错误次数过多，已锁定30分钟" in flash, flash
    await desk.sign_in(demo["admin"].phone)  # the password still checks out
    await desk.get("/console/second-factor")
    right, _ = await desk.post("/console/second-factor", {"code": totp.now()})
    assert right.status == 303 and right.headers["Location"] == "/console/sign-in"
    assert (await client.get("/console/home", allow_redirects=False)).status == 303


async def test_a_desk_session_ends_when_idle_and_after_its_longest_day(
        client: TestClient, demo: dict) -> None:
    """GB/T 22239-2019 level 3, 身份鉴别 b) ("…当登录连接超时自动退出"): a console session
    lives CONSOLE_IDLE (30 minutes) after its last request, each request starting the wait
    again, and CONSOLE_MAX_AGE (12 hours) at most however busy; then the desk signs in again."""
    redis = redis_of(client.app)
    desk = Desk(client)
    await desk.sign_in(demo["handler"].phone)
    assert (await client.get("/console/home", allow_redirects=False)).status == 200
    key = next(k for k in await redis.keys("*consess:*") if not k.endswith((":enrol", ":fails")))
    assert 0 < await redis.ttl(key) <= CONSOLE_IDLE  # each request restarts the idle wait
    await redis.pexpire(key, 1)  # as if 30 minutes went by without a request

    async def expired() -> bool:
        return not await redis.exists(key)

    await eventually(expired)
    idle = await client.get("/console/home", allow_redirects=False)
    assert idle.status == 303 and idle.headers["Location"].startswith("/console/sign-in")
    await desk.sign_in(demo["handler"].phone)
    key = next(k for k in await redis.keys("*consess:*") if not k.endswith((":enrol", ":fails")))
    record = json.loads(await redis.get(key))
    record["s"] -= CONSOLE_MAX_AGE + 60  # opened over 12 hours ago, busy all along
    await redis.set(key, json.dumps(record), ex=CONSOLE_IDLE)
    old = await client.get("/console/home", allow_redirects=False)
    assert old.status == 303 and old.headers["Location"].startswith("/console/sign-in")


async def test_a_desk_password_older_than_its_period_is_changed_before_anything_else(
        client: TestClient, demo: dict) -> None:
    """GB/T 22239-2019 level 3, 身份鉴别 a) ("口令应具有复杂度要求并定期更换"): a handler whose
    password is older than DESK_PASSWORD_DAYS (90) signs in and is sent to change it, told why;
    every page waits until it is changed; afterwards the day's work goes on."""
    handler = await Person.get(phone_is(demo["handler"].phone))
    await Person.filter(id=handler.id).update(
        password_changed_at=datetime.now(UTC) - timedelta(days=91))
    desk = Desk(client)
    signed = await desk.sign_in(demo["handler"].phone)
    assert signed.headers["Location"] == "/console/home"
    home = await client.get("/console/home", allow_redirects=False)
    assert home.status == 303 and home.headers["Location"] == "/console/password"
    _, page = await desk.get("/console/password")
    assert "您的密码已使用超过90天" in page
    changed, _ = await desk.post("/console/password", {"old_password": DEMO_PASSWORD,
                                                       "new_password": "Renewed2026ok"})
    assert changed.status == 303
    assert (await client.get("/console/home", allow_redirects=False)).status == 200
    renewed = await Person.get(id=handler.id)
    assert renewed.password_changed_at is not None and \
        datetime.now(UTC) - renewed.password_changed_at < timedelta(minutes=5)


async def test_recovery_codes_are_kept_as_hmac_sm3_and_older_ones_still_work(
        client: TestClient, demo: dict) -> None:
    """密评 (GB/T 39786-2021): the national algorithms for what protects sign-in secrets: the
    recovery codes are kept as HMAC-SM3 digests, never in clear; a code kept as HMAC-SHA256
    by the release before still works once, and is then gone like any other."""
    factor = client.app[DOMAIN].second_factor
    admin = await Person.get(phone_is(demo["admin"].phone))
    secret = factor.new_secret()
    now = datetime.now(UTC)
    codes = await factor.enrol(admin, secret, pyotp.TOTP(secret).at(now), now)
    stored = (await DeskFactor.get(person_id=admin.id)).recovery
    mac = crypto_hmac.HMAC(factor._key, hashes.SM3())
    mac.update(codes[0].replace("-", "").encode())
    assert mac.finalize().hex() in stored and not any(c in str(stored) for c in codes)
    legacy = hmac.new(factor._key, codes[1].replace("-", "").encode(),
                      hashlib.sha256).hexdigest()
    await DeskFactor.filter(person_id=admin.id).update(
        recovery=[legacy if h == factor._hash(codes[1]) else h for h in stored])
    assert await factor.check(admin, codes[1], now) == "recovery"
    with pytest.raises(BadInput):
        await factor.check(admin, codes[1], now)


async def test_desk_roles_of_the_console_alone_are_sent_to_the_console_not_the_mini_program(
        api: Api, chat: Chat, client: TestClient, demo: dict, platform: Platform) -> None:
    """Under DESK_2FA_ROLES the mini-program refuses a verifier's and an administrator's
    work, so what tells them of it points to the console only."""
    verifier = demo["verifier"].openid
    await open_window(client.app, verifier, platform)  # they wrote lately: a chat message
    await make_experts(client, 1)
    await prepared(api, demo, total=1, verify=False)
    await eventually(lambda: bool(platform.sent_to(verifier, "custom_text")))
    pushed = platform.sent_to(verifier, "custom_text")[0].payload["content"]
    assert "/console/verify/" in pushed and "小程序不能核验" in pushed, pushed
    assert "小程序“交易中心核验”" not in pushed
    answer = await chat.say(verifier, "待核验")
    assert "待核验的请求 1 项" in answer.text and "/console/verify" in answer.text
    assert "打开小程序" not in answer.text
    todo = await chat.say(demo["admin"].openid, "待办")
    assert "【意见反馈】" in todo.text and "打开小程序" not in todo.text
