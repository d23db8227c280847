"""The published 公示 (JL-GP: "并经财政公示无异议后进入政府采购评审专家库"), read by anyone
without signing in, on the public page /public-notice and in the mini-program
(GET /public-notices): each applicant in their notice by name, work unit and specialties,
with the notice's period and where to object; nothing else of the person (no phone, ID number,
gender, birth date or e-mail); gone once the notice ends or an objection is sustained."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

from aiohttp.test_utils import TestClient

from models.applications import Batch
from models.people import Person
from services.common.clock import CHINA
from services.common.texts import china_date
from tests.support.api import Api
from tests.support.applications import in_notice
from tests.support.console import Desk
from web.context import DOMAIN

CONTACT = "吉林省财政厅政府采购监管处，电话0431-88888888，地址长春市人民大街1号"


def words(html: str) -> str:
    body = html.split("<body>", 1)[1]
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


async def test_anyone_reads_the_notice_with_its_period_and_how_to_object(
        api: Api, client: TestClient, demo: dict) -> None:
    app = await in_notice(api, demo)
    await Batch.filter(id=app.batch_id).update(objection_contact=CONTACT)
    person = await Person.get(id=app.person_id)
    assert app.notice_until is not None and app.decided_at is not None
    period = f"{china_date(app.decided_at)}至{china_date(app.notice_until)}"

    got = await client.get("/public-notice")  # no sign-in, no link
    assert got.status == 200 and got.content_type == "text/html"
    assert got.headers["Cache-Control"] == "public, max-age=60"
    text = words(await got.text())
    assert "吉林省政府采购评审专家征集" in text
    assert f"1 {person.name} 广州市示例建筑设计研究院 道路工程、桥梁工程 {period}" in text
    assert "如有异议" in text and CONTACT in text and "公示截止后提出的异议不再受理" in text
    # nothing a 公示 does not publish: the phone, the ID number (whole or masked), the
    # birth date, gender, e-mail
    id_number = demo["applicant"].id_number
    for private in (person.phone, person.phone_masked, person.id_masked, id_number,
                    id_number[-8:], "1985", "applicant@example.com", "性别", "男"):
        assert private not in text, private

    # the mini-program: the same, for a visitor who has not signed in
    board = await api.call("GET", "/public-notices")
    assert board.status == 200
    [batch] = board.data["batches"]
    assert batch["batch"] == "吉林省政府采购评审专家征集" and CONTACT in batch["objection"]
    [entry] = batch["entries"]
    assert (entry["name"], entry["work_unit"], entry["specialties"]) == (
        person.name, "广州市示例建筑设计研究院", ["道路工程", "桥梁工程"])
    assert set(entry) == {"name", "work_unit", "specialties", "since", "until",
                          "objection_page"}  # where anyone objects online, unsigned
    assert entry["objection_page"].endswith(f"/public-notice/{app.id}/objection")

    # the notice over (the sweep made them an expert): off the board
    assert await client.app[DOMAIN].public_notice.close_due(
        app.notice_until + timedelta(minutes=1)) == 1
    assert "目前没有正在公示的人员" in words(await (await client.get("/public-notice")).text())
    assert (await api.call("GET", "/public-notices")).data["batches"] == []


async def test_a_batch_without_a_contact_and_a_sustained_objection(
        api: Api, client: TestClient, demo: dict) -> None:
    app = await in_notice(api, demo)
    got = words(await (await client.get("/public-notice")).text())
    assert "向本专家库管理机构（审核该批次的财政监管部门）书面反映" in got
    admin = await api.login(demo["admin"].mp_openid)
    base = f"/admin/applications/{app.id}/objection"
    assert (await api.call("POST", base, admin, {"reason": "群众反映其学历造假"})).status == 200
    # an objection being looked into: still in notice, still published
    assert (await Person.get(id=app.person_id)).name in words(
        await (await client.get("/public-notice")).text())
    assert (await api.call("POST", f"{base}/ruling", admin,
                           {"sustained": True, "note": "经核实属实"})).status == 200
    assert "目前没有正在公示的人员" in words(await (await client.get("/public-notice")).text())


async def test_the_administrator_names_where_objections_go_when_making_a_batch(
        client: TestClient, demo: dict) -> None:
    desk = Desk(client)
    await desk.sign_in(demo["admin"].phone)
    await desk.get("/console/batches")
    now = datetime.now(UTC).astimezone(CHINA)
    await desk.post("/console/batches", {
        "name": "2027年吉林省政府采购评审专家征集", "kind": "collect", "province": "22",
        "specialty_rule": "jilin", "apply_from": now.strftime("%Y-%m-%dT%H:%M"),
        "apply_until": (now + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"),
        "review_until": (now + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
        "stages": "市县财政初审 | 市\n省级财政复审 | 省\n省级财政终审 | 省",
        "notice_days": "7", "objection_contact": CONTACT})
    assert "已创建批次" in await desk.flash("/console/batches")
    made = await Batch.get(name="2027年吉林省政府采购评审专家征集")
    assert (made.exam_required, made.notice_days, made.objection_contact) == (False, 7, CONTACT)
