"""Per-user conversation state (state + data); stored by bot.conversation.store."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bot.conversation.flow import END, Flow, State, Target, UndeclaredTransition

# How long an expired flow is remembered, to tell the user it timed out.
EXPIRY_MEMORY = 3600


@dataclass(slots=True)
class FSMRecord:
    state: str
    data: dict[str, Any] = field(default_factory=dict)
    deadline: float = 0.0  # epoch seconds; past it, the flow has timed out

    def dumps(self) -> str:
        return json.dumps({"s": self.state, "d": self.data, "t": self.deadline},
                          ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def loads(cls, raw: str) -> FSMRecord:
        obj = json.loads(raw)
        return cls(state=obj["s"], data=obj.get("d") or {}, deadline=float(obj.get("t") or 0))


class FSMContext:
    """One user's state during one message. Changes are buffered and written once, after the
    handler returns, and not at all if it raises."""

    def __init__(self, record: FSMRecord | None, states: dict[str, State], now: float) -> None:
        self.expired: Flow | None = None
        self.state: State | None = None
        self.data: dict[str, Any] = {}
        self._dirty = False
        self._moves: frozenset[Target] | None = None  # None: not inside a handler's call
        self._mover = ""
        if record is None:
            return
        state = states.get(record.state)
        if state is None:
            self._dirty = True  # a state the code no longer knows: drop it
        elif record.deadline and record.deadline < now:
            self.expired = state.flow
            self._dirty = True
        else:
            self.state, self.data = state, dict(record.data)

    @property
    def dirty(self) -> bool:
        return self._dirty

    def snapshot(self) -> tuple[State | None, dict[str, Any], bool]:
        return self.state, dict(self.data), self._dirty

    def restore(self, snapshot: tuple[State | None, dict[str, Any], bool]) -> None:
        """Back to a snapshot (a refused step leaves the conversation where it was)."""
        self.state, self.data, self._dirty = snapshot[0], dict(snapshot[1]), snapshot[2]

    def permit(self, moves: frozenset[Target], mover: str) -> None:
        """The moves the handler about to run declared; any other is refused."""
        self._moves, self._mover = moves, mover

    def _require_declared(self, target: Target) -> None:
        if self._moves is not None and target not in self._moves:
            raise UndeclaredTransition(f"{self._mover} moved to {target!r}, which it does not "
                                       f"declare (goto={sorted(map(repr, self._moves))})")

    def goto(self, state: State, **data: Any) -> None:
        """Enter `state`, merging `data` into the flow's data."""
        self._require_declared(state)
        if self.state is not None and self.state.flow is not state.flow:
            self.data = {}
        self.state = state
        self.data.update(data)
        self._dirty = True

    def update(self, **data: Any) -> None:
        """Change the flow's data without moving."""
        self.data.update(data)
        self._dirty = True

    def finish(self) -> None:
        """Leave the flow."""
        self._require_declared(END)
        self.state = None
        self.data = {}
        self._dirty = True

    def to_record(self, now: float) -> FSMRecord | None:
        if self.state is None:
            return None
        return FSMRecord(self.state.key, self.data, now + self.state.flow.timeout)
