"""The 失信被执行人 check against the loopback fake provider, over real HTTP
and the in-process worker: an admitted expert is checked after the admission commits and a
listed one is flagged; the periodic run flags a newly listed expert once, and a new case
grows the open flag; a temporary error is retried, and failures are counted; a bad
signature or a refused account stops the run; only the administrator has the endpoints."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot.providers.dishonesty.http import DishonestyConfig, DishonestyHttp
from config.clients import sandbox_dishonesty_keys
from config.settings import Settings
from models.dishonesty import DishonestyFlag, DishonestyRun
from models.experts import ExpertProfile
from models.people import Person
from sandbox.fake_dishonesty import DISHONESTY, DishonestyFake
from services.demo_codes import demo_id
from services.people.dishonesty.provider import DishonestyRefused
from services.people.dishonesty.runs import DishonestyChecks
from tests.support.api import Api
from tests.support.applications import in_notice
from tests.support.helpers import eventually
from tests.support.settings import make_settings
from web.context import DOMAIN

WAIT = 20.0  # s: the sweep hands a run to the worker every 5 s


@pytest.fixture
def settings(infra: dict[str, str], wechat: TestServer) -> Settings:
    return make_settings(infra, WECHAT_API_BASE=str(wechat.make_url("")).rstrip("/"),
                         DISHONESTY_PROVIDER="sandbox")


@pytest.fixture
def fake(wechat: TestServer, settings: Settings) -> DishonestyFake:
    fake = wechat.app[DISHONESTY]
    key, secret = sandbox_dishonesty_keys(settings)
    fake.keys = {key: secret}
    return fake


def _checks(api: Api) -> DishonestyChecks:
    checks = api.client.app[DOMAIN].dishonesty
    checks.backoff = (0.05, 0.1)  # the retries' waits, short for the test
    return checks


async def _finished(run_id: int) -> DishonestyRun:
    async def done() -> bool:
        return (await DishonestyRun.get(id=run_id)).status != "running"

    await eventually(done, WAIT)
    return await DishonestyRun.get(id=run_id)


async def _days_ago(days: int) -> None:
    """The runs so far, as if they had started `days` ago."""
    await DishonestyRun.all().update(started_at=datetime.now(UTC) - timedelta(days=days))


async def _due_after_a_week(checks: DishonestyChecks) -> int:
    await _days_ago(7)
    run = await checks.due(datetime.now(UTC))
    assert run is not None
    return run.id


async def test_an_admitted_expert_is_checked_and_a_listed_one_is_flagged(
        api: Api, demo: dict, fake: DishonestyFake) -> None:
    app = await in_notice(api, demo)
    person = await Person.get(id=app.person_id)
    fake.list_person(api.client.app[DOMAIN].people.id_number_of(person))
    assert app.notice_until is not None
    assert await api.client.app[DOMAIN].public_notice.close_due(
        app.notice_until + timedelta(minutes=1)) == 1  # the admission does not wait
    profile = await ExpertProfile.get(person_id=app.person_id)
    run = await DishonestyRun.get(expert_id=profile.id)
    assert run.trigger == "admission" and run.total == 1
    run = await _finished(run.id)
    assert (run.status, run.checked, run.found, run.flagged, run.failed) == ("done", 1, 1, 1, 0)
    admin = await api.login(demo["admin"].mp_openid)
    flags = await api.call("GET", "/admin/dishonesty/flags", admin)
    assert flags.status == 200 and flags.data["enabled"] is True
    [flag] = flags.data["items"]
    assert flag["expert_number"] == profile.expert_number and flag["expert_name"] == person.name
    assert flag["cases"] == [{"case_number": "(2024)粤0106执1234号",
                              "court": "广州市天河区人民法院", "published_on": "2024-06-18"}]
    assert flag["status_title"] == "待处理"
    # not excluded by the check: the expert stays active until the administrator decides
    assert (await ExpertProfile.get(id=profile.id)).active
    # handled with a note, once
    path = f"/admin/dishonesty/flags/{flag['id']}/handled"
    done = await api.call("POST", path, admin, {"handling": "已核实，作出暂停评标资格处分"})
    assert done.status == 200 and done.data["status"] == "handled"
    assert done.data["handled_by"] == "周平"
    again = await api.call("POST", path, admin, {"handling": "再次处理"})
    assert again.status == 409 and "已经处理过" in again.message
    assert (await api.call("GET", "/admin/dishonesty/flags", admin)).data["items"] == []


async def test_the_periodic_run_flags_a_newly_listed_expert_once(
        api: Api, demo: dict, fake: DishonestyFake) -> None:
    checks = _checks(api)
    first = await checks.due(datetime.now(UTC))  # no full run yet: due
    assert first is not None and first.trigger == "schedule"
    first = await _finished(first.id)
    experts = await ExpertProfile.filter(active=True).count()
    assert (first.status, first.total, first.checked, first.found) == ("done", experts,
                                                                      experts, 0)
    await _days_ago(3)
    assert await checks.due(datetime.now(UTC)) is None  # weekly by default
    fake.list_person(demo["expert"].id_number)
    second = await _finished(await _due_after_a_week(checks))
    assert (second.found, second.flagged) == (1, 1)
    expert = await ExpertProfile.get(expert_number="GD-ZJ-000001")
    assert await DishonestyFlag.filter(expert_id=expert.id).count() == 1
    # the same finding again: no second flag
    third = await _finished(await _due_after_a_week(checks))
    assert (third.found, third.flagged) == (1, 0)
    assert await DishonestyFlag.filter(expert_id=expert.id).count() == 1
    # a new case: the open flag grows, started by the administrator now
    fake.list_person(demo["expert"].id_number, case_number="(2025)粤0104执88号",
                     court="广州市越秀区人民法院", published_on="2025-01-09")
    admin = await api.login(demo["admin"].mp_openid)
    started = await api.call("POST", "/admin/dishonesty/runs", admin)
    assert started.status == 200 and started.data["trigger_title"] == "管理员发起"
    fourth = await _finished(started.data["id"])
    assert (fourth.found, fourth.flagged, fourth.started_by) == (1, 1, (await Person.get(
        name="周平")).id)
    [flag] = await DishonestyFlag.filter(expert_id=expert.id)
    assert [c["case_number"] for c in flag.cases] == ["(2024)粤0106执1234号",
                                                      "(2025)粤0104执88号"]
    runs = await api.call("GET", "/admin/dishonesty/runs", admin)
    assert [r["trigger"] for r in runs.data["runs"]] == ["admin", "schedule", "schedule",
                                                         "schedule"]


async def test_errors_are_retried_and_failures_counted(
        api: Api, demo: dict, fake: DishonestyFake) -> None:
    checks, admin = _checks(api), await api.login(demo["admin"].mp_openid)
    experts = await ExpertProfile.filter(active=True).count()
    fake.failures = [503, 429]  # the first expert: answered at the third attempt
    run = await _finished((await api.call("POST", "/admin/dishonesty/runs", admin)).data["id"])
    assert (run.status, run.checked, run.failed) == ("done", experts, 0)
    assert fake.requests == experts + 2
    fake.failures = [503, 502, 500]  # three times in a row: that expert is not checked
    run = await _finished((await checks.start(datetime.now(UTC), None)).id)
    assert (run.status, run.checked, run.failed) == ("done", experts - 1, 1)
    listed = await api.call("GET", "/admin/dishonesty/runs", admin)
    assert listed.data["runs"][0]["failed"] == 1
    # the account refused (suspended, quota used up): the run stops, nothing retried
    fake.failures = [403]
    before = fake.requests
    run = await _finished((await checks.start(datetime.now(UTC), None)).id)
    assert (run.status, run.checked) == ("refused", 0) and fake.requests == before + 1
    listed = await api.call("GET", "/admin/dishonesty/runs", admin)
    assert "已中止" in listed.data["runs"][0]["status_title"]


async def test_the_fake_refuses_a_wrong_signature(
        wechat: TestServer, settings: Settings, fake: DishonestyFake) -> None:
    key, secret = sandbox_dishonesty_keys(settings)
    base = str(wechat.make_url("/dishonesty"))
    number = demo_id("440104", date(1972, 8, 3), 23, True)
    fake.list_person(number)
    async with aiohttp.ClientSession() as session:
        right = DishonestyHttp(session, DishonestyConfig(key, secret, base))
        finding = await right.query("李建国", number)
        assert finding.listed and finding.cases[0].court == "广州市天河区人民法院"
        other = demo_id("440104", date(1972, 8, 3), 25, True)
        assert not (await right.query("李建国", other)).listed
        wrong = DishonestyHttp(session, DishonestyConfig(key, secret + "x", base))
        with pytest.raises(DishonestyRefused):
            await wrong.query("李建国", number)
        stale = DishonestyHttp(session, DishonestyConfig(key, secret, base),
                               clock=lambda: datetime.now(UTC).timestamp() - 600)
        with pytest.raises(DishonestyRefused):
            await stale.query("李建国", number)
    assert fake.refused == 2


async def test_only_the_administrator_has_the_check(
        api: Api, demo: dict, fake: DishonestyFake) -> None:
    handler = await api.login(demo["handler"].mp_openid)
    for method, path in (("GET", "/admin/dishonesty/flags"), ("GET", "/admin/dishonesty/runs"),
                         ("POST", "/admin/dishonesty/runs"),
                         ("POST", "/admin/dishonesty/flags/1/handled")):
        answer = await api.call(method, path, handler, {"handling": "x"} if method == "POST"
                                else None)
        assert answer.status == 403, (path, answer.data)
