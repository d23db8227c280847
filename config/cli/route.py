"""`expertbot route TEXT [--state FLOW:STATE] [--roles ROLE,...]`: which chat handler
answers a text and why each one tried before it did not (bot/conversation/explain.py), from the
routing tables alone: no database, no Redis. Exit status: 0 a handler answers, 1 only the fallback
does (or nothing), 2 bad arguments (an unknown state or role)."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from models.people import Role


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `route` to the `expertbot` command's subcommands."""
    parser = sub.add_parser("route", help="which chat handler answers a text, and why")
    parser.add_argument("text", metavar="TEXT", help="what the user sends, e.g. 1 or 帮助")
    parser.add_argument("--state", metavar="FLOW:STATE", default=None,
                        help="the flow state the user is in (default: outside any flow)")
    parser.add_argument("--roles", metavar="ROLE,...", default=None,
                        help="the sender's roles, a bound person (default: an unbound visitor)")
    parser.set_defaults(func=cmd_route)


def parse_roles(text: str | None) -> set[Role] | None:
    """--roles' value: None for an unbound visitor; raises ValueError naming an unknown role."""
    if text is None or not text.strip():
        return None
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in {r.value for r in Role}]
    if unknown:
        raise ValueError(f"unknown role {', '.join(map(repr, unknown))}; the roles are: "
                         f"{', '.join(r.value for r in Role)}")
    return {Role(n) for n in names}


def describe_sender(roles: set[Role] | None) -> str:
    """Who is emulated: an unbound visitor, or a bound person with these roles."""
    if roles is None:
        return "an unbound visitor (no person: no --roles given)"
    return f"a bound person with roles {', '.join(sorted(roles))}"


def run_route(text: str, state: str | None = None, roles: str | None = None, *,
              out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Print the route of `text` as `expertbot route` does; returns the exit status."""
    from bot.conversation.explain import explain, render, states_of
    from bot.conversation.router import FALLBACKS
    from handlers.fallback import suggestions
    from handlers.routing import routers

    out, err = out or sys.stdout, err or sys.stderr
    tables = routers()
    states = states_of(tables)
    if not text.strip():
        print("expertbot route: TEXT is empty (WeChat sends no empty text message)", file=err)
        return 2
    if state is not None and state not in states:
        print(f"expertbot route: unknown state {state!r} (give FLOW:STATE); the states are: "
              f"{', '.join(states)}", file=err)
        return 2
    try:
        sender = parse_roles(roles)
    except ValueError as exc:
        print(f"expertbot route: {exc}", file=err)
        return 2
    current = states[state] if state is not None else None
    route = explain(tables, text, current)
    print(render(route, describe_sender(sender)), file=out)
    taker = route.taker
    if taker is not None and taker.group == FALLBACKS and current is None:
        # what handlers/fallback.py answers outside flows: the sender's closest commands
        found = suggestions(route.text, sender is not None, set(sender or ()))
        print(f"\nthe fallback suggests: {' / '.join(found) or '(nothing)'}", file=out)
    elif taker is not None and taker.group == FALLBACKS and current is not None:
        print(f"\nthe fallback asks again: {current.prompt or '(the flow has no prompt)'}",
              file=out)
    return 1 if route.by_fallback else 0


def cmd_route(args: argparse.Namespace) -> None:
    raise SystemExit(run_route(args.text, args.state, args.roles))
