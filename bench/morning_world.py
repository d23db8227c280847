"""The province `bench.morning` runs on, made once and kept between runs: 100,000 formal
experts in Guangdong's 21 cities (bench/draws.py's register), each a person with a phone;
7 in 10 follow the official account and answer in chat, 2 in 10 have no WeChat and answer by
SMS, 1 in 10 answers only the voice call; 30,000 hold the expert role the province-wide notice
reaches. Each run adds its own agency and 200 verified activities, 5 places each."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bench.common import SECRETS
from bench.draws import CITIES, populate, uscc

CHAT_OPENID = "o_morning_"  # + the expert's id
PERSON_BASE = 1_000_000  # bench/draws.py: expert i is person 1,000,000 + i
NOTICED = 30_000  # the experts the province-wide notice reaches
HANDLER_MINI = "mp_morning_handler"


def channel_of(expert_id: int) -> str:
    """How an expert answers: chat (7 in 10), sms (2), voice (1)."""
    return "chat" if expert_id % 10 < 7 else "sms" if expert_id % 10 < 9 else "voice"


def phone_of(expert_id: int) -> str:
    return f"15{expert_id:09d}"


@dataclass
class World:
    agency_id: int
    handler_id: int
    activities: list[int] = field(default_factory=list)
    venues: list[int] = field(default_factory=list)  # the 09:00 evaluations (morning_venue)
    places: list[tuple[int, str, str]] = field(default_factory=list)  # expert, channel, code


async def people(experts: int) -> None:
    """A person for each expert (once), the followers' identities, the notice's roles."""
    from models.orm import sealing
    from models.people import Person, Role, RoleGrant, sealed_phone
    from models.wechat import Channel, WeChatIdentity
    from services.common.pii import Vault

    await populate(experts)
    have = await Person.filter(id__gt=PERSON_BASE, id__lte=PERSON_BASE + experts).count()
    if have >= experts:
        return
    vault = Vault(SECRETS["ID_ENCRYPTION_KEY"])
    sealing.install(vault)
    now = datetime.now(UTC)
    for first in range(1, experts + 1, 2000):
        ids = [i for i in range(first, min(first + 2000, experts + 1))
               if not await Person.exists(id=PERSON_BASE + i)] if have else \
            list(range(first, min(first + 2000, experts + 1)))
        rows = []
        for i in ids:
            number = f"44010{i:012d}"[:17] + "X"
            rows.append(Person(id=PERSON_BASE + i, name=f"专家{i}",
                               id_number_enc=vault.encrypt(number),
                               id_number_hash=vault.lookup_hash(number),
                               id_masked=number[:6] + "********" + number[-4:], gender="M",
                               birth_year=1970, **sealed_phone(phone_of(i))))
        await Person.bulk_create(rows, ignore_conflicts=True)
        await WeChatIdentity.bulk_create([
            WeChatIdentity(openid=f"{CHAT_OPENID}{i}", channel=Channel.OFFICIAL_ACCOUNT,
                           person_id=PERSON_BASE + i, subscribed=True, bound_at=now)
            for i in ids if channel_of(i) == "chat"], ignore_conflicts=True)
        await RoleGrant.bulk_create([
            RoleGrant(person_id=PERSON_BASE + i, role=Role.EXPERT,
                      expert_number=f"B-{i:06d}") for i in ids if i <= NOTICED],
            ignore_conflicts=True)


async def desk(run: str) -> World:
    """This run's agency, its handler and legal person (each following, the handler in the
    mini-program too)."""
    from models.people import Agency, Person, Role, RoleGrant, sealed_phone
    from models.wechat import Channel, WeChatIdentity
    from services.common.pii import Vault

    vault = Vault(SECRETS["ID_ENCRYPTION_KEY"])
    agency = await Agency.create(name=f"早高峰招标代理有限公司{run}", credit_code=uscc(
        800_000 + int(run) % 100_000))
    made = []
    for n, (openid, role) in enumerate((("o_morning_handler", Role.AGENCY_HANDLER),
                                        ("o_morning_legal", Role.AGENCY_LEGAL))):
        number = f"4401061980{n:02d}{int(run) % 10000:04d}"[:17] + "X"
        old = await WeChatIdentity.get_or_none(openid=openid)
        if old is not None:  # an earlier run's desk: its identities move to this run's
            await WeChatIdentity.filter(person_id=old.person_id).delete()
        person = await Person.create(
            name="陈经办" if n == 0 else "李法人", id_number_enc=vault.encrypt(number + run),
            id_number_hash=vault.lookup_hash(number + run), id_masked="440106********000X",
            gender="M", birth_year=1980, **sealed_phone(f"139{run[-7:]}{n}"))
        await RoleGrant.create(person_id=person.id, role=role, agency_id=agency.id)
        await WeChatIdentity.create(openid=openid, channel=Channel.OFFICIAL_ACCOUNT,
                                    person_id=person.id, subscribed=True,
                                    bound_at=datetime.now(UTC))
        if n == 0:
            await WeChatIdentity.create(openid=HANDLER_MINI, channel=Channel.MINI_PROGRAM,
                                        person_id=person.id, bound_at=datetime.now(UTC))
        made.append(person.id)
    return World(agency.id, made[0])


async def activities(world: World, count: int, eval_in: timedelta) -> None:
    """`count` verified activities, one a city in turn, 5 places of a specialty that city
    has at least 40 experts of."""
    from tortoise import connections

    from models.draws import Avoidance, Condition, DrawActivity, DrawStatus, Notice, Project

    rows = await connections.get("default").execute_query_dict(
        "SELECT p.region, s.code, count(*) AS n FROM expert_specialty s JOIN expert_profile p "
        "ON p.id = s.expert_id GROUP BY p.region, s.code HAVING count(*) >= 40")
    by_city: dict[str, list[str]] = {}
    for row in rows:
        by_city.setdefault(row["region"], []).append(row["code"])
    rng = random.Random(20261127)
    start = datetime.now(UTC) + eval_in
    for n in range(count):
        city = CITIES[n % len(CITIES)]
        project = await Project.create(
            agency_id=world.agency_id, created_by=world.handler_id,
            name=f"早高峰项目{n + 1:03d}", number=f"AM-{time.time_ns()}-{n}", kind="工程",
            region=city, tenderer_name=f"招标人{n}", tenderer_credit_code=uscc(700_000 + n))
        activity = await DrawActivity.create(
            project=project, agency_id=world.agency_id, handler_id=world.handler_id,
            status=DrawStatus.VERIFIED, total=5, bid_open_at=start - timedelta(hours=1),
            eval_start=start, eval_end=start + timedelta(hours=6), response_minutes=10)
        await Avoidance.create(activity=activity, kind="unit", name=project.tenderer_name,
                               credit_code=project.tenderer_credit_code, fixed=True,
                               reason="招标人")
        notice = await Notice.create(activity=activity, venue=f"{city}交易中心", city="某市",
                                     district="某区", street="某路1号",
                                     gather_at=start - timedelta(minutes=30),
                                     contact_name="陈", contact_phone="020-12345678")
        await Condition.create(activity=activity, notice=notice, regions=[city],
                               main_specialty=rng.choice(sorted(by_city[city])), planned=5)
        world.activities.append(activity.id)
