"""The engine: a reply within WeChat's time budget, or `success` now and the answer later."""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from bot.background import Background
from bot.conversation.dispatcher import Dispatcher
from bot.conversation.event import Outcome
from bot.conversation.receipts import FastEvents
from bot.wechat.incoming import Incoming
from bot.wechat.replay import PushUse, ReplayGuard
from bot.wechat.replies import REFUSED, SILENCE, Image, Reply, Text

log = logging.getLogger(__name__)


class LateDelivery(Protocol):
    """Sends a reply that missed the passive-reply window as a customer-service message."""

    async def deliver(self, openid: str, reply: Reply) -> None: ...


class Engine:
    """Runs the dispatcher for one push within `reply_budget` seconds. A handler that runs
    longer keeps running in the background and its answer follows by customer-service
    message (WeChat gives up on a callback after 5 s and would retry)."""

    def __init__(self, dispatcher: Dispatcher, background: Background, late: LateDelivery,
                 reply_budget: float, fast: FastEvents | None = None,
                 replays: ReplayGuard | None = None) -> None:
        self.dispatcher = dispatcher
        self.background = background
        self.late = late
        self.reply_budget = reply_budget
        self.fast = fast  # pushes that need no conversation (receipts) skip the dispatcher
        self.replays = replays  # plaintext mode: a (timestamp, nonce) is used once

    async def handle(self, msg: Incoming, use: PushUse | None = None
                     ) -> tuple[Reply, Outcome]:
        """The passive reply for `msg` and how it came about. `use`: a plaintext push's
        (timestamp, nonce), which must not have come before with another body."""
        if self.fast is not None and self.fast.takes(msg):
            return await self.fast.take(msg, use), Outcome(handler="fast path")
        if use is not None and self.replays is not None \
                and not await self.replays.check_first_use(use):
            return REFUSED, Outcome()
        outcome = Outcome()
        loop = asyncio.get_running_loop()
        task = loop.create_task(self.dispatcher.feed(msg, outcome))
        # asyncio.wait() without its bookkeeping: wake on completion or at the budget
        waiter = loop.create_future()

        def wake(_: object = None) -> None:
            if not waiter.done():
                waiter.set_result(None)

        task.add_done_callback(wake)
        timer = loop.call_later(self.reply_budget, wake)
        try:
            await waiter
        finally:
            timer.cancel()
            task.remove_done_callback(wake)
        if task.done():
            return task.result(), outcome
        outcome.late = True
        log.info("handler %s overran the %.1f s reply budget: answering later",
                 outcome.handler or "?", self.reply_budget)
        self.background.spawn(self._finish_late(task, msg.openid), name="late-reply")
        return SILENCE, outcome

    async def _finish_late(self, task: asyncio.Future[Reply], openid: str) -> None:
        reply = await task
        if isinstance(reply, Text | Image):
            await self.late.deliver(openid, reply)

    async def process_deferred(self, msg: Incoming) -> Reply | None:
        """Run a push a worker picked up because the user's lock was busy; answer late.
        None when Redis or the database was unavailable (nothing was answered)."""
        outcome = Outcome(late=True)
        reply = await self.dispatcher.feed(msg, outcome, deferred=True)
        if outcome.busy:
            return None
        if isinstance(reply, Text | Image):
            await self.late.deliver(msg.openid, reply)
        return reply
