"""The standard middlewares, outermost first: errors, conversation (dedup + per-user lock +
state), identity (bot/conversation/identity.py), refusals."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.conversation.dispatcher import Next
from bot.conversation.event import Event
from bot.conversation.flow import State
from bot.conversation.fsm import EXPIRY_MEMORY, FSMContext
from bot.conversation.store import Closing, ConversationStore, Opening, is_pending
from bot.errors import infra_errors
from bot.wechat.replies import RETRY, SILENCE, Reply, Text, dump_reply, load_reply
from bot.wechat.windows import grant_args, grant_of, opened_at
from services.common.errors import DomainError
from services.common.metrics import count_unavailable
from services.common.redis_keys import ABANDON_TOMBSTONE_MS, USER_LOCK_TTL
from services.common.texts import Texts

log = logging.getLogger(__name__)


class ErrorsMiddleware:
    """A handler's bug answers `success` and is logged (a 5xx would make WeChat retry a
    poisoned message). An unreachable Redis or database answers a user's message or click
    with a short busy text; an event WeChat sends on its own is left unanswered, so that
    WeChat delivers it again (receipts do not come this way: bot/conversation/receipts.py)."""

    def __init__(self, texts: Texts) -> None:
        self._texts = texts
        self._infra = infra_errors()

    async def __call__(self, ev: Event, call_next: Next) -> Reply:
        try:
            return await call_next(ev)
        except self._infra as exc:
            log.warning("infrastructure unavailable while handling %s: %r", ev.msg.msg_type, exc)
            count_unavailable(exc, "chat")
            ev.outcome.busy = True
            if ev.msg.is_interaction:
                return Text(self._texts.render("chat/busy.j2"))
            return RETRY
        except Exception:
            log.exception("handler %s failed on a %s push", ev.outcome.handler or "?",
                          ev.msg.msg_type)
            ev.outcome.failed = True
            return SILENCE


async def _quietly(aw: Awaitable[Any]) -> None:
    try:
        await aw
    except Exception as exc:
        log.warning("best-effort Redis call failed: %r", exc)


class _LockKeeper:
    """Extends a user's lock while its push is being handled here, every half of its TTL:
    the lock outlives a slow handler, but not a push nobody handles."""

    def __init__(self, store: ConversationStore, openid: str, token: str, lock_ms: int) -> None:
        self._store, self._openid, self._token, self._ms = store, openid, token, lock_ms
        self._loop = asyncio.get_running_loop()
        self._timer: asyncio.TimerHandle | None = self._loop.call_later(lock_ms / 2000,
                                                                        self._fire)
        self._task: asyncio.Task[None] | None = None

    def _fire(self) -> None:
        self._task = self._loop.create_task(self._extend())

    async def _extend(self) -> None:
        try:
            held = await self._store.extend(self._openid, self._token, self._ms)
        except Exception as exc:
            log.warning("could not extend a user's lock: %r", exc)
            held = True  # try again at the next tick; the lock may still be ours
        if held and self._timer is not None:
            self._timer = self._loop.call_later(self._ms / 2000, self._fire)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._task is not None:
            self._task.cancel()


class ConversationMiddleware:
    """Dedup, per-user lock and conversation state, in one store round trip each way.

    - A retry of a push never runs a handler again: it gets the first reply once ready.
    - Two pushes of one user never run at once; when the previous one still runs after
      `lock_wait` s, this one is queued for a worker (`defer`) and answered later.
    - The state is written back once, after the handler returned (not if it raised).
    """

    def __init__(self, store: ConversationStore, states: dict[str, State], *, dedup_ttl: int,
                 lock_wait: float, defer: Callable[[dict[str, str]], Awaitable[None]],
                 duplicate_wait: float = 2.0, lock_ttl: float = USER_LOCK_TTL,
                 deferred_lock_wait: float = 30.0) -> None:
        self._store = store
        self._states = states  # the dispatcher's registry, filled as routers are included
        self._dedup_ttl = dedup_ttl
        self._lock_wait = lock_wait
        self._defer = defer
        self._duplicate_wait = duplicate_wait
        self._lock_ms = int(lock_ttl * 1000)
        self._deferred_lock_wait = deferred_lock_wait
        self._abandoning: set[asyncio.Task[None]] = set()
        self._infra = infra_errors()

    async def __call__(self, ev: Event, call_next: Next) -> Reply:
        openid = ev.msg.openid
        dedup_key = None if ev.deferred else ev.msg.dedup_key
        token = secrets.token_hex(8)
        opening = await self._open(openid, dedup_key, token)
        if opening.status == "duplicate":
            ev.outcome.duplicate = True
            return await self._first_reply(openid, dedup_key or "", opening.first_reply)
        if opening.status == "busy":
            wait = self._deferred_lock_wait if ev.deferred else self._lock_wait
            waited = await self._wait_for_lock(openid, dedup_key, token, wait)
            if waited is None:
                return await self._defer_push(ev, dedup_key, token)
            opening = waited
        return await self._run(ev, call_next, opening, dedup_key, token)

    async def _open(self, openid: str, dedup_key: str | None, token: str,
                    claim: bool = True) -> Opening:
        """`store.open`; when its answer is lost (a timeout, a broken connection) the opening
        may still have happened on the server, so it is undone in the background: otherwise
        WeChat's retries would find a pending record and the user's lock would hold for
        `lock_ttl` s, though no handler runs. Without `claim`, only the lock is tried (the
        push already holds its dedup record, which the undo drops too)."""
        try:
            return await self._store.open(openid, dedup_key if claim else None, token,
                                          self._dedup_ttl, self._lock_ms)
        except BaseException:
            task = asyncio.get_running_loop().create_task(
                self._undo(openid, dedup_key, token))
            self._abandoning.add(task)
            task.add_done_callback(self._abandoning.discard)
            raise

    async def _undo(self, openid: str, dedup_key: str | None, token: str) -> None:
        """`store.abandon`, tried again until Redis answers (a stalled Redis that comes back
        still runs the lost opening: the undo must reach it too), for as long as an opening
        can be on its way."""
        deadline = time.monotonic() + ABANDON_TOMBSTONE_MS / 1000
        delay = 0.05
        while True:
            try:
                await self._store.abandon(openid, dedup_key, token)
                return
            except Exception as exc:
                if time.monotonic() + delay > deadline:
                    log.warning("gave up undoing a lost opening: %r", exc)
                    return
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)

    async def _run(self, ev: Event, call_next: Next, opening: Opening, dedup_key: str | None,
                   token: str) -> Reply:
        openid = ev.msg.openid
        now = ev.now.timestamp()
        ev.fsm = FSMContext(opening.record, self._states, now)
        ev.cached_identity = opening.identity
        keeper = _LockKeeper(self._store, openid, token, self._lock_ms)
        try:
            reply = await call_next(ev)
        except BaseException as exc:
            keeper.stop()
            # a handler that failed on its own is not run again; one that never started, or
            # that met an unavailable Redis or database (its transaction did not commit), is
            # forgotten so that WeChat's retry runs it again
            closing = Closing(dedup="set", reply=dump_reply(SILENCE)) \
                if ev.handler_started and not isinstance(exc, self._infra) \
                else Closing(dedup="del")
            closing.window = _window(ev)
            await _quietly(self._store.close(openid, dedup_key, token, closing, self._dedup_ttl))
            raise
        keeper.stop()
        closing = Closing(identity=ev.identity_cache, window=_window(ev))
        if ev.outcome.busy and not ev.handler_started:
            closing.dedup = "del"
        else:
            closing.dedup = "set"
            closing.reply = dump_reply(SILENCE if ev.outcome.late else reply)
        if ev.fsm.dirty:
            record = ev.fsm.to_record(now)
            if record is None:
                closing.state_action = "del"
            else:
                closing.state_action, closing.state = "set", record
                closing.state_ttl = int(record.deadline - now) + EXPIRY_MEMORY
        await self._store.close(openid, dedup_key, token, closing, self._dedup_ttl)
        return reply

    async def _first_reply(self, openid: str, dedup_key: str, value: str | None) -> Reply:
        """The first delivery's reply, waiting up to `duplicate_wait` s for it."""
        deadline = time.monotonic() + self._duplicate_wait
        delay = 0.02
        while value is None or is_pending(value):
            if time.monotonic() + delay > deadline:
                return SILENCE
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.2)
            value = await self._store.first_reply(openid, dedup_key)
            if value is None:  # forgotten (the first delivery never reached a handler)
                return SILENCE
        return load_reply(value)

    async def _wait_for_lock(self, openid: str, dedup_key: str | None, token: str,
                             wait: float) -> Opening | None:
        deadline = time.monotonic() + wait
        delay = 0.005
        while time.monotonic() + delay <= deadline:
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.05)
            opening = await self._open(openid, dedup_key, token, claim=False)
            if opening.status == "new":
                return opening
        return None

    async def _defer_push(self, ev: Event, dedup_key: str | None, token: str) -> Reply:
        if ev.deferred:
            raise TimeoutError("the user lock stayed busy for a deferred push")
        await self._defer(ev.msg.raw)
        ev.outcome.deferred = ev.outcome.late = True
        await self._store.close(ev.msg.openid, dedup_key, token,
                                Closing(dedup="set", reply=dump_reply(SILENCE)), self._dedup_ttl)
        return SILENCE

def _window(ev: Event) -> tuple[int, int] | None:
    """The customer-service window the push opened at WeChat (bot/wechat/windows.py), None
    when it opened none or it has closed already (a push taken late)."""
    grant, now = grant_of(ev.msg), ev.now.timestamp()
    if grant is None:
        return None
    messages, until = grant_args(grant, opened_at(ev.msg, now))
    return (messages, until) if until > now else None


class RefusalsMiddleware:
    """The chat edge's mapping of the domain's refusals: a handler that raises one answers
    with its words (texts/errors/), and the conversation stays where it was."""

    def __init__(self, texts: Texts) -> None:
        self._texts = texts

    async def __call__(self, ev: Event, call_next: Next) -> Reply:
        before = ev.fsm.snapshot() if ev.fsm is not None else None
        try:
            return await call_next(ev)
        except DomainError as exc:
            if ev.fsm is not None and before is not None:
                ev.fsm.restore(before)
            return Text(self._texts.error(exc))
