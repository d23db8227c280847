"""审核进度 / 进度: where the application stands; 考试: the exam link."""

from __future__ import annotations

from datetime import datetime

from bot.conversation.filters import Keyword, MenuClick, Text
from bot.conversation.router import Router
from models.applications import AppStatus
from models.people import Person
from services.applicants import (
    Applications,
    current_deadline,
    describe_items,
    progress_of,
    stages,
)
from services.common.clock import china_time
from services.common.texts import Texts
from services.education import Exams

router = Router("progress")


@router.message(Text("审核进度", "进度", "申请进度", "我的申请", "审核状态"))
@router.message(Keyword("审核进度", "申请进度", "审核状态", "审核结果", "审到哪", "审核到哪"))
@router.event(MenuClick("PROGRESS"))
async def progress(person: Person | None, texts: Texts) -> str:
    if person is None:
        return texts.render("chat/account/not_bound.j2")
    stands = await progress_of(person.id)
    if stands is None:
        return texts.render("chat/progress/none.j2")
    app, decision = stands.application, stands.decision
    all_stages = stages(app.batch)
    return texts.render(
        "chat/progress/status.j2", batch=app.batch.name,
        status=texts.word("application_status", app.status),
        stage=all_stages[app.stage].title if app.status in (AppStatus.IN_REVIEW,
                                                            AppStatus.RETURNED) else None,
        stages=" → ".join(s.title for s in all_stages),
        decision=texts.word("review_decision", decision.action) if decision else None,
        decision_stage=decision.stage_title if decision else None,
        decision_at=china_time(decision.at) if decision else None,
        reason=app.last_reason if decision and decision.action != "approve" else None,
        items=describe_items(app.returned_items, app.catalogue_version)
        if app.status == AppStatus.RETURNED else None,
        next_step=texts.render("chat/progress/next_step.j2", status=str(app.status),
                               until=current_deadline(app)))


@router.message(Text("考试", "考试链接", "进入考试", "参加考试"))
@router.event(MenuClick("EXAM"))
async def exam_link(person: Person | None, texts: Texts, applications: Applications,
                    exams: Exams, now: datetime) -> str:
    if person is None:
        return texts.render("chat/account/not_bound.j2")
    app = await applications.latest(person.id)
    if app is None or app.status != AppStatus.APPROVED:
        return texts.render("chat/progress/no_exam.j2")
    exam = await exams.current_for(app)
    if exam is None:
        return texts.render("chat/progress/exam_not_scheduled.j2")
    attempt = await exams.attempt(exam, person.id)
    if attempt is not None and attempt.submitted_at is not None:
        return texts.render("chat/progress/exam_done.j2", exam=exam.title, score=attempt.score,
                            passed=attempt.passed)
    if now >= exam.closes_at:
        return texts.render("chat/progress/exam_closed.j2", exam=exam.title,
                            closes=china_time(exam.closes_at))
    return texts.render("chat/progress/exam_link.j2", exam=exam.title,
                        opens=china_time(exam.opens_at), closes=china_time(exam.closes_at),
                        minutes=exam.duration_minutes, link=exams.link(exam, person.id))
