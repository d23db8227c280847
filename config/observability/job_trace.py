"""Every worker job timed in `expertbot_job_seconds` and logged as one JSON line
(`expertbot.jobs`: job, job id, try, ms, result), under the request id of the request that
queued it (passed as the job's `request_id` keyword: `traced_kwargs()` at the enqueue) or,
for a cron run, one of its own. A periodic run that did nothing is logged at DEBUG only."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from arq.cron import CronJob
from arq.worker import Function

from config.observability.logging_setup import FIELDS
from services.common.metrics import JOB_SECONDS
from services.common.runtime.trace import REQUEST_ID, new_request_id

log = logging.getLogger("expertbot.jobs")
Job = Callable[..., Coroutine[Any, Any, Any]]


def traced_kwargs() -> dict[str, Any]:
    """The keyword that carries the current request id into a job queued now."""
    rid = REQUEST_ID.get()
    return {"request_id": rid} if rid else {}


def _nothing(value: object) -> bool:
    """A periodic run's result that says it found nothing to do (0, None, zero counts)."""
    return not value or (isinstance(value, dict) and not any(value.values()))


def traced(job: Job) -> Job:
    """`job` under its request id, timed and logged (arq sees the same name)."""
    name = job.__qualname__

    @functools.wraps(job)
    async def run(ctx: dict[str, Any], *args: Any, request_id: str = "",
                  **kwargs: Any) -> Any:
        token = REQUEST_ID.set(request_id or new_request_id())
        started, result, value = time.perf_counter(), "error", None
        try:
            value = await job(ctx, *args, **kwargs)
            result = "ok"
            return value
        except asyncio.CancelledError:
            result = "cancelled"
            raise
        finally:
            elapsed = time.perf_counter() - started
            JOB_SECONDS.labels(name, result).observe(elapsed)
            idle = result == "ok" and not args and not kwargs and _nothing(value)
            level = logging.DEBUG if idle else logging.INFO
            if log.isEnabledFor(level):
                log.log(level, "job %s %s", name, result, extra={FIELDS: {
                    "job": name, "job_id": str(ctx.get("job_id", "")),
                    "try": ctx.get("job_try"), "ms": round(elapsed * 1000, 1),
                    "result": result}})
            REQUEST_ID.reset(token)

    return run


def traced_all(jobs: list[Any]) -> list[Any]:
    """The worker's functions and cron jobs (coroutines, arq Functions or CronJobs), each
    traced."""
    return [dataclasses.replace(job, coroutine=traced(job.coroutine))
            if isinstance(job, Function | CronJob) else traced(job) for job in jobs]
