"""The register of units (HN-APPLY: the work unit is chosen from a searchable 单位列表): one
unit per unified social credit code (GB-32100) however it is typed, a unit typed by name
takes the code the register knows, an administrator merges a duplicate, and avoidance by
unit then finds the experts of every name and code the unit had."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from models.draws import Avoidance
from models.experts import ExpertProfile
from models.reference import WorkUnit
from services.demo_codes import demo_credit_code
from tests.support.api import Api
from tests.support.applications import applicant, form, make_batch
from tests.support.draw_world import make_experts, prepared

BUILDER = "广州市第一建筑工程有限公司"


async def test_a_unit_typed_twice_with_one_code_is_one_unit_and_is_avoided_by_it(
        api: Api, client: TestClient, demo: dict) -> None:
    code = demo_credit_code(77)
    # an applicant's unit is missing: staff add it on request (HN-APPLY: 待工作人员将单位
    # 新增成功后，重新进行选择); what the applicant types does not enter the register
    person = await applicant(api, demo)
    batch = await make_batch()
    app = await api.call("POST", "/applications", person, {"batch_id": batch.id})
    saved = await api.call("PUT", f"/applications/{app.data['id']}", person,
                           form(work_unit="广州一建", unit_credit_code=None))
    assert saved.status == 200, saved.data
    assert not await WorkUnit.filter(name="广州一建").exists()
    asked = await api.call("POST", "/reference/unit-requests", person,
                           {"name": BUILDER, "credit_code": code})
    assert asked.status == 200, asked.data
    admin = await api.login(demo["admin"].mp_openid)
    added = await api.call("POST", f"/admin/unit-requests/{asked.data['id']}/add", admin, {})
    assert added.status == 200, added.data
    # experts of that unit: one registered under its code, one under a short name only
    await make_experts(client, 1, first=1000, unit_code=code)
    named = await make_experts(client, 1, first=1010)
    await ExpertProfile.filter(id=named[0].id).update(work_unit="广州一建", unit_credit_code=None)
    others = await make_experts(client, 2, first=1020)
    # the agency avoids it by its full name and code: the register keeps one unit
    aid, token = await prepared(api, demo, total=2, submitted=False)
    before = await matching(api, token, aid)
    typed = await api.call("POST", f"/draws/activities/{aid}/avoidances", token, {
        "kind": "unit", "name": BUILDER, "code": code, "reason": "投标人"})
    assert typed.status == 200, typed.data
    # and the agency types it once more under the short name people use: one unit, two names
    short = await api.call("POST", f"/draws/activities/{aid}/avoidances", token, {
        "kind": "unit", "name": "广州一建", "code": code, "reason": "投标人"})
    assert short.status == 200, short.data
    (unit,) = await WorkUnit.filter(credit_code=code)
    assert (unit.name, unit.other_names, unit.region) == (BUILDER, ["广州一建"], "4401")
    found = await api.call("GET", "/reference/units?q=第一建筑", token)
    assert [(u["name"], u["credit_code"]) for u in found.data["units"]] == [(BUILDER, code)]
    # avoidance finds both: the expert under the code, and the one registered under the
    # short name alone, which only the register knows to be the same unit
    assert await matching(api, token, aid) == before - 2
    assert others


async def matching(api: Api, token: str, aid: int) -> int:
    """How many experts a 4401 / A0401 condition finds now, avoidances applied."""
    answer = await api.call("POST", f"/draws/activities/{aid}/preview", token, {
        "regions": ["4401"], "main_specialty": "A0401"})
    assert answer.status == 200, answer.data
    return int(answer.data["matching"])


async def test_a_unit_typed_by_name_takes_its_code_and_merged_duplicates_are_avoided(
        api: Api, client: TestClient, demo: dict) -> None:
    admin = await api.login(demo["admin"].mp_openid)
    code = demo_credit_code(78)
    aid, token = await prepared(api, demo, total=1, submitted=False)
    # known by its code from an earlier project, typed now by name alone
    await api.call("POST", f"/draws/activities/{aid}/avoidances", token, {
        "kind": "unit", "name": BUILDER, "code": code})
    await api.call("POST", f"/draws/activities/{aid}/avoidances", token, {
        "kind": "unit", "name": BUILDER})
    assert [a.credit_code for a in await Avoidance.filter(activity_id=aid, name=BUILDER)] \
        == [code, code]
    # a migrated expert's unit was typed without a code under another name: a duplicate
    stray = await make_experts(client, 1, first=1030)
    await ExpertProfile.filter(id=stray[0].id).update(work_unit="第一建筑公司",
                                                      unit_credit_code=None)
    await WorkUnit.create(name="第一建筑公司", source="import",
                          created_at=(await WorkUnit.get(credit_code=code)).created_at)
    listed = await api.call("GET", "/admin/units?q=第一建筑", admin)
    ids = {u["name"]: u["id"] for u in listed.data["units"]}
    merged = await api.call("POST", "/admin/units/merge", admin,
                            {"keep": ids[BUILDER], "merge": [ids["第一建筑公司"]]})
    assert merged.status == 200, merged.data
    assert merged.data["experts"] == 1 and "第一建筑公司" in merged.data["kept"]["other_names"]
    moved = await ExpertProfile.get(id=stray[0].id)
    assert (moved.work_unit, moved.unit_credit_code) == (BUILDER, code)
    again = await api.call("POST", "/admin/units/merge", admin,
                           {"keep": ids[BUILDER], "merge": [ids["第一建筑公司"]]})
    assert again.status == 404 and "已并入其他单位" in again.message
