"""The dispatcher: middlewares around a router lookup, with dependency injection by name."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from bot.filters import normalize
from bot.fsm import FSMContext
from bot.incoming import Incoming
from bot.replies import SILENCE, Reply, Text, as_reply
from bot.router import Handler, Router, State
from bot.texts import Texts
from services.scenes import SceneCodec, SceneError

if TYPE_CHECKING:
    from models.people import Person
    from models.wechat import IdentityRow, WeChatIdentity

log = logging.getLogger(__name__)

# Names every handler may ask for besides the dispatcher's static dependencies.
EVENT_NAMES = frozenset({"msg", "event", "fsm", "identity", "person", "now", "texts", "match",
                         "scene", "scene_error"})


@dataclass(slots=True)
class Outcome:
    """How a push was answered, for the transport and for tests."""

    late: bool = False  # the reply goes out later as a customer-service message
    deferred: bool = False  # queued for a worker: the user's previous message still runs
    duplicate: bool = False  # a WeChat retry of a push already handled
    busy: bool = False  # Redis or the database was unreachable
    failed: bool = False  # the handler raised
    handler: str = ""


@dataclass(eq=False)
class Event:
    """One push on its way through the middlewares."""

    msg: Incoming
    now: datetime
    outcome: Outcome
    deferred: bool = False
    text: str = ""
    scene: Any = None
    scene_error: str | None = None
    identity_row: IdentityRow | None = None
    fsm: FSMContext | None = None
    handler_started: bool = False
    cached_identity: str = ""  # the identity cache entry read with the conversation
    identity_cache: str = ""  # a fresh entry to write back with the conversation
    extra: dict[str, Any] = field(default_factory=dict)

    _identity: WeChatIdentity | None = None
    _person: Person | None = None
    _person_loaded: bool = False

    async def load_person(self) -> Person | None:
        """The person the sender's identity is bound to (None if unbound or deregistered)."""
        if not self._person_loaded and self.identity_row is not None:
            from models.people import Person

            self._person = await Person.filter(wechat_identities__id=self.identity_row.id,
                                               deregistered_at=None).first()
            self._person_loaded = True
        return self._person

    @property
    def identity(self) -> WeChatIdentity | None:
        """The sender's WeChatIdentity row object, built on first use."""
        if self._identity is None and self.identity_row is not None:
            self._identity = self.identity_row.model()
        return self._identity

    def start_handler(self) -> None:
        self.handler_started = True


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
                 states: dict[str, State] | None = None) -> None:
        self.texts = texts
        self.scenes = scenes
        self.deps = dict(deps)
        self.states: dict[str, State] = states if states is not None else {}
        self._handlers: list[Handler] = []
        self._fallbacks: list[Handler] = []
        self._chain: Next = self._route
        for mw in reversed(list(middlewares)):
            self._chain = functools.partial(mw, call_next=self._chain)

    def include(self, *routers: Router) -> None:
        """Add routers in priority order; every handler's parameters must be resolvable."""
        known = EVENT_NAMES | self.deps.keys()
        for router in routers:
            for flow in router.flows:
                self.states.update(flow.states)
            for handler in (*router.handlers, *router.fallbacks):
                unknown = set(handler.params) - known
                if unknown:
                    raise TypeError(f"{router.name}.{handler.func.__name__} asks for unknown "
                                    f"dependencies {sorted(unknown)}")
            self._handlers.extend(router.handlers)
            self._fallbacks.extend(router.fallbacks)

    async def feed(self, msg: Incoming, outcome: Outcome | None = None, *,
                   deferred: bool = False) -> Reply:
        """Handle one push; never raises for a handler's fault."""
        ev = Event(msg=msg, now=datetime.now(UTC), outcome=outcome or Outcome(),
                   deferred=deferred)
        if msg.has_text:
            ev.text = normalize(msg.content)
        if msg.scene:
            try:
                ev.scene = self.scenes.decode(msg.scene)
            except SceneError as exc:
                ev.scene_error = str(exc)
        return await self._chain(ev)

    def _match(self, ev: Event) -> tuple[Handler, dict[str, Any]] | None:
        kind = "event" if ev.msg.is_event else "message"
        current = ev.fsm.state if ev.fsm else None
        candidates = self._handlers if kind == "event" else (*self._handlers, *self._fallbacks)
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
        reply = as_reply(await handler.func(**{p: namespace.get(p) for p in handler.params}))
        if ev.fsm is not None and ev.fsm.expired is not None and not ev.msg.is_event:
            notice = self.texts.render("chat/flow_expired.j2", title=ev.fsm.expired.title)
            if isinstance(reply, Text):
                return Text(f"{notice}\n\n{reply.content}")
        return reply
