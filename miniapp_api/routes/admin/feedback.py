"""Feedback left in chat, for administrators: listed newest first by category and state, and
answered; the answer reaches the sender in chat."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.paging import PageOut, PageQuery
from miniapp_api.schemas import Model
from models.people import Role
from models.wechat import Feedback

api = Api()
TAG = "意见反馈"
ADMIN = {Role.ADMIN}


class FeedbackQuery(PageQuery):
    category: str | None = Field(default=None, description="使用问题 / 功能建议 / 投诉")
    state: str | None = Field(default=None, pattern="^(open|answered)$",
                              description="open 待回复 / answered 已回复")


class FeedbackOut(Model):
    id: int
    number: str
    category: str
    content: str
    created_at: datetime
    answer: str | None
    answered_at: datetime | None
    answered_by: str | None


class FeedbackListOut(PageOut):
    feedback: list[FeedbackOut]


class AnswerIn(Model):
    answer: str = Field(max_length=500)


def feedback_out(item: Feedback) -> FeedbackOut:
    return FeedbackOut(id=item.id, number=f"F{item.id:06d}", category=item.category,
                       content=item.content, created_at=item.created_at, answer=item.answer,
                       answered_at=item.answered_at, answered_by=item.answered_by)


@api.route("GET", "/admin/feedback", access=ADMIN, query=FeedbackQuery,
           response=FeedbackListOut, summary="意见反馈（最新在前，可按类型、状态筛选）", tag=TAG)
async def list_feedback(call: Call, query: FeedbackQuery) -> FeedbackListOut:
    answered = None if query.state is None else query.state == "answered"
    found = await call.domain.feedback.listing(query.category, answered, query.limit,
                                               query.after)
    return FeedbackListOut(feedback=[feedback_out(i) for i in found.rows], next=found.next)


@api.route("POST", "/admin/feedback/{feedback_id}/answer", access=ADMIN, body=AnswerIn,
           response=FeedbackOut, summary="回复一条反馈（发给反馈人）", tag=TAG)
async def answer_feedback(call: Call, body: AnswerIn) -> FeedbackOut:
    item = await call.domain.feedback.answer(call.path_int("feedback_id"), body.answer,
                                             call.caller.need_person().name, call.now)
    return feedback_out(item)
