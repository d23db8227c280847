"""Role checks on every endpoint, encryption at rest, and masking in logs."""

from __future__ import annotations

import logging
import re

import pytest
from aiohttp.test_utils import TestClient
from tortoise import connections

from config.keys import RUNTIME
from miniapp_api.routes import api as collect
from models.people import Role
from tests.helpers import Api

# A demo person holding each role (the migrated expert still has the initial password).
ROLE_HOLDERS = {Role.APPLICANT: "applicant", Role.EXPERT: "expert",
                Role.AGENCY_LEGAL: "agency_legal", Role.AGENCY_HANDLER: "handler",
                Role.REVIEWER: "reviewer", Role.VERIFIER: "verifier", Role.ADMIN: "admin"}


async def test_each_role_gets_403_from_every_other_roles_endpoints(api: Api, demo: dict) -> None:
    tokens = {role: await api.login(demo[key].mp_openid) for role, key in ROLE_HOLDERS.items()}
    restricted = [ep for ep in collect().endpoints if ep.roles is not None]
    assert {r for ep in restricted for r in ep.roles} >= {
        Role.EXPERT, Role.AGENCY_LEGAL, Role.AGENCY_HANDLER, Role.REVIEWER, Role.VERIFIER,
        Role.ADMIN}
    checked = 0
    for ep in restricted:
        path = re.sub(r"{\w+}", "1", ep.path)
        for role, token in tokens.items():
            answer = await api.call(ep.method, path, token,
                                    json={} if ep.method in ("POST", "PUT") else None)
            if role in ep.roles:
                assert answer.status != 403, (ep.path, role, answer.data)
            else:
                assert answer.status == 403, (ep.path, role, answer.data)
                assert answer.error == "forbidden" and "没有权限" in answer.message
                checked += 1
    assert checked >= 40


async def test_a_handler_past_its_validity_loses_the_role(api: Api, demo: dict) -> None:
    from datetime import UTC, datetime, timedelta

    from models.people import RoleGrant

    token = await api.login(demo["handler"].mp_openid)
    assert (await api.call("GET", "/agency/membership", token)).status == 200
    await RoleGrant.filter(role=Role.AGENCY_HANDLER).update(
        valid_until=datetime.now(UTC) - timedelta(minutes=1))
    assert (await api.call("GET", "/agency/membership", token)).status == 403


async def test_legal_person_links_a_handler_for_a_period(api: Api, demo: dict) -> None:
    token = await api.login(demo["agency_legal"].mp_openid)
    linked = await api.call("POST", "/agency/handlers", token,
                            {"phone": demo["applicant"].phone,
                             "valid_until": "2099-01-01T00:00:00+08:00"})
    assert linked.status == 200 and linked.data["name"] == "王晓明"
    listed = await api.call("GET", "/agency/handlers", token)
    assert {m["name"] for m in listed.data["members"]} == {"陈志强", "王晓明"}
    past = await api.call("POST", "/agency/handlers", token,
                          {"phone": demo["expert"].phone, "valid_until": "2000-01-01T00:00:00Z"})
    assert past.status == 400 and "有效期" in past.message


async def test_id_numbers_are_encrypted_at_rest(client: TestClient, demo: dict) -> None:
    expert = demo["expert"]
    rows = await connections.get("default").execute_query_dict("SELECT * FROM person")
    dump = repr(rows)
    for person in demo.values():
        assert person.id_number not in dump
        assert person.id_number[6:14] not in dump  # not even the birth date part in clear
    people = client.app[RUNTIME].domain.people
    stored = await people.by_id_number(expert.id_number)
    assert stored is not None and people.id_number_of(stored) == expert.id_number
    assert stored.id_number_hash != expert.id_number and len(stored.id_number_hash) == 64


def test_log_lines_are_masked_even_where_code_forgets(caplog: pytest.LogCaptureFixture) -> None:
    from config.logging_setup import install_pii_masking

    install_pii_masking()
    log = logging.getLogger("careless.module")
    with caplog.at_level(logging.INFO):
        log.info("user %s with id %s", "13812345678", "11010519491231002X")
        log.warning("raw f-string 13900001111 and 440524188001010014")
        try:
            raise ValueError("bad 11010519491231002X")
        except ValueError:
            log.exception("failed")
    text = caplog.text
    assert "13812345678" not in text and "11010519491231002X" not in text
    assert "138****5678" in text and "110105********002X" in text
    assert "440524********0014" in text
