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
from yarl import URL

from config import worker as worker_module
from config.worker import KeepingWorker, run_once
from tests.support.proxy import Proxy

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


async def test_an_outcome_write_a_cancel_left_running_is_waited_for(
        infra: dict[str, str]) -> None:
    """arq writes a job's outcome under `asyncio.shield`: cancelling the job's task leaves the
    write running on its own (here held back by a slow Redis), and the stop waits for it
    before the pool is closed."""
    direct = ArqRedis.from_url(infra["REDIS_URL"])
    target = URL(infra["REDIS_URL"])
    proxy = Proxy(target.path if target.scheme == "unix"
                  else (target.host or "127.0.0.1", target.port or 6379))
    port = await proxy.start()
    db = direct.connection_pool.connection_kwargs.get("db", 0)
    slow = ArqRedis.from_url(f"redis://127.0.0.1:{port}/{db}")
    key = in_progress_key_prefix + "t-worker-stop"
    try:
        worker = KeepingWorker(functions=[func(_nothing, name="nothing")], redis_pool=slow,
                               queue_name=QUEUE, handle_signals=False)
        await slow.ping()  # the connection made before Redis slows down
        await direct.set(key, b"1")
        proxy.reply_delay = 0.5

        async def run_job() -> None:  # as arq's run_job ends a job
            await asyncio.shield(worker.finish_job("t-worker-stop", True, None, None, False,
                                                   None, None))

        job = asyncio.ensure_future(run_job())
        await asyncio.sleep(0.1)
        job.cancel()  # the stop cancels the job's task: its write goes on alone
        await asyncio.wait({job})
        (write,) = worker.finishing  # Redis has not answered it yet
        assert not write.done()
        await worker.writes_done(5)
        assert write.done() and not write.cancelled() and not worker.finishing
        assert await direct.exists(key) == 0  # the job's outcome written
    finally:
        await direct.delete(key)
        await slow.aclose(close_connection_pool=True)
        await direct.aclose(close_connection_pool=True)
        await proxy.close()


async def _nothing(ctx: dict[str, Any]) -> None:
    return None
