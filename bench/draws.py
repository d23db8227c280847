"""Draw benchmark on PostgreSQL: 100,000 formal experts, an activity with 50 avoided units.

- candidate selection: `candidate_pool` for varied conditions (specialty, regions, title),
  p50 / p95 over the runs;
- a whole 9-expert draw end to end: the draw starts (seed, pools, first wave of invitations
  written with their notifications), then each invited expert answers `1` through the real
  `POST /wechat/callback` (signed pushes to the service on loopback) until the activity ends.

    .venv/bin/python -m bench.draws [--experts 100000] [--selections 60] [--draws 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bench.common import DATABASE_URL, REDIS_URL, ensure_database, flush_redis, service_env, table

if TYPE_CHECKING:
    from config.settings import Settings

CITIES = ["4401", "4402", "4403", "4404", "4405", "4406", "4407", "4408", "4409", "4412",
          "4413", "4414", "4415", "4416", "4417", "4418", "4419", "4420", "4451", "4452", "4453"]
TITLES = ["中级", "副高", "副高", "正高"]
UNITS = 20_000


def uscc(seq: int) -> str:
    """A valid unified social credit code for bench units."""
    from services.people.identity_rules import IdentityRules

    first17 = f"91440101{seq:09d}"
    return first17 + IdentityRules.uscc_check_char(first17)


def _settings() -> Settings:
    from config.settings import Settings

    os.environ.update(service_env(WECHAT_API_BASE="http://127.0.0.1:9/unused",
                                  WECHAT_MESSAGE_MODE="plain"))
    return Settings()


async def populate(count: int) -> None:
    """100,000 experts (once: kept between runs), with specialties and declared units."""
    import asyncpg

    from services.reference.catalogue import catalogue

    conn = await asyncpg.connect(DATABASE_URL.replace("postgres://", "postgresql://", 1))
    try:
        have = await conn.fetchval("SELECT count(*) FROM expert_profile")
        if have >= count:
            return
        await conn.execute("TRUNCATE expert_profile, expert_specialty, expert_avoid_unit "
                           "RESTART IDENTITY CASCADE")
        leaves = [c for c in catalogue().leaves()]
        rng = random.Random(7)
        now = datetime.now(UTC)
        units = [uscc(100_000 + i) for i in range(UNITS)]
        profiles, specialties, declared = [], [], []
        for i in range(1, count + 1):
            unit = rng.randrange(UNITS)
            city = rng.choice(CITIES)
            profiles.append((i, 1_000_000 + i, f"B-{i:06d}", True, city, f'["{city}"]',
                             f"单位{unit}", units[unit], rng.choice(TITLES), "[]", "住建",
                             # 是否接受异地评标 是: the pools stay those of the draw regions
                             True, False, now, now))
            for n, code in enumerate(rng.sample(leaves, rng.randint(1, 3))):
                specialties.append((len(specialties) + 1, i, code, n == 0))
            declared.append((i, i, f"单位{unit}", units[unit], "本人工作单位"))
        await conn.copy_records_to_table(
            "expert_profile", records=profiles,
            columns=["id", "person_id", "expert_number", "active", "region", "willing_regions",
                     "work_unit", "unit_credit_code", "title_level", "qualifications",
                     "industry", "remote_ok", "emergency_ok", "created_at", "updated_at"])
        await conn.copy_records_to_table("expert_specialty", records=specialties,
                                         columns=["id", "expert_id", "code", "is_primary"])
        await conn.copy_records_to_table(
            "expert_avoid_unit", records=declared,
            columns=["id", "expert_id", "unit_name", "credit_code", "reason"])
        for table_name in ("expert_profile", "expert_specialty", "expert_avoid_unit"):
            await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table_name}', 'id'), "
                               f"(SELECT max(id) FROM {table_name}))")
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


async def make_activity(planned: int, specialty: str, regions: list[str]) -> int:
    """A verified activity with 50 avoided units (2 fixed + 48 by hand)."""
    from models.draws import Avoidance, Condition, DrawActivity, DrawStatus, Notice, Project
    from models.people import Agency

    agency, _ = await Agency.get_or_create(credit_code=uscc(900_001),
                                           defaults={"name": "基准测试招标代理有限公司"})
    start = datetime.now(UTC) + timedelta(days=2)
    project = await Project.create(agency_id=agency.id, created_by=1, name="基准测试项目",
                                   number=f"BENCH-{time.time_ns()}", kind="工程",
                                   region="4401", tenderer_name="基准测试招标人",
                                   tenderer_credit_code=uscc(900_002))
    activity = await DrawActivity.create(project=project, agency_id=agency.id, handler_id=1,
                                         status=DrawStatus.VERIFIED, total=planned,
                                         bid_open_at=start - timedelta(hours=1),
                                         eval_start=start, eval_end=start + timedelta(hours=6))
    await Avoidance.create(activity=activity, kind="unit", name=agency.name,
                           credit_code=agency.credit_code, fixed=True, reason="招标代理机构")
    await Avoidance.create(activity=activity, kind="unit", name=project.tenderer_name,
                           credit_code=project.tenderer_credit_code, fixed=True, reason="招标人")
    for i in range(48):
        unit = (i * 397) % UNITS
        await Avoidance.create(activity=activity, kind="unit", name=f"单位{unit}",
                               credit_code=uscc(100_000 + unit), reason="利害关系")
    notice = await Notice.create(activity=activity, venue="评标中心", city="广州市",
                                 district="天河区", street="天润路333号",
                                 gather_at=start - timedelta(minutes=30), contact_name="陈",
                                 contact_phone="020-12345678")
    await Condition.create(activity=activity, notice=notice, regions=regions,
                           main_specialty=specialty, planned=planned, title_level="副高")
    return activity.id


async def selections(runs: int) -> list[float]:
    from models.draws import Condition, DrawActivity
    from services.draws.candidates.pool import candidate_pool
    from services.reference.catalogue import catalogue

    leaves = catalogue().leaves()
    rng = random.Random(11)
    times, sizes = [], []
    for _ in range(runs):
        aid = await make_activity(5, rng.choice(leaves), rng.sample(CITIES, rng.randint(1, 4)))
        activity = await DrawActivity.get(id=aid)
        condition = await Condition.get(activity_id=aid)
        started = time.perf_counter()
        pool = await candidate_pool(activity, condition, condition.main_specialty)
        times.append((time.perf_counter() - started) * 1000)
        sizes.append(len(pool))
    print(f"  pool sizes: min {min(sizes)}, median {statistics.median(sizes):.0f}, "
          f"max {max(sizes)}")
    return times


async def whole_draws(count: int) -> tuple[list[float], list[float]]:
    """Start a 9-expert draw and answer every invitation `1` through /wechat/callback."""
    import aiohttp
    from aiohttp import web

    from config.app import create_app
    from models.draws import DrawActivity, DrawStatus, Invitation, InvitationStatus
    from models.experts import ExpertProfile, ExpertSpecialty
    from models.people import Person, sealed_phone
    from models.wechat import Channel, WeChatIdentity
    from sandbox.wechat_push import Pusher, text_fields
    from web.context import DOMAIN

    settings = _settings()
    app = create_app(settings, "http://127.0.0.1:8397")
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 8397)
    await site.start()
    domain = app[DOMAIN]
    specialty = "A0401"
    # experts of this specialty in the drawn cities answer in chat: give them identities
    ids = await ExpertSpecialty.filter(code=specialty).values_list("expert_id", flat=True)
    pool = await ExpertProfile.filter(id__in=list(ids), region__in=["4401", "4403"]
                                      ).values_list("id", "person_id")
    vault = domain.vault
    for expert_id, person_id in pool:
        if not await Person.exists(id=person_id):
            number = f"{expert_id:018d}"
            await Person.create(id=person_id, name=f"专家{expert_id}",
                                id_number_enc=vault.encrypt(number),
                                id_number_hash=vault.lookup_hash(number),
                                id_masked="44010*****", gender="M",
                                birth_year=1970, **sealed_phone(f"15{expert_id:09d}"))
            await WeChatIdentity.create(openid=f"o_b_{expert_id}", person_id=person_id,
                                        channel=Channel.OFFICIAL_ACCOUNT, subscribed=True,
                                        bound_at=datetime.now(UTC))
    from services.draws.facts.oplog import Actor

    BENCH = Actor("agency", None, "bench")
    pusher = Pusher(settings.wechat_token, settings.wechat_appid, None, "plain")
    first_wave, whole = [], []
    async with aiohttp.ClientSession() as http:
        for _ in range(count):
            aid = await make_activity(9, specialty, ["4401", "4403"])
            t0 = time.perf_counter()
            await domain.draws.running.lifecycle.start(aid, datetime.now(UTC), BENCH, "bench")
            first_wave.append((time.perf_counter() - t0) * 1000)
            while (await DrawActivity.get(id=aid)).status != DrawStatus.ENDED:
                waiting = await Invitation.filter(activity_id=aid,
                                                  status=InvitationStatus.SENT)
                for item in waiting:
                    push = pusher.build(text_fields(f"o_b_{item.expert_id}", "1"))
                    async with http.post("http://127.0.0.1:8397/wechat/callback",
                                         params=push.query, data=push.body) as resp:
                        body = await resp.text()
                        assert "已确认参加" in body, body[:200]
            whole.append(time.perf_counter() - t0)
            assert await Invitation.filter(activity_id=aid,
                                           status=InvitationStatus.CONFIRMED).count() == 9
    await runner.cleanup()
    return first_wave, whole


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def main_async(args: argparse.Namespace) -> None:
    from config.db.database import database, run_migrations

    settings = _settings()
    await run_migrations(settings, echo=False)
    t = time.perf_counter()
    await populate(args.experts)
    print(f"  {args.experts} experts ready ({time.perf_counter() - t:.1f} s)")
    async with database(settings):
        select_ms = await selections(args.selections)
    first_wave, whole = await whole_draws(args.draws)
    print()
    print(f"experts={args.experts} avoided_units=50 selections={args.selections} "
          f"draws={args.draws} (PostgreSQL + Redis)")
    print()
    print(table(["measure", "p50", "p95", "max", "target"], [
        ["candidate selection (ms)", f"{pct(select_ms, .5):.1f}", f"{pct(select_ms, .95):.1f}",
         f"{max(select_ms):.1f}", "p95 < 50"],
        ["draw start + first wave of 9 (ms)", f"{pct(first_wave, .5):.0f}",
         f"{pct(first_wave, .95):.0f}", f"{max(first_wave):.0f}", ""],
        ["whole 9-expert draw (s)", f"{pct(whole, .5):.2f}", f"{pct(whole, .95):.2f}",
         f"{max(whole):.2f}", "< 3"],
    ]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--experts", type=int, default=100_000)
    parser.add_argument("--selections", type=int, default=60)
    parser.add_argument("--draws", type=int, default=5)
    args = parser.parse_args()
    ensure_database()
    flush_redis()
    os.environ.setdefault("DATABASE_URL", DATABASE_URL)
    os.environ.setdefault("REDIS_URL", REDIS_URL)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
