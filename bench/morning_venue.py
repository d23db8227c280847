"""The venues of `bench.morning` at 09:00: the day's evaluations drawn the day before (200,
5 confirmed experts each with their verification code, gathering half an hour on, so the
venue's check-in is open: it opens 2 h before), each expert checking in around the middle of
the run by sending the code on their own channel — in chat, or as an SMS reply (the way of an
expert without WeChat) — while the morning's draws go on. The venue's answer is timed; the
arrivals are counted in the database afterwards, and each one's push to the agency
(`draw.arrival`) goes through the same outbox as the draws'."""

from __future__ import annotations

import asyncio
import random
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp

from bench.draws import CITIES, uscc
from bench.morning_world import PERSON_BASE, World, channel_of

PER_EVALUATION = 5
FIRST_EXPERT = 60_001  # the experts of the 09:00 evaluations: chat and SMS ones from here


async def evaluations(world: World, count: int, gather_in: timedelta
                      ) -> list[tuple[int, str, str]]:
    """`count` evaluations of today, drawn yesterday: (expert, channel, code) of each place."""
    from models.draws import Condition, DrawActivity, DrawStatus, Invitation, Notice, Project

    rng = random.Random(909)
    now = datetime.now(UTC)
    gather = now + gather_in
    experts = [i for i in range(FIRST_EXPERT, FIRST_EXPERT + count * PER_EVALUATION * 3)
               if channel_of(i) in ("chat", "sms")][:count * PER_EVALUATION]
    places: list[tuple[int, str, str]] = []
    for n in range(count):
        city = CITIES[n % len(CITIES)]
        project = await Project.create(
            agency_id=world.agency_id, created_by=world.handler_id,
            name=f"九点评标项目{n + 1:03d}", number=f"AM9-{time.time_ns()}-{n}", kind="工程",
            region=city, tenderer_name=f"招标人九{n}", tenderer_credit_code=uscc(750_000 + n))
        activity = await DrawActivity.create(
            project=project, agency_id=world.agency_id, handler_id=world.handler_id,
            status=DrawStatus.ENDED, total=PER_EVALUATION, response_minutes=10,
            bid_open_at=gather - timedelta(days=1), eval_start=gather + timedelta(minutes=30),
            eval_end=gather + timedelta(hours=4), started_at=now - timedelta(days=1),
            ended_at=now - timedelta(days=1))
        notice = await Notice.create(activity=activity, venue=f"{city}交易中心九号评标室",
                                     city="某市", district="某区", street="某路9号",
                                     gather_at=gather, contact_name="陈",
                                     contact_phone="020-12345678")
        condition = await Condition.create(activity=activity, notice=notice, regions=[city],
                                           main_specialty="A0401", planned=PER_EVALUATION)
        seated = experts[n * PER_EVALUATION:(n + 1) * PER_EVALUATION]
        codes = rng.sample(range(10**6), len(seated))
        await Invitation.bulk_create([Invitation(
            activity=activity, condition=condition, expert_id=i, person_id=1_000_000 + i,
            rank=r, wave=1, status="confirmed", sent_at=now - timedelta(days=1),
            due_at=now - timedelta(days=1) + timedelta(minutes=10),
            replied_at=now - timedelta(days=1), answered_via=channel_of(i),
            code=f"{code:06d}", eval_start=activity.eval_start, eval_end=activity.eval_end)
            for r, (i, code) in enumerate(zip(seated, codes, strict=True))])
        places += [(i, channel_of(i), f"{code:06d}") for i, code in zip(seated, codes,
                                                                          strict=True)]
        world.venues.append(activity.id)
    return places


async def arrivals(conn: Any, world: World) -> int:
    """The experts of the 09:00 evaluations checked in."""
    return int(await conn.fetchval(
        "SELECT count(*) FROM draw_invitation WHERE activity_id = ANY($1) AND checkin_at IS "
        "NOT NULL", world.venues))


def doubled(deliveries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Deliveries of the same words to one person on one channel more than once (a
    notification sent twice would be one; WeChat's own drops of a repeated template are
    counted apart, by the outside world). Calls are left out: an unanswered invitation's
    call rings again with the same words, by design (at most 3 times)."""
    seen: set[tuple[str, str, str, str]] = set()
    twice = []
    for d in deliveries:
        if d["kind"] == "voice":
            continue
        key = (d["to"], d["kind"], d["template"], d["text"])
        if key in seen:
            twice.append(d)
        seen.add(key)
    return twice


async def doubled_beyond_rows(conn: Any, deliveries: list[dict[str, Any]]
                              ) -> list[dict[str, Any]]:
    """`doubled`, less the SMS whose words went to the person in as many notifications as
    deliveries: an expert who declines two invitations is asked why twice in the same words
    (the text does not name the invitation), which is two notifications, not one sent
    twice (a notification keeps the words without the SMS signature the gateway adds).
    Read from the database under the driver's own role."""
    twice = doubled(deliveries)
    made: dict[tuple[str, str], int] = {}
    for d in deliveries:
        if d["kind"] == "sms":
            made[d["to"], d["text"]] = made.get((d["to"], d["text"]), 0) + 1
    kept = []
    for d in twice:
        if d["kind"] == "sms" and str(d["to"]).startswith("15"):
            rows = await conn.fetchval(
                "SELECT count(*) FROM notification WHERE person_id = $1 AND channel = 'sms' "
                "AND params->>'text' = $2 AND status IN ('sent', 'delivered')",
                PERSON_BASE + int(str(d["to"])[2:]), re.sub(r"^【[^】]*】", "", d["text"]))
            if rows >= made[d["to"], d["text"]]:
                continue
        kept.append(d)
    return kept


async def check_in(day: Any, http: aiohttp.ClientSession, expert: int, how: str, code: str,
                   wait: float) -> None:
    """An expert of a 09:00 evaluation at the venue: the code sent on their channel."""
    await asyncio.sleep(wait)
    began = time.monotonic()
    try:
        said = await (day.chat if how == "chat" else day.sms)(http, expert, code)
    except aiohttp.ClientError as exc:
        day.bad.append(f"check-in {how} {exc!r}")
        return
    if how == "chat" and "签到" not in said:  # by SMS the answer comes as an SMS
        day.bad.append(f"check-in {how}: {said[:120]}")
    day.checkins[how].append(time.monotonic() - began)
