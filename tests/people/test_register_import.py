"""An existing expert register moved in: a dry run names every row it would refuse and why
(row and column, never the ID number), the import is idempotent and resumable, and an
imported expert logs in as XJ-CE's experts already in the database do ("【密码】默认为【身份证
后八位】，登录系统后请立即修改密码"), or by an SMS code, and is invited by SMS before ever
following the official account."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient
from openpyxl import load_workbook

from bot.relay.channels import CHANNELS
from models.draws import Invitation
from models.experts import ExpertProfile, ExpertSpecialty, RegisterImport
from models.people import Person, Role, RoleGrant
from models.reference import WorkUnit
from sandbox.platform import Platform
from services.demo_codes import demo_credit_code
from services.people.register import imports as register_import
from tests.support.api import Api
from tests.support.cli import Expertbot
from tests.support.draw_world import prepared, start_draw
from tests.support.helpers import eventually
from tests.support.register import person_id, register, row
from tests.support.sign_in import sms_code
from web.context import DOMAIN


def bad_check_digit(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


async def upload(api: Api, token: str, content: bytes, dry_run: bool) -> dict:
    started = await api.upload(f"/admin/register/imports?dry_run={str(dry_run).lower()}",
                               token, content, "旧系统专家名册.xlsx",
                               "application/octet-stream")
    assert started.status == 200, started.data
    run_id = started.data["id"]

    async def ended() -> bool:
        return (await RegisterImport.get(id=run_id)).status == "done"

    await eventually(ended, timeout=30)
    shown = await api.call("GET", f"/admin/register/imports/{run_id}", token)
    return dict(shown.data)


async def test_a_register_with_bad_rows_is_checked_then_imported_twice_without_duplicates(
        api: Api, client: TestClient, demo: dict, platform: Platform) -> None:
    admin = await api.login(demo["admin"].mp_openid)
    good = [row(n) for n in range(1, 4)]
    sheet = register(*good,
                     row(4, id_number=person_id(1)),  # the ID number of row 2 again
                     row(5, id_number=bad_check_digit(person_id(5))),
                     row(6, primary="Z9901"),  # not in the catalogue
                     row(7, region="火星市", status="离职"))
    checked = await upload(api, admin, sheet, dry_run=True)
    assert (checked["total"], checked["created"], checked["refused"]) == (7, 3, 4)
    where = [(p["row"], p["column"]) for p in checked["problems"]]
    assert where == [(5, "身份证号"), (6, "身份证号"), (7, "首选专业"), (8, "常驻地区"),
                     (8, "状态")]
    assert "与第 2 行重复" in checked["problems"][0]["message"]
    assert "校验位" in checked["problems"][1]["message"]
    assert not any(person_id(n) in str(checked) for n in range(1, 8))  # never the number
    assert await ExpertProfile.filter(expert_number__startswith="SG-").count() == 0
    # imported, then imported again: updated, never duplicated
    first = await upload(api, admin, sheet, dry_run=False)
    assert (first["created"], first["updated"], first["refused"]) == (3, 0, 4)
    second = await upload(api, admin, sheet, dry_run=False)
    assert (second["created"], second["updated"], second["refused"]) == (0, 3, 4)
    profiles = await ExpertProfile.filter(expert_number__startswith="SG-").order_by("id")
    assert [p.expert_number for p in profiles] == ["SG-00001", "SG-00002", "SG-00003"]
    assert {p.region for p in profiles} == {"440203"}  # 韶关市武江区
    assert await ExpertSpecialty.filter(expert_id=profiles[0].id).count() == 2
    assert await RoleGrant.filter(person_id=profiles[0].person_id, role=Role.EXPERT).count() == 1
    assert await WorkUnit.filter(credit_code=demo_credit_code(900)).count() == 1
    # a migrated expert: the ID number's last 8 characters, changed at the first login
    token = await api.login("mp_imported_1")
    initial = person_id(1)[-8:]
    login = await api.call("POST", "/auth/password-login", token,
                           {"account": "13700000001", "password": initial})
    assert login.status == 200 and login.data["profile"]["must_change_password"] is True
    blocked = await api.call("GET", "/expert/card", token)
    assert blocked.status == 403 and blocked.error == "auth.password_change_required"
    changed = await api.call("POST", "/auth/password", token,
                             {"old_password": initial, "new_password": "Shaoguan2026"})
    assert changed.status == 200
    card = await api.call("GET", "/expert/card", token)
    assert card.status == 200 and card.data["expert_number"] == "SG-00001"
    # another logs in by an SMS code
    sms = await api.login("mp_imported_2")
    assert (await api.call("POST", "/auth/sms-login/start", sms,
                           {"phone": "13700000002"})).status == 200
    code = await sms_code(platform, "13700000002")
    by_code = await api.call("POST", "/auth/sms-login/confirm", sms,
                             {"phone": "13700000002", "code": code})
    assert by_code.status == 200 and by_code.data["profile"]["expert_number"] == "SG-00002"


async def test_an_imported_expert_is_invited_by_sms_before_following(
        api: Api, client: TestClient, demo: dict, platform: Platform) -> None:
    admin = await api.login(demo["admin"].mp_openid)
    await upload(api, admin, register(row(11), row(12)), dry_run=False)
    aid, token = await prepared(api, demo, total=2, regions=("4402",))
    assert (await start_draw(api, token, aid)).status == 200
    await client.app[CHANNELS].relay.run()
    invited = await Invitation.filter(activity_id=aid)
    phones = {p.id: p.phone for p in await Person.filter(id__in=[i.person_id for i in invited])}
    assert sorted(phones.values()) == ["13700000011", "13700000012"]
    for phone in phones.values():  # sent by this relay, or the worker's, whichever ran first
        await eventually(lambda phone=phone: len(platform.sms_to(phone)) == 1)
        (text,) = platform.sms_to(phone)
        assert "回复" in text and "/a/" in text


async def test_a_stopped_import_resumes_where_it_stopped(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(register_import, "CHUNK", 2)
    imports = client.app[DOMAIN].register
    sheet = register(*[row(n) for n in range(21, 26)])
    started = await imports.start(sheet, "名册.xlsx", False, None, datetime.now(UTC))

    def stop_after_the_first_chunk(run: RegisterImport) -> None:
        raise RuntimeError("the worker was stopped")

    with pytest.raises(RuntimeError):
        await imports.run(started.id, lambda: datetime.now(UTC), stop_after_the_first_chunk)
    stopped = await RegisterImport.get(id=started.id)
    assert (stopped.status, stopped.done, stopped.created) == ("failed", 2, 2)
    # the same file again: the stopped import, going on from row 2
    again = await imports.start(sheet, "名册.xlsx", False, None, datetime.now(UTC))
    assert again.id == started.id
    done = await imports.run(again.id, lambda: datetime.now(UTC))
    assert (done.status, done.done, done.created, done.updated) == ("done", 5, 5, 0)
    assert await ExpertProfile.filter(expert_number__startswith="SG-").count() == 5


async def test_the_command_writes_the_template_and_imports(
        client: TestClient, tmp_path: Path, expertbot: Expertbot) -> None:
    out = tmp_path / "template.xlsx"
    code, said = await expertbot("import-experts", "--template", str(out))
    assert code == 0
    book = load_workbook(out)
    header, example = list(book["专家名册"].iter_rows(values_only=True))
    assert header[:3] == ("姓名*", "身份证号*", "手机号*") and example[0] == "张伟"
    assert "填写说明" in book.sheetnames
    sheet = tmp_path / "register.xlsx"
    sheet.write_bytes(register(row(31), row(32, phone="1370000")))
    code, said = await expertbot("import-experts", str(sheet), "--dry-run")
    assert code == 1 and "row 3, 手机号:" in said and "1 would be created" not in said
    assert "1 experts would be created" in said and person_id(32) not in said
    code, said = await expertbot("import-experts", str(sheet))
    assert code == 1 and "1 experts were created" in said
    assert await ExpertProfile.filter(expert_number="SG-00031").exists()


async def test_a_new_phone_in_a_reimported_register_waits_for_the_person(
        api: Api, client: TestClient, demo: dict, platform: Platform) -> None:
    """HN-APPLY: "手机号一年仅允许修改一次" — the phone that signs in and receives every notice
    is the person's to change: an import that brings another leaves it, says so for the row,
    and tells the person (at the phone they have) how to change it themselves."""
    admin = await api.login(demo["admin"].mp_openid)
    assert (await upload(api, admin, register(row(41)), dry_run=False))["created"] == 1
    person = await Person.get(id_number_hash=client.app[DOMAIN].vault.lookup_hash(
        person_id(41)))
    checked = await upload(api, admin, register(row(41, phone="13811112222")), dry_run=True)
    (note,) = checked["problems"]
    assert note["imported"] and note["column"] == "手机号" and "138****2222" in note["message"]
    assert checked["refused"] == 0 and checked["updated"] == 1
    again = await upload(api, admin, register(row(41, phone="13811112222")), dry_run=False)
    assert again["updated"] == 1 and again["problems"][0]["imported"]
    assert (await Person.get(id=person.id)).phone == "13700000041"  # unchanged
    # told where they are reached today, with the new number masked
    await eventually(lambda: any("138****2222" in t and "登录手机号未改动" in t
                                 for t in platform.sms_to("13700000041")), timeout=15)
    assert not platform.sms_to("13811112222")
    # the person changes it with a code sent to the new phone (the existing way)
    token = await api.login("mp_imported_41")
    initial = person_id(41)[-8:]
    assert (await api.call("POST", "/auth/password-login", token,
                           {"account": "13700000041", "password": initial})).status == 200
    assert (await api.call("POST", "/auth/password", token,
                           {"old_password": initial, "new_password": "Shaoguan2026"})
            ).status == 200
    assert (await api.call("POST", "/me/phone/start", token,
                           {"phone": "13811112222"})).status == 200
    new_code = await sms_code(platform, "13811112222")
    changed = await api.call("POST", "/me/phone", token,
                             {"phone": "13811112222", "code": new_code})
    assert changed.status == 200, changed.data
    assert (await Person.get(id=person.id)).phone == "13811112222"


async def test_the_registers_answer_to_remote_evaluation_is_kept_and_a_blank_declines_nothing(
        api: Api, demo: dict) -> None:
    """XJ-SIGNUP's 是否接受异地评标 as an optional column: 否 keeps the expert from venues in
    another city (tests/draws/candidates/test_remote.py); a blank is nobody's 否, and a file run
    again without the answer keeps the one on record."""
    admin = await api.login(demo["admin"].mp_openid)
    sheet = register(row(31, remote_ok="否"), row(32), row(33, remote_ok="不去"))
    checked = await upload(api, admin, sheet, dry_run=False)
    assert (checked["created"], checked["refused"]) == (2, 1)
    (problem,) = checked["problems"]
    assert (problem["row"], problem["column"]) == (4, "是否接受异地评标")
    assert "“不去”" in problem["message"] and "是 或 否" in problem["message"]

    async def answers() -> dict[str, bool]:
        return dict(await ExpertProfile.filter(expert_number__in=["SG-00031", "SG-00032"])
                    .values_list("expert_number", "remote_ok"))

    assert await answers() == {"SG-00031": False, "SG-00032": True}
    await upload(api, admin, register(row(31), row(32, remote_ok="否")), dry_run=False)
    assert await answers() == {"SG-00031": False, "SG-00032": False}


async def test_the_registers_answer_to_emergency_duty_is_kept_and_a_blank_volunteers_nobody(
        api: Api, demo: dict) -> None:
    """XJ-SIGNUP's 是否愿意成为应急专家 as an optional column: 是 puts the expert among those an
    urgent draw invites first (tests/draws/setup/test_emergency_experts.py); a blank makes
    nobody an emergency expert, and a file run again without the answer keeps the one given."""
    admin = await api.login(demo["admin"].mp_openid)
    sheet = register(row(41, emergency_ok="是"), row(42), row(43, emergency_ok="愿意"))
    checked = await upload(api, admin, sheet, dry_run=False)
    assert (checked["created"], checked["refused"]) == (2, 1)
    (problem,) = checked["problems"]
    assert (problem["row"], problem["column"]) == (4, "是否愿意成为应急专家")
    assert "“愿意”" in problem["message"] and "是 或 否" in problem["message"]

    async def answers() -> dict[str, bool]:
        return dict(await ExpertProfile.filter(expert_number__in=["SG-00041", "SG-00042"])
                    .values_list("expert_number", "emergency_ok"))

    assert await answers() == {"SG-00041": True, "SG-00042": False}
    await upload(api, admin, register(row(41), row(42, emergency_ok="是")), dry_run=False)
    assert await answers() == {"SG-00041": True, "SG-00042": True}
