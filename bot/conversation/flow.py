"""Flows hold states: a conversation's steps, and the timeout after which it is dropped.

A flow is declared as data: its states (with the prompt each one asks with), its timeout,
and, through the handlers registered on them (`Router.message(..., state=S, goto=T)`), what
moves it from which state to which. `bot.conversation.flowcheck` checks the whole declaration when
the dispatcher is built and renders it as the table a flow module's docstring shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class _Any:
    """Matches whatever state the user is in (global commands, events)."""

    def __repr__(self) -> str:
        return "ANY"


class _End:
    """The target of a move that leaves the flow (`fsm.finish()`)."""

    def __repr__(self) -> str:
        return "END"


ANY = _Any()
END = _End()


@dataclass(eq=False)
class Flow:
    """A conversation with states. `timeout` (s) without an answer cancels it."""

    name: str
    title: str
    timeout: int = 600
    states: dict[str, State] = field(default_factory=dict)

    def state(self, name: str, prompt: str | None = None) -> State:
        """Declare a state; `prompt` is the text template that asks for this state's answer
        (and asks again when the input is not understood)."""
        st = State(self, name, prompt)
        self.states[st.key] = st
        return st


@dataclass(frozen=True, eq=False)
class State:
    flow: Flow
    name: str
    prompt: str | None = None

    @property
    def key(self) -> str:
        return f"{self.flow.name}:{self.name}"

    def __repr__(self) -> str:
        return f"State({self.key})"


StateSpec = State | Flow | _Any | None  # None: only when the user is in no flow
Target = State | _End  # where a handler may move the conversation


class UndeclaredTransition(RuntimeError):
    """A handler moved the conversation somewhere its declaration does not allow."""
