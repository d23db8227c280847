"""The fee of one expert for one evaluation by the published standard (models.fees): pure
arithmetic on fen, with each step kept as an item so every page and reply can say how the
amount came about."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from models.fees import FeeStandard
from services.common.clock import CHINA

HOURLY = "hourly"  # a base up to some hours, a rate per further hour, a daily cap
TIERED = "gd2020"  # 粤财采购〔2020〕17号 (GD-17): compute_tiered below
PROFILES = (HOURLY, TIERED)


class Situation:
    SERVED = "served"
    CANCELLED = "cancelled"  # the evaluation was withdrawn (退选) after the expert agreed
    WITHDREW = "withdrew"  # came, and had to withdraw on arrival (现场回避)


# the steps of a fee (texts/draw/fee_breakdown.j2)
# (forfeit, forfeit_travel and noted: services/fees/forfeit.py)
FeeStep = Literal["base", "extra", "cap", "cancel", "travel", "meal", "late", "next",
                  "forfeit", "forfeit_travel", "noted"]


@dataclass(frozen=True)
class FeeItem:
    """One step: `kind` names it (texts/draw/fee_breakdown.j2), `fen` is what it adds (a
    cap takes away)."""

    kind: FeeStep
    fen: int
    day: int = 0  # the evaluation day it belongs to (1, 2, ...) when there are several
    minutes: int = 0  # base: the minutes worked that day
    hours: int = 0  # base: the hours it covers; extra: the further hours paid
    each_fen: int = 0  # extra, late, next: per hour; meal: per day
    days: int = 0  # meal
    counted: int = 0  # base, next (services/fees/tiered.py): the whole hours the day counts
    after: int = 0  # late: the hours after which an hour is paid at the late rate
    why: str = ""  # forfeit, forfeit_travel, noted: the record's grounds in words
    held: bool = False  # forfeit, forfeit_travel: the expert's dispute waits for the review


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

    @property
    def forfeited_fen(self) -> int:
        """What the law took off (services/fees/forfeit.py), in fen, positive; 0: nothing."""
        return -sum(i.fen for i in self.items if i.kind in ("forfeit", "forfeit_travel"))

    @property
    def held(self) -> bool:
        """What the law took is held while the expert's dispute waits for the review."""
        return any(i.held for i in self.items)

    @property
    def grounds(self) -> str:
        """The record's grounds in words ("" when none)."""
        return next((i.why for i in self.items if i.why), "")


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
    withdrawn on arrival), with the allowances of an expert from another city, by the
    standard's profile (HOURLY, or TIERED: compute_tiered)."""
    if standard.profile == TIERED:
        return compute_tiered(standard, start, end, situation, away)
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


# --- the tiered profile ---------------------------------------------------------------
# Fees by the tiered profile (TIERED), the way 《广东省财政厅关于修订广东省政府采购评审专家劳务报酬
# 标准的通知》(粤财采购〔2020〕17号, GD-17) pays, with its amounts as the standard's parameters:
# - 一: time from arrival to the finished report, in whole hours: "超过整数时数不足0.5小时（含0.5
#   小时）的不计算，超过0.5小时、不足1小时按增加1小时计算" (each China calendar day on its own,
#   docs/rules-that-are-ours.md);
# - 二（一）the first day: up to `base_hours` (2) `base_fen` (400 元), then `hour_fen` (100 元)
#   an hour up to `late_after_hours` (8), `late_hour_fen` (150 元) an hour beyond;
# - 二（二）each following day: `next_day_hour_fen` (100 元) an hour up to `late_after_hours`,
#   `late_hour_fen` beyond;
# - 二（三）误工补助 `cancel_fen` (200 元) to an expert who arrived and had to withdraw (现场回避);
#   an evaluation called off before the experts came pays nothing;
# - 二（四）meals are provided and their time counted: no deduction, no allowance of its own.
# No daily cap. Travel and meal allowances, where a standard sets them, as the hourly
# profile pays them.

HALF_HOUR = 30  # minutes: a part of an hour counts only above it


def counted_hours(minutes: int) -> int:
    """GD-17 一: whole hours, a part above half an hour counted as one."""
    whole, rest = divmod(max(minutes, 0), 60)
    return whole + (1 if rest > HALF_HOUR else 0)


def tiered_day(standard: FeeStandard, minutes: int, day: int, first: bool) -> list[FeeItem]:
    """One day's fee: the first day's base and hours, or a following day's hours, and the
    hours beyond `late_after_hours` at the late rate."""
    hours = counted_hours(minutes)
    late_after = standard.late_after_hours
    if first:
        items = [FeeItem("base", standard.base_fen, day=day, minutes=minutes,
                         hours=standard.base_hours, counted=hours)]
        middle = max(0, min(hours, late_after) - standard.base_hours)
        if middle:
            items.append(FeeItem("extra", middle * standard.hour_fen, day=day, hours=middle,
                                 each_fen=standard.hour_fen))
    else:
        paid = min(hours, late_after)
        items = [FeeItem("next", paid * standard.next_day_hour_fen, day=day, minutes=minutes,
                         hours=paid, each_fen=standard.next_day_hour_fen, counted=hours)]
    late = max(0, hours - late_after)
    if late:
        items.append(FeeItem("late", late * standard.late_hour_fen, day=day, hours=late,
                             each_fen=standard.late_hour_fen, after=late_after))
    return items


def compute_tiered(standard: FeeStandard, start: datetime, end: datetime, situation: str,
                   away: bool) -> Computed:
    """The fee by the tiered profile (the module's docstring)."""
    spans = minutes_by_day(start, end)
    days = len(spans)
    items: list[FeeItem] = []
    if situation == Situation.SERVED:
        for n, minutes in enumerate(spans, 1):
            items += tiered_day(standard, minutes, n if days > 1 else 0, n == 1)
    elif situation == Situation.WITHDREW:
        items.append(FeeItem("cancel", standard.cancel_fen))
    if away and situation != Situation.CANCELLED:
        if standard.travel_fen:
            items.append(FeeItem("travel", standard.travel_fen))
        meal_days = days if situation == Situation.SERVED else 1
        if standard.meal_fen:
            items.append(FeeItem("meal", standard.meal_fen * meal_days,
                                 each_fen=standard.meal_fen, days=meal_days))
    return Computed(sum(i.fen for i in items), items, days, away, situation)
