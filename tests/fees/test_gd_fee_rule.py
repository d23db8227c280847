"""粤财采购〔2020〕17号 (GD-17) as the tiered profile pays it, case by case, to the yuan: whole
hours (a part up to half an hour dropped, above it a whole hour), the first day 400 元 up to
2 h, then 100 元 an hour to 8 h and 150 元 beyond, each following calendar day 100 元 an hour
to 8 h and 150 元 beyond, 误工补助 200 元 to an expert who arrived and withdrew, nothing when
the evaluation was called off before they came; meals counted as evaluation time; a 副场
expert by the administrator's rule against the example hourly standard (就高不就低). The
tables were written from the notice's words alone (China time; (start, end, situation,
yuan)); publishing a standard never changes a fee already recorded."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

import pytest
from aiohttp.test_utils import TestClient

from models.draws import Invitation
from models.fees import FeeStandard
from services.common.clock import CHINA, china_today
from services.fees.rule import Situation, compute
from services.fees.secondary import secondary_fee
from services.fees.standards import PRESETS
from tests.support.api import Api
from tests.support.fees import row_of, worked
from tests.support.payouts import fees_ready, record
from tests.support.wechat import Chat

GD = FeeStandard(**{k: v for k, v in asdict(PRESETS["gd2020"]).items()})
EXAMPLE = FeeStandard(name="示例标准", base_hours=3, base_fen=40_000, hour_fen=10_000,
                      part_hour_counts=True, daily_cap_fen=80_000, cancel_fen=20_000,
                      travel_fen=15_000, meal_fen=10_000, profile="hourly",
                      late_after_hours=0, late_hour_fen=0, next_day_hour_fen=0)


def _at(text: str) -> datetime:
    return datetime.strptime(f"2026-{text}", "%Y-%m-%d %H:%M").replace(tzinfo=CHINA)


GOLDEN = [
    ('12-01 09:00', '12-01 09:00', 'served', 400),
    ('12-01 09:00', '12-01 09:01', 'served', 400),
    ('12-01 09:00', '12-01 09:30', 'served', 400),
    ('12-01 09:00', '12-01 09:31', 'served', 400),
    ('12-01 09:00', '12-01 09:59', 'served', 400),
    ('12-01 09:00', '12-01 10:00', 'served', 400),
    ('12-01 09:00', '12-01 10:01', 'served', 400),
    ('12-01 09:00', '12-01 10:29', 'served', 400),
    ('12-01 09:00', '12-01 10:30', 'served', 400),
    ('12-01 09:00', '12-01 10:31', 'served', 400),
    ('12-01 09:00', '12-01 10:59', 'served', 400),
    ('12-01 09:00', '12-01 11:00', 'served', 400),
    ('12-01 09:00', '12-01 11:01', 'served', 400),
    ('12-01 09:00', '12-01 11:29', 'served', 400),
    ('12-01 09:00', '12-01 11:30', 'served', 400),
    ('12-01 09:00', '12-01 11:31', 'served', 500),
    ('12-01 09:00', '12-01 11:59', 'served', 500),
    ('12-01 09:00', '12-01 12:00', 'served', 500),
    ('12-01 09:00', '12-01 12:01', 'served', 500),
    ('12-01 09:00', '12-01 12:29', 'served', 500),
    ('12-01 09:00', '12-01 12:30', 'served', 500),
    ('12-01 09:00', '12-01 12:31', 'served', 600),
    ('12-01 09:00', '12-01 13:00', 'served', 600),
    ('12-01 09:00', '12-01 13:01', 'served', 600),
    ('12-01 09:00', '12-01 13:30', 'served', 600),
    ('12-01 09:00', '12-01 13:31', 'served', 700),
    ('12-01 09:00', '12-01 14:00', 'served', 700),
    ('12-01 09:00', '12-01 14:30', 'served', 700),
    ('12-01 09:00', '12-01 14:31', 'served', 800),
    ('12-01 09:00', '12-01 15:00', 'served', 800),
    ('12-01 09:00', '12-01 15:30', 'served', 800),
    ('12-01 09:00', '12-01 15:31', 'served', 900),
    ('12-01 09:00', '12-01 16:00', 'served', 900),
    ('12-01 09:00', '12-01 16:30', 'served', 900),
    ('12-01 09:00', '12-01 16:31', 'served', 1000),
    ('12-01 09:00', '12-01 16:59', 'served', 1000),
    ('12-01 09:00', '12-01 17:00', 'served', 1000),
    ('12-01 09:00', '12-01 17:01', 'served', 1000),
    ('12-01 09:00', '12-01 17:29', 'served', 1000),
    ('12-01 09:00', '12-01 17:30', 'served', 1000),
    ('12-01 09:00', '12-01 17:31', 'served', 1150),
    ('12-01 09:00', '12-01 18:00', 'served', 1150),
    ('12-01 09:00', '12-01 18:30', 'served', 1150),
    ('12-01 09:00', '12-01 18:31', 'served', 1300),
    ('12-01 09:00', '12-01 19:00', 'served', 1300),
    ('12-01 09:00', '12-01 19:30', 'served', 1300),
    ('12-01 09:00', '12-01 19:31', 'served', 1450),
    ('12-01 09:00', '12-01 20:00', 'served', 1450),
    ('12-01 09:00', '12-01 20:30', 'served', 1450),
    ('12-01 09:00', '12-01 20:31', 'served', 1600),
    ('12-01 09:00', '12-01 21:00', 'served', 1600),
    ('12-01 09:00', '12-01 21:30', 'served', 1600),
    ('12-01 09:00', '12-01 21:31', 'served', 1750),
    ('12-01 09:00', '12-01 22:00', 'served', 1750),
    ('12-01 09:00', '12-01 22:30', 'served', 1750),
    ('12-01 09:00', '12-01 22:31', 'served', 1900),
    ('12-01 09:00', '12-01 23:00', 'served', 1900),
    ('12-01 09:00', '12-02 00:00', 'served', 2050),
    ('12-01 09:00', '12-01 12:00', 'served', 500),
    ('12-01 09:00', '12-01 12:29', 'served', 500),
    ('12-01 09:00', '12-01 12:31', 'served', 600),
    ('12-01 09:00', '12-01 13:30', 'served', 600),
    ('12-01 14:00', '12-01 18:00', 'served', 600),
    ('12-01 14:00', '12-01 18:30', 'served', 600),
    ('12-01 14:00', '12-01 18:31', 'served', 700),
    ('12-01 09:00', '12-01 18:00', 'served', 1150),
    ('12-01 09:00', '12-01 18:30', 'served', 1150),
    ('12-01 09:00', '12-01 18:31', 'served', 1300),
    ('12-01 08:30', '12-01 12:15', 'served', 600),
    ('12-01 13:30', '12-01 18:45', 'served', 700),
    ('12-01 20:00', '12-02 00:00', 'served', 600),
    ('12-01 20:00', '12-02 00:30', 'served', 600),
    ('12-01 20:00', '12-02 00:31', 'served', 700),
    ('12-01 20:00', '12-02 01:00', 'served', 700),
    ('12-01 22:30', '12-02 02:00', 'served', 600),
    ('12-01 23:00', '12-02 03:31', 'served', 800),
    ('12-01 14:00', '12-02 02:00', 'served', 1500),
    ('12-01 16:00', '12-02 00:00', 'served', 1000),
    ('12-01 15:59', '12-02 00:00', 'served', 1000),
    ('12-01 15:29', '12-02 00:00', 'served', 1150),
    ('12-01 09:00', '12-02 09:00', 'served', 3000),
    ('12-01 09:00', '12-02 17:00', 'served', 4200),
    ('12-01 09:00', '12-02 17:30', 'served', 4200),
    ('12-01 09:00', '12-02 17:31', 'served', 4350),
    ('12-01 09:00', '12-02 18:00', 'served', 4350),
    ('12-01 09:00', '12-02 20:31', 'served', 4800),
    ('12-01 09:00', '12-03 09:00', 'served', 6200),
    ('12-01 09:00', '12-03 12:00', 'served', 6650),
    ('12-01 09:00', '12-03 08:00', 'served', 6050),
    ('12-01 18:00', '12-03 02:00', 'served', 4200),
    ('12-01 23:30', '12-02 00:29', 'served', 400),
    ('12-01 23:45', '12-02 08:45', 'served', 1350),
    ('12-01 10:00', '12-02 10:00', 'served', 3000),
    ('12-01 10:00', '12-02 08:31', 'served', 2850),
    ('12-01 08:00', '12-02 16:00', 'served', 4200),
    ('12-01 08:00', '12-02 16:31', 'served', 4350),
    ('12-01 23:59', '12-02 00:01', 'served', 400),
    ('12-01 00:00', '12-02 00:00', 'served', 3400),
    ('12-01 00:00', '12-01 23:59', 'served', 3400),
    ('12-01 00:00', '12-03 00:00', 'served', 6600),
    ('12-01 09:00', '12-01 09:00', 'withdrew', 200),
    ('12-01 09:00', '12-01 09:00', 'cancelled', 0),
    ('12-01 09:00', '12-01 15:00', 'withdrew', 200),
    ('12-01 09:00', '12-01 15:00', 'cancelled', 0),
    ('12-01 09:00', '12-02 10:00', 'withdrew', 200),
    ('12-01 09:00', '12-02 10:00', 'cancelled', 0),
]

SECONDARY = [
    ('12-01 09:00', '12-01 11:00', 'ours', 400, 'ours'),
    ('12-01 09:00', '12-01 11:00', 'theirs', 400, 'theirs'),
    ('12-01 09:00', '12-01 11:00', 'higher', 400, 'ours'),
    ('12-01 09:00', '12-01 12:31', 'ours', 600, 'ours'),
    ('12-01 09:00', '12-01 12:31', 'theirs', 500, 'theirs'),
    ('12-01 09:00', '12-01 12:31', 'higher', 600, 'ours'),
    ('12-01 09:00', '12-01 14:00', 'ours', 700, 'ours'),
    ('12-01 09:00', '12-01 14:00', 'theirs', 600, 'theirs'),
    ('12-01 09:00', '12-01 14:00', 'higher', 700, 'ours'),
    ('12-01 09:00', '12-01 17:00', 'ours', 1000, 'ours'),
    ('12-01 09:00', '12-01 17:00', 'theirs', 800, 'theirs'),
    ('12-01 09:00', '12-01 17:00', 'higher', 1000, 'ours'),
    ('12-01 09:00', '12-01 19:31', 'ours', 1450, 'ours'),
    ('12-01 09:00', '12-01 19:31', 'theirs', 800, 'theirs'),
    ('12-01 09:00', '12-01 19:31', 'higher', 1450, 'ours'),
    ('12-01 09:00', '12-02 12:00', 'ours', 3450, 'ours'),
    ('12-01 09:00', '12-02 12:00', 'theirs', 1600, 'theirs'),
    ('12-01 09:00', '12-02 12:00', 'higher', 3450, 'ours'),
]

AWAY = [
    ('12-01 09:00', '12-01 11:00', 'higher', 650, 'theirs'),
    ('12-01 09:00', '12-01 12:31', 'higher', 750, 'theirs'),
    ('12-01 09:00', '12-01 14:00', 'higher', 850, 'theirs'),
    ('12-01 09:00', '12-01 17:00', 'higher', 1050, 'theirs'),
    ('12-01 09:00', '12-02 12:00', 'higher', 3450, 'ours'),
    ('12-01 09:00', '12-01 10:00', 'higher', 650, 'theirs'),
]


def test_there_are_enough_cases() -> None:
    assert len(GOLDEN) + len(SECONDARY) + len(AWAY) >= 120


@pytest.mark.parametrize(("start", "end", "situation", "yuan"), GOLDEN)
def test_the_tiered_profile_pays_what_the_notice_says(start: str, end: str, situation: str,
                                                      yuan: int) -> None:
    got = compute(GD, _at(start), _at(end), situation, away=False)
    assert got.total_fen == yuan * 100, [asdict(i) for i in got.items]


@pytest.mark.parametrize(("start", "end", "rule", "yuan", "which"), SECONDARY + AWAY)
def test_a_secondary_venue_pays_by_the_rule_against_the_other_standard(
        start: str, end: str, rule: str, yuan: int, which: str) -> None:
    away = (start, end, rule, yuan, which) in AWAY
    got, whose = secondary_fee(rule, GD, EXAMPLE, _at(start), _at(end), Situation.SERVED,
                               away)
    assert (got.total_fen, whose) == (yuan * 100, which)


def test_the_preset_is_the_notice_and_the_items_say_how_it_came_about() -> None:
    got = compute(GD, _at("12-01 09:00"), _at("12-01 18:31"), Situation.SERVED, away=False)
    assert [(i.kind, i.fen, i.hours, i.counted) for i in got.items] == [
        ("base", 40_000, 2, 10), ("extra", 60_000, 6, 0), ("late", 30_000, 2, 0)]
    two_days = compute(GD, _at("12-01 20:00"), _at("12-02 00:31"), Situation.SERVED, False)
    assert [(i.kind, i.day, i.fen) for i in two_days.items] == [
        ("base", 1, 40_000), ("extra", 1, 20_000), ("next", 2, 10_000)]


async def test_publishing_the_tiered_standard_changes_no_fee_already_recorded(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """A fee the agency recorded stays as recorded when a new version applies to its day (a
    replay: the same evaluation read again); one not yet recorded follows the new version."""
    aid, token, (recorded, open_one) = await fees_ready(api, chat, client, demo)
    assert (await record(api, aid, token, recorded)).status == 200
    at = (await Invitation.get(id=open_one.id)).checkin_at
    assert at is not None
    await worked(open_one, at, 151 / 60)  # 2 h 31 min
    before = await api.call("GET", f"/draws/activities/{aid}/fees", token)
    assert row_of(before, open_one)["computed_yuan"] == "400.00"  # within the 3 h base
    admin = await api.login(demo["admin"].mp_openid)
    listed = await api.call("GET", "/admin/fee-standards", admin)
    (preset,) = [p for p in listed.data["presets"] if p["key"] == "gd2020"]
    today = china_today(datetime.now(UTC))
    published = await api.call("POST", "/admin/fee-standards", admin, {
        **preset["values"], "part_hour_counts": False, "effective_from": today.isoformat()})
    assert published.status == 200, published.data
    assert published.data["profile"] == "gd2020" and published.data["late_yuan"] == "150.00"
    after = await api.call("GET", f"/draws/activities/{aid}/fees", token)
    assert row_of(after, recorded)["amount_yuan"] == "400.00"  # as recorded
    assert row_of(after, open_one)["computed_yuan"] == "500.00"  # 2 h 31 min counts as 3 h
    assert (await Invitation.get(id=recorded.id)).fee_fen == 40_000
