"""The dispatcher: middlewares around a router lookup, with dependency injection by name."""

from __future__ import annotations

import functools
import logging
import typing
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Protocol

from bot.conversation.event import Event, Fact, Outcome
from bot.conversation.filters import read_text
from bot.conversation.flow import State
from bot.conversation.flowcheck import check_flows
from bot.conversation.router import PASS, Handler, Router, message_order
from bot.wechat.incoming import Incoming
from bot.wechat.replies import SILENCE, Reply, Text, as_reply
from models.orm.units import release
from services.common.clock import SYSTEM_CLOCK, Clock
from services.common.scenes import SceneCodec, SceneError
from services.common.texts import Texts

log = logging.getLogger(__name__)

# Names every handler may ask for besides the dispatcher's static dependencies.
EVENT_NAMES = frozenset({"msg", "event", "fsm", "identity", "person", "now", "texts", "match",
                         "scene", "scene_error"})


Next = Callable[[Event], Awaitable[Reply]]


class Middleware(Protocol):
    async def __call__(self, ev: Event, call_next: Next) -> Reply: ...


class Dispatcher:
    """Routes pushes to handlers through a chain of middlewares.

    Every step before the handler is bounded on its own (the conversation store's batch
    timeout, the lock wait, the identity load's budget), so an unreachable Redis or
    database turns into a short busy reply quickly, without a timer per push.
    """

    def __init__(self, *, texts: Texts, scenes: SceneCodec, deps: dict[str, Any],
                 middlewares: Iterable[Middleware],
                 states: dict[str, State] | None = None, clock: Clock = SYSTEM_CLOCK) -> None:
        self.texts = texts
        self.clock = clock  # a push is handled at the service's moment, as a request is
        self.scenes = scenes
        self.deps = dict(deps)
        self.states: dict[str, State] = states if states is not None else {}
        self._handlers: list[Handler] = []
        self._fallbacks: list[Handler] = []
        self._routers: list[Router] = []
        self._facts: tuple[Fact, ...] = ()  # the routers' (Router.asks)
        self._whole: tuple[Callable[[Event], bool], ...] = ()  # Router.in_one_transaction
        self._in_unit: set[int] = set()  # the ids of those routers' handlers
        # a message's handlers in the order they are tried, by the state it comes in: worked
        # out once per state (the routers are fixed once included), not per push
        self._order: dict[State | None, list[Handler]] = {}
        self._chain: Next = self._route
        for mw in reversed(list(middlewares)):
            self._chain = functools.partial(mw, call_next=self._chain)

    def include(self, *routers: Router) -> None:
        """Add routers in priority order; every handler's parameters must be resolvable, a
        dependency must be of the type the handler's annotation names, and the flows'
        declarations must hold together (`bot.conversation.flowcheck`)."""
        known = EVENT_NAMES | self.deps.keys()
        self._routers.extend(routers)
        check_flows(self._routers)
        for router in routers:
            for flow in router.flows:
                self.states.update(flow.states)
            for handler in (*router.handlers, *router.fallbacks):
                where = f"{router.name}.{handler.func.__name__}"
                unknown = set(handler.params) - known
                if unknown:
                    raise TypeError(f"{where} asks for unknown dependencies {sorted(unknown)}")
                self._require_types(where, handler)
            self._handlers.extend(router.handlers)
            self._fallbacks.extend(router.fallbacks)
            self._facts += tuple(router.facts)
            self._whole += tuple(router.whole)
            if router.whole or router.unit_safe:
                self._in_unit.update(id(h) for h in (*router.handlers, *router.fallbacks))
        self._order.clear()

    def _require_types(self, where: str, handler: Handler) -> None:
        hints = typing.get_type_hints(handler.func)
        for name in handler.params:
            wanted = hints.get(name)
            if name in self.deps and isinstance(wanted, type) \
                    and not isinstance(self.deps[name], wanted):
                raise TypeError(f"{where} wants {name}: {wanted.__name__}, the dispatcher has "
                                f"{type(self.deps[name]).__name__}")

    async def feed(self, msg: Incoming, outcome: Outcome | None = None, *,
                   deferred: bool = False) -> Reply:
        """Handle one push; never raises for a handler's fault."""
        ev = Event(msg=msg, now=self.clock.now(), outcome=outcome or Outcome(),
                   deferred=deferred, asks=self._facts, whole=self._whole)
        if msg.has_text:
            read_text(ev, msg.content)
        if msg.scene:
            try:
                ev.scene = self.scenes.decode(msg.scene)
            except SceneError as exc:
                ev.scene_error = str(exc)
        return await self._chain(ev)

    def _candidates(self, ev: Event) -> list[Handler]:
        """In the order they are tried: global commands; then, inside a flow, that flow's own
        handlers (a flow owns its input); then the others; then the fallbacks."""
        if ev.msg.is_event:
            return self._handlers
        current = ev.fsm.state if ev.fsm else None
        found = self._order.get(current)
        if found is None:
            found = self._order[current] = [
                h for _, h in message_order(self._handlers, self._fallbacks, current)]
        return found

    def _match(self, ev: Event, after: Handler | None = None
               ) -> tuple[Handler, dict[str, Any]] | None:
        kind = "event" if ev.msg.is_event else "message"
        current = ev.fsm.state if ev.fsm else None
        candidates = self._candidates(ev)
        if after is not None:
            candidates = candidates[candidates.index(after) + 1:]
        for handler in candidates:
            if handler.kind != kind or not handler.accepts_state(current):
                continue
            extra: dict[str, Any] = {}
            for check in handler.filters:
                result = check(ev)
                if not result:
                    break
                if isinstance(result, dict):
                    extra.update(result)
            else:
                return handler, extra
        return None

    async def _route(self, ev: Event) -> Reply:
        ev.start_handler()
        found = self._match(ev)
        while True:
            if found is None:
                return SILENCE
            handler, extra = found
            ev.outcome.handler = handler.func.__qualname__
            namespace = {**self.deps, "msg": ev.msg, "event": ev, "fsm": ev.fsm, "now": ev.now,
                         "texts": self.texts, **extra}
            if "identity" in handler.params:
                namespace["identity"] = ev.identity
            if "person" in handler.params:
                namespace["person"] = await ev.load_person()
            if ev.fsm is not None:
                ev.fsm.permit(handler.moves, handler.name)
            if id(handler) not in self._in_unit:  # not what a unit was opened for: the
                await release()  # read before it committed, the handler outside it
            answer = await handler.func(**{p: namespace.get(p) for p in handler.params})
            if answer is not PASS:  # declined: the next handler that matches gets it
                break
            found = self._match(ev, after=handler)
        reply = as_reply(answer)
        if ev.fsm is not None and ev.fsm.expired is not None and not ev.msg.is_event:
            notice = self.texts.render("chat/flow_expired.j2", title=ev.fsm.expired.title)
            if isinstance(reply, Text):
                return Text(f"{notice}\n\n{reply.content}")
        return reply
