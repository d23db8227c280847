"""The reviewer of an application by someone who is (or was) an expert — a 续聘 or a change —
reads their record: credit, sanctions (in force, revoked) and the dishonest-debtor flags found
on them: a removed expert (TBL-REG Art. 72) must not be renewed unseen (HN-APPLY: 续聘 is
reviewed like a new application). An applicant who never was an expert has no record to
show."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from models.dishonesty import DishonestyFlag
from models.experts import ExpertProfile
from models.learning.education import Course, Enrollment
from models.people import Person, phone_is
from models.sanctions import Sanction, SanctionKind
from services.common.clock import china_today
from tests.support.api import Api
from tests.support.applications import applicant, make_batch, ready_to_submit
from tests.support.browser import screenshot, signed_in


async def test_the_reviewer_reads_the_applicants_record_as_an_expert(api: Api,
                                                                     demo: dict) -> None:
    token = await applicant(api, demo)
    batch = await make_batch()
    app_id = await ready_to_submit(api, token, batch)
    assert (await api.call("POST", f"/applications/{app_id}/submit", token)).status == 200
    reviewer = await api.login(demo["reviewer"].mp_openid)
    path = f"/review/applications/{app_id}/standing"
    plain = await api.call("GET", path, reviewer)
    assert plain.status == 200 and plain.data["expert"] is False and not plain.data["sanctions"]

    # the applicant was an expert: removed two years ago, once warned, a flag found
    person = await Person.get(phone_is(demo["applicant"].phone))
    profile = await ExpertProfile.create(person_id=person.id, expert_number="GD2019000777",
                                         region="4401", work_unit="广州市某设计院", active=False)
    today = china_today(datetime.now(UTC))
    await Sanction.create(expert_id=profile.id, kind=SanctionKind.WARNING, reason="迟到",
                          decided_on=today - timedelta(days=900),
                          starts_on=today - timedelta(days=900), decided_by=1)
    await Sanction.create(expert_id=profile.id, kind=SanctionKind.REMOVAL,
                          reason="私下接触投标人", decided_on=today - timedelta(days=700),
                          starts_on=today - timedelta(days=700), decided_by=1)
    await DishonestyFlag.create(expert_id=profile.id, found_at=datetime.now(UTC),
                                cases=[{"case": "（2025）粤0106执1号"}])
    # continuing education: one course passed, one paid and never handed in
    now = datetime.now(UTC)
    for title, grading in (("2026年评标专家继续教育", "passed"), ("政府采购法规更新", "")):
        course = await Course.create(title=title, year=2026, hours=16, study_from=now,
                                     study_until=now + timedelta(days=90))
        await Enrollment.create(course=course, person_id=person.id, paid_at=now,
                                grading=grading, completed_at=now if grading else None)
    read = await api.call("GET", path, reviewer)
    assert read.status == 200 and read.data["expert"] is True, read.data
    assert read.data["expert_number"] == "GD2019000777" and read.data["active"] is False
    assert read.data["credit_level"] in {"A", "B", "C", "D"}
    kinds = {s["kind"]: s for s in read.data["sanctions"]}
    assert kinds["取消评标专家资格"]["in_force"] and not kinds["警告"]["in_force"]
    assert [(f["cases"], f["open"]) for f in read.data["flags"]] == [(1, True)]
    assert {(c["title"], c["grading_title"]) for c in read.data["courses"]} == {
        ("2026年评标专家继续教育", "合格"), ("政府采购法规更新", "未提交")}
    # only a reviewer in scope reads it
    other = await api.call("GET", path, await api.login(demo["reviewer_province"].mp_openid))
    assert other.status == 403


async def removed_expert_applying(api: Api, demo: dict) -> int:
    """The demo applicant, once an expert removed for 私下接触投标人, applies again."""
    token = await applicant(api, demo)
    app_id = await ready_to_submit(api, token, await make_batch("2026年续聘"))
    assert (await api.call("POST", f"/applications/{app_id}/submit", token)).status == 200
    person = await Person.get(phone_is(demo["applicant"].phone))
    profile = await ExpertProfile.create(person_id=person.id, expert_number="GD2019000777",
                                         region="4401", work_unit="广州市某设计院",
                                         active=False)
    today = china_today(datetime.now(UTC))
    await Sanction.create(expert_id=profile.id, kind=SanctionKind.REMOVAL,
                          reason="私下接触投标人", decided_on=today - timedelta(days=700),
                          starts_on=today - timedelta(days=700), decided_by=1)
    return app_id


async def test_the_review_page_shows_the_record_beside_the_decision(
        api: Api, client: TestClient, demo: dict, browser: Any) -> None:
    from playwright.async_api import expect

    app_id = await removed_expert_applying(api, demo)
    desk = await signed_in(browser, client.server, demo["reviewer"].phone,
                           f"/console/review/{app_id}")
    card = desk.get_by_test_id("standing")
    await expect(card).to_contain_text("申请人的评标专家记录")
    await expect(card).to_contain_text("取消评标专家资格")
    await expect(card).to_contain_text("执行中")
    await expect(card).to_contain_text("已注销")
    await expect(card).to_contain_text("没有已缴费的继续教育课程")
    await screenshot(desk, "var/console-review-standing.png")
    await desk.context.close()
