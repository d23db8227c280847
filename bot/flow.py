"""Flows hold states: a conversation's steps, and the timeout after which it is dropped."""

from __future__ import annotations

from dataclasses import dataclass, field


class _Any:
    """Matches whatever state the user is in (global commands, events)."""

    def __repr__(self) -> str:
        return "ANY"


ANY = _Any()


@dataclass(eq=False)
class Flow:
    """A conversation with states. `timeout` (s) without an answer cancels it."""

    name: str
    title: str
    timeout: int = 600
    states: dict[str, State] = field(default_factory=dict)

    def state(self, name: str, prompt: str | None = None) -> State:
        """Declare a state; `prompt` is the text template that asks for this state's answer."""
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


