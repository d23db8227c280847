"""Who took part in a project's 前期规划、论证、设计、市场调研 withdraws (粤财规〔2025〕1号
Art. 21): the agency lists the units and persons (a person by ID number, kept only as the hash the
draw matches), and none of them is in the pool of the project's draw; an invited expert
who answers 3 需回避 saying they took part is kept for the project too, without a name (the
agency must not learn whom the draw invited); a bad ID number is refused in words, what was
typed kept."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from models.draw_handler import ProjectInvolvement
from models.draws import Condition, Invitation, InvitationStatus
from services.demo import demo_credit_code, demo_id
from services.draws.candidates.involvement import stage_of
from tests.support.api import Api
from tests.support.browser import screenshot, signed_in
from tests.support.draw_world import make_experts, openid_of, prepared, start_draw, submit
from tests.support.wechat import Chat

SPECIALTY = "A0802"  # none of the demo's experts has it: the experts made here are the pool


def test_the_stage_an_answer_names() -> None:
    assert stage_of("参与过本项目设计") == "设计"
    assert stage_of("前期做过市场调研") == "市场调研"
    assert stage_of("参加了前期论证会") == "论证"
    assert stage_of("前期") == "前期工作"
    assert stage_of("本人在设计院工作") is None  # a unit, not the project's 前期 work
    assert stage_of("与投标人有亲属关系") is None


def _id_of(n: int) -> str:
    """make_experts' ID number of expert n."""
    return demo_id("440104", date(1970, 1, 1) + timedelta(days=n), n % 400, True)


async def test_the_listed_are_not_in_the_pool_and_an_expert_who_says_so_is_kept(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    unit = demo_credit_code(80)
    designer, = await make_experts(client, 1, first=1500, region="440106", specialty=SPECIALTY,
                                   unit_code=unit)
    surveyor, *others = await make_experts(client, 4, first=1510, region="440106",
                                           specialty=SPECIALTY)
    aid, token = await prepared(api, demo, total=1, specialty=SPECIALTY, submitted=False,
                                verify=False)
    path = f"/draws/activities/{aid}/involvement"
    bad = await api.call("POST", path, token, {"kind": "person", "name": "王测量",
                                               "code": "440104197001011234", "stage": "市场调研"})
    assert bad.status == 400 and "身份证" in bad.message
    added = [await api.call("POST", path, token, body) for body in (
        {"kind": "unit", "name": "某设计研究院", "code": unit, "stage": "设计"},
        {"kind": "person", "name": "王测量", "code": _id_of(1510), "stage": "市场调研"})]
    assert all(a.status == 200 for a in added), added[-1].data
    listed = added[-1].data["items"]
    assert [(i["kind"], i["stage"]) for i in listed] == [("unit", "设计"), ("person", "市场调研")]
    assert _id_of(1510) not in json.dumps(listed, ensure_ascii=False)
    stored = await ProjectInvolvement.filter(kind="person").first()
    assert stored is not None and stored.id_hash and _id_of(1510) not in str(stored.id_hash)
    # submitted and verified: the pool fixed then holds neither
    assert (await submit(api, token, aid)).status == 200
    verifier = await api.login(demo["verifier"].mp_openid)
    assert (await api.call("POST", f"/verify/activities/{aid}", verifier,
                           {"approve": True, "small_pool_ok": True})).status == 200
    pool = set((await Condition.get(activity_id=aid)).pool or [])
    assert pool == {e.id for e in others}
    assert designer.id not in pool and surveyor.id not in pool
    # the invited expert took part in the design: answers 3 with it
    assert (await start_draw(api, token, aid)).status == 200
    (invited,) = await Invitation.filter(activity_id=aid, status=InvitationStatus.SENT)
    await chat.say(await openid_of(invited.person_id), "3 参与过本项目前期设计")
    assert (await Invitation.get(id=invited.id)).status == InvitationStatus.AVOIDED
    kept = await ProjectInvolvement.get(kind="expert")
    assert (kept.expert_id, kept.stage, kept.name) == (invited.expert_id, "设计", "")
    shown = (await api.call("GET", path, token)).data["items"]
    assert shown[-1]["by_expert"] is True and shown[-1]["name"] == ""


async def test_the_agency_lists_them_at_its_desk(
        api: Api, client: TestClient, demo: dict, browser: Any) -> None:
    from playwright.async_api import expect

    aid, _ = await prepared(api, demo, total=1, submitted=False, verify=False)
    desk = await signed_in(browser, client.server, demo["handler"].phone,
                           f"/console/activities/{aid}")
    card = desk.get_by_test_id("involvement")
    await card.get_by_label("参与者类型").select_option("person")
    await card.get_by_label("参与单位或人员").fill("王测量")
    await card.get_by_label("信用代码（单位，可空）/身份证号（个人）").fill("4401041970")
    await card.get_by_label("参与的工作").select_option("市场调研")
    await desk.get_by_test_id("add-involvement").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("身份证")
    card = desk.get_by_test_id("involvement")
    await expect(card.get_by_label("参与单位或人员")).to_have_value("王测量")  # kept as typed
    await card.get_by_label("参与者类型").select_option("unit")
    await card.get_by_label("信用代码（单位，可空）/身份证号（个人）").fill("")
    await card.get_by_label("参与单位或人员").fill("某市规划设计研究院")
    await card.get_by_label("参与的工作").select_option("规划")
    await desk.get_by_test_id("add-involvement").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("每一次抽取都会回避")
    await expect(desk.get_by_test_id("involvement")).to_contain_text("某市规划设计研究院")
    await screenshot(desk, "var/console-involvement.png")
