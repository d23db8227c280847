"""The administrator's statistics over a period of China-time months: draws, invitations and
their answers, decline and absence rates and fees by the month of the evaluation; draws by the
project's city; the experts most and least often confirmed; sanctions in force today.

A month's figures are those of the draws whose evaluation starts in it (China time), counted
once drawing started (drawing, paused or ended: a draft, one waiting for or refused by the
trading centre, a withdrawn or a cancelled one is no draw). Every table is one aggregate
query or one pass over a table, whatever the number of rows, on the connection of reads
that can lag (`db`: the replica when fit, services/common/runtime/replica.py)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.functions import Count, Sum

from models.draws import (
    ActivityKind,
    DrawActivity,
    DrawLog,
    DrawStatus,
    Invitation,
    InvitationStatus,
    Project,
)
from models.experts import ExpertProfile
from models.federated_draws import PeerAsk
from models.people import Person
from models.sanctions import AppealOutcome, Sanction, SanctionKind
from services.common.clock import CHINA
from services.common.errors import BadInput
from services.reference import Reference
from services.standing import KIND_WORDS

DEFAULT_MONTHS, MOST_MONTHS, RANKED = 12, 36, 10
DRAWN = (DrawStatus.DRAWING, DrawStatus.PAUSED, DrawStatus.ENDED)  # a draw once it started
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
S = InvitationStatus


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @property
    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def words(self) -> str:
        return f"{self.year}年{self.month}月"

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def back(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 - months
        return Month(index // 12, index % 12 + 1)

    def start(self) -> datetime:
        """Its first moment, China time (an aware datetime)."""
        return datetime(self.year, self.month, 1, tzinfo=CHINA)

    @classmethod
    def of(cls, moment: datetime | date) -> Month:
        if isinstance(moment, datetime):
            moment = moment.astimezone(CHINA)
        return cls(moment.year, moment.month)


def parse_month(text: str | None, name: str) -> Month | None:
    """2026-11 as a month; None when not given. BadInput statistics.month when it is not one."""
    text = (text or "").strip()
    if not text:
        return None
    found = _MONTH.match(text)
    if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 2000:
        raise BadInput("statistics.month", field=name, value=text[:20])
    return Month(int(found.group(1)), int(found.group(2)))


@dataclass
class MonthFigures:
    month: Month
    draws: int = 0  # activities drawn at random: the draws, their 补抽 and 重新抽取
    supplements: int = 0  # of which 补抽
    redraws: int = 0  # of which 重新抽取
    reevals: int = 0  # 复评: the original experts asked again (by calls or by a draw)
    lent: int = 0  # draws made for another library's 副场: apart from our agencies' draws
    # other libraries' experts at our 副场 (the lending library's roster): serving, absent
    borrowed: int = 0
    borrowed_absent: int = 0
    borrowed_by: Counter[str] = field(default_factory=Counter)  # serving, by their library
    small_pools: int = 0  # draws verified with a small pool (the verifier confirmed it)
    recall_attended: int = 0  # original experts who agreed to a 复评
    recall_declined: int = 0  # ... and who said no (a phoned 不参加 is no refusal of an invitation)
    invited: int = 0
    statuses: Counter[str] = field(default_factory=Counter)  # invitations by status
    fee_recorded_fen: int = 0
    fee_paid_fen: int = 0

    @property
    def confirmed(self) -> int:
        """Confirmed, including those later registered absent (they had confirmed)."""
        return self.statuses[S.CONFIRMED] + self.statuses[S.ABSENT]

    @property
    def answered(self) -> int:
        """Replied 1, 2 or 3 (a late 1 that found the places full included)."""
        return self.confirmed + self.statuses[S.DECLINED] + self.statuses[S.AVOIDED] \
            + self.statuses[S.RELEASED]

    @property
    def decline_rate(self) -> Decimal | None:
        return percent(self.statuses[S.DECLINED], self.answered)

    @property
    def absence_rate(self) -> Decimal | None:
        return percent(self.statuses[S.ABSENT], self.confirmed)


@dataclass(frozen=True)
class RegionFigures:
    code: str  # the city's (4 digits), or the project's own code when it is a province's
    name: str
    draws: int


@dataclass(frozen=True)
class ExpertFigures:
    expert_id: int
    expert_number: str
    name: str
    evaluations: int


@dataclass(frozen=True)
class SanctionFigures:
    kind: str
    words: str
    count: int


@dataclass
class Statistics:
    months: list[MonthFigures]
    regions: list[RegionFigures]
    most: list[ExpertFigures]
    least: list[ExpertFigures]
    sanctions: list[SanctionFigures]
    active_experts: int

    @property
    def total(self) -> MonthFigures:
        """The period's sums (its `month` is the first month)."""
        whole = MonthFigures(self.months[0].month)
        for m in self.months:
            whole.draws += m.draws
            whole.supplements += m.supplements
            whole.redraws += m.redraws
            whole.reevals += m.reevals
            whole.lent += m.lent
            whole.borrowed += m.borrowed
            whole.borrowed_absent += m.borrowed_absent
            whole.borrowed_by.update(m.borrowed_by)
            whole.small_pools += m.small_pools
            whole.recall_attended += m.recall_attended
            whole.recall_declined += m.recall_declined
            whole.invited += m.invited
            whole.statuses.update(m.statuses)
            whole.fee_recorded_fen += m.fee_recorded_fen
            whole.fee_paid_fen += m.fee_paid_fen
        return whole


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole in per cent, to one decimal; None without a whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


async def _borrowed(figures: dict[Month, MonthFigures], month_of: dict[int, Month],
                    db: BaseDBAsyncClient | None) -> None:
    """The experts other libraries drew for our 副场, by their rosters: those serving and
    those absent, in the month of our evaluation (not our invitations: counted apart)."""
    if not month_of:
        return
    for activity_id, library, experts in await PeerAsk.filter(
            activity_id__in=list(month_of), status__in=["done", "short"], release=""
    ).using_db(db).values_list("activity_id", "peer_name", "experts"):
        one = figures[month_of[int(activity_id)]]
        for e in experts or []:
            if e.get("state") == "absent":
                one.borrowed_absent += 1
            else:
                one.borrowed += 1
                one.borrowed_by[str(library)] += 1


async def _small_pools(figures: dict[Month, MonthFigures], month_of: dict[int, Month],
                       db: BaseDBAsyncClient | None) -> None:
    """Draws whose verifier approved a small pool (services/draws/randomness/pool_size.py), by
    their verification's log entry."""
    if not month_of:
        return
    for activity_id, detail in await DrawLog.filter(
            action="verify", activity_id__in=list(month_of)).using_db(db).values_list(
            "activity_id", "detail"):
        if (detail or {}).get("small_pools"):
            figures[month_of[int(activity_id)]].small_pools += 1


async def _by_city(per_project: Counter[int], db: BaseDBAsyncClient | None
                   ) -> list[RegionFigures]:
    cities: Counter[str] = Counter()
    for project_id, code in await Project.filter(id__in=list(per_project)).using_db(
            db).values_list("id", "region"):
        cities[code[:4] if len(code) >= 4 else code] += per_project[project_id]
    names = Reference.regions()
    return [RegionFigures(code, names.full_name(code), n)
            for code, n in sorted(cities.items(), key=lambda c: (-c[1], c[0]))]


async def _ranked(in_period: Q, db: BaseDBAsyncClient | None
                  ) -> tuple[list[ExpertFigures], list[ExpertFigures], int]:
    """The active experts most and least often confirmed (those with none included), ties
    by expert number; and how many active experts there are."""
    confirmed = dict(await Invitation.filter(in_period, status=S.CONFIRMED).using_db(
        db).group_by("expert_id").annotate(n=Count("id")).values_list("expert_id", "n"))
    active = await ExpertProfile.filter(active=True).using_db(db).values_list(
        "id", "expert_number", "person_id")
    counted = [(int(confirmed.get(i, 0)), str(number), i, person)
               for i, number, person in active]
    most = sorted(counted, key=lambda c: (-c[0], c[1]))[:RANKED]
    least = sorted(counted, key=lambda c: (c[0], c[1]))[:RANKED]
    names = dict(await Person.filter(id__in=[c[3] for c in most + least]).using_db(
        db).values_list("id", "name"))

    def out(rows: list[tuple[int, str, int, int]]) -> list[ExpertFigures]:
        return [ExpertFigures(i, number, str(names.get(person, "")), n)
                for n, number, i, person in rows]
    return out(most), out(least), len(counted)


async def _sanctions(today: date, db: BaseDBAsyncClient | None) -> list[SanctionFigures]:
    """Each kind with how many are in force today: a suspension between its start and end
    date, a removal or a ban from its start, a warning (which keeps nobody out) on record
    from its start; none that an appeal revoked."""
    counted = Counter(dict(await Sanction.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today) | Q(kind=SanctionKind.WARNING),
        starts_on__lte=today).exclude(outcome=AppealOutcome.REVOKED).using_db(db).group_by(
        "kind").annotate(n=Count("id")).values_list("kind", "n")))
    return [SanctionFigures(str(kind), KIND_WORDS[kind], int(counted.get(kind, 0)))
            for kind in SanctionKind]


class StatisticsFigures:
    """The figures of a period of China months (the part `statistics` of StatisticsDesk)."""

    @staticmethod
    def period(from_text: str | None, to_text: str | None, today: date) -> list[Month]:
        """The months asked for, first to last: by default the last 12 up to this month (or 12
        from the first month given); refused when the first is after the last or there are more
        than 36."""
        first, last = parse_month(from_text, "from_month"), parse_month(to_text, "to_month")
        if last is None:
            last = first.back(1 - DEFAULT_MONTHS) if first else Month.of(today)
        if first is None:
            first = last.back(DEFAULT_MONTHS - 1)
        if first > last:
            raise BadInput("statistics.order", first=first.words, last=last.words)
        months = [first]
        while months[-1] < last:
            months.append(months[-1].next())
            if len(months) > MOST_MONTHS:
                raise BadInput("statistics.too_long", most=MOST_MONTHS)
        return months

    @staticmethod
    async def figures(months: list[Month], today: date,
                      db: BaseDBAsyncClient | None = None) -> Statistics:
        """The figures of `months` (from period); sanctions as in force on `today`."""
        start, end = months[0].start(), months[-1].next().start()
        figures = {m: MonthFigures(m) for m in months}
        drawn = await DrawActivity.filter(
            eval_start__gte=start, eval_start__lt=end, status__in=list(DRAWN)
        ).using_db(db).values_list("id", "eval_start", "project_id", "kind")
        month_of: dict[int, Month] = {}
        recalls: set[int] = set()  # 复评: counted apart, their answers too
        per_project: Counter[int] = Counter()
        for activity_id, eval_start, project_id, kind in drawn:
            month_of[activity_id] = held = Month.of(eval_start)
            if kind == ActivityKind.REEVAL:
                figures[held].reevals += 1
                recalls.add(activity_id)
                continue
            if kind == ActivityKind.PEER:  # our experts' answers count; the draw is another's
                figures[held].lent += 1
                continue
            figures[held].draws += 1
            figures[held].supplements += kind == ActivityKind.SUPPLEMENT
            figures[held].redraws += kind == ActivityKind.REDRAW
            per_project[project_id] += 1
        await _borrowed(figures, month_of, db)
        await _small_pools(figures, month_of, db)
        in_period = Q(activity__eval_start__gte=start, activity__eval_start__lt=end,
                      activity__status__in=list(DRAWN))
        for row in await Invitation.filter(in_period).using_db(db).group_by(
                "activity_id", "status", "fee_paid").annotate(
                n=Count("id"), fen=Sum("fee_fen")).values(
                "activity_id", "status", "fee_paid", "n", "fen"):
            month = month_of.get(int(row["activity_id"]))
            if month is None:  # drawn between the two reads: counted next time
                continue
            one = figures[month]
            status, n = str(row["status"]), int(row["n"])
            if int(row["activity_id"]) in recalls:
                one.recall_attended += n if status in (S.CONFIRMED, S.ABSENT) else 0
                one.recall_declined += n if status == S.DECLINED else 0
            else:
                one.invited += n
                one.statuses[status] += n
            one.fee_recorded_fen += int(row["fen"] or 0)
            if row["fee_paid"]:
                one.fee_paid_fen += int(row["fen"] or 0)
        most, least, active = await _ranked(in_period, db)
        return Statistics(list(figures.values()), await _by_city(per_project, db), most, least,
                          await _sanctions(today, db), active)
