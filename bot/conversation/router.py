"""Routers hold handlers of one concern; a flow's module reads as its transition table."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from bot.conversation.event import Event, Fact
from bot.conversation.filters import Filter
from bot.conversation.flow import ANY, Flow, State, StateSpec, Target

HandlerFunc = Callable[..., Awaitable[Any]]


class Pass:
    """A handler's answer that declines the input: the dispatcher tries the next handler."""


PASS = Pass()
HandlerKind = Literal["message", "event"]
F = TypeVar("F", bound=HandlerFunc)  # a decorated handler keeps its own signature


@dataclass(eq=False)
class Handler:
    func: HandlerFunc
    filters: tuple[Filter, ...]
    kind: HandlerKind
    state: StateSpec
    params: tuple[str, ...] = ()
    command: bool = False  # a global command (取消, 帮助): tried first, in every state
    moves: frozenset[Target] = frozenset()  # declared: where it may move the conversation
    router: str = ""

    @property
    def name(self) -> str:
        return f"{self.router}.{self.func.__name__}"

    def owns(self, current: State | None) -> bool:
        """Whether this handler belongs to the flow the user is in (it sees input first)."""
        spec = self.state
        if current is None or spec is ANY or spec is None:
            return False
        return spec is current or (isinstance(spec, Flow) and current.flow is spec)

    def accepts_state(self, current: State | None) -> bool:
        spec = self.state
        if spec is ANY:
            return True
        if spec is None:
            return current is None
        if isinstance(spec, Flow):
            return current is not None and current.flow is spec
        return current is spec

    def __post_init__(self) -> None:
        self.params = tuple(inspect.signature(self.func).parameters)


Moves = Target | tuple[Target, ...]


def _moves(goto: Moves) -> frozenset[Target]:
    return frozenset(goto if isinstance(goto, tuple) else (goto,))


class Router:
    """Handlers of one concern, in the order they are tried.

    `goto` declares where a handler may move the conversation: states, or END for leaving
    the flow (staying where it is needs no declaration). The dispatcher checks every
    declaration against the handler's code at start-up (`bot.conversation.flowcheck`) and refuses,
    at run time, a move that was not declared.
    """

    def __init__(self, name: str, flows: tuple[Flow, ...] = ()) -> None:
        self.name = name
        self.flows = list(flows)
        self.handlers: list[Handler] = []
        self.fallbacks: list[Handler] = []
        self.facts: list[Fact] = []  # read with the sender's person (bot/conversation/event.py)
        self.whole: list[Callable[[Event], bool]] = []  # pushes answered in one transaction
        self.unit_safe = False  # its handlers may run inside another router's unit

    def asks(self, *facts: Fact) -> None:
        """Facts about the sender this router's handlers ask for, read with the person in
        the same statement when the push is likely to ask (`Fact.wanted`)."""
        self.facts.extend(facts)

    def in_one_transaction(self, when: Callable[[Event], bool]) -> None:
        """A push for which `when` holds (one this router's handlers answer by a change of
        their own) is answered in one transaction with the read of its sender's identity
        (on PostgreSQL: bot/conversation/identity.py): one commit, not two."""
        self.whole.append(when)

    def inside_units(self) -> None:
        """This router's handlers may run inside a transaction opened for another router's
        (they are tried before it, and wait on nothing outside the database): the unit is
        not committed before them."""
        self.unit_safe = True

    def message(self, *filters: Filter, state: StateSpec = None, goto: Moves = ()
                ) -> Callable[[F], F]:
        """A handler for messages (text, image, ...) in `state` (default: outside any flow)."""
        return self._register(self.handlers, filters, "message", state, goto)

    def command(self, *filters: Filter, goto: Moves = ()) -> Callable[[F], F]:
        """A global command (取消, 帮助, 菜单): in every state, before the flow's handlers."""
        return self._register(self.handlers, filters, "message", ANY, goto, command=True)

    def event(self, *filters: Filter, state: StateSpec = ANY, goto: Moves = ()
              ) -> Callable[[F], F]:
        """A handler for events (subscribe, scan, click, ...), in any state by default."""
        return self._register(self.handlers, filters, "event", state, goto)

    def fallback(self, *filters: Filter, state: StateSpec = ANY) -> Callable[[F], F]:
        """Tried after every router's handlers failed to match a message."""
        return self._register(self.fallbacks, filters, "message", state, ())

    def _register(self, target: list[Handler], filters: tuple[Filter, ...], kind: HandlerKind,
                  state: StateSpec, goto: Moves, command: bool = False) -> Callable[[F], F]:
        def decorate(func: F) -> F:
            target.append(Handler(func, tuple(filters), kind, state, command=command,
                                  moves=_moves(goto), router=self.name))
            return func

        return decorate


# the groups of the order in which a message's handlers are tried
COMMANDS = "global commands (every state, first)"
OWNED = "the flow's own handlers (a flow owns its input)"
OTHERS = "other handlers (routers in handlers/routing.py order)"
FALLBACKS = "fallbacks (after every handler)"


def message_order(handlers: list[Handler], fallbacks: list[Handler], current: State | None
                  ) -> list[tuple[str, Handler]]:
    """The handlers in the order they are tried, each with its group: global commands; then,
    inside a flow, that flow's own handlers (a flow owns its input); then the others; then
    the fallbacks. The dispatcher routes by it and `expertbot route` explains it."""
    commands = [(COMMANDS, h) for h in handlers if h.command]
    owned = [(OWNED, h) for h in handlers if not h.command and h.owns(current)]
    rest = [(OTHERS, h) for h in handlers if not h.command and not h.owns(current)]
    return [*commands, *owned, *rest, *((FALLBACKS, h) for h in fallbacks)]
