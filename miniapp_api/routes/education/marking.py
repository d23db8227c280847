"""The essay-marking queue for administrators: papers of entry exams and course
tests handed in with essays, oldest first, and the marks that settle their result."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.schemas import Model
from models.people import Role

api = Api()
TAG = "批阅"
ADMIN = {Role.ADMIN}


class EssayOut(Model):
    id: str
    text: str
    points: int = Field(description="满分")
    answer: str


class PaperOut(Model):
    attempt_id: int
    exam: str
    purpose: str = Field(description="入库考试 / 继续教育「课程」")
    submitted_at: datetime
    objective_score: int = Field(description="客观题得分（已自动判分）")
    pass_score: int
    essays: list[EssayOut]


class QueueOut(Model):
    papers: list[PaperOut]


class MarksIn(Model):
    points: dict[str, int] = Field(description="每道主观题的得分，如 {\"q9\": 15}",
                                   max_length=200)


class MarkedOut(Model):
    attempt_id: int
    score: int
    passed: bool


@api.route("GET", "/admin/marking", access=ADMIN, response=QueueOut,
           summary="待批阅的试卷（主观题），最早交卷的在前", tag=TAG)
async def queue(call: Call) -> QueueOut:
    return QueueOut(papers=[PaperOut(
        attempt_id=p.attempt_id, exam=p.exam, purpose=p.purpose, submitted_at=p.submitted_at,
        objective_score=p.objective_score, pass_score=p.pass_score,
        essays=[EssayOut(**e) for e in p.essays]) for p in await call.domain.marking.queue()])


@api.route("POST", "/admin/marking/{attempt_id}", access=ADMIN, body=MarksIn,
           response=MarkedOut, summary="批阅：给每道主观题打分，成绩与结果随即通知考生",
           tag=TAG)
async def mark(call: Call, body: MarksIn) -> MarkedOut:
    attempt = await call.domain.marking.mark_attempt(call.path_int("attempt_id"), body.points,
                                                     call.caller.need_person().id, call.now)
    return MarkedOut(attempt_id=attempt.id, score=attempt.score or 0,
                     passed=bool(attempt.passed))
