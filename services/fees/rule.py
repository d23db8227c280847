"""The fee of one expert for one evaluation by the published standard (models.fees): pure
arithmetic on fen, with each step kept as an item so every page and reply can say how the
amount came about."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from models.fees import FeeStandard
from services.common.clock import CHINA


class Situation:
    SERVED = "served"
    CANCELLED = "cancelled"  # the evaluation was withdrawn (退选) after the expert agreed
    WITHDREW = "withdrew"  # came, and had to withdraw on arrival (现场回避)


# the steps of a fee (texts/draw/fee_breakdown.j2)
FeeStep = Literal["base", "extra", "cap", "cancel", "travel", "meal"]


@dataclass(frozen=True)
class FeeItem:
    """One step: `kind` names it (texts/draw/fee_breakdown.j2), `fen` is what it adds (a
    cap takes away)."""

    kind: FeeStep
    fen: int
    day: int = 0  # the evaluation day it belongs to (1, 2, ...) when there are several
    minutes: int = 0  # base: the minutes worked that day
    hours: int = 0  # base: the hours it covers; extra: the further hours paid
    each_fen: int = 0  # extra: per hour; meal: per day
    days: int = 0  # meal


@dataclass(frozen=True)
class Computed:
    total_fen: int
    items: list[FeeItem] = field(default_factory=list)
    days: int = 1
    away: bool = False
    situation: str = Situation.SERVED
    # an expert at a 副场 (secondary.py): the administrator's rule
    # ("ours" / "theirs" / "higher"), whose standard applied and its name; "" at the 主场
    venue_rule: str = ""
    which: str = ""
    standard_name: str = ""


def minutes_by_day(start: datetime, end: datetime) -> list[int]:
    """The minutes between start and end on each China calendar day they touch."""
    if end <= start:
        return [0]
    out = []
    at = start.astimezone(CHINA)
    stop = end.astimezone(CHINA)
    while at < stop:
        midnight = (at + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        upto = min(midnight, stop)
        out.append(int((upto - at).total_seconds() // 60))
        at = upto
    return out


def day_items(standard: FeeStandard, minutes: int, day: int) -> list[FeeItem]:
    """One day's labour fee: the base up to `base_hours`, then per further hour (a started
    hour counted when the standard says so), at most the daily cap."""
    items = [FeeItem("base", standard.base_fen, day=day, minutes=minutes,
                     hours=standard.base_hours)]
    extra = max(0, minutes - standard.base_hours * 60)
    units = -(-extra // 60) if standard.part_hour_counts else extra // 60
    if units:
        items.append(FeeItem("extra", units * standard.hour_fen, day=day, hours=units,
                             each_fen=standard.hour_fen))
    subtotal = sum(i.fen for i in items)
    if subtotal > standard.daily_cap_fen:
        items.append(FeeItem("cap", standard.daily_cap_fen - subtotal, day=day,
                             each_fen=standard.daily_cap_fen))
    return items


def compute(standard: FeeStandard, start: datetime, end: datetime, situation: str,
            away: bool) -> Computed:
    """The fee for working from `start` to `end` (or the compensation when cancelled or
    withdrawn on arrival), with the allowances of an expert from another city."""
    spans = minutes_by_day(start, end)
    days = len(spans)
    items: list[FeeItem] = []
    if situation == Situation.SERVED:
        for n, minutes in enumerate(spans, 1):
            items += day_items(standard, minutes, n if days > 1 else 0)
    else:
        items.append(FeeItem("cancel", standard.cancel_fen))
    # a cancelled evaluation is called off before anyone travels; an expert withdrawing on
    # arrival has travelled (docs/rules-that-are-ours.md)
    if away and situation != Situation.CANCELLED:
        items.append(FeeItem("travel", standard.travel_fen))
        meal_days = days if situation == Situation.SERVED else 1
        items.append(FeeItem("meal", standard.meal_fen * meal_days, each_fen=standard.meal_fen,
                             days=meal_days))
    return Computed(sum(i.fen for i in items), items, days, away, situation)
