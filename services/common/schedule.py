"""How the domain queues a job: `schedule(job name, when, its arguments, job id)` (the
composition root gives arq's enqueue; a job id queued twice runs once): True when it was
queued, False when a job of that id is still on its way."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

Schedule = Callable[[str, datetime, tuple[object, ...], str], Awaitable[bool]]
