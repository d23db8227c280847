"""A day's reconciliation result kept, for either bill (the trade bill of payments, the
fund-flow bill of transfers): the day's run replaced with its differences in one
transaction, a run that could not read the bill never replacing one that did; the recent
runs read back with their first differences (two queries however many days)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from models.money.reconciliation import RunStatus
from services.common.clock import china_today

SHOWN_MISMATCHES = 200  # per run, in `recent`: the count is always whole
SETTLED = (RunStatus.OK, RunStatus.MISMATCHES)  # a run that read the bill


async def record_run(run_model: Any, mismatch_model: Any, day: date,
                     values: dict[str, Any], rows: Callable[[int], Sequence[Model]]) -> bool:
    """Replace `day`'s run with `values` and its differences (`rows` of the run's id); False
    when the earlier result is kept (it read the bill, this one could not)."""
    for attempt in (1, 2):
        try:
            async with in_transaction():
                run = await run_model.select_for_update().get_or_none(bill_date=day)
                if run is None:
                    run = await run_model.create(bill_date=day, **values)
                elif run.status in SETTLED and values["status"] not in SETTLED:
                    return False
                else:
                    await run_model.filter(id=run.id).update(**values)
                    await mismatch_model.filter(run_id=run.id).delete()
                made = list(rows(run.id))
                if made:
                    await mismatch_model.bulk_create(made, batch_size=500)
            return True
        except IntegrityError:
            if attempt == 2:
                raise
            # a run of the same day made its row first: replace that one
    raise AssertionError("unreachable")


async def recent_runs(run_model: Any, mismatch_model: Any, days: int,
                      now: datetime) -> list[tuple[Any, list[Any]]]:
    """The runs of the last `days` China days, newest first, each with its first
    SHOWN_MISMATCHES differences."""
    runs = await run_model.filter(
        bill_date__gte=china_today(now) - timedelta(days=days)).order_by("-bill_date")
    shown: dict[int, list[Any]] = {r.id: [] for r in runs}
    with_any = [r.id for r in runs if r.mismatch_count]
    for m in await mismatch_model.filter(run_id__in=with_any).order_by("id") \
            if with_any else []:
        if len(kept := shown[m.run_id]) < SHOWN_MISMATCHES:
            kept.append(m)
    return [(r, shown[r.id]) for r in runs]
