"""A worker stopping with a job still running past its grace: the job is given back for the
next worker, and the stop returns only once that is written, so no connection is opened on
a closed pool (one such connection, dropped unclosed, once failed an unrelated test)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from arq.connections import ArqRedis
from arq.constants import in_progress_key_prefix
from arq.worker import func

from config import worker as worker_module
from config.worker import KeepingWorker, run_once

QUEUE = "t:worker-stop"


async def test_a_job_running_past_the_grace_is_given_back_before_the_stop_returns(
        infra: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker_module, "STOP_GRACE", 0.2)  # the deployment's is 10 s
    started = asyncio.Event()

    async def long_job(ctx: dict[str, Any]) -> None:
        started.set()
        await asyncio.sleep(60)

    pool = ArqRedis.from_url(infra["REDIS_URL"])
    try:
        worker = KeepingWorker(functions=[func(long_job, name="long_job")], redis_pool=pool,
                               queue_name=QUEUE, handle_signals=False, poll_delay=0.05,
                               max_tries=5)
        job = await pool.enqueue_job("long_job", _queue_name=QUEUE)
        assert job is not None
        stop = asyncio.Event()
        running = asyncio.ensure_future(run_once(worker, stop))
        await asyncio.wait_for(started.wait(), 10)
        stop.set()
        assert await asyncio.wait_for(running, 10) is None

        # given back whole: no longer marked as running, still queued for the next worker
        assert not worker.finishing
        assert await pool.exists(in_progress_key_prefix + job.job_id) == 0
        assert await pool.zscore(QUEUE, job.job_id) is not None
    finally:
        await pool.delete(QUEUE)
        await pool.aclose(close_connection_pool=True)
