"""Which chat handler answers a text, and why each one tried before it did not: the
dispatcher's order for a message (`Dispatcher._candidates`, `_match`) replayed over the
routers, with the real filters run on a synthetic text push. Nothing is run that needs a
database or Redis, so a handler's body (which may still decline with PASS) is not run either:
its return annotation says whether it can. `expertbot route` prints the result."""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Literal

from bot.conversation.event import Event, Outcome
from bot.conversation.filters import Filter, read_text
from bot.conversation.flow import Flow, State, StateSpec
from bot.conversation.fsm import FSMContext, FSMRecord
from bot.conversation.router import (
    FALLBACKS,
    Handler,
    Pass,
    Router,
    message_order,
)
from bot.wechat.incoming import Incoming

ROOT = Path(__file__).resolve().parent.parent

# the groups of the dispatcher's order for a message, as it tries them

WRONG_STATE: Final = "wrong state"
REJECTED: Final = "rejected"
MAY_DECLINE: Final = "takes it, may decline (returns PASS)"
ANSWERS: Final = "answers"
Verdict = Literal["wrong state", "rejected", "takes it, may decline (returns PASS)", "answers"]


@dataclass(frozen=True)
class Step:
    """One handler the dispatcher tries, and what it makes of the input."""

    handler: Handler
    group: str
    verdict: Verdict
    why: str


@dataclass(frozen=True)
class Route:
    """The handlers tried for one text in one state, up to the one that surely answers."""

    said: str  # as sent
    text: str  # normalized: what the filters see
    state: State | None
    steps: tuple[Step, ...]

    @property
    def taker(self) -> Step | None:
        """The first handler whose filters take the input (it may still decline)."""
        return next((s for s in self.steps if s.verdict in (MAY_DECLINE, ANSWERS)), None)

    @property
    def by_fallback(self) -> bool:
        """True when no handler but a fallback takes the input (or nothing does)."""
        return self.taker is None or self.taker.group == FALLBACKS


def states_of(routers: Sequence[Router]) -> dict[str, State]:
    """Every declared state by key (flow:state), as the dispatcher registers them."""
    return {key: st for r in routers for flow in r.flows for key, st in flow.states.items()}


def qualified_name(handler: Handler) -> str:
    """module.function of the handler."""
    return f"{handler.func.__module__}.{handler.func.__qualname__}"


def where(func: Callable[..., Any]) -> str:
    """file:line of the function's `def` (not of its first decorator), relative to the repo."""
    func = inspect.unwrap(func)
    path = Path(inspect.getsourcefile(func) or func.__code__.co_filename).resolve()
    lines, start = inspect.getsourcelines(func)
    offset = next((i for i, line in enumerate(lines)
                   if line.lstrip().startswith(("def ", "async def "))), 0)
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    return f"{shown}:{start + offset}"


def check_may_decline(func: Callable[..., Any]) -> bool:
    """Whether the handler's return annotation includes Pass (it can answer PASS)."""
    try:
        returns = typing.get_type_hints(func).get("return")
    except Exception:  # an annotation that does not resolve: read it as written
        return "Pass" in str(inspect.signature(func).return_annotation)
    return returns is Pass or Pass in typing.get_args(returns)


def synthetic_event(text: str, state: State | None, states: dict[str, State],
                    now: datetime | None = None) -> Event:
    """A text push as `Dispatcher.feed` hands it to the router, from a user in `state`."""
    now = now or datetime.now(UTC)
    msg = Incoming.parse({"ToUserName": "gh_explain", "FromUserName": "explain",
                          "MsgType": "text", "Content": text,
                          "CreateTime": str(int(now.timestamp()))})
    ev = Event(msg=msg, now=now, outcome=Outcome(), offline=True)
    if msg.has_text:
        read_text(ev, msg.content)
    ev.fsm = FSMContext(FSMRecord(state.key) if state else None, states, now.timestamp())
    return ev


def ordered(routers: Sequence[Router], current: State | None) -> list[tuple[str, Handler]]:
    """Message handlers in the order the dispatcher tries them."""
    return [(g, h) for g, h in message_order([h for r in routers for h in r.handlers],
                                             [h for r in routers for h in r.fallbacks], current)
            if h.kind == "message"]


def _spec(spec: StateSpec) -> str:
    if spec is None:
        return "only outside flows"
    if isinstance(spec, Flow):
        return f"only in flow {spec.name}"
    return f"only in {spec.key}" if isinstance(spec, State) else "in any state"


def _filter(check: Filter) -> str:
    return f"{type(check).__name__}({check.describe()})"


def _passed(extra: dict[str, Any]) -> str:
    """What the filters hand the handler, shortly (a regex's named groups)."""
    parts = []
    for name, value in extra.items():
        if isinstance(value, re.Match):
            groups = {k: v for k, v in value.groupdict().items() if v is not None}
            parts.append(", ".join(f"{k}={v!r}" for k, v in groups.items())
                         or f"{name}={value.group(0)!r}")
        else:
            parts.append(f"{name}={value!r}"[:60])
    return "; ".join(parts)


def _try(group: str, handler: Handler, ev: Event) -> Step:
    """What `Dispatcher._match` makes of this handler for the event."""
    current = ev.fsm.state if ev.fsm else None
    if not handler.accepts_state(current):
        return Step(handler, group, WRONG_STATE, _spec(handler.state))
    extra: dict[str, Any] = {}
    for check in handler.filters:
        try:
            result = check(ev)
        except Exception as exc:  # a filter wanting more than the synthetic push has
            return Step(handler, group, REJECTED, f"{_filter(check)} could not be evaluated "
                        f"offline ({exc!r}); counted as no match here")
        if not result:
            return Step(handler, group, REJECTED, f"{_filter(check)} does not match")
        if isinstance(result, dict):
            extra.update(result)
    took = " + ".join(_filter(f) for f in handler.filters) or "any message"
    passed = _passed(extra)
    why = took + (f" [{passed}]" if passed else "")
    return Step(handler, group, MAY_DECLINE if check_may_decline(handler.func) else ANSWERS, why)


def explain(routers: Sequence[Router], text: str, state: State | None = None,
            now: datetime | None = None) -> Route:
    """The handlers tried for `text` from a user in `state`, up to the first that takes it
    and cannot decline (the rest are never tried)."""
    ev = synthetic_event(text, state, states_of(routers), now)
    steps: list[Step] = []
    for group, handler in ordered(routers, state):
        steps.append(_try(group, handler, ev))
        if steps[-1].verdict == ANSWERS:
            break
    return Route(text, ev.text, state, tuple(steps))


def _label(step: Step) -> str:
    fallback = ", the fallback" if step.group == FALLBACKS else ""
    return f"{qualified_name(step.handler)} ({where(step.handler.func)}){fallback}"


def render(route: Route, who: str) -> str:
    """The route as a developer reads it: the answer first, then every handler tried."""
    where_ = (f"{route.state.key} (flow {route.state.flow.title})" if route.state
              else "outside any flow")
    seen = f" (the filters see {route.text!r})" if route.text != route.said else ""
    lines = [f"text message {route.said!r}{seen}", f"  from: {who}", f"  state: {where_}",
             "  (filters read only the message and the state: the sender changes what a "
             "handler says, not who answers)", ""]
    takers = [s for s in route.steps if s.verdict in (MAY_DECLINE, ANSWERS)]
    if not takers:
        lines.append("answered by: nothing (no handler takes it: the reply is empty)")
    for n, step in enumerate(takers):
        head = "answered by:" if n == 0 else "  if it declines:"
        lines.append(f"{head} {_label(step)}")
        doc = (inspect.getdoc(step.handler.func) or "").split("\n\n")[0]
        if doc and n == 0:
            lines.append(f"  ({' '.join(doc.split())})")
        if step.verdict == MAY_DECLINE:
            lines.append("  may decline (returns PASS): its code decides at run time")
    if takers and route.by_fallback:
        lines.append("  no handler takes it: the fallback answers")
    lines += ["", "tried, in the dispatcher's order:"]
    width = max((len(qualified_name(s.handler)) for s in route.steps), default=0)
    spot = max((len(where(s.handler.func)) for s in route.steps), default=0)
    group = ""
    for n, step in enumerate(route.steps, 1):
        if step.group != group:
            group = step.group
            lines.append(f"  {group}")
        lines.append(f"  {n:>3}. {qualified_name(step.handler):<{width}}  "
                     f"{where(step.handler.func):<{spot}}  {step.verdict}: {step.why}")
    return "\n".join(lines)
