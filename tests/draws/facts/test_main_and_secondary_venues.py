"""A remote evaluation with a 主场 and a 副场 (FG-807 远程异地评标; NDRC-26 异地评标): each
condition's experts go to their own notice's venue, and every text, page and sheet says which
one, 主场 or 副场; a 补抽 for an absence at the 副场 draws for the 副场; an expert who said 否 to
异地评标 serves at a 副场 in their own city but not at the 主场 elsewhere; the 副场's experts
are paid by the administrator's rule (本库标准 / 副场所在库标准 / 就高), the fee saying which
standard applied."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from aiohttp.test_utils import TestClient

from models.draws import Condition, DrawActivity, Invitation, InvitationStatus, Notice
from models.fees import FeeStandard
from models.notifications import Notification
from sandbox.platform import Platform
from services.common.clock import china_today
from services.fees import THEIR_STANDARDS
from tests.support.api import Api
from tests.support.console import Desk, download
from tests.support.draw_world import (
    finish,
    make_experts,
    openid_of,
    prepared,
    scanner,
    start_draw,
    submit,
    supplement,
    the_results_unseal,
    venue_scene,
)
from tests.support.fees import evaluation_over, nine_today, publish, row_of, worked
from tests.support.helpers import eventually
from tests.support.wechat import Chat
from web.context import DOMAIN

SPECIALTY = "A0802"  # none of the demo's experts has it: the experts made here are the pool
TIANHE = "440106"  # 广州市天河区: the 主场's district
WUJIANG = "440203"  # 韶关市武江区: the 副场's district
MAIN = "广州公共资源交易中心（主场）"
SECONDARY = "韶关市公共资源交易中心（副场）"


async def _remote_activity(api: Api, demo: dict) -> tuple[int, str, dict[str, Any]]:
    """A draft with the 主场 in 广州 (one expert from 广州 or 韶关) and a 副场 in 韶关 (two
    experts from 韶关, its regions given as 440200), submitted and verified."""
    aid, token = await prepared(api, demo, total=3, planned=[1], regions=("4401", "4402"),
                                specialty=SPECIALTY, submitted=False)
    shown = (await api.call("GET", f"/draws/activities/{aid}", token)).data
    main = shown["notices"][0]
    assert (main["role"], main["role_title"]) == ("main", "主场")  # the first is the 主场
    venue = {"venue": "韶关市公共资源交易中心", "city": "韶关市", "district": "武江区",
             "street": "沿江路16号", "room": "3楼", "contact_name": "刘敏",
             "contact_phone": "0751-8888888", "gather_at": main["gather_at"]}
    # a second 主场 beside a 副场, or a bad word, is refused in Chinese with what to do
    bad = await api.call("POST", f"/draws/activities/{aid}/notices", token,
                         {**venue, "role": "remote"})
    assert bad.status == 400 and "主场或副场" in bad.message
    added = await api.call("POST", f"/draws/activities/{aid}/notices", token,
                           {**venue, "role": "secondary"})
    assert added.status == 200, added.data
    secondary = next(n for n in added.data["notices"] if n["id"] != main["id"])
    assert (secondary["role"], secondary["role_title"]) == ("secondary", "副场")
    two = await api.call("POST", f"/draws/activities/{aid}/notices", token,
                         {**venue, "venue": "另一个主场", "role": "main"})
    assert two.status == 409 and "只能有一个主场" in two.message
    # the 主场 turned 副场 would leave the 副场 without one
    orphan = await api.call("PUT", f"/draws/activities/{aid}/notices/{main['id']}", token,
                            {"role": "secondary"})
    assert orphan.status == 409 and "须先有一个主场" in orphan.message
    condition = await api.call("POST", f"/draws/activities/{aid}/conditions", token, {
        "notice_id": secondary["id"], "regions": ["440200"], "region_mode": "residence",
        "main_specialty": SPECIALTY, "planned": 2})
    assert condition.status == 200, condition.data
    assert (await Condition.get(notice_id=secondary["id"])).regions == ["4402"]
    sent = await submit(api, token, aid)
    assert sent.status == 200, sent.data
    verifier = await api.login(demo["verifier"].mp_openid)
    # the trading centre reads which venue is which, and where each condition's experts go
    asked = await api.call("GET", f"/verify/activities/{aid}", verifier)
    parts = {p["part"]: " ".join(p["items"]) for p in asked.data["request"]}
    assert MAIN in parts["notices"] and SECONDARY in parts["notices"]
    assert SECONDARY in parts["conditions"]
    verified = await api.call("POST", f"/verify/activities/{aid}", verifier,
                              {"approve": True, "small_pool_ok": True})
    assert verified.status == 200, verified.data
    return aid, token, secondary


async def _preview(api: Api, token: str, aid: int, notice_id: int) -> int:
    answer = await api.call("POST", f"/draws/activities/{aid}/preview", token, {
        "regions": ["4401", "4402"], "main_specialty": SPECIALTY, "notice_id": notice_id})
    assert answer.status == 200, answer.data
    return int(answer.data["matching"])


def _venue_of(notifications: list[Notification], person_id: int) -> str:
    return next(str(n.params["venue"]) for n in notifications if n.person_id == person_id)


async def test_a_remote_evaluation_says_each_experts_venue_from_invitation_to_fee(
        api: Api, chat: Chat, client: TestClient, demo: dict, platform: Platform) -> None:
    guangzhou = await make_experts(client, 1, first=1400, region=TIANHE, specialty=SPECIALTY)
    # 韶关 experts who answered 否 to 异地评标: the 副场 is in their city, the 主场 is not
    shaoguan = await make_experts(client, 3, first=1410, region=WUJIANG, specialty=SPECIALTY,
                                  remote_ok=False)
    for expert in guangzhou + shaoguan:
        platform.user(await openid_of(expert.person_id)).follower = True  # gets templates
    aid, token, secondary = await _remote_activity(api, demo)
    main_id = (await Notice.get(activity_id=aid, role="main")).id
    assert await _preview(api, token, aid, main_id) == 1  # only the 广州 expert
    assert await _preview(api, token, aid, secondary["id"]) == 4
    pools = {c.notice_id: set(c.pool or []) for c in await Condition.filter(activity_id=aid)}
    assert pools[main_id] == {guangzhou[0].id}
    assert pools[secondary["id"]] == {p.id for p in shaoguan}  # residence in 4402 only
    assert (await start_draw(api, token, aid)).status == 200
    # each invitation names the expert's own venue, 主场 or 副场, in the chat too
    invited = await Notification.filter(kind="draw.invitation")
    at_main = await Invitation.get(activity_id=aid, expert_id=guangzhou[0].id)
    at_secondary = await Invitation.filter(activity_id=aid).exclude(id=at_main.id)
    assert _venue_of(invited, at_main.person_id) == MAIN
    assert {_venue_of(invited, i.person_id) for i in at_secondary} == {SECONDARY}
    openid = await openid_of(at_secondary[0].person_id)
    await eventually(lambda: any(SECONDARY in str(s.payload)
                                 for s in platform.received_by(openid)), timeout=10)
    confirmed = await chat.say(openid, "1")  # one confirms by chat
    assert "已确认参加" in confirmed.text and SECONDARY in confirmed.text
    await finish(chat, aid)
    # the reminder two hours before the gathering says 副场 to the 副场's experts
    gather = (await Notice.get(id=secondary["id"])).gather_at
    await client.app[DOMAIN].draws.venue.attendance.remind(gather - timedelta(hours=2))
    reminded = await Notification.filter(kind="draw.reminder")
    assert {_venue_of(reminded, i.person_id) for i in at_secondary} == {SECONDARY}
    assert _venue_of(reminded, at_main.person_id) == MAIN
    # the venue day: the check-in answer says 副场; an expert urged at the 副场 hears it
    now = datetime.now(UTC)
    await the_results_unseal(aid, now)
    scan = scanner(chat, await venue_scene(api, token, aid, platform), now)
    # one code, a poster for each venue saying which it is
    qr = await api.call("GET", f"/draws/activities/{aid}/checkin-qr", token)
    posters = {v["venue"]: v["page"] for v in qr.data["venues"]}
    assert list(posters) == [MAIN, SECONDARY]
    poster = urlsplit(posters[SECONDARY])
    assert SECONDARY in await (await client.get(f"{poster.path}?{poster.query}")).text()
    came, late = at_secondary
    assert SECONDARY in await scan(await openid_of(came.person_id))
    urged = await api.call("POST", f"/draws/activities/{aid}/urge", token,
                           {"invitation_id": late.id})
    assert urged.status == 200, urged.data
    assert _venue_of(await Notification.filter(kind="draw.urge"), late.person_id) == SECONDARY
    roster = await api.call("GET", f"/draws/activities/{aid}/attendance", token)
    assert {e["invitation_id"]: e["venue"] for e in roster.data["experts"]}[late.id] == SECONDARY
    # the dashboard's venues are today's (China time): the evaluation, twenty minutes on,
    # is tomorrow's after 23:40 — read the board as of an evaluation starting now
    was = (await DrawActivity.get(id=aid)).eval_start
    await DrawActivity.filter(id=aid).update(eval_start=datetime.now(UTC))
    board = await api.call("GET", "/draws/dashboard", token)
    assert {v["venue"] for v in board.data["venues"]} >= {MAIN, SECONDARY}
    await DrawActivity.filter(id=aid).update(eval_start=was)
    # an absence at the 副场: the 补抽 draws for the 副场, from 韶关
    late = await Invitation.get(id=late.id)
    registered = await api.call("POST", f"/draws/activities/{aid}/absences", token,
                                {"key": late.code, "kind": "缺席"})
    assert registered.status == 200, registered.data
    offered = (await api.call("GET", f"/draws/activities/{aid}", token)
               ).data["supplement_gather_at"]
    child = await supplement(api, token, aid, gather_at=offered)
    assert child.status == 200, child.data
    newcomer = await Invitation.get(activity_id=child.data["id"])
    notice = await Notice.get(id=(await Condition.get(id=newcomer.condition_id)).notice_id)
    assert (notice.role, notice.city) == ("secondary", "韶关市")
    assert newcomer.expert_id in {p.id for p in shaoguan}
    told = await Notification.filter(kind="draw.invitation", person_id=newcomer.person_id)
    assert _venue_of(told, newcomer.person_id) == SECONDARY
    assert "已确认参加" in (await chat.say(await openid_of(newcomer.person_id), "1")).text
    # the results, the print and the Excel say each expert's venue
    results = await api.call("GET", f"/draws/activities/{aid}/results", token)
    venues = {e["invitation_id"]: e["venue"] for e in results.data["experts"]}
    assert venues == {at_main.id: MAIN, came.id: SECONDARY, late.id: SECONDARY,
                      newcomer.id: SECONDARY}
    link = await api.call("GET", f"/draws/activities/{aid}/result-page", token)
    address = urlsplit(link.data["url"])
    printed = await (await client.get(f"{address.path}?{address.query}")).text()
    assert MAIN in printed and SECONDARY in printed
    clerk = Desk(client)
    await clerk.sign_in(demo["handler"].phone)
    sheets = await download(client, f"/console/activities/{aid}/results.xlsx")
    rows = sheets["抽取结果"]
    assert rows[0][-1] == "评标场所"
    assert sorted(str(r[-1]) for r in rows[1:]) == sorted([MAIN] + [SECONDARY] * 3)
    arrivals = sheets["到场情况"]  # whom to look for at which venue
    assert arrivals[0][-1] == "评标场所"
    assert sorted(str(r[-1]) for r in arrivals[1:]) == sorted([MAIN] + [SECONDARY] * 3)
    await _fees_by_the_rule(api, demo, aid, token, at_main, came)


def _theirs(day: date) -> FeeStandard:
    """The 副场 library's standard (a peer's, never stored here): more per hour."""
    return FeeStandard(id=0, name="韶关库劳务费标准", effective_from=day, base_hours=3,
                       base_fen=50000, hour_fen=12000, part_hour_counts=True,
                       daily_cap_fen=100000, cancel_fen=20000, travel_fen=15000,
                       meal_fen=10000, published_by=0, published_at=datetime.now(UTC))


async def _fees_by_the_rule(api: Api, demo: dict, aid: int, token: str, at_main: Invitation,
                            at_secondary: Invitation) -> None:
    today = china_today(datetime.now(UTC))
    assert (await publish(api, demo, today)).status == 200  # 就高, the default
    now = await evaluation_over(aid)
    for item in (at_main, at_secondary):
        await worked(item, nine_today(now), 2.5)

    async def theirs(notice: Notice, day: date) -> FeeStandard | None:
        return _theirs(day) if notice.role == "secondary" else None

    async def fees() -> tuple[dict[str, Any], dict[str, Any]]:
        sheet = await api.call("GET", f"/draws/activities/{aid}/fees", token)
        assert sheet.status == 200, sheet.data
        return row_of(sheet, at_main), row_of(sheet, at_secondary)

    with THEIR_STANDARDS.provided(theirs):  # the 副场 served by a peer library's rules
        main, away = await fees()
        assert main["computed_yuan"] == "400.00" and "副场" not in main["breakdown"]
        assert away["computed_yuan"] == "500.00"
        assert "就高不就低，适用副场所在库标准「韶关库劳务费标准」" in away["breakdown"]
        # the administrator chooses 本库标准 (a version published today replaces it)
        chosen = await publish(api, demo, today, secondary_rule="ours")
        assert chosen.status == 200 and chosen.data["secondary_rule_title"] == "本库标准"
        main, away = await fees()
        assert away["computed_yuan"] == "400.00"
        assert "按主场所在库标准，适用主场所在库标准「2025年评标专家劳务费标准」" in \
            away["breakdown"]
        assert (await publish(api, demo, today, secondary_rule="theirs")).status == 200
        assert (await fees())[1]["computed_yuan"] == "500.00"
    # served by this library's own experts: "theirs" is ours, every rule the same amount
    assert (await fees())[1]["computed_yuan"] == "400.00"
    wrong = await publish(api, demo, today, secondary_rule="lower")
    assert wrong.status == 400 and "就高" in wrong.message


async def test_who_declined_remote_evaluation_serves_at_the_secondary_in_their_own_city(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """NDRC-26 / XJ-SIGNUP: a 韶关 expert's 否 to 异地评标 keeps them from the 广州 主场, not
    from the 韶关 副场; the invitation goes to the 副场."""
    await make_experts(client, 1, first=1450, region=TIANHE, specialty=SPECIALTY)
    shaoguan = await make_experts(client, 2, first=1460, region=WUJIANG,
                                  specialty=SPECIALTY, remote_ok=False)
    aid, token, secondary = await _remote_activity(api, demo)
    assert (await start_draw(api, token, aid)).status == 200
    served = await finish(chat, aid)
    by_expert = {i.expert_id: i for i in served}
    for expert in shaoguan:
        item = by_expert[expert.id]
        assert (await Condition.get(id=item.condition_id)).notice_id == secondary["id"]
        assert item.status == InvitationStatus.CONFIRMED
