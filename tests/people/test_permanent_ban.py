"""A permanent sanction outlives anonymisation (实施条例 Art. 71: 取消其担任评标委员会成员的资格;
Art. 72: 不得再参加任何依法必须进行招标的项目的评标): when the retention period after
deregistration ends, a removed or banned expert's identity is erased but their ID number's
keyed hash is kept, so the same person cannot come back as a stranger, neither by applying
nor through a register import; a deregistered expert without one can."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from config.settings import Settings
from models.experts import ExpertProfile, RegisterImport
from models.people import Person, phone_is, rehash_id_number
from models.sanctions import Sanction, SanctionKind
from services.common.clock import china_today
from services.jobs import DOMAIN_CTX, enforce_retention
from tests.support.api import Api
from tests.support.applications import applicant, make_batch
from tests.support.helpers import eventually
from tests.support.register import person_id, register, row
from tests.support.settings import make_settings
from web.context import DOMAIN

RETENTION_DAYS = 30


@pytest.fixture
def settings(infra: dict[str, str], wechat: TestServer) -> Settings:
    """The test's own retention: 30 days after deregistration instead of 15 years."""
    return make_settings(infra, WECHAT_API_BASE=str(wechat.make_url("")).rstrip("/"),
                         PERSONAL_DATA_RETENTION_DAYS=RETENTION_DAYS)


async def _imported(api: Api, admin: str, *rows: list[str]) -> dict:
    started = await api.upload("/admin/register/imports?dry_run=false", admin,
                               register(*rows), "名册.xlsx",
                               "application/octet-stream")
    assert started.status == 200, started.data

    async def ended() -> bool:
        return (await RegisterImport.get(id=started.data["id"])).status == "done"

    await eventually(ended, timeout=30)
    return dict((await api.call("GET", f"/admin/register/imports/{started.data['id']}",
                                admin)).data)


async def test_a_removed_expert_cannot_apply_again(api: Api, demo: dict) -> None:
    """Before anonymisation too: the own record's removal bars a new application."""
    token = await applicant(api, demo)
    me = await Person.get(phone_is(demo["applicant"].phone))
    profile = await ExpertProfile.create(person_id=me.id, expert_number="GD2019000778",
                                         region="4401", work_unit="广州市某设计院", active=False)
    await Sanction.create(expert_id=profile.id, kind=SanctionKind.REMOVAL,
                          reason="私下接触投标人", decided_on=date(2025, 3, 1),
                          starts_on=date(2025, 3, 1), decided_by=1)
    batch = await make_batch("2026年评标专家征集")
    refused = await api.call("POST", "/applications", token, {"batch_id": batch.id})
    assert refused.status == 403 and "不能再申请成为评标专家" in refused.message
    # revoked on appeal: the bar goes with it
    await Sanction.filter(expert_id=profile.id).update(outcome="revoked")
    assert (await api.call("POST", "/applications", token, {"batch_id": batch.id})
            ).status == 200


async def test_a_banned_expert_stays_barred_after_anonymisation(
        api: Api, client: TestClient, demo: dict) -> None:
    admin = await api.login(demo["admin"].mp_openid)
    assert (await _imported(api, admin, row(1), row(2)))["created"] == 2
    banned, quiet = [await ExpertProfile.get(expert_number=f"SG-0000{n}") for n in (1, 2)]
    decided = await api.call("POST", "/admin/sanctions", admin, {
        "expert_number": banned.expert_number, "kind": "ban",
        "reason": "收受投标人财物", "starts_on": china_today(datetime.now(UTC)).isoformat()})
    assert decided.status == 200, decided.data
    long_ago = datetime.now(UTC) - timedelta(days=RETENTION_DAYS + 1)
    for profile in (banned, quiet):  # both deregistered (注销) more than the period ago
        await ExpertProfile.filter(id=profile.id).update(active=False)
        await Person.filter(id=profile.person_id).update(deregistered_at=long_ago)
    await enforce_retention({DOMAIN_CTX: client.app[DOMAIN]})
    gone, other = [await Person.get(id=p.person_id) for p in (banned, quiet)]
    assert gone.name == f"已注销用户{gone.id}" and gone.id_masked == "" and gone.phone == ""
    assert gone.id_number_hash.startswith("anon:b:")  # the keyed hash, nothing else
    assert other.id_number_hash == f"anon:{other.id}"
    # the register brings both back: the banned one is refused, in words, by row and column;
    # the other is a new person again (under a new number: the old one stays on the record)
    again = await _imported(api, admin, row(1, expert_number="SG-00011"),
                            row(2, expert_number="SG-00012"))
    assert (again["created"], again["refused"]) == (1, 1)
    (problem,) = again["problems"]
    assert (problem["row"], problem["column"]) == (2, "身份证号")
    assert "终身禁止" in problem["message"] and person_id(1) not in str(again)
    # the same person, with a new account, applies: refused and told why
    token = await applicant(api, demo)
    me = await Person.get(phone_is(demo["applicant"].phone))
    vault = client.app[DOMAIN].vault
    assert await rehash_id_number(me.id, me.id_number_hash, vault.lookup_hash(person_id(1)))
    batch = await make_batch("2026年评标专家征集")
    refused = await api.call("POST", "/applications", token, {"batch_id": batch.id})
    assert refused.status == 403 and "不能再申请成为评标专家" in refused.message
