"""No side doors before T-30 (GD-DRAW: "在预计评标活动开始前 30 分钟后，可查看和打印抽取结果"):
two evaluations alike, an absence registered by phone in each — in one a drawn expert's
phone, in the other a phone nobody drew — then a 补抽 asked in each and a 退选 run in each.
Everything the agency reads of the two (docs/seal.md) is the same; once the results unseal,
what really happened shows."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from models.draws import DrawActivity, Invitation, InvitationStatus
from models.notifications import Notification
from models.people import Person, Role, RoleGrant
from tests.support.api import Api
from tests.support.draw_world import (
    ask_withdrawal,
    drawn,
    make_experts,
    supplement,
    the_results_unseal,
)
from tests.support.helpers import eventually
from tests.support.wechat import Chat

NOBODY = "13912345678"  # a phone no one drew


IDS = {"id", "activity_id", "invitation_id", "condition_id", "notice_id",
       "number"}  # an activity's number is its id written for people (CQSQ00000012)
MOMENT = re.compile(r"\d{4}-\d\d-\d\dT[\d:.]+(\+00:00|Z)?$|\d{4}年\d\d月\d\d日 \d\d:\d\d$")


def alike(value: Any, own: int) -> Any:
    """A response with its ids and moments taken out (the two evaluations differ in those
    only, and are a day apart)."""
    if isinstance(value, dict):
        return {"<id>" if str(k).isdigit() else k: "<id>" if k in IDS else alike(v, own)
                for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [alike(v, own) for v in value]
    if isinstance(value, str) and MOMENT.match(value):
        return "<t>"
    if isinstance(value, str) and re.fullmatch(r"[0-9a-f]{64}", value):
        return "<hash>"  # each draw's own seed
    return value


async def agency_pushes() -> list[tuple[str, str]]:
    agency = await RoleGrant.filter(role__in=[Role.AGENCY_HANDLER, Role.AGENCY_LEGAL]
                                    ).values_list("person_id", flat=True)
    return [(n.kind, str(n.params.get("progress", ""))) for n in
            await Notification.filter(person_id__in=list(agency)).order_by("id")]


async def observed(api: Api, token: str, aid: int) -> dict[str, Any]:
    """What the agency reads of one activity."""
    shown = await api.call("GET", f"/draws/activities/{aid}", token)
    listed = await api.call("GET", "/draws/activities?limit=100", token)
    return {
        "detail": alike({k: shown.data[k] for k in ("status", "status_title", "counts")}, aid),
        "in list": alike([a for a in listed.data["activities"] if a["id"] == aid], aid),
        "progress": alike((await api.call("GET", f"/draws/activities/{aid}/progress",
                                          token)).data, aid),
        "log": [(e["action"], e["title"], e["reason"], alike(e["detail"], aid))
                for e in (await api.call("GET", f"/draws/activities/{aid}/log",
                                         token)).data["entries"]],
        "contacts": [(c["status"], c["name"]) for c in (await api.call(
            "GET", f"/draws/activities/{aid}/contacts", token)).data["invitations"]],
        "attendance": alike((await api.call("GET", f"/draws/activities/{aid}/attendance",
                                            token)).data, aid),
    }


async def test_a_drawn_and_a_not_drawn_phone_look_alike_until_the_results_unseal(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    await make_experts(client, 8)
    drawn_in, token = await drawn(api, chat, demo)  # two days away: sealed
    other, _ = await drawn(api, chat, demo)
    await DrawActivity.filter(id=other).update(
        eval_start=(await DrawActivity.get(id=drawn_in)).eval_start + timedelta(days=1),
        eval_end=(await DrawActivity.get(id=drawn_in)).eval_end + timedelta(days=1))
    first = await Invitation.filter(activity_id=drawn_in,
                                    status=InvitationStatus.CONFIRMED).order_by("id").first()
    assert first is not None
    phone = (await Person.get(id=first.person_id)).phone
    dashboard = (await api.call("GET", "/draws/dashboard", token)).data
    pushes = await agency_pushes()
    before = {aid: await observed(api, token, aid) for aid in (drawn_in, other)}
    assert alike(before[drawn_in], drawn_in) == alike(before[other], other)
    # the absence, by phone
    answers = [await api.call("POST", f"/draws/activities/{aid}/absences", token,
                              {"key": key, "kind": "请假"})
               for aid, key in ((drawn_in, phone), (other, NOBODY))]
    assert answers[0].status == answers[1].status == 200
    assert answers[0].data == answers[1].data
    # it took effect, out of sight, for the drawn expert, who is told
    await eventually(lambda: Invitation.filter(id=first.id, status=InvitationStatus.ABSENT
                                               ).exists(), timeout=10)
    assert await Notification.exists(kind="draw.absence_registered", person_id=first.person_id)
    # a 补抽 in each: one has a place to fill, the other none; both answer alike
    asked = [await supplement(api, token, aid) for aid in (drawn_in, other)]
    assert [a.status for a in asked] == [200, 200]
    assert alike(asked[0].data, drawn_in) == alike(asked[1].data, other)
    assert asked[0].data["id"] == drawn_in and asked[1].data["id"] == other
    await eventually(lambda: Invitation.filter(activity__parent_id=drawn_in).exists(),
                     timeout=10)
    child = await DrawActivity.get(parent_id=drawn_in)
    missing = await api.call("GET", f"/draws/activities/{child.id}", token)
    nowhere = await api.call("GET", f"/draws/activities/{child.id + 1000}", token)
    assert (missing.status, missing.data) == (nowhere.status, nowhere.data)
    # everything the agency reads is the same for both, and as it was before
    after = {aid: await observed(api, token, aid) for aid in (drawn_in, other)}
    assert alike(after[drawn_in], drawn_in) == alike(after[other], other)
    assert after[drawn_in]["detail"] == before[drawn_in]["detail"]
    assert (await api.call("GET", "/draws/dashboard", token)).data == dashboard
    assert await agency_pushes() == pushes  # no push about the absence or the 补抽
    # a 退选 of each: the counts and the table of notices say the same
    verifier = await api.login(demo["verifier"].mp_openid)
    for aid in (drawn_in, other):
        assert (await ask_withdrawal(api, token, aid, "项目暂停")).status == 200
        assert (await api.call("POST", f"/verify/activities/{aid}/withdrawal", verifier,
                               {"approve": True})).status == 200
        assert (await api.call("POST", f"/draws/activities/{aid}/withdrawal/start",
                               token)).status == 200
    states = [alike((await api.call("GET", f"/draws/activities/{aid}/withdrawal",
                                    token)).data, aid) for aid in (drawn_in, other)]
    assert states[0] == states[1]
    tables = [(await api.call("GET", f"/draws/activities/{aid}/withdrawal/experts",
                              token)).data["experts"] for aid in (drawn_in, other)]
    assert len(tables[0]) == len(tables[1]) == 2
    assert all(e["name"] == "" and e["phone"] == "" for t in tables for e in t)
    # unsealed: what happened shows
    for aid in (drawn_in, child.id):  # (a 补抽 has its evaluation's times)
        await the_results_unseal(aid, datetime.now(UTC))
    log = (await api.call("GET", f"/draws/activities/{drawn_in}/log", token)).data["entries"]
    registered = next(e for e in log if e["action"] == "absence_phone")
    requested = next(e for e in log if e["action"] == "supplement_request")
    assert registered["detail"] == {"matched": True}
    assert requested["detail"]["child"] == child.id and requested["detail"]["places"] == 1
    assert any(e["activity_id"] == child.id for e in log)
    shown = await api.call("GET", f"/draws/activities/{child.id}", token)
    assert shown.status == 200 and shown.data["status"] == "withdrawn"
