"""审核进度 / 进度: where the application stands; 考试: the exam link; 考试资料: the training
material to download before the exam."""

from __future__ import annotations

from datetime import datetime

from bot.conversation.filters import Keyword, MenuClick, Text
from bot.conversation.router import Router
from models.applications import AppStatus
from models.people import Person
from services.applicants import ApplicationReads, Applications, Review
from services.common.clock import china_time
from services.common.texts import Texts
from services.education import MATERIAL_LINK_DAYS, Exams, Materials

router = Router("progress")
MATERIALS_SHOWN = 8  # files listed in one reply (a chat message is short)


@router.message(Text("审核进度", "进度", "申请进度", "我的申请", "审核状态"))
@router.message(Keyword("审核进度", "申请进度", "审核状态", "审核结果", "审到哪", "审核到哪"))
@router.event(MenuClick("PROGRESS"))
async def progress(person: Person | None, texts: Texts, application_reads: ApplicationReads,
                   applications: Applications, review: Review) -> str:
    if person is None:
        return texts.render("chat/account/not_bound.j2")
    stands = await application_reads.progress_of(person.id)
    if stands is None:
        return texts.render("chat/progress/none.j2")
    app, decision = stands.application, stands.decision
    all_stages = review.review_scope.stages(app.batch)
    return texts.render(
        "chat/progress/status.j2", batch=app.batch.name,
        status=texts.word("application_status", app.status),
        stage=all_stages[app.stage].title if app.status in (AppStatus.IN_REVIEW,
                                                            AppStatus.RETURNED) else None,
        stages=" → ".join(s.title for s in all_stages),
        passed_industries=app.industries_passed if app.status == AppStatus.IN_REVIEW else [],
        waiting_industries=review.review_scope.waiting_industries(app),
        decision=texts.word("review_decision", decision.action) if decision else None,
        decision_stage=decision.stage_title if decision else None,
        decision_at=china_time(decision.at) if decision else None,
        reason=app.last_reason if decision and decision.action != "approve" else None,
        items=review.describe_items(app.returned_items, app.catalogue_version)
        if app.status == AppStatus.RETURNED else None,
        next_step=texts.render("chat/progress/next_step.j2", status=str(app.status),
                               until=applications.current_deadline(app)))


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


@router.message(Text("考试资料", "培训资料", "资料下载", "学习资料", "下载资料", "复习资料"))
@router.message(Keyword("考试资料", "培训资料", "资料下载"))
async def materials(person: Person | None, texts: Texts, materials: Materials,
                    now: datetime) -> str:
    """HN-APPLY: 申请人可进入该栏目下载培训资料进行学习 — each file with its own link."""
    if person is None:
        return texts.render("chat/account/not_bound.j2")
    found = await materials.for_person(person.id)
    return texts.render("chat/progress/materials.j2", materials=[
        {"title": v.material.title, "batch": v.batch, "exam": v.exam,
         "link": materials.link(v.material, person.id, now)} for v in found[:MATERIALS_SHOWN]],
        more=max(0, len(found) - MATERIALS_SHOWN), days=MATERIAL_LINK_DAYS)
