"""Migrated experts sign in with their account in the old system as well (XJ-CE: "登录账号为
原注册时的【账号】（账号一般为初始注册时的姓名拼音或手机号）…【密码】默认为【身份证后八位】"):
the account comes with the register (原账号) or the administrator's entry, is kept only as a
keyed hash, signs in however it is typed, may be an old phone number, and belongs to one
person."""

from __future__ import annotations

from datetime import date

from models.experts import RegisterImport
from models.people import Person, account_key
from models.wechat import WeChatIdentity
from services.demo import DEMO_OLD_ACCOUNT
from services.demo_codes import demo_id
from tests.support.api import Api
from tests.support.helpers import eventually
from tests.support.register import person_id, register, row


async def _import(api: Api, token: str, content: bytes) -> dict:
    started = await api.upload("/admin/register/imports?dry_run=false", token, content,
                               "旧系统专家名册.xlsx", "application/octet-stream")
    assert started.status == 200, started.data

    async def ended() -> bool:
        return (await RegisterImport.get(id=started.data["id"])).status == "done"

    await eventually(ended, timeout=30)
    return dict((await api.call("GET", f"/admin/register/imports/{started.data['id']}",
                                token)).data)


async def test_the_migrated_expert_signs_in_with_the_old_account(api: Api, demo: dict) -> None:
    migrated = demo["migrated"]
    await WeChatIdentity.filter(openid=migrated.mp_openid).update(person_id=None)
    token = await api.login("mp_old_account")
    initial = migrated.id_number[-8:]
    wrong = await api.call("POST", "/auth/password-login", token,
                           {"account": DEMO_OLD_ACCOUNT, "password": "Wrong1234"})
    assert wrong.status == 400 and "还可以再试" in wrong.message
    # as typed on a phone: capitals, a space, full-width letters all sign in
    for typed in (" SunWeiDong", "ｓｕｎｗｅｉｄｏｎｇ"):
        login = await api.call("POST", "/auth/password-login", token,
                               {"account": typed, "password": initial})
        assert login.status == 200, (typed, login.data)
        assert login.data["profile"]["must_change_password"] is True  # XJ-CE: 立即修改密码
        assert login.data["profile"]["name"] == migrated.name
    # the name is kept only as its keyed hash
    person = await Person.get(account_key=account_key("SUNWEIDONG"))
    assert DEMO_OLD_ACCOUNT.upper() not in str(await Person.filter(id=person.id).values())
    # an account nobody has: the same words as a wrong password
    nobody = await api.call("POST", "/auth/password-login", await api.login("mp_nobody"),
                            {"account": "zhangsan", "password": initial})
    assert nobody.status == 400 and "还可以再试" in nobody.message


async def test_the_register_brings_the_old_accounts(api: Api, demo: dict) -> None:
    admin = await api.login(demo["admin"].mp_openid)
    report = await _import(api, admin, register(
        row(31, account="qianyi31"),
        row(32, account="13912345678"),  # an old phone number, not the one on record now
        row(33, account="QianYi31"),  # row 2's account again, as typed differently
        row(34, account=DEMO_OLD_ACCOUNT)))  # 孙卫东's
    assert (report["created"], report["refused"]) == (2, 2)
    assert [(p["row"], p["column"]) for p in report["problems"]] == [(4, "原账号"),
                                                                      (5, "原账号")]
    assert "与第 2 行重复" in report["problems"][0]["message"]
    assert "已经对应另一位专家" in report["problems"][1]["message"]
    for account, n in (("qianyi31", 31), ("13912345678", 32)):
        login = await api.call("POST", "/auth/password-login", await api.login(f"mp_q{n}"),
                               {"account": account, "password": person_id(n)[-8:]})
        assert login.status == 200, login.data
        assert login.data["profile"]["expert_number"] == f"SG-{n:05d}"


async def test_the_administrator_enters_a_migrated_expert_with_the_old_account(
        api: Api, demo: dict) -> None:
    admin = await api.login(demo["admin"].mp_openid)
    number = demo_id("650102", date(1975, 4, 2), 7, True)
    body = {"name": "艾力", "id_number": number, "phone": "13911110001", "migrated": True,
            "old_account": DEMO_OLD_ACCOUNT}
    taken = await api.call("POST", "/admin/people", admin, body)
    assert taken.status == 400 and "已经对应另一位专家" in taken.message
    assert not await Person.exists(name="艾力")
    made = await api.call("POST", "/admin/people", admin, {**body, "old_account": "aili"})
    assert made.status == 200, made.data
    login = await api.call("POST", "/auth/password-login", await api.login("mp_aili"),
                           {"account": "aili", "password": number[-8:]})
    assert login.status == 200 and login.data["profile"]["must_change_password"] is True
