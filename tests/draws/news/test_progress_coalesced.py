"""The agency's progress notices coalesced (services/notifications/change.py's `latest`):
replies in quick succession tell the agency one notice with the latest count, within the
bound (NOTIFY_LATEST_SECONDS and the relay's sweep), on whatever channel reaches its
people; the shortage, the end and the unsealing are each told, never coalesced away."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import timedelta

from aiohttp.test_utils import TestClient

from bot.relay.channels import CHANNELS
from bot.relay.relay import Relay
from models.draws import DrawActivity, Invitation, InvitationStatus
from models.notifications import Notification, Status
from models.people import Person
from models.wechat import WeChatIdentity
from sandbox.platform import Platform
from sandbox.platform_records import Fault
from services.notifications.change import slot_due
from tests.support.api import Api
from tests.support.clock import MovedClock
from tests.support.draw_world import make_experts, openid_of, prepared, start_draw
from tests.support.helpers import eventually
from tests.support.wechat import Chat
from web.context import DOMAIN

SWEEP = 2.0  # s between the relay's sweeps (config/worker.py)
REACHED = (Status.SENT, Status.DELIVERED)


async def _agency(demo: dict) -> dict[int, str]:
    """The agency's people (its handler, its legal person): their openids by person."""
    out = {}
    for key in ("handler", "agency_legal"):
        identity = await WeChatIdentity.get(openid=demo[key].openid)
        out[int(identity.person_id)] = identity.openid
    return out


def _words(platform: Platform, openid: str) -> list[str]:
    """What reached the person, in words: template fields and chat texts alike."""
    out = []
    for sent in platform.sent_to(openid):
        if sent.kind == "template":
            out.append(" ".join(str(v) for v in sent.payload.get("data", {}).values()))
        else:
            out.append(str(sent.payload.get("content") or sent.payload.get("text") or ""))
    return out


async def _told(kind: str, person_id: int) -> list[Notification]:
    return await Notification.filter(kind=kind, person_id=person_id,
                                     status__in=list(REACHED)).order_by("id")


async def test_quick_replies_tell_the_agency_the_latest_progress_once(
        api: Api, chat: Chat, client: TestClient, demo: dict, platform: Platform,
        clock: MovedClock) -> None:
    await make_experts(client, 3, first=2000)  # the main pool: these and the demo expert
    aid, token = await prepared(api, demo, total=5)
    started = await start_draw(api, token, aid)
    assert started.data["counts"]["waiting"] == 4  # one place short from the start
    agency = await _agency(demo)
    relay = client.app[CHANNELS].relay
    every = client.app[DOMAIN].outbox.latest_every
    assert every > 0 and every + SWEEP <= 10  # the bound: each change told within 10 s
    invited = await Invitation.filter(activity_id=aid).order_by("rank")
    # the replies begin as a slot of `every` seconds does: the first three fall in it
    key = f"draw.progress:{aid}"
    clock.advance((slot_due(key, every, clock.now()) - clock.now()).total_seconds() + 0.01)
    began = clock.now()
    for item in invited[:3]:
        assert "已确认参加" in (await chat.say(await openid_of(item.person_id), "1")).text
    replied = clock.now()
    assert replied - began < timedelta(seconds=every), "the replies took longer than a slot"
    # one row a person, carrying the latest count, due within `every` of the first change
    queued = await Notification.filter(kind="draw.progress").order_by("person_id")
    assert [n.person_id for n in queued] == sorted(agency)
    assert {n.params["progress"] for n in queued} == {"已确认 3/5"}
    assert all(n.next_attempt_at - began <= timedelta(seconds=every) for n in queued)
    # the slot ends: the relay's sweep sends it (run here rather than waited for; the
    # service's own worker may have claimed a row first, and still be sending it)
    clock.advance(every)

    async def progress_sent() -> bool:
        await relay.run()
        return all([await _told("draw.progress", p) for p in agency])

    await eventually(progress_sent, timeout=10)
    for person_id, openid in agency.items():
        told = await _told("draw.progress", person_id)
        assert [n.params["progress"] for n in told] == ["已确认 3/5"]
        # within the bound: sent at the first sweep after its slot, at most
        assert told[0].sent_at is not None
        assert told[0].sent_at - began <= timedelta(seconds=every + SWEEP) + (replied - began)
        words = _words(platform, openid)
        assert sum("已确认 3/5" in w for w in words) == 1, words
        assert not any("已确认 1/5" in w or "已确认 2/5" in w for w in words), words
    # the last candidate accepts: no one is left for the fifth place, the draw ends short;
    # the end carries the count, the progress it supersedes is never sent
    last = invited[3]
    assert "已确认参加" in (await chat.say(await openid_of(last.person_id), "1")).text
    activity = await DrawActivity.get(id=aid)
    assert activity.status == "ended" and activity.end_reason == "exhausted"
    await DrawActivity.filter(id=aid).update(eval_start=clock.now() + timedelta(minutes=29))
    assert (await client.app[DOMAIN].draws.running.sweep.sweep(clock.now()))["unsealed"] == 1
    clock.advance(every + SWEEP)

    async def all_sent() -> bool:  # (the service's own worker may be sending one of them)
        await relay.run()
        return not await Notification.filter(person_id__in=list(agency), status__in=[
            Status.QUEUED, Status.SENDING]).exists()

    await eventually(all_sent, timeout=10)
    replies = await Invitation.filter(activity_id=aid,
                                      status=InvitationStatus.CONFIRMED).count()
    assert replies == 4
    for person_id, openid in agency.items():
        progress = await _told("draw.progress", person_id)
        assert len(progress) == 1 < replies  # fewer notices than replies
        assert [n.params["progress"] for n in await _told("draw.shortage", person_id)] == [
            "4/5"]
        ended = await _told("draw.ended", person_id)
        assert [n.params["progress"] for n in ended] == ["已确认 4/5"]
        assert len(await _told("draw.unsealed", person_id)) == 1
        words = _words(platform, openid)
        assert not any("抽取进度" in w and "4/5" in w for w in words), words
    assert await Notification.filter(kind="draw.progress", status__in=[
        Status.QUEUED, Status.SENDING]).count() == 0
    # nothing of it named anyone drawn
    names = [p.name for p in await Person.filter(id__in=[i.person_id for i in invited])]
    pushed = " ".join(w for openid in agency.values() for w in _words(platform, openid))
    assert not any(name in pushed for name in names)


async def _at_a_slot_start(api: Api, client: TestClient, demo: dict, clock: MovedClock,
                           experts: int, first: int
                           ) -> tuple[int, dict[int, str], Relay, float, list[Invitation]]:
    """A draw of five started on `experts` more experts (numbered from `first`), the clock
    moved to the start of its progress's next slot: the activity, the agency's people
    (person id: openid), the relay, the slot's length and the invitations by rank."""
    await make_experts(client, experts, first=first)
    aid, token = await prepared(api, demo, total=5)
    assert (await start_draw(api, token, aid)).status == 200
    every = client.app[DOMAIN].outbox.latest_every
    key = f"draw.progress:{aid}"
    clock.advance((slot_due(key, every, clock.now()) - clock.now()).total_seconds() + 0.01)
    return (aid, await _agency(demo), client.app[CHANNELS].relay, every,
            await Invitation.filter(activity_id=aid).order_by("rank"))


def _unreachable(platform: Platform, delay: float = 0.0) -> None:
    """WeChat busy on every message API and the SMS gateway failing (each after `delay`
    seconds), until the test clears the faults."""
    for path in ("/cgi-bin/message/template/send", "/cgi-bin/message/custom/send",
                 "/cgi-bin/message/subscribe/send"):
        platform.inject(Fault(path, errcode=-1, delay=delay, times=100))
    platform.inject(Fault("/sms/send", status=500, delay=delay, times=100))


async def _refused_once(relay: Relay, platform: Platform, people: int) -> None:
    """The relay runs until the slot's progress to each of the agency's `people` has been
    refused once and waits for its retry (the service's own worker may have claimed a row
    first, and still be sending it); then WeChat and the SMS gateway answer again."""
    for _ in range(200):
        await relay.run()
        if await Notification.filter(kind="draw.progress", status=Status.QUEUED,
                                     attempts__gte=1).count() >= people:
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the progress was never refused")
    platform.faults.clear()


async def _the_last_accepts(chat: Chat, aid: int, last: Invitation) -> None:
    """The last candidate accepts: nobody is left for the fifth place, the draw ends 4/5."""
    assert "已确认参加" in (await chat.say(await openid_of(last.person_id), "1")).text
    assert (await DrawActivity.get(id=aid)).status == "ended"


async def _the_end_is_told_last(relay: Relay, clock: MovedClock, agency: Iterable[int]
                                ) -> None:
    """Minutes of retries later, each of the agency's people was told the end (4/5) and no
    progress after it."""
    for _ in range(3):
        clock.advance(60)
        await relay.run()

    async def end_sent() -> bool:  # (the service's own worker may be sending it)
        await relay.run()
        return all([await _told("draw.ended", p) for p in agency])

    await eventually(end_sent, timeout=10)
    for person_id in agency:
        ended = await _told("draw.ended", person_id)
        assert [n.params["progress"] for n in ended] == ["已确认 4/5"]
        assert ended[0].sent_at is not None
        after = [n.params["progress"] for n in await _told("draw.progress", person_id)
                 if n.sent_at is not None and n.sent_at >= ended[0].sent_at]
        assert after == [], f"told {after} after the draw ended 4/5"


async def test_a_progress_retried_after_the_end_is_not_told_after_it(
        api: Api, chat: Chat, client: TestClient, demo: dict, platform: Platform,
        clock: MovedClock) -> None:
    """A progress notice that failed once waits for its retry (10 s, more than a slot):
    the draw ending meanwhile tells its own count, and the older count is not sent after
    it (the agency's last message would read 3/5 of a draw that ended 4/5)."""
    aid, agency, relay, every, invited = await _at_a_slot_start(
        api, client, demo, clock, 3, 2100)
    for item in invited[:3]:
        assert "已确认参加" in (await chat.say(await openid_of(item.person_id), "1")).text
    # the slot ends, and WeChat is busy: the progress waits for its retry
    _unreachable(platform)
    clock.advance(every)
    await _refused_once(relay, platform, len(agency))
    waiting = await Notification.filter(kind="draw.progress", status=Status.QUEUED)
    assert waiting and all(n.attempts >= 1 for n in waiting)
    # the last candidate accepts before the retry is due, more than a slot later
    clock.advance(every * 1.2)
    assert min(n.next_attempt_at for n in waiting) > clock.now()
    await _the_last_accepts(chat, aid, invited[3])
    await _the_end_is_told_last(relay, clock, agency)


async def test_a_progress_being_sent_as_the_draw_ends_is_not_told_after_it(
        api: Api, chat: Chat, client: TestClient, demo: dict, platform: Platform,
        clock: MovedClock) -> None:
    """The slot's progress is on its way to WeChat (slow, then refused) when the last
    candidate accepts: the end, queued meanwhile, cannot skip a row being sent; retried, the
    older count is dropped, as the end told the count (the agency's last message would read
    3/5 of a draw that ended 4/5)."""
    aid, agency, relay, every, invited = await _at_a_slot_start(
        api, client, demo, clock, 3, 2300)
    for item in invited[:3]:
        assert "已确认参加" in (await chat.say(await openid_of(item.person_id), "1")).text
    clock.advance(every)
    _unreachable(platform, delay=0.3)
    sending = asyncio.ensure_future(relay.run())
    for _ in range(100):  # the relay has claimed the slot's rows and is sending them
        if await Notification.filter(kind="draw.progress", status=Status.SENDING).exists():
            break
        await asyncio.sleep(0.02)
    else:
        raise AssertionError("the progress was never being sent")
    await _the_last_accepts(chat, aid, invited[3])
    await sending
    platform.faults.clear()
    await _the_end_is_told_last(relay, clock, agency)


async def test_a_progress_retried_after_a_later_count_is_not_told_after_it(
        api: Api, chat: Chat, client: TestClient, demo: dict, platform: Platform,
        clock: MovedClock) -> None:
    """A progress notice that failed once waits for its retry (10 s, two slots): a later
    acceptance's count, sent at its own slot's end, is the last the agency reads, not the
    older count retried after it."""
    _aid, agency, relay, every, invited = await _at_a_slot_start(
        api, client, demo, clock, 5, 2200)
    for item in invited[:2]:
        assert "已确认参加" in (await chat.say(await openid_of(item.person_id), "1")).text
    _unreachable(platform)
    clock.advance(every)
    await _refused_once(relay, platform, len(agency))
    waiting = await Notification.filter(kind="draw.progress", status=Status.QUEUED)
    retry_at = min(n.next_attempt_at for n in waiting)
    # a third acceptance in a later slot, its row due before the retry
    clock.advance(every * 1.2)
    assert "已确认参加" in (await chat.say(await openid_of(invited[2].person_id), "1")).text
    later = await Notification.filter(kind="draw.progress", status=Status.QUEUED).exclude(
        id__in=[n.id for n in waiting])
    assert later and max(n.next_attempt_at for n in later) < retry_at
    clock.advance((max(n.next_attempt_at for n in later) - clock.now()).total_seconds()
                  + 0.001)
    await relay.run()
    for _ in range(3):
        clock.advance(60)
        await relay.run()

    async def settled() -> bool:  # (the service's own worker may be sending a row)
        await relay.run()
        return not await Notification.filter(kind="draw.progress", status__in=[
            Status.QUEUED, Status.SENDING]).exists()

    await eventually(settled, timeout=10)
    for person_id in agency:
        told = [n.params["progress"] for n in sorted(
            await _told("draw.progress", person_id), key=lambda n: n.sent_at)]
        assert told and told[-1] == "已确认 3/5", told
