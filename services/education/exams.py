"""Exams: a batch's entry exam scheduled after approval, or a continuing-education course's
test; each candidate gets a signed link; once started the timer never stops (the
deadline lives on the server); at zero the paper is submitted by a job; objective questions
are graded at once, essays wait for an administrator's marks (services/education/marking.py);
passing an entry exam makes a formal expert, passing a course test earns its certificate."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import column
from models.applications import Application, AppStatus, Batch
from models.learning.education import Enrollment
from models.learning.exams import Exam, ExamAttempt
from models.money.payments import FeeKind, Payable
from services.common.clock import china_time
from services.common.errors import BadInput, ClosedWindow, Conflict, NotAllowed, NotFound
from services.common.links import Links
from services.common.schedule import Schedule
from services.education.courses import Education
from services.education.papers import MAX_ANSWER, check_paper, essays, grade
from services.notifications import Change, Outbox
from services.people import Experts, Relatives

EXAM_LINK = "exam"
# (job name, run at, args, job id): the worker runs `exam_timeout(attempt_id)` at the deadline


class Exams:
    """Exams: sat once per window, timed by the server, graded (essays marked by hand), the
    applicant told; and what an approved applicant is told of the next exam."""

    @staticmethod
    def public_questions(exam: Exam) -> list[dict[str, Any]]:
        """The paper as the candidate sees it: no answers."""
        return [{"id": q["id"], "kind": q["kind"], "text": q["text"],
                 "options": q.get("options", []), "points": q["points"]}
                for q in exam.questions]

    @staticmethod
    async def exam_opens(app: Application) -> str:
        """When the batch's latest exam opens (China time), "" when none is scheduled yet: what
        an approved applicant is told to do next (texts/review/next_step.j2)."""
        exam = await Exam.filter(batch_id=app.batch_id).order_by("-opens_at").first()
        return china_time(exam.opens_at) if exam is not None else ""


    def __init__(self, outbox: Outbox, links: Links, education: Education,
                 relatives: Relatives, schedule: Schedule | None = None) -> None:
        self.outbox = outbox
        self.relatives = relatives  # an application's declared relatives, once it is formal
        self.links = links
        self.education = education
        self.schedule = schedule

    def link(self, exam: Exam, person_id: int) -> str:
        return self.links.url(f"/exam/{exam.id}", EXAM_LINK, str(exam.id), person_id,
                              exam.closes_at.timestamp())

    @staticmethod
    async def exam(exam_id: int) -> Exam | None:
        return await Exam.get_or_none(id=exam_id)

    async def current_for(self, app: Application) -> Exam | None:
        return await Exam.filter(batch_id=app.batch_id).order_by("-opens_at").first()

    async def schedule_exam(self, batch: Batch, title: str, opens_at: datetime,
                            closes_at: datetime, duration_minutes: int, pass_score: int,
                            questions: list[dict[str, Any]], now: datetime) -> Exam:
        """Create the batch's exam and send every approved applicant their link."""
        if not opens_at < closes_at or duration_minutes <= 0:
            raise BadInput("exam.bad_times")
        check_paper(questions, pass_score)
        async with self.outbox.change(now) as change:
            exam = await Exam.create(batch_id=batch.id, title=title, opens_at=opens_at,
                                     closes_at=closes_at, duration_minutes=duration_minutes,
                                     pass_score=pass_score, questions=questions)
            for app in await Application.filter(batch_id=batch.id, status=AppStatus.APPROVED
                                                ).prefetch_related("batch"):
                await self._invite(change, exam, app)
        return exam

    async def _invite(self, change: Change, exam: Exam, app: Application) -> None:
        link = self.link(exam, app.person_id)
        await change.notify("exam.invitation", {
            "batch": app.batch.name, "exam": exam.title, "opens": china_time(exam.opens_at),
            "closes": china_time(exam.closes_at), "minutes": exam.duration_minutes,
            "link": link, "url": link}, person_id=app.person_id,
            dedupe_key=f"exam-invite:{exam.id}:{app.person_id}")

    async def invite_if_scheduled(self, change: Change, app: Application) -> None:
        """Approved after the exam was scheduled: send this applicant their link too."""
        exam = await Exam.filter(batch_id=app.batch_id, closes_at__gt=change.now).order_by(
            "-opens_at").first()
        if exam is not None:
            await self._invite(change, exam, app)

    @staticmethod
    async def _round(exam: Exam, person_id: int) -> int:
        """Which attempt is the candidate's now: a course test is taken anew after 补学."""
        if exam.course_id is None:
            return 0
        made = await column(Enrollment.filter(course_id=exam.course_id, person_id=person_id),
                            "makeups")
        return int(made[0]) if made else 0

    async def attempt(self, exam: Exam, person_id: int) -> ExamAttempt | None:
        return await ExamAttempt.get_or_none(exam_id=exam.id, person_id=person_id,
                                             round=await self._round(exam, person_id))

    async def started(self, exam: Exam, person_id: int) -> ExamAttempt:
        """The attempt of a candidate who has started; Conflict before the start."""
        attempt = await self.attempt(exam, person_id)
        if attempt is None:
            raise Conflict("exam.not_started")
        return attempt

    async def start(self, exam: Exam, person_id: int, now: datetime) -> ExamAttempt:
        """Start (or resume) the attempt; the deadline is fixed at the first start."""
        existing = await self.attempt(exam, person_id)
        if existing is not None:
            return existing
        if now < exam.opens_at:
            raise ClosedWindow("exam.not_open", opens=exam.opens_at)
        if now >= exam.closes_at:
            raise ClosedWindow("exam.closed", closes=exam.closes_at)
        if exam.course_id is not None:
            enrolled = await self.education.ready_for_test(exam.course_id, person_id, now)
            return await self._begin(exam, person_id, now, enrolled.makeups)
        approved = await Application.filter(batch_id=exam.batch_id, person_id=person_id,
                                            status=AppStatus.APPROVED).prefetch_related(
            "batch").first()
        if approved is None:
            raise NotAllowed("exam.not_listed")
        if approved.batch.exam_requires_payment and not await Payable.exists(
                kind=FeeKind.TRAINING, ref_id=approved.id, paid_at__not_isnull=True,
                refunded_at=None):
            raise Conflict("exam.fee_unpaid")
        return await self._begin(exam, person_id, now, 0)

    async def _begin(self, exam: Exam, person_id: int, now: datetime, round_: int
                     ) -> ExamAttempt:
        deadline = min(now + timedelta(minutes=exam.duration_minutes), exam.closes_at)
        try:
            attempt = await ExamAttempt.create(exam_id=exam.id, person_id=person_id,
                                               round=round_, started_at=now,
                                               deadline=deadline, answers={})
        except IntegrityError:  # started twice at once: the first one counts
            existing = await self.attempt(exam, person_id)
            assert existing is not None
            return existing
        if self.schedule is not None:
            await self.schedule("exam_timeout", deadline, (attempt.id,),
                                f"exam-timeout:{attempt.id}")
        return attempt

    async def answer(self, attempt: ExamAttempt, exam: Exam, question_id: str, value: str,
                     now: datetime) -> None:
        if attempt.submitted_at is not None:
            raise Conflict("exam.submitted")
        if now >= attempt.deadline:
            await self.submit(attempt.id, now, by="timer")
            raise ClosedWindow("exam.time_up")
        if question_id not in {str(q["id"]) for q in exam.questions}:
            raise NotFound("exam.no_question")
        if len(value) > MAX_ANSWER:
            raise BadInput("exam.answer_too_long", limit=MAX_ANSWER)
        # read again under the row's lock: two answers saved at once (a choice ticked, then
        # an essay left a moment later) each wrote the whole set, and one was lost
        async with in_transaction():
            locked = await ExamAttempt.select_for_update().get(id=attempt.id)
            if locked.submitted_at is not None:
                raise Conflict("exam.submitted")
            attempt.answers = {**locked.answers, question_id: value}
            await ExamAttempt.filter(id=attempt.id, submitted_at=None).update(
                answers=attempt.answers)

    async def submit(self, attempt_id: int, now: datetime, by: str) -> ExamAttempt:
        """Hand in the paper (once), grade its objective part, and act on the result, or,
        with essays on the paper, tell the candidate it waits for marking."""
        async with self.outbox.change(now) as change:
            attempt = await ExamAttempt.select_for_update().get(id=attempt_id)
            if attempt.submitted_at is not None:
                return attempt
            exam = await Exam.get(id=attempt.exam_id)
            attempt.submitted_at, attempt.submitted_by = now, by
            attempt.score = grade(exam, attempt.answers)
            marking = bool(essays(exam))
            attempt.passed = None if marking else attempt.score >= exam.pass_score
            await attempt.save(update_fields=["submitted_at", "submitted_by", "score",
                                              "passed"])
            if not marking:
                await self.conclude(change, exam, attempt)
            elif exam.course_id is not None:
                await self.education.test_handed_in(change, exam, attempt)
            else:
                await change.notify("exam.marking", {
                    "exam": exam.title, "score": attempt.score, "at": china_time(now)},
                    person_id=attempt.person_id)
        return attempt

    async def conclude(self, change: Change, exam: Exam, attempt: ExamAttempt) -> None:
        """The result is known (`attempt.passed`): a course test earns its certificate or a
        补学; an entry exam makes a formal expert or says it was failed."""
        if exam.course_id is not None:
            await self.education.test_result(change, exam, attempt)
            return
        app = await Application.get(batch_id=exam.batch_id, person_id=attempt.person_id,
                                    status=AppStatus.APPROVED).prefetch_related("batch")
        params = {"exam": exam.title, "score": attempt.score, "pass_score": exam.pass_score,
                  "at": china_time(change.now)}
        if attempt.passed:
            profile = await Experts.make_formal_expert(app, change.now, self.relatives)
            params["expert_number"] = profile.expert_number
            await change.notify("exam.passed", params, person_id=attempt.person_id)
        else:
            await change.notify("exam.failed", params, person_id=attempt.person_id)

    async def submit_overdue(self, now: datetime) -> int:
        """The sweep behind the per-attempt jobs: hand in every paper past its deadline."""
        due = await column(ExamAttempt.filter(submitted_at=None, deadline__lte=now), "id")
        for attempt_id in due:
            await self.submit(int(attempt_id), now, by="timer")
        return len(due)
