"""Parity: every action the API offers a desk role — agency legal person and
handler, verifier, reviewer, the system (finance included), security and audit
administrators — is reachable in the console, whose pages call the API's own endpoints.
An endpoint a desk role may use and no console page names fails this test, unless it is
on the short list below with the reason."""

from __future__ import annotations

import re
from pathlib import Path

from console.pages import every_page
from miniapp_api.routes import api
from models.people import Role

ROOT = Path(__file__).resolve().parents[2]
DESK = {Role.AGENCY_LEGAL, Role.AGENCY_HANDLER, Role.VERIFIER, Role.REVIEWER, Role.ADMIN,
        Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}
# "METHOD path": why the console does without it
EXCEPTIONS: dict[str, str] = {}


def console_source() -> str:
    files = [*ROOT.joinpath("console").glob("*.py"), *ROOT.joinpath("console/pages").rglob("*.py")]
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


def test_every_desk_action_of_the_api_has_a_console_page_or_form() -> None:
    used = {p.uses for p in every_page() if p.uses is not None}
    source = console_source()
    missing = []
    for ep in api().endpoints:
        if ep.roles is None or not ep.roles & DESK:
            continue
        named = re.search(rf"\.{ep.handler.__name__}\b", source) is not None
        if ep.handler in used or named or f"{ep.method} {ep.path}" in EXCEPTIONS:
            continue
        missing.append(f"{ep.method} {ep.path} ({ep.handler.__module__}.{ep.handler.__name__})")
    assert not missing, "desk actions without a console page:\n" + "\n".join(missing)


def test_the_exceptions_are_few_and_say_why() -> None:
    assert len(EXCEPTIONS) <= 5 and all(len(why) > 10 for why in EXCEPTIONS.values())
