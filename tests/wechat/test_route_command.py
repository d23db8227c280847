"""`expertbot route`: which chat handler answers a text, from the routing tables alone. Checked
on what a developer reads (the answering handler, its file:line, the order of the handlers
tried before it) and against the real dispatcher's own matching, so the explanation cannot
drift from the routing it explains."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import typing
from pathlib import Path
from unittest.mock import Mock

import pytest

from bot.conversation.dispatcher import EVENT_NAMES, Dispatcher
from bot.conversation.explain import (
    ANSWERS,
    MAY_DECLINE,
    explain,
    states_of,
    synthetic_event,
    where,
)
from bot.conversation.router import Handler, Router
from config.cli.route import run_route
from handlers import account, common, draw_reply, fallback
from handlers.help import feedback
from handlers.routing import routers
from services.common.scenes import SceneCodec
from tests.support.helpers import TEXTS

ROOT = Path(__file__).resolve().parents[2]
EXPERT = "expert"


def route(text: str, state: str | None = None, roles: str | None = EXPERT
          ) -> tuple[int, str, str]:
    """The exit status, stdout and stderr of `expertbot route` run in process."""
    out, err = io.StringIO(), io.StringIO()
    status = run_route(text, state, roles, out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def located(func: typing.Callable[..., object]) -> str:
    """`handlers/x.py:N` as printed, checked to point at the function's `def` line."""
    spot = where(func)
    path, line = spot.rsplit(":", 1)
    source = (ROOT / path).read_text().splitlines()[int(line) - 1]
    assert re.match(rf"\s*(async )?def {func.__name__}\(", source), (spot, source)
    return spot


def tried(output: str) -> list[str]:
    """The handlers of the 'tried' list, in the order printed."""
    return re.findall(r"^\s+\d+\. (\S+)", output, re.MULTILINE)


def answered_by(output: str) -> str:
    found = re.search(r"^answered by: (.*)$", output, re.MULTILINE)
    assert found, output
    return found.group(1)


@pytest.mark.parametrize(("text", "seen"), [("1", "choice='1'"), ("参加", "choice='参加'"),
                                            ("2，出差", "choice='2', reason='出差'")])
def test_an_invitation_answer_goes_to_draw_reply(text: str, seen: str) -> None:
    status, out, _ = route(text)
    assert status == 0
    assert answered_by(out) == f"handlers.draw_reply.answer ({located(draw_reply.answer)})"
    assert f"[{seen}]" in out  # what the regex hands the handler
    order = tried(out)
    # the global commands were tried first, and said no — the 人工客服 desk's first, which
    # takes text only while the sender's ticket is open (none is, explaining a route)
    assert order[:4] == ["handlers.help.support.with_the_desk", "handlers.common.on_help",
                         "handlers.common.on_menu", "handlers.common.on_cancel"]
    assert "Texting(any text while a 人工客服 ticket is open) does not match" in out
    assert order.index("handlers.account.start_binding") < order.index(
        "handlers.help.feedback.start") < order.index("handlers.draw_reply.answer")
    assert "rejected: Text(帮助 / help / ? …) does not match" in out
    assert "wrong state: only in bind:ask_id" in out  # take_id_number, before it
    # the answer may decline: what would answer then is shown too, and tried last
    assert "may decline (returns PASS)" in out
    assert re.search(r"^  if it declines: handlers\.fallback\.on_anything_else "
                     rf"\({re.escape(located(fallback.on_anything_else))}\), the fallback$",
                     out, re.MULTILINE)
    assert order[-1] == "handlers.fallback.on_anything_else"


def test_an_everyday_word_is_an_answer_that_may_decline() -> None:
    """好的 counts only while an invitation waits: the handler decides, the route says so."""
    status, out, _ = route("好的")
    assert status == 0
    assert answered_by(out) == f"handlers.draw_reply.answer ({located(draw_reply.answer)})"
    line = next(ln for ln in out.splitlines() if "handlers.draw_reply.answer " in ln
                and ". handlers" in ln)
    assert f"{MAY_DECLINE}: Regex(" in line and "[choice='好的']" in line
    assert "if it declines: handlers.fallback.on_anything_else" in out


def test_inside_the_bind_flow_its_own_handler_answers_first() -> None:
    """`1` from a user asked for an ID number is the ID number, not an invitation answer."""
    status, out, _ = route("1", "bind:ask_id", roles=None)
    assert status == 0
    take = account.take_id_number
    assert answered_by(out) == f"handlers.account.take_id_number ({located(take)})"
    assert "state: bind:ask_id (flow 绑定账户)" in out
    assert "an unbound visitor (no person: no --roles given)" in out
    assert tried(out) == ["handlers.help.support.with_the_desk", "handlers.common.on_help",
                          "handlers.common.on_menu", "handlers.common.on_cancel",
                          "handlers.account.take_id_number"]
    assert "the flow's own handlers (a flow owns its input)" in out
    assert "draw_reply" not in out and "may decline" not in out


def test_a_global_command_answers_first_inside_a_flow() -> None:
    status, out, _ = route("帮助", "bind:ask_id")
    assert status == 0
    assert answered_by(out) == f"handlers.common.on_help ({located(common.on_help)})"
    assert tried(out) == ["handlers.help.support.with_the_desk", "handlers.common.on_help"]


def test_another_flows_state_takes_its_own_digits() -> None:
    status, out, _ = route("1", "feedback:choose_category")
    assert status == 0
    assert answered_by(out) == f"handlers.help.feedback.choose ({located(feedback.choose)})"


def test_what_no_handler_takes_goes_to_the_fallback_with_exit_1() -> None:
    status, out, _ = route("1", "bind:ask_code")
    assert status == 1
    assert answered_by(out).startswith("handlers.fallback.on_anything_else (")
    assert "no handler takes it: the fallback answers" in out
    assert "rejected: Regex(6 digits) does not match" in out  # take_code, owned, said no
    assert "the fallback asks again: chat/account/bind_ask_code.j2" in out
    status, out, _ = route("你好", roles=None)
    assert status == 1
    assert "the fallback suggests: 绑定" in out  # a visitor is pointed at binding


@pytest.mark.parametrize(("state", "roles", "says"), [
    ("bind:nope", EXPERT, "unknown state 'bind:nope'"),
    ("bind", EXPERT, "unknown state 'bind'"),
    (None, "expert,boss", "unknown role 'boss'"),
])
def test_bad_arguments_are_refused_with_the_valid_ones(state: str | None, roles: str,
                                                       says: str) -> None:
    status, out, err = route("1", state, roles)
    assert status == 2 and out == ""
    assert says in err
    assert "bind:ask_id" in err if "state" in says else "agency_handler" in err


@pytest.mark.process  # a process of its own (tests/README.md, "Tiers")
def test_the_console_script() -> None:
    script = Path(sys.executable).parent / "expertbot"
    done = subprocess.run([str(script), "route", "2，出差", "--roles", EXPERT],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert answered_by(done.stdout) == (
        f"handlers.draw_reply.answer ({located(draw_reply.answer)})")
    refused = subprocess.run([str(script), "route", "1", "--state", "nowhere:at_all"],
                             capture_output=True, text=True, timeout=60, check=False)
    assert refused.returncode == 2
    assert "unknown state 'nowhere:at_all'" in refused.stderr


def _dispatcher(tables: list[Router]) -> Dispatcher:
    """The real dispatcher over the real routers; each dependency a stand-in of its type."""
    deps: dict[str, object] = {}
    for handler in (h for r in tables for h in (*r.handlers, *r.fallbacks)):
        hints = typing.get_type_hints(handler.func)
        for name in set(handler.params) - EVENT_NAMES:
            wanted = hints.get(name)
            deps[name] = Mock(spec=wanted) if isinstance(wanted, type) else Mock()
    dispatcher = Dispatcher(texts=TEXTS, scenes=SceneCodec("route-test"), deps=deps,
                            middlewares=[])
    dispatcher.include(*tables)
    return dispatcher


@pytest.mark.parametrize(("text", "state"), [
    ("1", None), ("好的", None), ("2，出差", None), ("收到", None), ("123456", None),
    ("缴费记录", None), ("你好", None), ("1", "bind:ask_id"), ("帮助", "bind:ask_id"),
    ("1", "bind:ask_code"), ("123456", "bind:ask_code"), ("1", "unbind:confirm"),
    ("好的", "unbind:confirm"), ("1", "feedback:choose_category"),
    ("取消", "feedback:write_content"), ("全部", "draw_reply:pick"),
    ("1", "draw_reply:pick"), ("出差", "draw_reply:ask_reason"),
])
def test_the_route_is_the_dispatchers_own(text: str, state: str | None) -> None:
    """Whatever takes the text in the dispatcher (and, after a PASS, whatever takes it next)
    is what the route names, in that order."""
    tables = routers()
    states = states_of(tables)
    current = states[state] if state else None
    dispatcher = _dispatcher(tables)
    ev = synthetic_event(text, current, states)
    real: list[Handler] = []
    found = dispatcher._match(ev)
    while found is not None:
        real.append(found[0])
        found = dispatcher._match(ev, after=found[0])
    shown = explain(tables, text, current)
    takers = [s.handler for s in shown.steps if s.verdict in (MAY_DECLINE, ANSWERS)]
    assert takers == real[:len(takers)]
    assert shown.steps[-1].verdict == ANSWERS  # the last one shown cannot decline
