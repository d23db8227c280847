"""A call whose plan was lost is still made. The first call of an invitation is planned by the
serve process after its answer or wave commits, and each next one by the worker after the
call before; a process that dies (or a Redis that refuses the job) in between loses that
plan. The draw sweep (every 15 s) plans it again once it is a minute overdue: the expert
without WeChat, who answers by SMS or by the phone alone, is still rung, once, and never
after the invitation is answered or its window closed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestServer
from arq.connections import ArqRedis
from arq.jobs import Job

from bot.relay.channels import CHANNELS
from models.draws import Invitation
from models.notifications import Notification
from sandbox.platform import Platform
from services.draws.running.calls import CALL_JOB, DrawCalls, call_key
from tests.support.draw_world import invited_by_sms
from tests.support.voice import voice_world
from web.context import DOMAIN


async def _queued(arq: ArqRedis, invitation_id: int, attempt: int) -> tuple[str, tuple[Any, ...]]:
    """The job arq holds for the call, as a worker would read it."""
    info = await Job(call_key(invitation_id, attempt), arq).info()
    assert info is not None, f"no job for call {attempt}"
    return info.function, info.args


async def _forget(arq: ArqRedis, invitation_id: int, attempt: int) -> None:
    """The job is gone as if it was never queued (the process died first)."""
    job_id = call_key(invitation_id, attempt)
    await arq.delete(f"arq:job:{job_id}", f"arq:result:{job_id}")
    await arq.zrem(arq.default_queue_name, job_id)


async def _called(calls: DrawCalls, invitation_id: int, attempt: int, at: datetime) -> None:
    """The worker runs the call's job at `at` (its notification written then)."""
    assert await calls.call(invitation_id, attempt, at)
    await Notification.filter(dedupe_key=call_key(invitation_id, attempt)).update(created_at=at)


async def test_a_first_call_whose_plan_was_lost_rings_once_and_not_after_an_answer(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
        platform: Platform, arq: ArqRedis) -> None:
    app, _client, _fake, person_id, phone = await voice_world(aiohttp_client, infra, wechat,
                                                             platform)
    running = app[DOMAIN].draws.running
    now = datetime.now(UTC) - timedelta(minutes=1)  # `later` is now: the relay places calls
    # sent 3½ minutes ago and nothing planned: the call at +3 is not overdue by a minute
    invitation = await invited_by_sms(person_id, now - timedelta(minutes=3, seconds=30))
    await _forget(arq, invitation.id, 1)
    assert (await running.sweep.sweep(now))["calls_replanned"] == 0
    assert await Job(call_key(invitation.id, 1), arq).info() is None
    # a minute later the sweep plans it, for now
    later = now + timedelta(minutes=1)
    assert (await running.sweep.sweep(later))["calls_replanned"] == 1
    assert await _queued(arq, invitation.id, 1) == (CALL_JOB, (invitation.id, 1))
    # the next sweeps find it on its way: not queued again
    assert (await running.sweep.sweep(later + timedelta(seconds=15)))["calls_replanned"] == 0
    # the worker runs it: the phone rings once
    calls = running.calls
    assert calls is not None
    assert await calls.call(invitation.id, 1, later)
    await app[CHANNELS].relay.run()
    assert len(platform.calls_to(phone)) == 1
    # the job done and its result gone, the call's notification says it was made
    await _forget(arq, invitation.id, 1)
    assert (await running.sweep.sweep(later + timedelta(seconds=30)))["calls_replanned"] == 0
    # answered by SMS: nothing more is planned, even when the next call's plan is lost
    await running.replies.reply(invitation.id, person_id, 1, later + timedelta(seconds=40),
                                via="sms")
    await _forget(arq, invitation.id, 2)
    assert (await running.sweep.sweep(later + timedelta(minutes=7)))["calls_replanned"] == 0
    assert len(platform.calls_to(phone)) == 1


async def test_a_next_call_whose_plan_was_lost_is_made_within_the_window_only(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
        platform: Platform, arq: ArqRedis) -> None:
    """The worker placed the first call (+3 min) and died before planning the second (+8);
    the window is 10 minutes, so the third (+13) is never planned."""
    app, _client, fake, person_id, phone = await voice_world(aiohttp_client, infra, wechat,
                                                             platform)
    fake.limits = ()  # the fake's frequency limits are test_voice's
    running = app[DOMAIN].draws.running
    calls = running.calls
    assert calls is not None
    start = datetime.now(UTC) - timedelta(minutes=9)  # the second call is now
    invitation = await invited_by_sms(person_id, start)
    await _called(calls, invitation.id, 1, start + timedelta(minutes=3))
    await _forget(arq, invitation.id, 2)  # the second call's plan, lost
    assert (await running.sweep.sweep(start + timedelta(minutes=8, seconds=30)))[
        "calls_replanned"] == 0  # due at +8: not a minute overdue yet
    assert (await running.sweep.sweep(start + timedelta(minutes=9)))["calls_replanned"] == 1
    assert await _queued(arq, invitation.id, 2) == (CALL_JOB, (invitation.id, 2))
    await _called(calls, invitation.id, 2, start + timedelta(minutes=9))
    await app[CHANNELS].relay.run()
    assert len(platform.calls_to(phone)) == 2
    # the third would come at +14, after the window: never planned, even when lost
    await _forget(arq, invitation.id, 3)
    for minute in (9.5, 9.9):
        assert (await running.sweep.sweep(start + timedelta(minutes=minute)))[
            "calls_replanned"] == 0
    assert await Job(call_key(invitation.id, 3), arq).info() is None
    assert (await Invitation.get(id=invitation.id)).due_at == start + timedelta(minutes=10)


async def test_every_open_invitation_is_looked_at_not_only_the_oldest(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
        platform: Platform, arq: ArqRedis) -> None:
    """The sweep reads open invitations a batch at a time, all of them: a lost plan behind
    older invitations whose calls are all made or not yet due is still found (here one at
    a time, as 500 at a time on a morning)."""
    app, _client, _fake, person_id, _phone = await voice_world(aiohttp_client, infra, wechat,
                                                              platform)
    calls = app[DOMAIN].draws.running.calls
    assert calls is not None
    now = datetime.now(UTC)
    older = await invited_by_sms(person_id, now - timedelta(minutes=4), number="SMS-1")
    await _called(calls, older.id, 1, now - timedelta(seconds=30))  # the next at +5 min
    newer = await invited_by_sms(person_id, now - timedelta(minutes=5), number="SMS-2")
    await _forget(arq, newer.id, 1)
    assert older.id < newer.id
    assert await calls.replan(now, batch=1) == 1
    assert await _queued(arq, newer.id, 1) == (CALL_JOB, (newer.id, 1))
    assert await Job(call_key(older.id, 2), arq).info() is not None  # its own, as planned
