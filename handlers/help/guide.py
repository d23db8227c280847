"""Questions of applicants and of anyone who wants to become one, answered with what to do
next: how to apply (the open batches and their windows, HN-APPLY / XJ-SIGNUP: applications only
inside a batch's window), where to ask (XJ-SIGNUP's consultation contacts per region), and
exam results (the entry exam, HN-APPLY; continuing-education
courses, XJ-CE). All outside flows; how to apply needs no binding."""

from __future__ import annotations

from datetime import datetime

from bot.conversation.filters import Keyword, Text
from bot.conversation.router import Router
from models.people import Person
from services.applicants import Applications
from services.common.clock import china_time
from services.common.texts import Texts
from services.education import Education
from services.reference import ConsultContacts, Reference

router = Router("guide")
SHOWN = 3  # the latest exams and courses a chat reply lists
CONTACTS_SHOWN = 8  # consultation contacts in one reply


@router.message(Text("报名咨询", "咨询电话", "咨询方式", "政策咨询", "咨询", "联系方式",
                     "报名咨询电话", "咨询热线"))
@router.message(Keyword("报名咨询", "咨询电话", "咨询方式", "政策咨询"))
async def consult(person: Person | None, texts: Texts, applications: Applications,
                  consult_contacts: ConsultContacts, reference: Reference) -> str:
    """XJ-SIGNUP: 申报人员可根据《各地州市评标专家报名咨询方式》进行咨询 — the applicant's own
    region's contacts first (its county, city, province), else every region's."""
    app = await applications.latest(person.id) if person is not None else None
    found = await consult_contacts.for_region(app.region if app is not None else None)
    return texts.render("chat/guide/consult.j2", contacts=[{
        "region": reference.regions().full_name(c.region), "department": c.department,
        "phone": c.phone, "address": c.address, "hours": c.hours}
        for c in found[:CONTACTS_SHOWN]], more=max(0, len(found) - CONTACTS_SHOWN))


@router.message(Text("我要报名", "怎么申请", "如何申请", "申请入库", "我要申请", "报名",
                     "怎么报名", "如何报名", "申请专家", "专家申报", "申报"))
@router.message(Keyword("报名", "申请入库", "怎么申请", "如何申请", "申报专家"))
async def how_to_apply(texts: Texts, applications: Applications, now: datetime) -> str:
    """The batches open now or soon, with their windows, and where to apply."""
    batches = [b for b in await applications.open_batches() if b.apply_until > now]
    rows = [{"name": b.name, "kind": texts.word("batch_kind", b.kind),
             "open": b.apply_from <= now, "from": china_time(b.apply_from),
             "until": china_time(b.apply_until)} for b in reversed(batches)]
    return texts.render("chat/guide/how_to_apply.j2", batches=rows)


@router.message(Text("考试成绩", "成绩", "考试结果", "查成绩", "成绩查询", "我的成绩",
                     "考核结果", "培训成绩"))
@router.message(Keyword("考试成绩", "考试结果", "成绩"))
async def exam_results(person: Person | None, texts: Texts, education: Education) -> str:
    """The entry exam's result and the continuing-education courses' grading."""
    if person is None:
        return texts.render("chat/account/not_bound.j2")
    results = await education.results_of(person.id, SHOWN)
    return texts.render(
        "chat/guide/exam_results.j2",
        exams=[{"title": a.exam.title, "submitted": a.submitted_at is not None,
                "graded": a.passed is not None, "score": a.score, "passed": a.passed,
                "pass_score": a.exam.pass_score} for a in results.attempts],
        courses=[{"title": e.course.title, "progress": e.progress,
                  "grading": texts.word("grading", e.grading),
                  "certificate": e.certificate_no or ""} for e in results.enrollments])
