"""Replying to a draw invitation: 1 参加, 2 不参加, 3 需回避, or in words (参加, 不参加, 回避,
好的, 没空, ... — the table PLAIN / EVERYDAY below); a reason may follow, or is asked for.
Another flow the user is in sees its input first (bot.dispatcher): these handlers only get
what it does not claim, and pass on what is not an answer.

| state       | input                         | next        | reply                          |
| ----------- | ----------------------------- | ----------- | ------------------------------ |
| any         | 1 / 参加 / 好的 ...           | (same)      | confirmed + 验证码, or released |
| any         | 2 / 3 (or words), with reason | (same)      | recorded                       |
| any         | 2 / 3 (or words) alone        | ASK_REASON  | ask_reason                     |
| ASK_REASON  | any text                      | (none)      | reason_saved                   |
| any         | an answer, several open       | (same)      | several (reply in mini-program) |
| any         | 1/2/3, replied / expired      | (same)      | duplicate / late               |
| any         | 1/2/3 or 参加..., not bound   | (same)      | unbound: how to bind           |
| any         | never invited; everyday words | (same)      | passed on (their usual routes) |
| any         | 收到 (after a 退选)           | (same)      | acknowledged, else passed on   |
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from bot.filters import MsgType, Regex, Text
from bot.flow import ANY, Flow
from bot.fsm import FSMContext
from bot.incoming import Incoming
from bot.router import PASS, Pass, Router
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
# What people answer an invitation with: seed 004's 1 参加 / 2 不参加 / 3 需回避, full-width
# digits, and the words they use. The everyday words (好的, 没空, ...) count only while an
# invitation waits; the digits and the decision words also explain binding to the unbound.
PLAIN = {"1": 1, "2": 2, "3": 3, "１": 1, "２": 2, "３": 3, "参加": 1, "确认参加": 1,
         "不参加": 2, "回避": 3, "需回避": 3, "需要回避": 3}
EVERYDAY = {"同意": 1, "好的": 1, "可以": 1, "不去": 2, "没空": 2, "有事": 2}
CHOICES = {**PLAIN, **EVERYDAY}
ANSWER = (r"^\s*(?P<choice>" + "|".join(sorted(CHOICES, key=len, reverse=True)) + r")"
          r"(?:\s*[,，、:：.。 ]\s*(?P<reason>.+?))?\s*[。.!！]?\s*$")

flow = Flow("draw_reply", title="评标邀请回复", timeout=600)
ASK_REASON = flow.state("ask_reason", prompt="chat/draw/ask_reason.j2")
router = Router("draw_reply", flows=(flow,))


@router.message(Regex(ANSWER), state=ANY)
async def answer(person: Person | None, fsm: FSMContext, texts: Texts, draws: DrawEngine,
                 match: re.Match[str], now: datetime) -> str | Pass:
    said = match.group("choice")
    choice, reason = CHOICES[said], (match.group("reason") or "").strip()
    if person is None:  # an expert invited by SMS who follows but never bound
        return texts.render("chat/draw/unbound.j2") if said in PLAIN else PASS
    waiting = await draws.open_invitations(person.id, now)
    if len(waiting) > 1:
        return texts.render("chat/draw/several.j2", invitations=len(waiting))
    if not waiting:
        recent = await Invitation.filter(person_id=person.id, sent_at__gt=now - RECENT
                                         ).order_by("-sent_at").first()
        if recent is None or said not in PLAIN:  # not an answer: the words' usual routes
            return PASS
        target = recent
    else:
        target = waiting[0]
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
async def acknowledge(person: Person | None, texts: Texts, draw_followups: DrawFollowups,
                      now: datetime) -> str | Pass:
    """收到: the expert acknowledges a withdrawal (退选) notice."""
    if person is not None and await draw_followups.acknowledge(person.id, now) is not None:
        return texts.render("chat/draw/acknowledged.j2")
    return PASS
