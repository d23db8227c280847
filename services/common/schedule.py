"""How the domain queues a job: `schedule(job name, when, its arguments, job id)` (the
composition root gives arq's enqueue; a job id queued twice runs once): True when it was
queued, False when a job of that id is still on its way. And how it takes back jobs that
have lost their point before their time: `unschedule(job ids)` (best effort: a job already
started runs, and must find for itself that it has nothing to do)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

Schedule = Callable[[str, datetime, tuple[object, ...], str], Awaitable[bool]]
Unschedule = Callable[[list[str]], Awaitable[None]]
