"""Exams: the personal signed link, the timer that runs through disconnects, autosave,
auto-submit at zero by the worker, grading, and a pass making a formal expert."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from aiohttp.test_utils import TestClient

from models.experts import ExpertProfile, ExpertSpecialty
from models.learning.exams import ExamAttempt
from models.notifications import Notification
from models.people import RoleGrant
from services.common.clock import CHINA
from services.common.errors import DomainError
from tests.support.clock import MovedClock
from tests.support.education import RIGHT, approved_applicant
from tests.support.helpers import eventually, said
from tests.support.wechat import Chat
from web.context import DOMAIN


def _path(link: str) -> str:
    url = urlsplit(link)
    return f"{url.path}?{url.query}"


async def test_scheduling_sends_each_approved_applicant_their_own_link(
        client: TestClient, demo: dict, chat: Chat) -> None:
    exam, person = await approved_applicant(client, demo)
    invite = await Notification.get(person_id=person.id, kind="exam.invitation")
    link = invite.params["link"]
    assert "/exam/" in link and invite.params["url"] == link
    page = await client.get(_path(link))
    assert page.status == 200 and "入库考试" in await page.text()
    # the same link is what 考试 answers in chat
    answer = await chat.say(demo["applicant"].openid, "考试")
    assert "考试链接（仅限本人使用" in answer.text and f"/exam/{exam.id}?t=" in answer.text
    # another person's or a tampered link is refused
    forged = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    assert (await client.get(_path(forged))).status == 403
    other = client.app[DOMAIN].exams.link(exam, person.id + 1)
    state = await client.get(_path(other).replace(f"/exam/{exam.id}?", f"/exam/{exam.id}/api/"
                                                  "state?"))
    assert state.status == 200 and (await state.json())["started"] is False
    start = await client.post(_path(other).replace(f"/exam/{exam.id}?",
                                                   f"/exam/{exam.id}/api/start?"))
    assert start.status == 409 and "不在本次考试名单" in (await start.json())["message"]


async def test_timer_runs_through_a_disconnect_and_answers_are_kept(client: TestClient,
                                                                    demo: dict) -> None:
    exam, person = await approved_applicant(client, demo)
    link = client.app[DOMAIN].exams.link(exam, person.id)
    api = _path(link).replace(f"/exam/{exam.id}?", f"/exam/{exam.id}/api/{{}}?")
    started = await (await client.post(api.format("start"))).json()
    assert started["remaining"] > 3500 and len(started["questions"]) == 5
    assert "answer" not in str(started["questions"])  # the paper has no answers in it
    await client.post(api.format("answer"), json={"question": "1", "answer": "B"})
    # the candidate's network drops; the clock does not stop: an hour passes
    await ExamAttempt.filter(person_id=person.id).update(
        deadline=datetime.now(UTC) + timedelta(seconds=30))
    back = await (await client.get(api.format("state"))).json()
    assert 0 < back["remaining"] <= 30 and back["answers"] == {"1": "B"}
    # a restart of the attempt does not reset the deadline
    again = await (await client.post(api.format("start"))).json()
    assert again["remaining"] <= 30


async def test_at_zero_the_worker_hands_the_paper_in(client: TestClient, demo: dict) -> None:
    # the exam closes in 2 s, so the deadline (and the timer job) is 2 s away
    exam, person = await approved_applicant(client, demo, closes_in=2)
    exams = client.app[DOMAIN].exams
    attempt = await exams.start(exam, person.id, datetime.now(UTC))
    for qid, value in RIGHT.items():
        await exams.answer(attempt, exam, qid, value, datetime.now(UTC))
    await eventually(lambda: _submitted(attempt.id), timeout=8)
    done = await ExamAttempt.get(id=attempt.id)
    assert done.submitted_by == "timer" and done.score == 100 and done.passed
    late = await exams.attempt(exam, person.id)
    assert late is not None and late.submitted_at is not None


async def test_answers_saved_at_once_are_all_kept(client: TestClient, demo: dict) -> None:
    """A phone saves each answer as it is given: a choice ticked and the next one given a
    moment later reach the service at once, and neither is lost."""
    exam, person = await approved_applicant(client, demo)
    exams = client.app[DOMAIN].exams
    # each save with the attempt as its request read it, before the other's write
    copies = [await exams.attempt(exam, person.id) or await exams.start(
        exam, person.id, datetime.now(UTC)) for _ in RIGHT]
    await asyncio.gather(*(exams.answer(copy, exam, qid, value, datetime.now(UTC))
                           for copy, (qid, value) in zip(copies, RIGHT.items(), strict=True)))
    assert (await ExamAttempt.get(id=copies[0].id)).answers == RIGHT


async def _submitted(attempt_id: int) -> bool:
    return (await ExamAttempt.get(id=attempt_id)).submitted_at is not None


async def test_an_answer_after_the_deadline_is_refused_and_submits(client: TestClient,
                                                                   demo: dict) -> None:
    exam, person = await approved_applicant(client, demo)
    exams = client.app[DOMAIN].exams
    attempt = await exams.start(exam, person.id, datetime.now(UTC))
    late = attempt.deadline + timedelta(seconds=1)
    try:
        await exams.answer(attempt, exam, "1", "B", late)
    except DomainError as exc:
        assert "自动交卷" in said(exc)
    else:
        raise AssertionError("a late answer was accepted")
    assert (await ExamAttempt.get(id=attempt.id)).submitted_by == "timer"


async def test_passing_makes_a_formal_expert(client: TestClient, demo: dict,
                                             chat: Chat) -> None:
    exam, person = await approved_applicant(client, demo)
    exams = client.app[DOMAIN].exams
    attempt = await exams.start(exam, person.id, datetime.now(UTC))
    for qid, value in RIGHT.items():
        await exams.answer(attempt, exam, qid, value, datetime.now(UTC))
    result = await exams.submit(attempt.id, datetime.now(UTC), by="candidate")
    assert result.score == 100 and result.passed
    profile = await ExpertProfile.get(person_id=person.id)
    # the number carries the year as China counts it (2027 from 16:00 UTC on 31 December)
    assert profile.expert_number.startswith("44" + str(datetime.now(CHINA).year))
    codes = await ExpertSpecialty.filter(expert_id=profile.id).values_list("code", flat=True)
    assert list(codes) == ["A0401"]  # the alternate was not admitted
    roles = await RoleGrant.filter(person_id=person.id, revoked_at=None).values_list("role",
                                                                                    flat=True)
    assert list(roles) == ["expert"]
    note = await Notification.get(person_id=person.id, kind="exam.passed")
    assert note.params["expert_number"] == profile.expert_number
    me = await chat.say(demo["applicant"].openid, "我的信息")
    assert "评标专家" in me.text and profile.expert_number in me.text
    # submitting twice changes nothing
    assert (await exams.submit(attempt.id, datetime.now(UTC), by="candidate")).score == 100


async def test_failing_is_told_what_next(client: TestClient, demo: dict) -> None:
    exam, person = await approved_applicant(client, demo)
    exams = client.app[DOMAIN].exams
    attempt = await exams.start(exam, person.id, datetime.now(UTC))
    await exams.answer(attempt, exam, "1", "A", datetime.now(UTC))
    result = await exams.submit(attempt.id, datetime.now(UTC), by="candidate")
    assert result.score == 0 and result.passed is False
    assert not await ExpertProfile.exists(person_id=person.id)
    note = await Notification.get(person_id=person.id, kind="exam.failed")
    assert note.params["pass_score"] == 60


async def test_two_starts_at_once_make_one_attempt(client: TestClient, demo: dict) -> None:
    exam, person = await approved_applicant(client, demo)
    exams = client.app[DOMAIN].exams
    now = datetime.now(UTC)
    a, b = await asyncio.gather(exams.start(exam, person.id, now), exams.start(
        exam, person.id, now))
    assert a.id == b.id and await ExamAttempt.filter(person_id=person.id).count() == 1


async def test_an_exam_starts_on_a_service_clock_behind_the_machines(
        client: TestClient, demo: dict, clock: MovedClock) -> None:
    """The service's clock two days behind the machine's (as the year's walk sets it to its
    first day): the paper starts and its timer is set, kept a day past the deadline by the
    service's clock (by the machine's, its keeping would be negative, Redis would refuse it
    and the start fail)."""
    exam, person = await approved_applicant(client, demo)
    clock.advance(-2 * 86400)
    exam.opens_at -= timedelta(days=2)
    await exam.save(update_fields=["opens_at"])
    attempt = await client.app[DOMAIN].exams.start(exam, person.id, clock.now())
    assert abs((attempt.deadline - clock.now()).total_seconds() - 3600) < 60
