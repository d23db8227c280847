"""A batch of the year: opened, an application made and submitted, reviewed at each stage,
its 公示 run and closed by the sweep into a formal expert, the batch closed to anyone who
comes after its last day; its exam scheduled, a paper started and left open, handed in by the
timer's sweep at its deadline."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from models.applications import Application, AppStatus, Batch
from models.learning.exams import ExamAttempt
from models.people import Person, phone_is
from services.common.clock import CHINA
from services.demo import EXAM_QUESTIONS, FINANCE_STAGES
from tests.support.applications import REVIEWERS, applicant, ready_to_submit
from tests.support.education import RIGHT
from tests.support.year.world import Year

NOTICE_DAYS = 5


async def opens(year: Year, closes: date, state: dict[str, Any]) -> None:
    """A 政府采购 experts' batch open from now until the end of `closes` (China time)."""
    now = year.now()
    until = datetime.combine(closes + timedelta(days=1), time(), CHINA)
    batch = await Batch.create(
        name=f"{year.today():%Y年%m月}政府采购评审专家征集", kind="collect", province="44",
        specialty_rule="jilin", stages=FINANCE_STAGES, apply_from=now, apply_until=until,
        review_until=until + timedelta(days=10), exam_required=False, notice_days=NOTICE_DAYS)
    state["batch"] = batch
    year.ran("batches opened")


async def applies(year: Year, state: dict[str, Any]) -> None:
    """The demo applicant fills in, prints, signs and submits an application."""
    token = await applicant(year.api, year.demo)
    app_id = await ready_to_submit(year.api, token, state["batch"],
                                   specialties=["A050201"], primary_specialties=["A050201"])
    sent = await year.api.call("POST", f"/applications/{app_id}/submit", token)
    if sent.status != 200:
        year.broke(f"{year.today()} application: {sent.message or sent.data}")
        return
    state["app"], state["token"] = app_id, token
    year.ran("applications")


async def reviewed(year: Year, state: dict[str, Any]) -> None:
    """Each stage's reviewer approves: the application goes into its 公示."""
    for key in REVIEWERS:
        reviewer = await year.api.login(year.demo[key].mp_openid)
        decided = await year.api.call("POST", f"/review/applications/{state['app']}/decision",
                                      reviewer, {"action": "approve"})
        if decided.status != 200:
            year.broke(f"{year.today()} review ({key}): {decided.message or decided.data}")
            return
        year.ran("reviews")


async def late(year: Year, state: dict[str, Any]) -> None:
    """After the batch's last day nobody starts an application in it."""
    token = await year.api.login(year.demo["expert"].mp_openid)
    tried = await year.api.call("POST", "/applications", token, {"batch_id": state["batch"].id})
    if tried.status == 200:
        year.broke(f"{year.today()} an application was started after the batch closed")
    else:
        year.ran("late applications refused")


async def admitted(year: Year, state: dict[str, Any]) -> None:
    """Once its 公示 has run, the application is approved (the sweep's work, on the clock)."""
    if "app" not in state:
        return
    app = await Application.get(id=state["app"])
    if app.notice_until is not None and app.notice_until < year.now() - timedelta(hours=1):
        if app.status != AppStatus.APPROVED:
            year.broke(f"{year.today()} application {app.id} still {app.status} after its "
                       f"公示 ended {app.notice_until:%Y-%m-%d %H:%M}")
        elif not state.get("told"):
            state["told"] = True
            year.ran("experts admitted")


async def exam_scheduled(year: Year, state: dict[str, Any]) -> None:
    """The batch's exam, open from now for a day, an hour to answer."""
    if "batch" not in state:
        return
    now = year.now()
    state["exam"] = await year.domain.exams.schedule_exam(
        state["batch"], "入库考试", now, now + timedelta(days=1), 60, 60, EXAM_QUESTIONS, now)
    year.ran("exams scheduled")


async def exam_started(year: Year, state: dict[str, Any]) -> None:
    """The applicant starts the paper and answers it, and closes the page without handing it
    in: the timer's sweep hands it in at its deadline."""
    if "exam" not in state:
        return
    exams, now = year.domain.exams, year.now()
    person = await Person.get(phone_is(year.demo["applicant"].phone))
    attempt = await exams.start(state["exam"], person.id, now)
    for question, value in RIGHT.items():
        await exams.answer(attempt, state["exam"], question, value, now)
    state["attempt"] = attempt.id
    year.ran("exams started")


async def exam_handed_in(year: Year, state: dict[str, Any]) -> None:
    """No paper past its deadline still open; the year's own handed in by the timer."""
    late = await ExamAttempt.filter(submitted_at=None, deadline__lt=year.now()).count()
    if late:
        year.broke(f"{year.today()} {late} exam paper(s) open past their deadline")
    if "attempt" in state and not state.get("marked"):
        attempt = await ExamAttempt.get(id=state["attempt"])
        if attempt.submitted_at is not None:
            state["marked"] = True
            year.ran("exams handed in by the timer")
