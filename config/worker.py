"""The arq worker: `expertbot worker`, or inside `serve` in development."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from arq.cron import cron
from arq.worker import Worker, func

from bot.background import cancel_and_wait
from bot.jobs import CHANNELS_CTX, ENGINE_CTX, process_message, relay_outbox
from config.redis_client import make_arq
from config.runtime import Runtime, open_runtime
from config.settings import Settings
from services.jobs import (
    DOMAIN_CTX,
    draw_invitation_timeout,
    exam_timeout,
    reconcile_payments,
    sweep_draws,
    sweep_exams,
)

log = logging.getLogger(__name__)


def job_functions() -> list[Any]:
    """Every job the worker runs."""
    return [process_message, exam_timeout, draw_invitation_timeout,
            # no kept result: a nudge while it runs must be able to queue the next run
            func(relay_outbox, keep_result=0, max_tries=1)]


def cron_jobs() -> list[Any]:
    """Periodic sweeps (each occurrence runs on one worker only)."""
    return [cron(relay_outbox, second=set(range(0, 60, 2)), run_at_startup=True,
                 keep_result=0, max_tries=1),
            cron(sweep_exams, second={15, 45}, keep_result=0, max_tries=1),
            cron(reconcile_payments, second={30}, keep_result=0, max_tries=1, timeout=50),
            cron(sweep_draws, second={5, 20, 35, 50}, keep_result=0, max_tries=1)]


def build_worker(rt: Runtime, *, handle_signals: bool) -> Worker:
    """An arq worker sharing the runtime's resources, with a Redis pool of its own (arq closes
    its pool when the worker closes)."""
    return Worker(
        functions=job_functions(),
        cron_jobs=cron_jobs(),
        redis_pool=make_arq(rt.redis_url, rt.settings),
        # what the jobs use, read back through typed accessors (bot.jobs, services.jobs)
        ctx={DOMAIN_CTX: rt.domain, ENGINE_CTX: rt.engine, CHANNELS_CTX: rt.channels},
        handle_signals=handle_signals,
        poll_delay=0.1,
        max_jobs=50,
        job_timeout=60,
        keep_result=60,
        max_tries=5,
    )


@contextlib.asynccontextmanager
async def inprocess_worker(rt: Runtime) -> AsyncIterator[None]:
    """Run the worker as a held task of this process; restart it if Redis drops out.

    Stopping does not cancel the loop itself: its worker's main task is cancelled (again if a
    cancel is swallowed), then the worker closes and every job task it started has ended
    before the runtime closes the database; a job left running would reopen it."""
    stop = asyncio.Event()

    async def run_once(worker: Worker) -> None:
        main = asyncio.ensure_future(worker.main())
        halt = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({main, halt}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            halt.cancel()
        if not main.done():
            await cancel_and_wait(main)
        elif not main.cancelled() and main.exception() is not None:
            log.warning("in-process worker stopped (%r); restarting in 1 s", main.exception())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)

    async def close(worker: Worker) -> None:
        jobs = list(worker.tasks.values())
        try:
            await worker.close()
        except asyncio.CancelledError:
            pass  # a job it cancelled (arq's close then skips closing its pool)
        except Exception as exc:
            log.warning("in-process worker did not close cleanly: %r", exc)
        for job in jobs:
            await cancel_and_wait(job)

    async def loop() -> None:
        while not stop.is_set():
            worker = build_worker(rt, handle_signals=False)
            pool = worker.pool
            try:
                await run_once(worker)
            finally:
                await close(worker)
                await pool.aclose(close_connection_pool=True)

    task = rt.background.spawn(loop(), name="inprocess-worker")
    try:
        yield
    finally:
        stop.set()
        _, late = await asyncio.wait({task}, timeout=15)
        if late:  # not expected: stop it the hard way rather than hang the shutdown
            log.warning("in-process worker did not stop in 15 s; cancelling it")
            await cancel_and_wait(task)


async def run_worker(settings: Settings) -> None:
    """`expertbot worker`: a standalone worker process until SIGINT/SIGTERM."""
    own_url = settings.public_base_url or "http://127.0.0.1:8080"
    async with open_runtime(settings, own_url) as rt:
        worker = build_worker(rt, handle_signals=True)
        try:
            await worker.async_run()
        except asyncio.CancelledError:
            log.info("worker stopping")
        finally:
            await worker.close()
