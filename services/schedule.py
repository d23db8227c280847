"""Formal experts' own standing: unavailable dates (日程管理) and deregistration (注销)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from tortoise.transactions import in_transaction

from models.experts import ExpertProfile, Unavailability
from models.people import Person, RoleGrant
from models.wechat import WeChatIdentity
from services.clock import china_today
from services.identity_rules import RuleError

MAX_SPAN = timedelta(days=90)


async def add_unavailability(person: Person, start: date, end: date, reason: str,
                             now: datetime) -> Unavailability:
    if not await ExpertProfile.exists(person_id=person.id, active=True):
        raise RuleError("只有在库专家可以设置不可参加评标的日期。")
    if end < start:
        raise RuleError("结束日期不能早于开始日期。")
    if start < china_today(now):
        raise RuleError("不能设置已经过去的日期。")
    if end - start > MAX_SPAN:
        raise RuleError("一次最多设置90天；更长时间无法参加评标，请考虑申请暂停或注销。")
    return await Unavailability.create(person_id=person.id, date_from=start, date_to=end,
                                       reason=reason[:64])


async def upcoming(person: Person, now: datetime) -> list[Unavailability]:
    return await Unavailability.filter(person_id=person.id,
                                       date_to__gte=china_today(now)).order_by("date_from")


async def deregister(person: Person, now: datetime) -> None:
    """注销: the account becomes unusable: roles revoked, WeChat unbound, not drawn again."""
    async with in_transaction():
        await ExpertProfile.filter(person_id=person.id).update(active=False)
        await RoleGrant.filter(person_id=person.id, revoked_at=None).update(revoked_at=now)
        await WeChatIdentity.filter(person_id=person.id).update(person_id=None, bound_at=None)
        await Person.filter(id=person.id).update(deregistered_at=now)
