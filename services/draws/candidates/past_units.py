"""Past employment, with its window (政府采购法实施条例 Art. 9 and 财库〔2016〕198号 Art. 16:
"参加采购活动前3年内与供应商存在劳动关系" — for 招标投标 the same window is ours, docs/
rules-that-are-ours.md): an expert whose dated work history holds a unit the activity avoids
(the tenderer, the agency, the bidders and every avoided unit, by credit code or by any name
the register knows for it), ended within the administrator's window before the evaluation's
first day or not ended, is passed over with the record that shows it ("past_unit:<record>:
<years>", services/draws/candidates/skip_reasons.py); the audit reads the record again."""

from __future__ import annotations

from datetime import date

from tortoise.expressions import Q

from models.experts import ExpertPastUnit
from models.sanctions import DrawPolicy

YEARS = 3  # 政府采购法实施条例 Art. 9: 参加采购活动前3年内


def window_start(first_day: date, years: int) -> date:
    """The first day inside the window: the same calendar day `years` before (29 February
    falls back to the 28th)."""
    try:
        return first_day.replace(year=first_day.year - years)
    except ValueError:
        return first_day.replace(year=first_day.year - years, day=28)


def inside(ended_on: date | None, started_on: date, first_day: date, years: int) -> bool:
    """The employment overlaps the `years` before the evaluation's first day: not ended, or
    ended on or after the window's first day — and begun before the evaluation."""
    return started_on <= first_day and (ended_on is None
                                        or ended_on >= window_start(first_day, years))


async def window_years() -> int:
    policy = await DrawPolicy.get_or_none(id=1)
    return policy.past_unit_years if policy is not None else YEARS


async def past_units(expert_ids: list[int], codes: set[str],
                     names: set[str], first_day: date) -> dict[int, tuple[int, int]]:
    """Those of these experts with a past unit among the avoided (`codes`, `names`) inside
    the window: expert id -> (the record's id, the window's years)."""
    if not expert_ids or not (codes or names):
        return {}
    years = await window_years()
    out: dict[int, tuple[int, int]] = {}
    for row in await ExpertPastUnit.filter(
            Q(credit_code__in=list(codes)) | Q(unit_name__in=list(names)),
            expert_id__in=expert_ids).order_by("id"):
        if inside(row.ended_on, row.started_on, first_day, years):
            out.setdefault(row.expert_id, (row.id, years))
    return out
