"""The start-up check of every flow's declaration, and the table a reader sees.

Checked when the dispatcher includes its routers, so a mistake stops the start-up:
- every `goto` target is a state of a flow some router declares (an unknown target state);
- a handler inside a flow moves only within it (or out of it), a global command only out;
  a handler outside flows, or in any state, enters at most one flow; a message handler that
  runs in any state never enters one (it would take input another flow owns; a menu click
  may, since tapping a menu button is the user leaving one task for another);
- what a handler's code does (`fsm.goto(S)`, `fsm.finish()`) is exactly what it declares
  (an undeclared transition, or a declaration the code does not keep);
- every state is reachable from outside the flow (an unreachable state).
"""

from __future__ import annotations

import ast
import functools
import inspect
import textwrap
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from bot.conversation.flow import ANY, END, Flow, State, Target
from bot.conversation.router import Handler, Router


class FlowDeclarationError(Exception):
    """A flow's declaration is inconsistent; the message names the handler and the state."""


def _source_of(handler: Handler) -> Flow | None:
    spec = handler.state
    if isinstance(spec, State):
        return spec.flow
    return spec if isinstance(spec, Flow) else None


def _code_moves(handler: Handler) -> frozenset[Target]:
    """The moves the handler's own code makes: `fsm.goto(NAME, ...)` and `fsm.finish()`."""
    try:
        return _moves_in(handler.func)
    except FlowDeclarationError as exc:
        raise FlowDeclarationError(f"{handler.name}: {exc}") from None


@functools.cache
def _moves_in(func: Callable[..., Any]) -> frozenset[Target]:
    tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    body = next(n for n in ast.walk(tree)
                if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef))
    names = inspect.getclosurevars(func)
    scope = {**names.globals, **names.nonlocals}
    moves: set[Target] = set()
    for node in ast.walk(body):
        if not isinstance(node, ast.Call):
            continue
        target = node.func
        calls_fsm = (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                     and target.value.id == "fsm")
        if calls_fsm and isinstance(target, ast.Attribute) and target.attr == "finish":
            moves.add(END)
        elif calls_fsm and isinstance(target, ast.Attribute) and target.attr == "goto":
            arg = node.args[0] if node.args else None
            state = scope.get(arg.id) if isinstance(arg, ast.Name) else None
            if not isinstance(state, State):
                raise FlowDeclarationError(
                    "fsm.goto needs a state by name, got "
                    f"{ast.unparse(arg) if arg is not None else 'nothing'}")
            moves.add(state)
        elif any(isinstance(a, ast.Name) and a.id == "fsm"
                 for a in (*node.args, *(k.value for k in node.keywords))):
            raise FlowDeclarationError(
                f"hands `fsm` to {ast.unparse(node.func)}: make the moves in "
                "the handler itself, where they are checked against its declaration")
    return frozenset(moves)


def _check_handler(handler: Handler, flows: set[Flow]) -> None:
    where = handler.name
    states = [m for m in handler.moves if isinstance(m, State)]
    for state in states:
        if state.flow not in flows or state.flow.states.get(state.key) is not state:
            raise FlowDeclarationError(f"{where} moves to {state!r}, a state of no declared "
                                       "flow (is its router included with `flows=`?)")
    home = _source_of(handler)
    if handler.command and states:
        raise FlowDeclarationError(f"{where}: a global command may only leave a flow")
    if home is not None:
        strays = [s for s in states if s.flow is not home]
        if strays:
            raise FlowDeclarationError(f"{where} in flow {home.name!r} moves into another "
                                       f"flow: {strays}")
    elif handler.state is ANY and states and handler.kind == "message":
        raise FlowDeclarationError(f"{where} runs in any state and enters {states}: it would "
                                   "take input another flow owns; register it outside flows")
    elif len({s.flow for s in states}) > 1:
        raise FlowDeclarationError(f"{where} enters more than one flow")
    found = _code_moves(handler)
    if found - handler.moves:
        raise FlowDeclarationError(f"{where} makes undeclared transitions to "
                                   f"{sorted(map(repr, found - handler.moves))}")
    if handler.moves - found:
        raise FlowDeclarationError(f"{where} declares transitions its code never makes: "
                                   f"{sorted(map(repr, handler.moves - found))}")


def _check_reachable(flow: Flow, handlers: list[Handler]) -> None:
    reached: set[State] = set()
    frontier = [s for h in handlers if _source_of(h) is None
                for s in h.moves if isinstance(s, State) and s.flow is flow]
    while frontier:
        state = frontier.pop()
        if state in reached:
            continue
        reached.add(state)
        frontier.extend(s for h in handlers if h.state is state or h.state is flow
                        for s in h.moves if isinstance(s, State))
    missing = [s.name for s in flow.states.values() if s not in reached]
    if missing:
        raise FlowDeclarationError(f"flow {flow.name!r}: no declared transition reaches "
                                   f"{missing}")


def check_flows(routers: Iterable[Router]) -> None:
    """Raise FlowDeclarationError on the first inconsistency of the routers' flows."""
    routers = list(routers)
    flows = {f for r in routers for f in r.flows}
    names = [f.name for f in flows]
    if len(names) != len(set(names)):
        raise FlowDeclarationError(f"two flows share a name: {sorted(names)}")
    handlers = [h for r in routers for h in (*r.handlers, *r.fallbacks)]
    for handler in handlers:
        _check_handler(handler, flows)
    for flow in flows:
        _check_reachable(flow, handlers)


def _describe(handler: Handler) -> str:
    parts = [f.describe() for f in handler.filters]
    return " + ".join(parts) if parts else ("any message" if handler.kind == "message"
                                            else "any event")


def _name(spec: object) -> str:
    if spec is None:
        return "(none)"
    if spec is ANY:
        return "(any)"
    if isinstance(spec, Flow):
        return f"(any {spec.name})"
    if isinstance(spec, State):
        return spec.name
    return "(end)"


def _width(text: str) -> int:
    """Display width: a Chinese character takes two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def flow_table(router: Router) -> str:
    """The transition table of the router's flows, as the module's docstring shows it."""
    flows = set(router.flows)
    rows = [("from", "input", "to", "handler")]
    notes: dict[str, str] = {}
    for handler in router.handlers:
        home = _source_of(handler)
        enters = any(isinstance(m, State) and m.flow in flows for m in handler.moves)
        if home not in flows and not enters:
            continue
        to = ", ".join(sorted(_name(m) for m in handler.moves)) or "(same)"
        name = handler.func.__name__
        rows.append((_name(handler.state), _describe(handler), to, name))
        doc = inspect.getdoc(handler.func)
        if doc:
            notes[name] = " ".join(doc.split("\n\n")[0].split())
    widths = [max(_width(r[i]) for r in rows) for i in range(4)]
    lines = ["| " + " | ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)) + " |"
             for r in rows]
    lines.insert(1, "| " + " | ".join("-" * w for w in widths) + " |")
    heads = [f"{f.name} ({f.title}): states {', '.join(s.name for s in f.states.values())};"
             f" dropped after {f.timeout} s of silence" for f in router.flows]
    legend = [textwrap.fill(f"{name}: {doc}", 94, subsequent_indent="    ")
              for name, doc in notes.items()]
    tail = ("In every state the global commands (帮助, 菜单, 取消) answer first (取消 leaves "
            "the flow);\nanything no row takes gets the state's prompt again.")
    return "\n".join([*heads, *lines, *legend, tail])
