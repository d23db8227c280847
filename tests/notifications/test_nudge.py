"""The relay's nudge in one round trip: the dirty mark and the relay job as arq itself would
have queued it (a worker reads it back), never a second job while one waits; and the
changes that commit while a nudge is on its way make one more nudge, not one each and not
none."""

from __future__ import annotations

import asyncio

from arq.connections import ArqRedis
from arq.jobs import Job, JobStatus
from redis.asyncio import Redis

from bot.relay.relay import RELAY_JOB, RELAY_JOB_ID, OutboxNudge
from config.redis_client import make_arq
from config.settings import Settings
from config.settings.redis import redis_target
from services.common.redis_keys import RedisKeys


async def _clients(settings: Settings) -> tuple[Redis, ArqRedis, RedisKeys]:
    keys = RedisKeys("nudge-test:")
    redis = Redis.from_url(settings.redis_url)
    arq = make_arq(redis_target(settings.redis_url), settings)
    await arq.delete(f"arq:job:{RELAY_JOB_ID}", f"arq:result:{RELAY_JOB_ID}")
    await arq.zrem(arq.default_queue_name, RELAY_JOB_ID)
    await redis.delete(keys.outbox_dirty())
    return redis, arq, keys


async def test_a_nudge_queues_the_relay_job_once_as_arq_would(settings: Settings) -> None:
    redis, arq, keys = await _clients(settings)
    try:
        nudge = OutboxNudge(redis, keys, arq)
        await nudge()
        job = Job(RELAY_JOB_ID, arq)
        assert await job.status() == JobStatus.queued
        info = await job.info()  # arq's own reading of what the script wrote
        assert info is not None and info.function == RELAY_JOB and info.args == ()
        assert await redis.get(keys.outbox_dirty()) == b"1"
        await redis.delete(keys.outbox_dirty())
        await nudge()  # the job still waits: not queued twice, the mark set again
        assert await arq.zscore(arq.default_queue_name, RELAY_JOB_ID) is not None
        assert await redis.get(keys.outbox_dirty()) == b"1"
        # arq's own enqueue agrees that the job is there
        assert await arq.enqueue_job(RELAY_JOB, _job_id=RELAY_JOB_ID) is None
    finally:
        await arq.delete(f"arq:job:{RELAY_JOB_ID}")
        await arq.zrem(arq.default_queue_name, RELAY_JOB_ID)
        await redis.aclose()
        await arq.aclose()


async def test_changes_while_a_nudge_is_on_its_way_make_one_more(settings: Settings) -> None:
    redis, arq, keys = await _clients(settings)
    sent: list[int] = []
    try:
        nudge = OutboxNudge(redis, keys, arq)
        script = nudge._script

        async def counted(**kw: object) -> object:
            sent.append(1)
            # the relay ran and took the job between the nudge and the changes after it
            result = await script(**kw)  # type: ignore[arg-type]
            await arq.delete(f"arq:job:{RELAY_JOB_ID}")
            await arq.zrem(arq.default_queue_name, RELAY_JOB_ID)
            return result

        nudge._script = counted  # type: ignore[assignment]
        first = asyncio.create_task(nudge())
        await asyncio.sleep(0)  # the first is on its way
        await asyncio.gather(*(nudge() for _ in range(20)))  # twenty changes commit
        await first
        for _ in range(100):
            if len(sent) >= 2 and not nudge._trailing:
                break
            await asyncio.sleep(0.01)
        assert len(sent) == 2  # the one on its way, then one for all twenty
    finally:
        await redis.aclose()
        await arq.aclose()
