"""What people ask in chat about their draws, answered with what to do next.

| input                          | who     | reply                                            |
| ------------------------------ | ------- | ------------------------------------------------ |
| 我的邀请 / 我的评标 / 评标安排 | expert  | invitations to answer; confirmed ones, with codes |
| 请假 / 我要请假 / 不能去了      | expert  | the venue contacts (the agency registers leave)  |
| 抽取池 / 候选池 / 我是否入池    | expert  | the unsealed draws whose pools held them         |
| 抽取进度 / 到场情况 / 专家到场  | agency  | its recent activities: counts only               |
| any of these, not bound        | anyone  | not_bound                                        |

All outside flows (state: none).
"""

from __future__ import annotations

from datetime import datetime

from bot.conversation.filters import Text
from bot.conversation.router import Router
from models.people import Person, Role
from services.common.clock import china_time
from services.common.errors import BadInput
from services.common.texts import Texts
from services.draws import Attendance, DrawEngine, DrawRecord, DrawScope
from services.people import People

router = Router("questions")
RECENT_ACTIVITIES = 5


@router.message(Text("抽取池", "候选池", "我是否入池", "入池证明", "我的抽取池"))
async def my_pools(person: Person | None, texts: Texts, now: datetime, draws: DrawEngine) -> str:
    """The unsealed draws whose candidate pools held the expert; the proofs are files the
    mini-program gives (services/draws/randomness/proofs.py)."""
    if person is None:
        return texts.render("chat/account/not_bound.j2")
    found = await draws.audit.memberships(person.id, now)
    return texts.render("chat/questions/pools.j2", pools=[
        {"activity": m.activity_id, "eval_start": china_time(m.eval_start),
         "pool": m.pool, "invited": m.invited, "root": str(m.proof["root"])[:16],
         "weight": m.proof.get("weight")}
        for m in found[:10]], more=max(0, len(found) - 10))


@router.message(Text("我的邀请", "评标邀请", "我的评标", "评标安排", "我的抽取"))
async def my_evaluations(person: Person | None, texts: Texts, now: datetime,
                         draw_record: DrawRecord, draws: DrawEngine) -> str:
    if person is None:
        return texts.render("chat/account/not_bound.j2")
    waiting, confirmed = await draw_record.expert_evaluations(person.id, now)
    return texts.render(
        "chat/questions/my_evaluations.j2",
        waiting=[{"gather_at": china_time(e.notice.gather_at),
                  "venue": draws.venues.venue_label(e.notice),
                  "due": china_time(e.invitation.due_at)} for e in waiting],
        confirmed=[{"gather_at": china_time(e.notice.gather_at),
                    "venue": draws.venues.venue_label(e.notice),
                    "address": e.notice.address, "code": e.invitation.code or ""}
                   for e in confirmed])


@router.message(Text("请假", "我要请假", "不能去了", "去不了了", "临时有事"))
async def ask_for_leave(person: Person | None, texts: Texts, now: datetime,
                        draw_record: DrawRecord, draws: DrawEngine) -> str:
    """GD-DRAW: leave is registered by the agency (登记缺席/请假); the expert calls the
    venue's contact."""
    if person is None:
        return texts.render("chat/account/not_bound.j2")
    _, confirmed = await draw_record.expert_evaluations(person.id, now)
    return texts.render("chat/questions/leave.j2", evaluations=[
        {"gather_at": china_time(e.notice.gather_at), "venue": draws.venues.venue_label(e.notice),
         "contact": draws.notices.notice_contact(e.notice)} for e in confirmed])


@router.message(Text("抽取进度", "到场情况", "专家到场", "抽取情况", "到场"))
async def agency_progress(person: Person | None, texts: Texts, people: People,
                          attendance: Attendance, now: datetime, draw_scope: DrawScope,
                          draws: DrawEngine, draw_record: DrawRecord) -> str:
    if person is None:
        return texts.render("chat/account/not_bound.j2")
    grants = await people.active_roles(person.id, now)
    if not any(g.role in (Role.AGENCY_HANDLER, Role.AGENCY_LEGAL) for g in grants):
        return texts.render("chat/questions/agency_only.j2")
    try:
        role = draw_scope.agency_role(person.id, grants)
    except BadInput:
        return texts.render("chat/questions/agency_only.j2")
    rows = []
    for activity in await draw_scope.visible_activities(role, now, limit=RECENT_ACTIVITIES):
        arrived, expected = await attendance.arrivals(activity, now)
        counts = await draws.progress.draw_counts(activity.id)
        rows.append({"id": activity.id,
                     "status": texts.word("draw_status", draw_record.shown_status(
                         activity.status, activity.eval_start, activity.finished_at, now)),
                     "eval_start": china_time(activity.eval_start), "progress": counts.text,
                     "arrived": arrived, "expected": expected})
    return texts.render("chat/questions/agency_progress.j2", activities=rows)
