"""The arq worker: `expertbot worker`, or inside `serve` in development."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import AsyncIterator
from datetime import timedelta, timezone
from typing import Any

from aiohttp import web
from arq.cron import cron
from arq.typing import StartupShutdown
from arq.worker import Worker, func

from bot.background import cancel_and_wait
from bot.jobs import CHANNELS_CTX, ENGINE_CTX, apply_receipts, process_message, relay_outbox
from bot.providers.voice.callbacks import VOICE_CTX, voice_parked
from config.cron_times import quick
from config.observability.job_trace import traced_all
from config.redis_client import make_arq
from config.runtime import Runtime, open_runtime, voice_inbox
from config.settings import Settings
from services.common.metrics import count_unavailable
from services.common.runtime.infra import infrastructure_errors
from services.jobs import (
    DOMAIN_CTX,
    anchor_audit,
    chain_audit,
    dishonesty_due,
    dishonesty_run,
    dishonesty_sweep,
    draw_invitation_call,
    draw_invitation_timeout,
    draw_sealed_requests,
    enforce_retention,
    exam_timeout,
    follow_invoice,
    holiday_missing,
    import_register,
    keep_histories,
    reconcile_bill,
    reconcile_payments,
    relatives_yearly,
    sweep_draws,
    sweep_exams,
    sweep_invoices,
    sweep_payouts,
    tell_objector,
    yearly_accounts,
)
from services.payments import BILL_CHECKS

log = logging.getLogger(__name__)


def job_functions() -> list[Any]:
    """Every job the worker runs."""
    return [process_message, exam_timeout, draw_invitation_timeout, draw_invitation_call,
            draw_sealed_requests, follow_invoice, tell_objector,
            # a register of tens of thousands takes minutes; a stopped one is resumed by hand
            func(import_register, timeout=3600, max_tries=1, keep_result=0),
            # a share of a 失信被执行人 run (its budget is 5 min); the sweep queues the rest
            func(dishonesty_run, timeout=600, max_tries=1, keep_result=0),
            # no kept result: a nudge while it runs must be able to queue the next run
            func(relay_outbox, keep_result=0, max_tries=1)]


def cron_jobs(draw_sweep: int = 15) -> list[Any]:
    """Periodic sweeps (each occurrence runs on one worker only), their next runs computed
    quickly (config/cron_times.py); the draws swept every `draw_sweep` seconds
    (DRAW_SWEEP_SECONDS)."""
    return [quick(job) for job in _crons(draw_sweep)]


def _crons(draw_sweep: int) -> list[Any]:
    return [cron(relay_outbox, second=set(range(0, 60, 2)), run_at_startup=True,
                 keep_result=0, max_tries=1),
            cron(apply_receipts, second=set(range(60)), keep_result=0, max_tries=1,
                 timeout=50),
            cron(sweep_exams, second={15, 45}, keep_result=0, max_tries=1),
            cron(sweep_invoices, second={8, 38}, keep_result=0, max_tries=1, timeout=50),
            cron(chain_audit, second=set(range(3, 60, 5)), keep_result=0, max_tries=1),
            cron(anchor_audit, hour={0}, minute={5}, keep_result=0, max_tries=1),
            # the 清单's retention, nightly (a run that stops is completed by the next)
            cron(enforce_retention, hour={3}, minute={20}, keep_result=0, max_tries=1,
                 timeout=600),
            cron(keep_histories, hour={3}, minute={35}, keep_result=0, max_tries=1,
                 timeout=600),
            cron(reconcile_payments, second={30}, keep_result=0, max_tries=1, timeout=50),
            cron(sweep_payouts, second={40}, keep_result=0, max_tries=1, timeout=50),
            # WeChat Pay's trade bill of yesterday: 10:30 China time, then while unavailable
            # (hours in CRON_TIMEZONE, whatever the machine's own timezone); the times the
            # payments context tells finance its bill check will run
            cron(reconcile_bill, hour={t.hour for t in BILL_CHECKS},
                 minute={t.minute for t in BILL_CHECKS}, keep_result=0, max_tries=1,
                 timeout=300),
            cron(sweep_draws, second=set(range(5 % draw_sweep, 60, draw_sweep)), keep_result=0,
                 max_tries=1),
            # voice callbacks that came before their call (bot/providers/voice/callbacks.py)
            cron(voice_parked, second=set(range(1, 60, 3)), keep_result=0, max_tries=1),
            # 失信被执行人: admissions and stopped runs to a worker; the periodic full run is
            # started at night (China time) once DISHONESTY_EVERY_DAYS have passed
            cron(dishonesty_sweep, second=set(range(4, 60, 5)), keep_result=0, max_tries=1),
            cron(dishonesty_due, hour={2}, minute={40}, keep_result=0, max_tries=1),
            cron(holiday_missing, hour={9}, minute={15}, keep_result=0, max_tries=1),
            cron(relatives_yearly, hour={1}, minute={25}, keep_result=0, max_tries=1),
            # a run stopped by its timeout is completed by the next night's
            cron(yearly_accounts, hour={2}, minute={10}, keep_result=0, max_tries=1,
                 timeout=600)]


# the timezone arq reads cron hours in (its default is the machine's: a server set to China
# time and one set to UTC would run the daily jobs eight hours apart); China has no DST
CRON_TIMEZONE = timezone(timedelta(hours=8), "CST")
HEALTH_INTERVAL = 5  # s: a polling worker refreshes arq's health-check key this often
STOP_GRACE = 10.0  # s a stopping worker lets its running jobs finish before cancelling them
RESTART_MAX = 30.0  # s: the longest wait between two attempts to run a worker again
STOP_POLL_TURNS = 5  # poll delays a stopping worker's loop has to end by itself
WRITES_GRACE = 2.0  # s a stopped worker waits for its jobs' outcomes to reach Redis


class KeepingWorker(Worker):
    """arq's worker, keeping the tasks that write a job's outcome back to Redis. arq shields
    them (`asyncio.shield`), so a job cancelled at a stop leaves its write running on its own:
    closing the pool under it would have the write open a new connection nobody closes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.finishing: set[asyncio.Task[Any]] = set()

    async def finish_job(self, *args: Any, **kwargs: Any) -> None:
        await self._kept(super().finish_job(*args, **kwargs))

    async def finish_failed_job(self, *args: Any, **kwargs: Any) -> None:
        await self._kept(super().finish_failed_job(*args, **kwargs))

    async def _kept(self, write: Any) -> None:
        task = asyncio.current_task()
        assert task is not None  # a coroutine awaited from a task
        self.finishing.add(task)
        try:
            await write
        finally:
            self.finishing.discard(task)

    async def writes_done(self, timeout: float) -> None:
        """Wait for the shielded outcome writes still running, then cancel what is left."""
        pending = set(self.finishing)
        if pending:
            _, late = await asyncio.wait(pending, timeout=timeout)
            for task in late:
                await cancel_and_wait(task)


def build_worker(rt: Runtime) -> KeepingWorker:
    """An arq worker sharing the runtime's resources, with a Redis pool of its own (arq closes
    its pool when the worker closes). Signals are handled by `supervise`'s caller."""
    return KeepingWorker(
        functions=traced_all(job_functions()),
        cron_jobs=traced_all(cron_jobs(rt.settings.draw_sweep_seconds)),
        timezone=CRON_TIMEZONE,
        redis_pool=make_arq(rt.redis_target, rt.settings),
        # what the jobs use, read back through typed accessors (bot.jobs, services.jobs)
        ctx={DOMAIN_CTX: rt.domain, ENGINE_CTX: rt.engine, CHANNELS_CTX: rt.channels,
             VOICE_CTX: voice_inbox(rt)},
        handle_signals=False,
        poll_delay=0.1,
        max_jobs=50,
        job_timeout=60,
        keep_result=60,
        max_tries=5,
        # the heartbeat /readyz reads: a worker that stops polling lets it lapse in 6 s
        health_check_interval=HEALTH_INTERVAL,
    )


async def run_once(worker: KeepingWorker, stop: asyncio.Event) -> BaseException | None:
    """Run `worker` until it fails (returned) or `stop` is set: then it takes no new job,
    its running jobs get STOP_GRACE s to finish (the relay gives back what it has not
    sent when cancelled), and it closes once their outcomes are written."""
    main = asyncio.ensure_future(worker.main())
    halt = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({main, halt}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        halt.cancel()
    failure: BaseException | None = None
    if main.done():
        failure = None if main.cancelled() else main.exception()
    else:
        worker.allow_pick_jobs = False
        grace_ends = time.monotonic() + STOP_GRACE
        await _jobs_done(worker, grace_ends)
        # The poll loop is asked to end at its next turn (arq's burst mode with no job left
        # to start returns before any Redis call) rather than cancelled inside one: a cancel
        # that lands in a Redis read can be swallowed there, and the loop then runs on until
        # cancel_and_wait cancels it again a second later (every stop of a worker waited
        # that second about one time in four).
        worker.burst, worker.max_burst_jobs = True, 0
        await asyncio.wait({main}, timeout=STOP_POLL_TURNS * worker.poll_delay_s)
        await cancel_and_wait(main)
        # a poll turn under way when the stop came may have started jobs after the first look
        await _jobs_done(worker, grace_ends)
    jobs = list(worker.tasks.values())
    try:
        await worker.close()
    except asyncio.CancelledError:
        pass  # a job it cancelled (arq's close then skips closing its pool)
    except Exception as exc:  # expected when Redis is what stopped it
        log.log(logging.DEBUG if failure else logging.WARNING,
                "worker did not close cleanly: %r", exc)
    for job in jobs:
        await cancel_and_wait(job)
    await worker.writes_done(WRITES_GRACE)
    return failure


async def _jobs_done(worker: Worker, until: float) -> None:
    """Wait until the worker's running jobs have ended or the monotonic clock reaches `until`."""
    running = [t for t in worker.tasks.values() if not t.done()]
    if running and until > time.monotonic():
        await asyncio.wait(running, timeout=until - time.monotonic())


async def supervise(rt: Runtime, stop: asyncio.Event) -> None:
    """Run the arq worker until `stop` is set. A worker that stops on its own (Redis or the
    database unreachable: arq's poll loop lets such an error through) is started again
    after a wait that doubles up to RESTART_MAX s; an outage is logged when it starts and
    when it ends, not at every attempt."""
    delay, down_since = 1.0, 0.0
    while not stop.is_set():
        worker = build_worker(rt)
        pool = worker.pool
        if down_since:
            worker.on_startup = _announce_recovery(down_since)
        started = time.monotonic()
        try:
            failure = await run_once(worker, stop)
        finally:  # cancelled too (a stop that ran out of time): no connection left open
            await pool.aclose(close_connection_pool=True)
        if stop.is_set():
            break
        if time.monotonic() - started > 2 * RESTART_MAX:  # it ran a while: a new outage
            delay, down_since = 1.0, 0.0
        if failure is not None and isinstance(failure, infrastructure_errors()):
            count_unavailable(failure, "worker")
        if not down_since:
            down_since = time.monotonic()
            log.warning("worker stopped (%r); starting it again until it runs", failure)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), delay)
        delay = min(delay * 2, RESTART_MAX)


def _announce_recovery(down_since: float) -> StartupShutdown:
    """arq's on_startup (called once Redis answered): the end of an outage, logged once."""
    async def running(ctx: dict[str, Any]) -> None:
        log.warning("worker polling again after %.0f s", time.monotonic() - down_since)

    return running


class InprocessWorker:
    """The worker as a held task of this process (`supervise`), started and stopped again
    at will: `serve` in development runs it for its whole life; the tests stop it between
    two tests that share one service, so that no job of one runs into the next."""

    def __init__(self, rt: Runtime) -> None:
        self._rt = rt
        self._running: tuple[asyncio.Task[None], asyncio.Event] | None = None

    def start(self) -> None:
        """Start polling (nothing if it already does)."""
        if self._running is None:
            stop = asyncio.Event()
            task = self._rt.background.spawn(supervise(self._rt, stop), name="inprocess-worker")
            self._running = (task, stop)

    async def stop(self) -> None:
        """Take no new job, let the running ones finish (STOP_GRACE), and close.

        Stopping does not cancel the loop itself: its worker is asked to stop, then it closes
        and every job task it started has ended before the caller goes on (the runtime
        closes the database next at shutdown; a job left running would reopen it)."""
        if self._running is None:
            return
        task, stop = self._running
        self._running = None
        stop.set()
        _, late = await asyncio.wait({task}, timeout=STOP_GRACE + 5)
        if late:  # not expected: stop it the hard way rather than hang the shutdown
            log.warning("in-process worker did not stop in time; cancelling it")
            await cancel_and_wait(task)

    async def settle(self) -> None:
        """Stop, and let what requests started in the background end (a slow chat reply, a
        verification code on its way): nothing of this process is at work afterwards."""
        await self.stop()
        await self._rt.background.drain(10.0)
        await self._rt.domain.codes.drain()


# where create_app keeps it (EXPERTBOT_INPROCESS_WORKER)
INPROCESS_WORKER: web.AppKey[InprocessWorker] = web.AppKey("inprocess_worker", InprocessWorker)


@contextlib.asynccontextmanager
async def inprocess_worker(rt: Runtime) -> AsyncIterator[InprocessWorker]:
    """The in-process worker, polling while the context is open."""
    worker = InprocessWorker(rt)
    worker.start()
    try:
        yield worker
    finally:
        await worker.stop()


async def run_worker(settings: Settings) -> None:
    """`expertbot worker`: a standalone worker process until SIGINT/SIGTERM. It outlives
    Redis and database outages, at start-up too: it waits and tries again."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    delay = 1.0
    while not stop.is_set():
        try:
            async with open_runtime(settings, settings.own_url) as rt:
                delay = 1.0
                await supervise(rt, stop)
        except infrastructure_errors() as exc:
            count_unavailable(exc, "worker")
            log.warning("worker cannot start (%r); trying again in %.0f s", exc, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            delay = min(delay * 2, RESTART_MAX)
    log.info("worker stopped")
