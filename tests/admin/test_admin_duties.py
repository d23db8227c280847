"""Separated administrators (三权分立), as GB-22239 (GB/T 22239-2019) level 3 asks: 8.1.4.2 d)
"应授予管理用户所需的最小权限，实现管理用户的权限分离", and 8.1.5.1–8.1.5.3 (系统管理 /
审计管理 / 安全管理): a system, a security and an audit administrator, each "只允许其通过特定的
命令或操作界面进行…操作，并对这些操作进行审计". The system administrator keeps people, roles
and batches; the security administrator resets second factors and unlocks accounts; the audit
administrator reads and verifies the trail and changes nothing; none acts as another, and each
one's own work is on the trail."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pyotp
from aiohttp.test_utils import TestClient

from config.settings import Settings
from miniapp_api.routes import api as collect
from models.audit import AuditEntry
from models.desk_auth import DeskFactor
from models.people import ADMINISTRATORS, Person, phone_is
from services.common.pii import mask_name
from services.demo import DEMO_PASSWORD
from services.people.lockout import PERSON_FAILURES
from tests.support.api import Api
from tests.support.browser import screenshot, signed_in
from tests.support.console import Desk
from web.context import DOMAIN

THREE_APART = "三权分立"
NAV = re.compile(r"<nav>(.*?)</nav>", re.S)


def menu(page: str) -> list[str]:
    """The console menu's entries, as the visitor reads them."""
    found = NAV.search(page)
    assert found
    return re.findall(r">([^<]+)</a>", found.group(1))


async def trail(api: Api, demo: dict, action: str = "") -> list[dict]:
    """The trail as the audit administrator reads it (itself a reading on the trail)."""
    token = await api.login(demo["audit_admin"].mp_openid)
    read = await api.call("GET", "/admin/audit-trail" + (f"?action={action}" if action else ""),
                          token)
    assert read.status == 200, read.data
    return list(read.data["entries"])


async def test_the_audit_administrator_reads_and_verifies_the_trail_and_changes_nothing(
        api: Api, demo: dict) -> None:
    """GB-22239 8.1.5.2 审计管理: the audit administrator's interface is the trail and its
    verification only, and their readings are audited; 8.1.4.2 d): no other power."""
    token = await api.login(demo["audit_admin"].mp_openid)
    read = await api.call("GET", "/admin/audit-trail?days=30", token)
    assert read.status == 200 and read.data["holds"] is True and read.data["days"] == 30
    assert (await api.call("GET", "/admin/access-log", token)).status == 200
    expert = await Person.get(phone_is(demo["expert"].phone))
    refusals = {
        "a person": await api.call("POST", "/admin/people", token, {
            "name": "钱多多", "id_number": "11010519491231002X", "phone": "13912345678"}),
        "a role": await api.call("POST", "/admin/roles", token,
                                 {"person_id": expert.id, "role": "verifier", "region": "4401"}),
        "a second factor": await api.call(
            "POST", f"/security/people/{expert.id}/second-factor/reset", token),
        "an unlock": await api.call("POST", f"/security/people/{expert.id}/unlock", token),
    }
    for what, answer in refusals.items():
        assert answer.status == 403, what
        assert "没有权限" in answer.message and THREE_APART in answer.message, answer.message
    assert "系统管理员" in refusals["a role"].message  # whose work it is, to ask them
    assert "安全管理员" in refusals["an unlock"].message
    # any desk write at all: every endpoint that changes something refuses them
    writes = [ep for ep in collect().endpoints
              if ep.method != "GET" and ep.roles is not None]
    for ep in writes:
        answer = await api.call(ep.method, re.sub(r"{\w+}", "1", ep.path), token,
                                json={} if ep.method in ("POST", "PUT") else None)
        assert answer.status == 403, (ep.method, ep.path, answer.data)
    # their readings and verifications are entries of the trail itself, by name
    reads = [e for e in await trail(api, demo, "audit_read")]
    assert len(reads) == 2 and {e["who"] for e in reads} == {"孔*"}  # this one is next
    assert any(e["what"] == "校验最近30天的审计链：完整" for e in reads)
    assert any(e["what"] == "个人信息访问记录" for e in reads)


async def test_the_system_administrator_no_longer_reads_the_trail(
        api: Api, client: TestClient, demo: dict) -> None:
    """GB-22239 8.1.4.2 d): the system administrator's powers do not include audit."""
    token = await api.login(demo["admin"].mp_openid)
    for path in ("/admin/audit-trail", "/admin/access-log"):
        refused = await api.call("GET", path, token)
        assert refused.status == 403 and "审计管理员" in refused.message, refused.data
    desk = Desk(client)
    await desk.sign_in(demo["admin"].phone)
    shown, page = await desk.get("/console/audit-trail")
    assert shown.status == 403 and "审计管理员" in page
    _, home = await desk.get("/console/home")
    assert "人员与角色" in menu(home) and "导入专家" in menu(home)
    assert not {"审计记录", "个人信息访问记录", "账号安全"} & set(menu(home))


async def test_the_security_administrator_resets_a_second_factor_and_unlocks_on_the_trail(
        api: Api, client: TestClient, demo: dict) -> None:
    """GB-22239 8.1.5.3 安全管理: the security administrator's interface, audited. A lost
    phone: the second factor reset, the person enrols again; an account locked by others'
    failed passwords (services/people/lockout.py PERSON_FAILURES): unlocked."""
    admin = await Person.get(phone_is(demo["admin"].phone))
    factor = client.app[DOMAIN].second_factor
    secret = factor.new_secret()
    await factor.enrol(admin, secret, pyotp.TOTP(secret).now(), datetime.now(UTC))
    for n in range(PERSON_FAILURES):  # someone tries passwords from several phones
        await api.call("POST", "/auth/password-login", await api.login(f"mp_guess{n // 5}"),
                       {"account": demo["admin"].phone, "password": "Wrong2026ok"})
    locked_out = Desk(client)
    await locked_out.get("/console/sign-in")
    refused, said = await locked_out.post("/console/sign-in", {
        "account": demo["admin"].phone, "password": DEMO_PASSWORD})
    assert refused.status == 400 and "密码登录已暂停" in said
    desk = Desk(client)
    await desk.sign_in(demo["security_admin"].phone)
    _, home = await desk.get("/console/home")
    assert menu(home) == ["工作台", "账号安全"]
    await desk.get("/console/security")
    _, page = await desk.post("/console/security/find", {"key": demo["admin"].phone})
    assert "已绑定" in page and "锁定至" in page and demo["admin"].phone not in page
    assert "系统管理员" in page  # the role by its name
    reset, _ = await desk.post(f"/console/security/{admin.id}/second-factor/reset", {})
    assert reset.status == 303
    assert "重新扫码绑定" in await desk.flash("/console/security")
    assert not await DeskFactor.exists(person_id=admin.id)
    await desk.post("/console/security/find", {"key": demo["admin"].phone})
    await desk.post(f"/console/security/{admin.id}/unlock", {})
    assert "已解除周平的账号锁定" in await desk.flash("/console/security")
    assert (await Desk(client).sign_in(demo["admin"].phone)).status == 303
    # nobody does it for themselves: a stolen password would undo its own second factor
    me = await Person.get(phone_is(demo["security_admin"].phone))
    token = await api.login(demo["security_admin"].mp_openid)
    own = await api.call("POST", f"/security/people/{me.id}/second-factor/reset", token)
    assert own.status == 403 and "另一位安全管理员" in own.message
    # both on the trail, by the security administrator's name, on the admin's masked name
    changes = [e for e in await trail(api, demo, "change") if e["who"] == "钱*"]
    assert any(e["what"] == "重置第二重验证：人员 周*；成功" for e in changes), changes
    assert any(e["what"] == "解除账号锁定：人员 周*；成功" for e in changes), changes


async def test_no_person_holds_two_administrator_roles_nor_grants_themselves_one(
        api: Api, client: TestClient, demo: dict) -> None:
    """GB-22239 8.1.4.2 d) 权限分离: one person cannot be two of the three administrators,
    so no one acts as another; only the system administrator grants, never to themselves,
    and every grant is on the trail."""
    admin = await Person.get(phone_is(demo["admin"].phone))
    security = await Person.get(phone_is(demo["security_admin"].phone))
    token = await api.login(demo["admin"].mp_openid)
    own = await api.call("POST", "/admin/roles", token,
                         {"person_id": admin.id, "role": "audit_admin"})
    assert own.status == 403 and "不能给自己授予角色" in own.message
    other = await api.call("POST", "/admin/roles", token,
                           {"person_id": security.id, "role": "audit_admin"})
    assert other.status == 403
    assert other.message.startswith("钱安已是安全管理员，不能再担任审计管理员")
    assert "请另选人员" in other.message
    # the security administrator cannot grant at all (it is the system administrator's work)
    by_security = await api.call("POST", "/admin/roles", await api.login(
        demo["security_admin"].mp_openid), {"person_id": admin.id, "role": "verifier",
                                            "region": "4401"})
    assert by_security.status == 403 and "系统管理员" in by_security.message
    # the console says the same on its form, and a fresh person may become the auditor
    desk = Desk(client)
    await desk.sign_in(demo["admin"].phone)
    await desk.get("/console/people")
    await desk.post("/console/people/roles", {"person_id": str(admin.id),
                                              "role": "security_admin"})
    assert "不能给自己授予角色" in await desk.flash("/console/people")
    reviewer = await Person.get(phone_is(demo["reviewer"].phone))
    await desk.post("/console/people/roles", {"person_id": str(reviewer.id),
                                              "role": "audit_admin"})
    assert "角色已授予" in await desk.flash("/console/people")
    _, page = await desk.get("/console/people")
    assert '<option value="audit_admin">审计管理员</option>' in page
    granted = await trail(api, demo, "role_granted")
    assert [e["what"] for e in granted if e["who"] == "周*"] == [
        f"{mask_name(reviewer.name)}，角色：审计管理员"]
    assert await AuditEntry.filter(action="role_granted").count() == 1  # refusals grant nothing


def test_the_three_administrators_sign_in_with_two_factors_by_default() -> None:
    """GB-22239 8.1.4.1 d): two or more factors for administrators (DESK_2FA_ROLES)."""
    default = str(Settings.model_fields["desk_2fa_roles"].default).split(",")
    assert set(default) >= {r.value for r in ADMINISTRATORS}


async def test_the_audit_administrators_console_in_the_browser(
        client: TestClient, demo: dict, browser: Any) -> None:
    """The audit administrator's menu holds their pages only (GB-22239 8.1.5.2)."""
    from playwright.async_api import expect

    page = await signed_in(browser, client.server, demo["audit_admin"].phone, "/console/home")
    await expect(page.get_by_test_id("duty-audit")).to_be_visible()
    menu = await page.locator("header nav a").all_inner_texts()
    assert menu == ["工作台", "审计记录", "个人信息访问记录"]
    await screenshot(page, "var/console-audit-admin-home.png")
    await page.get_by_role("link", name="查阅并校验审计记录").click()
    await expect(page.get_by_test_id("chain-state")).to_contain_text("审计链完整")
    await screenshot(page, "var/console-audit-trail.png")


async def test_the_security_administrator_sees_the_policies_and_the_keys_in_the_browser(
        client: TestClient, demo: dict, browser: Any) -> None:
    """GB-22239 8.1.5.3 安全管理: the security administrator's interface holds the security
    policies in force (second factor, password period, lockout, session timeout) and the
    state of the keys (the SM4 version, rows still waiting for it), read only; and finds a
    person's sign-in standing (a number nobody has is answered in words)."""
    from playwright.async_api import expect

    page = await signed_in(browser, client.server, demo["security_admin"].phone,
                           "/console/security")
    policy = page.get_by_test_id("policy")
    await expect(policy).to_contain_text("当前第 1 版")
    await expect(policy).to_contain_text("所有记录都已使用当前密钥")
    await expect(policy).to_contain_text("超过 90 天")
    await expect(policy).to_contain_text("无操作 30 分钟自动退出")
    await page.get_by_label("手机号或身份证号").fill("13999999999")
    await page.get_by_role("button", name="查找").click()
    await expect(page.get_by_test_id("standing")).to_contain_text("没有找到")
    await page.get_by_label("手机号或身份证号").fill(demo["admin"].phone)
    await page.get_by_role("button", name="查找").click()
    await expect(page.get_by_test_id("standing")).to_contain_text("未锁定")
    await expect(page.get_by_test_id("policy")).to_be_visible()  # still shown after a search
    await screenshot(page, "var/console-security.png")
