"""The running draw's services over one set of waves (one outbox, one scheduler, one
caller): the waves themselves, the lifecycle (start, pause, resume, force end), the replies
under the activity's lock, the sweep that finds what a lost timer left undone, and the calls
to the experts who have not answered (None while voice is off)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from services.common.schedule import Schedule, Unschedule
from services.draws.running.calls import DrawCalls
from services.draws.running.lifecycle import Lifecycle
from services.draws.running.replies import Replies
from services.draws.running.sweep import Sweep
from services.draws.running.waves import Waves
from services.notifications import Outbox


@dataclass(frozen=True, kw_only=True)
class Running:
    waves: Waves
    lifecycle: Lifecycle
    replies: Replies
    sweep: Sweep
    calls: DrawCalls | None = None

    @classmethod
    def over(cls, outbox: Outbox, schedule: Schedule,
             answer_link: Callable[[int], str] | None = None,
             calls: DrawCalls | None = None, unschedule: Unschedule | None = None
             ) -> Running:
        """The parts over one set of waves."""
        waves = Waves(outbox, schedule, answer_link, calls, unschedule)
        return cls(waves=waves, lifecycle=Lifecycle(waves), replies=Replies(waves),
                   sweep=Sweep(waves), calls=calls)
