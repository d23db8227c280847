"""培训: the training sessions of the batches whose fee the applicant paid, with their own
attendance (XJ-SIGNUP: 查看培训及测试事项); 退费: whether the training fee can be refunded,
the refusal saying why (逾期未参加的,不予退费) — the refund itself is asked for in the
mini-program, where the amount is confirmed."""

from __future__ import annotations

from datetime import datetime

from bot.conversation.filters import Keyword, Text
from bot.conversation.router import Router
from models.people import Person
from services.applicants import Applications
from services.common.clock import china_time
from services.common.errors import DomainError
from services.common.texts import Texts
from services.education import Training, TrainingRefunds

router = Router("training")
ATTENDED = {True: "已参加", False: "未参加", None: ""}


@router.message(Text("培训", "培训安排", "培训时间", "培训地点", "培训通知", "我的培训"))
@router.message(Keyword("培训安排", "培训时间", "培训地点"))
async def sessions(person: Person | None, texts: Texts, training: Training) -> str:
    if person is None:
        return texts.render("chat/account/not_bound.j2")
    found = await training.for_person(person.id)
    return texts.render("chat/training/sessions.j2", sessions=[{
        "title": v.session.title, "starts": china_time(v.session.starts_at),
        "ends": china_time(v.session.ends_at), "place": v.session.place or "",
        "link": v.session.online_url or "", "note": v.session.note,
        "attended": ATTENDED[v.attended]} for v in found])


@router.message(Text("退费", "申请退费", "退培训费", "培训费退费", "退款"))
@router.message(Keyword("退费", "退培训费"))
async def refund(person: Person | None, texts: Texts, applications: Applications,
                 refunds: TrainingRefunds, now: datetime) -> str:
    if person is None:
        return texts.render("chat/account/not_bound.j2")
    app = await applications.latest(person.id)
    if app is None:
        return texts.error(DomainError("refund.no_fee"))
    try:
        found = await refunds.check(app.id, person.id, now)
    except DomainError as exc:
        return texts.error(exc)
    return texts.render("chat/training/refund_possible.j2", item=found.payable.title,
                        amount=f"{found.order.amount_fen / 100:.2f}元")
