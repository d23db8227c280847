"""A notice's venue is the trading centre's record, not a spelling: the agency picks it from
the centre's venues by name (the record's id goes with the request, never shown to a person),
and whether check-in there asks for an identity check follows the record — another spelling
of its name no longer turns the check off. A venue outside the centre is typed and checks
nobody's identity; notices made before are linked once, by exactly the venue's name."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from typing import Any

from aiohttp.test_utils import TestClient
from tortoise import Tortoise

from models.draws import Notice
from models.venues import Venue
from models.wechat import Channel, WeChatIdentity
from sandbox.platform import Platform
from services.common.clock import CHINA
from tests.support.api import Api
from tests.support.draw_world import (
    finish,
    first_confirmed,
    make_experts,
    openid_of,
    prepared,
    scanner,
    start_draw,
    submit,
    the_evaluation_starts_now,
    venue_scene,
)
from tests.support.wechat import Chat

VENUE = "广州公共资源交易中心"


async def test_the_check_follows_the_venue_picked_whatever_its_name_is_spelled(
        api: Api, chat: Chat, client: TestClient, demo: dict, platform: Platform) -> None:
    await make_experts(client, 6)
    centre = await api.login(demo["verifier"].mp_openid)
    turned = await api.call("PUT", "/venues", centre,
                            {"name": VENUE, "region": "4401", "identity_check": True})
    assert turned.status == 200, turned.data
    # another centre's venue (Shenzhen's, kept by its own verifiers)
    await Venue.create(name="深圳交易中心", region="4403", identity_check=True,
                       updated_at=datetime.now(UTC))
    aid, agency = await prepared(api, demo, total=2, submitted=False)
    # the agency's picker: the centre's venues by name; another centre's is not offered
    offered = await api.call("GET", f"/draws/activities/{aid}/venues", agency)
    assert offered.status == 200, offered.data
    assert [(v["name"], v["region_name"]) for v in offered.data["venues"]] == [
        (VENUE, "广东省广州市")]
    venue_id = offered.data["venues"][0]["id"]
    notice_id = (await Notice.get(activity_id=aid)).id
    path = f"/draws/activities/{aid}/notices/{notice_id}"
    # a name typed another way, with nothing picked, is a venue outside the centre
    typed = await api.call("PUT", path, agency, {"venue": "广州市公共资源交易中心（天河）"})
    assert typed.status == 200, typed.data
    assert typed.data["notices"][0]["venue_id"] is None
    # one not offered is refused in words; neither picked nor typed, too
    foreign = await Venue.get(name="深圳交易中心")
    refused = await api.call("PUT", path, agency, {"venue_id": foreign.id})
    assert refused.status == 400 and "请从列表中重新选择" in refused.message
    blank = await api.call("POST", f"/draws/activities/{aid}/notices", agency, {
        "city": "广州市", "district": "天河区", "street": "天润路333号",
        "contact_name": "陈志强", "contact_phone": "020-12345678", "role": "secondary",
        "gather_at": (await Notice.get(id=notice_id)).gather_at.isoformat()})
    assert blank.status == 400 and "请选择评标场所" in blank.message
    # picked: the notice names the record, whatever was typed beside it
    picked = await api.call("PUT", path, agency, {"venue_id": venue_id,
                                                  "venue": "广州交易中心"})
    assert picked.status == 200, picked.data
    assert (picked.data["notices"][0]["venue"], picked.data["notices"][0]["venue_id"]) == (
        VENUE, venue_id)

    assert (await submit(api, agency, aid)).status == 200
    verified = await api.call("POST", f"/verify/activities/{aid}", centre,
                              {"approve": True, "small_pool_ok": True})
    assert verified.status == 200, verified.data
    assert (await start_draw(api, agency, aid)).status == 200
    await finish(chat, aid)
    # the notice's name spelled otherwise (as an older notice may be): the check stands
    await Notice.filter(id=notice_id).update(venue="广州 公共资源交易中心(天河)")
    now = datetime.now(UTC)
    await the_evaluation_starts_now(aid, now)
    first = await first_confirmed(aid)
    mine = await api.call("GET", "/expert/invitations",
                          await api.login(await _mp_openid(first.person_id)))
    assert [i["identity_check"] for i in mine.data["invitations"]] == [True]
    scan = scanner(chat, await venue_scene(api, agency, aid, platform), now)
    refused_scan = await scan(await openid_of(first.person_id))
    assert "核验身份" in refused_scan and "签到成功" not in refused_scan
    day = await api.call("GET", "/venues/today", centre, params={
        "day": (await Notice.get(id=notice_id)).gather_at.astimezone(
            CHINA).date().isoformat()})
    assert [(e["activity_id"], e["identity_check"]) for e in day.data["evaluations"]] == [
        (aid, True)]


async def test_a_venue_outside_the_centre_checks_nobody_and_old_notices_link_by_exact_name(
        api: Api, chat: Chat, client: TestClient, demo: dict, platform: Platform) -> None:
    await make_experts(client, 6)
    aid, agency = await prepared(api, demo, total=2)  # typed: the centre registered none
    notice = await Notice.get(activity_id=aid)
    assert notice.venue_id is None
    # the migration's step for notices made before: exactly the name (spaces trimmed),
    # once; a name spelled otherwise stays a venue outside the centre
    venue = await Venue.create(name=VENUE, region="4401", identity_check=True,
                               updated_at=datetime.now(UTC))
    other = await Notice.create(activity_id=aid, venue="广州市公共资源交易中心",
                                city="广州市", district="天河区", street="天润路333号",
                                gather_at=notice.gather_at, contact_name="陈志强",
                                contact_phone="020-12345678", role="secondary")
    await Notice.filter(id=notice.id).update(venue=f" {VENUE} ")
    migration = importlib.import_module("models.migrations.0085_safeguards_by_record")
    await migration._link_exact_names(None, _Editor())
    assert (await Notice.get(id=notice.id)).venue_id == venue.id
    assert (await Notice.get(id=other.id)).venue_id is None
    await other.delete()
    # a notice that picked no venue of the centre checks in by the code as before
    await Notice.filter(id=notice.id).update(venue_id=None)
    assert (await start_draw(api, agency, aid)).status == 200
    await finish(chat, aid)
    now = datetime.now(UTC)
    await the_evaluation_starts_now(aid, now)
    first = await first_confirmed(aid)
    scan = scanner(chat, await venue_scene(api, agency, aid, platform), now)
    assert "签到成功" in await scan(await openid_of(first.person_id))


class _Editor:
    """What a migration's step is handed to run its SQL: here, the test database."""

    @staticmethod
    async def _run_sql(sql: str) -> Any:
        return await Tortoise.get_connection("default").execute_script(sql)


async def _mp_openid(person_id: int) -> str:
    return (await WeChatIdentity.get(person_id=person_id, channel=Channel.MINI_PROGRAM)).openid
