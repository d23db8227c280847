"""The published fee standard (FG-807: each library publishes its fee standard; CK-198:
provinces set it): versions an administrator publishes, each applying from its effective
date; an evaluation uses the version in force on its day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from models.fees import FeeStandard
from services.common.clock import china_today
from services.common.errors import BadInput
from services.fees.rule import HOURLY, PROFILES, TIERED

PAGE_PATH = "/fee-standard"  # the public page (web/fee_standard.py), for links to it
MAX_AMOUNT_FEN = 10_000_000  # 100 000 yuan: above it, a typo
MONEY = ("base_fen", "hour_fen", "daily_cap_fen", "cancel_fen", "travel_fen", "meal_fen",
         "late_hour_fen", "next_day_hour_fen")


@dataclass(frozen=True)
class NewStandard:
    name: str
    effective_from: date
    base_hours: int
    base_fen: int
    hour_fen: int
    part_hour_counts: bool
    daily_cap_fen: int
    cancel_fen: int
    travel_fen: int
    meal_fen: int
    notes: str = ""
    secondary_rule: str = "higher"  # 副场 experts' pay (secondary.py; FG-807 就高)
    profile: str = HOURLY  # how the amounts apply (services/fees/rule.py PROFILES)
    late_after_hours: int = 0  # TIERED: the hours after which `late_hour_fen` applies
    late_hour_fen: int = 0
    next_day_hour_fen: int = 0  # TIERED: each hour of a following day


# what an administrator may publish as it stands (dated from the day they choose): the
# province's published standards, each with its source (docs/sources.md)
PRESETS: dict[str, NewStandard] = {
    # GD-17 (粤财采购〔2020〕17号, in force from 2020-08-12): 2 h 400 元, then 100 元 an hour to
    # 8 h, 150 元 beyond; following days 100 元 an hour; 误工补助 200 元; meals provided
    TIERED: NewStandard(
        name="广东省政府采购评审专家劳务报酬标准（粤财采购〔2020〕17号）",
        effective_from=date(2020, 8, 12), base_hours=2, base_fen=40_000, hour_fen=10_000,
        part_hour_counts=False, daily_cap_fen=0, cancel_fen=20_000, travel_fen=0, meal_fen=0,
        notes="评审时间从到达评审地点起至完成评审报告止；用餐由采购人或代理机构统一安排，"
              "用餐时间计入评审时间",
        profile=TIERED, late_after_hours=8, late_hour_fen=15_000, next_day_hour_fen=10_000),
}


def check_standard(new: NewStandard, today: date) -> None:
    """Refuses a standard that could not be applied as written."""
    if not new.name.strip():
        raise BadInput("fee_standard.name")
    if new.effective_from < today:
        # an evaluation already paid by the old standard must not change under the agency
        raise BadInput("fee_standard.past", today=today.isoformat())
    if not 1 <= new.base_hours <= 24:
        raise BadInput("fee_standard.base_hours")
    for name in MONEY:
        if not 0 <= getattr(new, name) <= MAX_AMOUNT_FEN:
            raise BadInput("fee_standard.amount", most=MAX_AMOUNT_FEN // 100)
    if new.profile not in PROFILES:
        raise BadInput("fee_standard.profile")
    if new.profile == TIERED and not new.base_hours <= new.late_after_hours <= 24:
        raise BadInput("fee_standard.late_after_hours", base=new.base_hours)
    if new.profile == HOURLY and new.daily_cap_fen < new.base_fen:
        raise BadInput("fee_standard.cap_below_base")
    if new.secondary_rule not in ("ours", "theirs", "higher"):
        raise BadInput("fee_standard.secondary_rule")


class FeeStandards:
    """The standard's versions: published by the administrator, read by everyone."""

    PAGE_PATH = PAGE_PATH
    PRESETS = PRESETS

    @staticmethod
    async def publish(new: NewStandard, person_id: int, now: datetime) -> FeeStandard:
        """A new version; it applies to evaluations from its effective date on (a later
        version with the same date replaces it for them)."""
        check_standard(new, china_today(now))
        return await FeeStandard.create(
            name=new.name.strip(), effective_from=new.effective_from,
            base_hours=new.base_hours, base_fen=new.base_fen, hour_fen=new.hour_fen,
            part_hour_counts=new.part_hour_counts, daily_cap_fen=new.daily_cap_fen,
            cancel_fen=new.cancel_fen, travel_fen=new.travel_fen, meal_fen=new.meal_fen,
            notes=new.notes.strip(), secondary_rule=new.secondary_rule,
            profile=new.profile, late_after_hours=new.late_after_hours,
            late_hour_fen=new.late_hour_fen, next_day_hour_fen=new.next_day_hour_fen,
            published_by=person_id, published_at=now)

    @staticmethod
    async def in_force(day: date) -> FeeStandard | None:
        """The version in force on `day`: the latest effective on or before it (of two with
        the same date, the one published last)."""
        return await FeeStandard.filter(effective_from__lte=day).order_by(
            "-effective_from", "-id").first()

    @staticmethod
    async def published(today: date) -> tuple[FeeStandard | None, list[FeeStandard]]:
        """The version in force today and those published to apply later, soonest first."""
        later = await FeeStandard.filter(effective_from__gt=today).order_by(
            "effective_from", "id")
        return await FeeStandards.in_force(today), list(later)

    @staticmethod
    async def versions() -> list[FeeStandard]:
        """Every version ever published, newest effective date first."""
        return await FeeStandard.all().order_by("-effective_from", "-id").limit(200)
