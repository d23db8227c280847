"""The 客服工作台: the centre's customer-service staff read the people waiting for a human
(who asked, as which role, the conversation so far, masked), reply — the reply reaches the
asker in chat, or past WeChat's 48 hours by template message or SMS — and close."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from miniapp_api.audit import handed_out
from miniapp_api.framework import Api, Call
from miniapp_api.schemas import Model
from models.help import SupportState, SupportTicket
from models.people import Role
from services.audit import CALLBACK_NUMBER
from services.common.pii import public
from services.help import Conversation

api = Api()
TAG = "人工客服"
SUPPORT = {Role.SUPPORT}
WATCHERS = {Role.SUPPORT, Role.ADMIN}  # who see how many wait (their homes)


class TicketQuery(Model):
    state: SupportState | None = Field(default=None, description="不填为未结束的（待回复和已回复）")


class TicketOut(Model):
    id: int
    number: str
    asker: str = Field(description="咨询人（脱敏）；未绑定账户的访客为空")
    roles: list[str] = Field(description="咨询人的身份（文字）")
    state: SupportState
    state_title: str
    opened_at: datetime
    asked_at: datetime = Field(description="咨询人最后一条消息的时间")
    answered_at: datetime | None


class TicketsOut(Model):
    tickets: list[TicketOut]


class MessageOut(Model):
    from_staff: bool
    text: str = Field(description="咨询人的消息已脱敏")
    at: datetime
    bot_answer: str | None = Field(
        default=None, description="转人工前问智能客服的问题：智能客服当时回答的条目标题，"
                                  "没有把握时为空字符串；转人工后的留言和客服的回复为 null")


class WaitingOut(Model):
    waiting: int = Field(description="等待客服回复的咨询数")
    oldest_since: datetime | None = Field(description="其中等待最久的一条从何时起等待；没有时为空")
    oldest_minutes: int | None = Field(description="等待最久的一条已等待的分钟数；没有时为空")


class ConversationOut(TicketOut):
    messages: list[MessageOut]
    callback_phone: str = Field(default="", description="短信里回复“人工”、等回电的号码（脱敏）")


class ReplyIn(Model):
    text: str = Field(max_length=500)


def ticket_out(call: Call, t: SupportTicket, asker: str) -> TicketOut:
    words = call.services.texts.word
    return TicketOut(id=t.id, number=f"K{t.id:06d}", asker=asker,
                     roles=[words("role", r) for r in t.roles] or [words("role", "visitor")],
                     state=SupportState(t.state), state_title=words("support_state", t.state),
                     opened_at=t.opened_at, asked_at=t.asked_at, answered_at=t.answered_at)


def conversation_out(call: Call, found: Conversation) -> ConversationOut:
    return ConversationOut(**ticket_out(call, found.ticket, found.asker).model_dump(),
                           messages=[MessageOut(from_staff=m.from_staff, text=m.text, at=m.at,
                                                bot_answer=found.answered.get(m.id))
                                     for m in found.messages],
                           callback_phone=found.ticket.callback_phone_masked)


@api.route("GET", "/support/tickets", access=SUPPORT, query=TicketQuery, response=TicketsOut,
           tag=TAG, summary="客服工作台：转人工的咨询（等待最久的在前）")
async def tickets(call: Call, query: TicketQuery) -> TicketsOut:
    found = await call.domain.support.queue(query.state)
    askers = await call.domain.support.askers(found)
    return TicketsOut(tickets=[ticket_out(call, t, askers[t.id]) for t in found])


@api.route("GET", "/support/waiting", access=WATCHERS, response=WaitingOut, tag=TAG,
           summary="等待客服回复的咨询数，以及等待最久的一条已等了多久（客服人员和管理员的工作台首页）")
async def waiting(call: Call) -> WaitingOut:
    found = await call.domain.support.waiting()
    return WaitingOut(waiting=found.count, oldest_since=found.since, oldest_minutes=int(
        (call.now - found.since).total_seconds() // 60) if found.since else None)


@api.route("GET", "/support/tickets/{ticket_id}", access=SUPPORT, response=ConversationOut,
           tag=TAG, summary="一次人工客服咨询的全部对话（咨询人的消息已脱敏）")
async def ticket(call: Call) -> ConversationOut:
    return conversation_out(call, await call.domain.support.conversation(
        call.path_int("ticket_id")))


@api.route("POST", "/support/tickets/{ticket_id}/reply", access=SUPPORT, body=ReplyIn,
           response=ConversationOut, tag=TAG,
           summary="回复咨询人（48小时内以客服消息发到微信，超过则改用模板消息或短信）")
async def reply(call: Call, body: ReplyIn) -> ConversationOut:
    support = call.domain.support
    done = await support.reply(call.path_int("ticket_id"), body.text,
                               call.caller.need_person(), call.now)
    return conversation_out(call, await support.conversation(done.id))


class CallbackNumberOut(Model):
    number: str = Field(description="回电号码（完整；每次查看记入个人信息访问记录）")


@api.route("POST", "/support/tickets/{ticket_id}/callback-number", access=SUPPORT,
           response=CallbackNumberOut, tag=TAG,
           summary="客服：查看通过短信转人工的咨询人的完整回电号码（每次查看均记录）")
async def callback_number(call: Call) -> CallbackNumberOut:
    number = await call.domain.support.callback_number(call.path_int("ticket_id"))
    # whose (the asker of the path's ticket), the number in full, and why: an access
    handed_out(call.request, people=1, held=CALLBACK_NUMBER.held(), why=CALLBACK_NUMBER.why)
    return CallbackNumberOut(number=public(number))


@api.route("POST", "/support/tickets/{ticket_id}/close", access=SUPPORT,
           response=ConversationOut, tag=TAG, summary="结束一次人工客服咨询")
async def close(call: Call) -> ConversationOut:
    support = call.domain.support
    done = await support.close(call.path_int("ticket_id"), call.caller.need_person(), call.now)
    return conversation_out(call, await support.conversation(done.id))
