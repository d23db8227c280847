"""Flows are declared as data and checked at start-up: an unknown target state,
an unreachable state, an undeclared transition (or a declared one the code never makes), a
handler that would reach into another flow's conversation — each stops the start-up with a
message naming it; a move the declaration lacks is refused at run time too; the tables the
flow modules' docstrings show are the declarations, rendered."""

from __future__ import annotations

import pytest

from bot.conversation.flow import ANY, END, Flow, UndeclaredTransition
from bot.conversation.flowcheck import FlowDeclarationError, check_flows
from bot.conversation.fsm import FSMContext
from bot.conversation.router import Router
from handlers.routing import routers
from tools import flowdoc


def test_the_service_flows_hold_together() -> None:
    check_flows(routers())  # raises on the first inconsistency


@pytest.mark.parametrize("name", sorted(flowdoc.flow_modules()))
def test_each_flow_module_shows_the_table_of_its_declarations(name: str) -> None:
    path = flowdoc.ROOT / (name.replace(".", "/") + ".py")
    assert flowdoc.documented(name) == path.read_text(), \
        f"{name}: run `python tools/flowdoc.py` to write the table from the declarations"


def _flow() -> tuple[Flow, Router]:
    flow = Flow("demo", title="演示")
    return flow, Router("demo", flows=(flow,))


def test_an_unreachable_state_stops_the_start_up() -> None:
    flow, router = _flow()
    first = flow.state("first")
    flow.state("orphan")

    @router.message(goto=first)
    async def begin(fsm: FSMContext) -> None:
        fsm.goto(first)

    with pytest.raises(FlowDeclarationError, match=r"no declared transition reaches \['orphan'\]"):
        check_flows([router])


def test_an_unknown_target_state_stops_the_start_up() -> None:
    _, router = _flow()
    stray = Flow("undeclared", title="未登记").state("step")  # its router lists no such flow

    @router.message(goto=stray)
    async def begin(fsm: FSMContext) -> None:
        fsm.goto(stray)

    with pytest.raises(FlowDeclarationError, match="a state of no declared flow"):
        check_flows([router])


def test_an_undeclared_transition_stops_the_start_up() -> None:
    flow, router = _flow()
    first, second = flow.state("first"), flow.state("second")

    @router.message(goto=first)
    async def begin(fsm: FSMContext) -> None:
        fsm.goto(first)

    @router.message(state=first, goto=END)
    async def sneaky(fsm: FSMContext) -> None:
        if fsm.data:
            fsm.goto(second)  # not declared
        fsm.finish()

    with pytest.raises(FlowDeclarationError, match=r"demo.sneaky makes undeclared .*second"):
        check_flows([router])


def test_a_declared_transition_the_code_never_makes_stops_the_start_up() -> None:
    flow, router = _flow()
    first = flow.state("first")

    @router.message(goto=(first, END))
    async def begin(fsm: FSMContext) -> None:
        fsm.goto(first)

    with pytest.raises(FlowDeclarationError, match="never makes"):
        check_flows([router])


def test_an_any_state_message_handler_may_not_enter_a_flow() -> None:
    flow, router = _flow()
    first = flow.state("first")

    @router.message(state=ANY, goto=first)
    async def grab(fsm: FSMContext) -> None:
        fsm.goto(first)

    with pytest.raises(FlowDeclarationError, match="take input another flow owns"):
        check_flows([router])


def test_a_flow_does_not_move_into_another_flow() -> None:
    flow, router = _flow()
    first = flow.state("first")
    other = Flow("other", title="其他")
    elsewhere = other.state("step")
    router.flows.append(other)

    @router.message(goto=first)
    async def begin(fsm: FSMContext) -> None:
        fsm.goto(first)

    @router.message(goto=elsewhere)
    async def begin_other(fsm: FSMContext) -> None:
        fsm.goto(elsewhere)

    @router.message(state=first, goto=elsewhere)
    async def jump(fsm: FSMContext) -> None:
        fsm.goto(elsewhere)

    with pytest.raises(FlowDeclarationError, match="moves into another flow"):
        check_flows([router])


def test_moves_are_made_by_the_handler_itself() -> None:
    flow, router = _flow()
    first = flow.state("first")

    def helper(fsm: FSMContext) -> None:
        fsm.goto(first)

    @router.message(goto=first)
    async def begin(fsm: FSMContext) -> None:
        helper(fsm)

    with pytest.raises(FlowDeclarationError, match="hands `fsm` to helper"):
        check_flows([router])


def test_a_move_the_declaration_lacks_is_refused_at_run_time() -> None:
    flow, _ = _flow()
    first, second = flow.state("first"), flow.state("second")
    fsm = FSMContext(None, flow.states, 0.0)
    fsm.permit(frozenset({first}), "demo.begin")
    fsm.goto(first)
    with pytest.raises(UndeclaredTransition, match=r"demo\.begin moved to State\(demo:second\)"):
        fsm.goto(second)
    with pytest.raises(UndeclaredTransition):
        fsm.finish()
    assert fsm.state is first
