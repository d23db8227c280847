"""Replying to a draw invitation: 1 参加, 2 不参加, 3 需回避 (a reason may follow the digit,
or is asked for).

| state       | input                    | next        | reply                               |
| ----------- | ------------------------ | ----------- | ----------------------------------- |
| any         | 1                        | (same)      | confirmed + 验证码, or released     |
| any         | 2 / 3 with a reason      | (same)      | recorded                            |
| any         | 2 / 3 alone              | ASK_REASON  | ask_reason                          |
| ASK_REASON  | any text                 | (none)      | reason_saved                        |
| any         | 1/2/3, several open      | (same)      | several (reply in the mini-program) |
| any         | 1/2/3, replied / expired | (same)      | duplicate / late                    |
| any         | 1/2/3, never invited     | (same)      | fallback                            |
| any         | 收到 (after a 退选)      | (same)      | acknowledged                        |
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from bot.event import Event
from bot.filters import MsgType, Regex, Text
from bot.flow import ANY, Flow
from bot.fsm import FSMContext
from bot.incoming import Incoming
from bot.router import Router
from handlers.common import on_anything_else
from models.draws import Invitation, InvitationStatus
from models.people import Person
from services.clock import china_time
from services.draw_engine import DrawEngine
from services.draw_followups import DrawFollowups
from services.draw_notices import invitation_params
from services.texts import Texts

DECISIONS = {InvitationStatus.CONFIRMED: "参加", InvitationStatus.DECLINED: "不参加",
             InvitationStatus.AVOIDED: "需回避", InvitationStatus.RELEASED: "参加（名额已满）",
             InvitationStatus.TIMEOUT: "未在时限内回复", InvitationStatus.CANCELLED: "已取消",
             InvitationStatus.ABSENT: "请假"}
RECENT = timedelta(days=2)

flow = Flow("draw_reply", title="评标邀请回复", timeout=600)
ASK_REASON = flow.state("ask_reason", prompt="chat/draw/ask_reason.j2")
router = Router("draw_reply", flows=(flow,))


@router.message(Regex(r"^([123])(?:\s*[,，、:：.。 ]\s*(.+))?$"), state=ANY)
async def answer(person: Person | None, fsm: FSMContext, texts: Texts, draws: DrawEngine,
                 match: re.Match[str], now: datetime, event: Event) -> str:
    if person is None:
        return await on_anything_else(event, fsm, texts)
    waiting = await draws.open_invitations(person.id, now)
    if len(waiting) > 1:
        return texts.render("chat/draw/several.j2", invitations=len(waiting))
    if not waiting:
        recent = await Invitation.filter(person_id=person.id, sent_at__gt=now - RECENT
                                         ).order_by("-sent_at").first()
        if recent is None:  # not an answer to anything: what any other text would get
            return await on_anything_else(event, fsm, texts)
        target = recent
    else:
        target = waiting[0]
    choice, reason = int(match.group(1)), (match.group(2) or "").strip()
    outcome = await draws.reply(target.id, person.id, choice, now, reason)
    item = outcome.invitation
    if outcome.status == "late" or item.status == InvitationStatus.TIMEOUT:
        return texts.render("chat/draw/late.j2", due=china_time(item.due_at))
    if outcome.status == "duplicate":
        return texts.render("chat/draw/duplicate.j2", decision=DECISIONS.get(
            InvitationStatus(item.status), item.status), verification_code=item.code)
    if outcome.status == "released":
        return texts.render("chat/draw/released.j2")
    if outcome.status == "confirmed":
        assert outcome.notice is not None
        params = invitation_params(outcome.notice, item, 0)
        return texts.render("chat/draw/confirmed.j2", verification_code=item.code, **params)
    decision = DECISIONS[InvitationStatus(item.status)]
    if reason:
        return texts.render("chat/draw/declined_with_reason.j2", decision=decision)
    fsm.goto(ASK_REASON, invitation=item.id)
    return texts.render("chat/draw/ask_reason.j2", decision=decision)


@router.message(MsgType("text"), state=ASK_REASON)
async def give_reason(person: Person | None, fsm: FSMContext, texts: Texts, draws: DrawEngine,
                      msg: Incoming) -> str:
    if person is not None:
        await draws.set_reason(int(fsm.data["invitation"]), person.id, msg.content)
    fsm.finish()
    return texts.render("chat/draw/reason_saved.j2")


@router.message(Text("收到", "已收到", "知道了", "收到了"))
async def acknowledge(person: Person | None, fsm: FSMContext, texts: Texts,
                      draw_followups: DrawFollowups, now: datetime, event: Event) -> str:
    """收到: the expert acknowledges a withdrawal (退选) notice."""
    if person is not None and await draw_followups.acknowledge(person.id, now) is not None:
        return texts.render("chat/draw/acknowledged.j2")
    return await on_anything_else(event, fsm, texts)
