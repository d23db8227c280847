"""A sanction reaches the committee already formed (TBL-REG Art. 71/72; docs/seal.md): an expert
confirmed for next week and then suspended loses the place; the expert is told why, the
agency that a place opened (no name: nothing before T-30 tells who was drawn, docs/seal.md);
a 补抽 fills it; the agency cannot undo it; the venue refuses the expert's scan. A warning
takes nothing, nor does a suspension that begins after the evaluation's day."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient

from models.draws import DrawActivity, Invitation, InvitationStatus
from models.experts import ExpertProfile
from models.notifications import Notification
from models.people import Person
from models.wechat import WeChatIdentity
from sandbox.platform import Platform
from services.common.clock import china_today
from tests.support.api import Api
from tests.support.draw_world import (
    finish,
    make_experts,
    openid_of,
    prepared,
    scanner,
    start_draw,
    supplement,
    the_evaluation_starts_now,
    the_results_unseal,
    venue_scene,
)
from tests.support.helpers import eventually
from tests.support.wechat import Chat

NEXT_WEEK = timedelta(days=7)


async def _confirmed_next_week(api: Api, chat: Chat, client: TestClient, demo: dict
                               ) -> tuple[int, str, list[Invitation]]:
    await make_experts(client, 6)
    aid, token = await prepared(api, demo, total=2, eval_in=NEXT_WEEK)
    assert (await start_draw(api, token, aid)).status == 200
    confirmed = sorted(await finish(chat, aid), key=lambda i: i.id)
    assert len(confirmed) == 2
    return aid, token, confirmed


async def _sanction(api: Api, demo: dict, invitation: Invitation, kind: str,
                    starts: int = 0, days: int = 90) -> int:
    """The administrator decides it over the API (starting `starts` days from today)."""
    admin = await api.login(demo["admin"].mp_openid)
    profile = await ExpertProfile.get(id=invitation.expert_id)
    first = china_today(datetime.now(UTC)) + timedelta(days=starts)
    body = {"expert_number": profile.expert_number, "kind": kind,
            "reason": "无正当理由不按时参加评标", "starts_on": first.isoformat()}
    if kind == "suspension":
        body["ends_on"] = (first + timedelta(days=days)).isoformat()
    decided = await api.call("POST", "/admin/sanctions", admin, body)
    assert decided.status == 200, decided.data
    return int(decided.data["id"])


async def _agency_reads(api: Api, token: str, aid: int) -> dict:
    shown = await api.call("GET", f"/draws/activities/{aid}", token)
    log = await api.call("GET", f"/draws/activities/{aid}/log", token)
    contacts = await api.call("GET", f"/draws/activities/{aid}/contacts", token)
    return {"detail": {k: shown.data[k] for k in ("status", "status_title", "counts")},
            "log": log.data["entries"], "contacts": contacts.data["invitations"]}


async def test_a_suspension_takes_the_place_next_week_without_telling_the_agency_who(
        api: Api, chat: Chat, client: TestClient, demo: dict, platform: Platform) -> None:
    aid, token, (suspended, other) = await _confirmed_next_week(api, chat, client, demo)
    before = await _agency_reads(api, token, aid)
    await _sanction(api, demo, suspended, "suspension")
    # the place is open, registered as the sanction's
    item = await Invitation.get(id=suspended.id)
    assert (item.status, item.absence) == (InvitationStatus.ABSENT, "受处理")
    assert (await Invitation.get(id=other.id)).status == InvitationStatus.CONFIRMED
    # the expert is told why and not to come
    openid = await openid_of(suspended.person_id)
    openids = await WeChatIdentity.filter(person_id=suspended.person_id).values_list(
        "openid", flat=True)
    phone = (await Person.get(id=suspended.person_id)).phone or ""

    def told() -> bool:
        said = [json.dumps(m.payload, ensure_ascii=False) for o in openids
                for m in platform.sent_to(o)] + platform.sms_to(phone)
        return any("席位已取消" in m for m in said)

    await eventually(told, timeout=15)
    # the agency is told a place opened and what to do, with no name
    activity = await DrawActivity.get(id=aid)
    opened = await Notification.filter(kind="draw.place_opened", person_id=activity.handler_id)
    assert len(opened) == 1
    name = (await Person.get(id=suspended.person_id)).name
    assert name not in json.dumps(opened[0].params, ensure_ascii=False)
    # nothing the agency reads before T-30 says who: counts as before, the log's entry
    # without its detail, the contacts report without names
    after = await _agency_reads(api, token, aid)
    assert after["detail"] == before["detail"]
    (entry,) = [e for e in after["log"] if e["action"] == "sanction_release"]
    assert entry["detail"] == {} and entry["title"] == "专家受处理，席位空出"
    assert not any(c["name"] for c in after["contacts"])
    assert [(c["status"], c["name"]) for c in after["contacts"]] == [
        (c["status"], c["name"]) for c in before["contacts"]]
    assert name not in json.dumps(after, ensure_ascii=False)
    # the agency asks a 补抽 (accepted as ever while sealed); it fills the place with
    # someone else, out of sight
    assert (await supplement(api, token, aid)).status == 200
    await eventually(lambda: Invitation.filter(activity__parent_id=aid).exists(), timeout=10)
    child = await DrawActivity.get(parent_id=aid)
    invited = await Invitation.filter(activity_id=child.id).values_list("expert_id", flat=True)
    assert invited and suspended.expert_id not in invited
    # unsealed: the agency reads why, and cannot undo what the sanction did
    now = datetime.now(UTC)
    for each in (aid, child.id):
        await the_results_unseal(each, now)
    undo = await api.call("POST", f"/draws/activities/{aid}/absences/{suspended.id}/undo",
                          token, {"reason": "专家已到场"})
    assert undo.status == 409 and "受到处理" in undo.message
    assert (await Invitation.get(id=suspended.id)).status == InvitationStatus.ABSENT
    # at the venue the expert's scan is refused in words; the other checks in
    await the_evaluation_starts_now(aid, now)
    scan = scanner(chat, await venue_scene(api, token, aid, platform), now)
    refused = await scan(openid)
    assert "评标资格目前处于暂停或已被取消" in refused and "签到成功" not in refused
    assert "签到成功" in await scan(await openid_of(other.person_id))


async def test_a_warning_or_a_later_suspension_leaves_the_place(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    aid, _, (first, second) = await _confirmed_next_week(api, chat, client, demo)
    await _sanction(api, demo, first, "warning")
    await _sanction(api, demo, second, "suspension", starts=NEXT_WEEK.days + 2)
    assert {i.status for i in await Invitation.filter(activity_id=aid)} == {
        InvitationStatus.CONFIRMED}
    assert not await Notification.exists(kind="draw.place_opened")


async def test_an_expert_suspended_while_invited_is_not_confirmed_by_a_later_yes(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    await make_experts(client, 6)
    aid, _ = await prepared(api, demo, total=1, eval_in=NEXT_WEEK)
    token = await api.login(demo["handler"].mp_openid)
    assert (await start_draw(api, token, aid)).status == 200
    invited = await Invitation.get(activity_id=aid, status=InvitationStatus.SENT)
    await _sanction(api, demo, invited, "suspension")
    said = (await chat.say(await openid_of(invited.person_id), "1")).text
    assert "处理期间" in said and "无需前往" in said
    item = await Invitation.get(id=invited.id)
    assert (item.status, item.reason) == (InvitationStatus.RELEASED, "受处理")
    # the place is offered to the next candidate at once
    nxt = await Invitation.filter(activity_id=aid, status=InvitationStatus.SENT)
    assert len(nxt) == 1 and nxt[0].expert_id != invited.expert_id
