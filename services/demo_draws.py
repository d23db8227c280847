"""The demo's draw pool and fee standard (`expertbot demo`, with services/demo.py): six
formal experts the sandbox's demo draw invites, and an example fee standard in force from the
day the demo is loaded."""

from __future__ import annotations

from datetime import date, datetime

from models.people import Person, Role, RoleGrant, phone_is
from models.wechat import Channel, WeChatIdentity
from services.demo_codes import demo_credit_code, demo_id
from services.people import NewPerson, People

DEMO_POOL_SPECIALTY = "A0103"
DEMO_POOL = [("赵一鸣", "13900000101"), ("钱二宝", "13900000102"), ("孙三立", "13900000103"),
             ("李四海", "13900000104"), ("周五岳", "13900000105"), ("吴六合", "13900000106")]


async def load_draw_pool(people: People, now: datetime) -> None:
    """Six formal experts (o_demo_pool<n>) the sandbox's demo draw invites."""
    from models.experts import ExpertAvoidUnit, ExpertProfile, ExpertSpecialty

    for n, (name, phone) in enumerate(DEMO_POOL, start=1):
        person = await Person.filter(phone_is(phone)).first()
        if person is None:
            person = await people.create(
                NewPerson(name, demo_id("440106", date(1975, n, 10 + n), 200 + n, n % 2 == 1),
                          phone, f"pool{n}@example.com"))  # SMS-code login only
            await RoleGrant.create(person=person, role=Role.EXPERT,
                                   expert_number=f"GD-ZJ-1{n:05d}")
        for openid, channel in ((f"o_demo_pool{n}", Channel.OFFICIAL_ACCOUNT),
                                (f"mp_demo_pool{n}", Channel.MINI_PROGRAM)):
            await WeChatIdentity.get_or_create(
                openid=openid, defaults={"channel": channel, "person_id": person.id,
                                         "bound_at": now, "subscribed": True})
        profile, created = await ExpertProfile.get_or_create(person_id=person.id, defaults={
            "expert_number": f"GD-ZJ-1{n:05d}", "region": "4401", "willing_regions": ["4401"],
            "work_unit": f"示例设计院{n}", "unit_credit_code": demo_credit_code(100 + n),
            "title_level": "正高", "industry": "住建"})
        if created:
            await ExpertSpecialty.create(expert=profile, code=DEMO_POOL_SPECIALTY,
                                         is_primary=True)
            await ExpertAvoidUnit.create(expert=profile, unit_name=profile.work_unit,
                                         credit_code=profile.unit_credit_code,
                                         reason="本人工作单位")


# The demo's fee standard (FG-807: a library publishes one; the public page /fee-standard and
# the mini-program show it). No source gives amounts (CK-198: each province sets its own), so
# these are an example, named and noted as such (docs/rules-that-are-ours.md); a deployment's
# administrator publishes its province's standard instead.
DEMO_FEE_NAME = "评标专家劳务费标准（演示数据）"
DEMO_FEE_NOTES = ("演示数据：金额仅为示例，不是任何省份发布的标准；"
                  "正式使用前由系统管理员按本省规定发布。")


async def load_fee_standard(now: datetime) -> None:
    """The example standard, in force from the day the demo is loaded (once: not when any
    version is published already)."""
    from services.common.clock import china_today
    from services.fees import FeeStandards, NewStandard

    if await FeeStandards.versions():
        return
    admin = await Person.get(phone_is("13800000007"))
    await FeeStandards.publish(NewStandard(
        name=DEMO_FEE_NAME, effective_from=china_today(now), base_hours=3, base_fen=40000,
        hour_fen=10000, part_hour_counts=True, daily_cap_fen=80000, cancel_fen=20000,
        travel_fen=15000, meal_fen=10000, notes=DEMO_FEE_NOTES), admin.id, now)
