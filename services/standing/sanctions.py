"""Sanctions decided by an administrator (招标投标法实施条例 Art. 71: 责令改正; 情节严重的，
禁止其在一定期限内参加依法必须进行招标的项目的评标; 情节特别严重的，取消其担任评标委员会成员的
资格; Art. 72: bribery, 不得再参加任何依法必须进行招标的项目的评标), the expert told of each
and able to appeal once, the appeal ruled by an administrator. A sanction in force keeps the
expert out of every draw on the days it covers (services/draws/candidates/rules.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models.experts import ExpertProfile
from models.people import Person
from models.sanctions import EXCLUDING, AppealOutcome, Sanction, SanctionKind
from services.common.clock import china_time, china_today
from services.common.errors import BadInput, Conflict, NotFound
from services.common.links import APPEAL_LINK, NOTICE_LINK_DAYS, Links
from services.common.paging import PAGE, Page, keyset
from services.common.reactions import (
    Announcer,
    Happened,
    Happening,
    SanctionDecided,
    SanctionRevoked,
)
from services.notifications import Outbox
from services.standing.conduct import ConductCatalogue, names_in
from services.standing.credit import CreditDesk
from services.standing.experts import ExpertLookup

REASON_MAX, APPEAL_MAX, RULING_MAX, CONDUCT_MAX = 300, 500, 300, 10
KIND_WORDS = {SanctionKind.WARNING: "警告", SanctionKind.SUSPENSION: "暂停评标资格",
              SanctionKind.REMOVAL: "取消评标专家资格", SanctionKind.BAN: "终身禁止参加评标"}
OUTCOME_WORDS = {"": "", AppealOutcome.UPHELD: "维持处理", AppealOutcome.REVOKED: "撤销处理"}


@dataclass(frozen=True)
class NewSanction:
    expert_id: int
    kind: str
    reason: str
    starts_on: date
    ends_on: date | None = None
    conduct: tuple[str, ...] = ()


@dataclass(frozen=True)
class SanctionView:
    """A sanction as the administrator and the expert read it: whose, and its conduct in
    words."""

    sanction: Sanction
    expert_name: str
    expert_number: str
    conduct_names: list[str]


async def _check(new: NewSanction, today: date) -> None:
    if new.kind not in set(SanctionKind):
        raise BadInput("sanction.kind")
    words = new.reason.strip()
    if not words:
        raise BadInput("sanction.reason_needed")
    if len(words) > REASON_MAX:
        raise BadInput("sanction.reason_long", most=REASON_MAX)
    if new.kind == SanctionKind.SUSPENSION and (
            new.ends_on is None or new.ends_on < new.starts_on):
        raise BadInput("sanction.period")
    if new.ends_on is not None and new.ends_on < today:
        raise BadInput("sanction.ended", today=today.isoformat())
    known = {i.code for i in await ConductCatalogue.items(active_only=True)}
    if len(new.conduct) > CONDUCT_MAX or any(code not in known for code in new.conduct):
        raise BadInput("sanction.conduct")


class SanctionDesk:
    """Sanctions decided, appealed and ruled, and read. `announcer`: the contexts above hear
    of a decision and a revocation in its transaction (services/reactions.py: a suspension
    in force on an evaluation's day takes the place);
    `links`: the SMS's appeal page (web/act.py; None: no link)."""

    @staticmethod
    def period_words(s: Sanction) -> str:
        """The days it covers, as the expert reads them."""
        start = f"{s.starts_on.year}年{s.starts_on.month}月{s.starts_on.day}日"
        if s.kind == SanctionKind.WARNING:
            return f"{start}起记录在案"
        if s.ends_on is None:
            return f"{start}起"
        return f"{start}至{s.ends_on.year}年{s.ends_on.month}月{s.ends_on.day}日"

    @staticmethod
    async def sanction_views(items: list[Sanction]) -> list[SanctionView]:
        """Each sanction with its expert's name and number and its conduct's names (a few
        queries for the whole page)."""
        experts = {p.id: p for p in await ExpertProfile.filter(
            id__in=list({s.expert_id for s in items}))}
        names = dict(await Person.filter(id__in=[p.person_id for p in experts.values()])
                     .values_list("id", "name"))
        catalogue = await ConductCatalogue.items()  # once for the page, not once a row
        out = []
        for s in items:
            profile = experts.get(s.expert_id)
            out.append(SanctionView(
                s, str(names.get(profile.person_id, "")) if profile else "",
                profile.expert_number if profile else "",
                names_in(catalogue, list(s.conduct))))
        return out

    @staticmethod
    async def sanction_page(today: date, in_force: bool, appealed: bool,
                            expert_number: str | None = None, limit: int = PAGE,
                            after: str | None = None) -> Page[SanctionView]:
        """listing(), of one expert when their number is given, as the desk reads it."""
        expert = await ExpertLookup.expert_by_number(expert_number) if expert_number else None
        found = await listing(today, in_force, appealed, expert.id if expert else None, limit,
                              after)
        return Page(await SanctionDesk.sanction_views(found.rows), found.next)


    def __init__(self, outbox: Outbox, announcer: Announcer,
                 links: Links | None = None) -> None:
        self.outbox = outbox
        self.announcer = announcer
        self.links = links

    def _link(self, sanction_id: int, now: datetime) -> dict[str, str]:
        """The appeal page for the SMS: `link`, and `link_token` for a provider whose
        approved template holds the fixed address (services.draws answer_params)."""
        if self.links is None:
            return {"link": "", "link_token": ""}
        link = self.links.notice_link(APPEAL_LINK, sanction_id,
                                      (now + timedelta(days=NOTICE_LINK_DAYS)).timestamp())
        return {"link": link, "link_token": link.rpartition("/")[2]}

    async def decide(self, new: NewSanction, by: int, now: datetime) -> Sanction:
        """Records the decision and tells the expert (with how to appeal)."""
        await _check(new, china_today(now))
        profile = await ExpertProfile.get_or_none(id=new.expert_id)
        if profile is None:
            raise NotFound("sanction.no_expert")
        ends = new.ends_on if new.kind == SanctionKind.SUSPENSION else None
        async with in_transaction():
            made = await Sanction.create(
                expert_id=profile.id, kind=new.kind, conduct=sorted(set(new.conduct)),
                reason=new.reason.strip(), decided_on=china_today(now),
                starts_on=new.starts_on, ends_on=ends, decided_by=by)
            async with self.outbox.change(now) as change:
                await change.notify("expert.sanctioned", {
                    "number": f"S{made.id:06d}", "kind": KIND_WORDS[SanctionKind(made.kind)],
                    "period": SanctionDesk.period_words(made), "reason": made.reason,
                    "at": china_time(now), **self._link(made.id, now)},
                    person_id=profile.person_id,
                    dedupe_key=f"sanction:{made.id}")
            await self.announcer.announce(Happened(
                Happening.SANCTION_DECIDED, profile.person_id, now, SanctionDecided(
                    profile.id, f"S{made.id:06d}", KIND_WORDS[SanctionKind(made.kind)],
                    made.kind in EXCLUDING, made.starts_on, made.ends_on)))
        await CreditDesk.recompute(made.expert_id, "sanction", now)
        return made

    @staticmethod
    async def mine(person_id: int) -> list[Sanction]:
        """An expert's own sanctions, newest first (none for a person who is no expert)."""
        profile = await ExpertProfile.get_or_none(person_id=person_id)
        if profile is None:
            return []
        return list(await Sanction.filter(expert_id=profile.id).order_by("-id"))

    @staticmethod
    async def linked(sanction_id: int) -> tuple[int, SanctionView] | None:
        """The sanction an appeal link names, with the person it was decided for."""
        item = await Sanction.get_or_none(id=sanction_id)
        profile = await ExpertProfile.get_or_none(id=item.expert_id) if item else None
        if item is None or profile is None:
            return None
        (view,) = await SanctionDesk.sanction_views([item])
        return profile.person_id, view

    async def appeal(self, person_id: int, sanction_id: int, text: str,
                     now: datetime) -> Sanction:
        """The expert's appeal (申诉), once, in their own words."""
        words = text.strip()
        if not words:
            raise BadInput("sanction.appeal_needed")
        if len(words) > APPEAL_MAX:
            raise BadInput("sanction.appeal_long", most=APPEAL_MAX)
        profile = await ExpertProfile.get_or_none(person_id=person_id)
        async with in_transaction():
            item = await Sanction.select_for_update().get_or_none(id=sanction_id)
            if item is None or profile is None or item.expert_id != profile.id:
                raise NotFound("sanction.not_found")
            if item.appealed_at is not None:
                raise Conflict("sanction.appealed", at=china_time(item.appealed_at),
                               outcome=OUTCOME_WORDS.get(item.outcome, ""))
            item.appeal, item.appealed_at = words, now
            await item.save(update_fields=["appeal", "appealed_at"])
        return item

    async def rule(self, sanction_id: int, outcome: str, ruling: str, by: int,
                   now: datetime) -> Sanction:
        """The administrator's ruling on an appeal: upheld, or revoked (the sanction then
        keeps nobody out from now on); the expert is told."""
        if outcome not in (AppealOutcome.UPHELD, AppealOutcome.REVOKED):
            raise BadInput("sanction.outcome")
        words = ruling.strip()
        if not words:
            raise BadInput("sanction.ruling_needed")
        if len(words) > RULING_MAX:
            raise BadInput("sanction.ruling_long", most=RULING_MAX)
        async with in_transaction():
            item = await Sanction.select_for_update().get_or_none(id=sanction_id)
            if item is None:
                raise NotFound("sanction.not_found")
            if item.appealed_at is None:
                raise Conflict("sanction.no_appeal")
            if item.outcome:
                raise Conflict("sanction.ruled", at=china_time(item.ruled_at or now))
            item.outcome, item.ruling, item.ruled_by, item.ruled_at = outcome, words, by, now
            await item.save(update_fields=["outcome", "ruling", "ruled_by", "ruled_at"])
            profile = await ExpertProfile.get(id=item.expert_id)
            async with self.outbox.change(now) as change:
                await change.notify("expert.appeal_ruled", {
                    "number": f"S{item.id:06d}", "kind": KIND_WORDS[SanctionKind(item.kind)],
                    "outcome": OUTCOME_WORDS[outcome], "revoked": "1" if outcome ==
                    AppealOutcome.REVOKED else "",
                    "ruling": words, "at": china_time(now), **self._link(item.id, now)},
                    person_id=profile.person_id,
                    dedupe_key=f"sanction-ruling:{item.id}")
            if outcome == AppealOutcome.REVOKED:
                await self.announcer.announce(Happened(
                    Happening.SANCTION_REVOKED, profile.person_id, now,
                    SanctionRevoked(profile.id, f"S{item.id:06d}")))
        await CreditDesk.recompute(item.expert_id, "appeal", now)
        return item


async def listing(today: date, in_force: bool, appealed: bool,
                  expert_id: int | None = None, limit: int = PAGE,
                  after: str | None = None) -> Page[Sanction]:
    """Newest first: those keeping someone out today, those waiting for a ruling, or all; a
    page after the cursor `after` (keyset paging by id)."""
    query = Sanction.all()
    if expert_id is not None:
        query = query.filter(expert_id=expert_id)
    if in_force:
        query = query.filter(kind__in=list(EXCLUDING), starts_on__lte=today).exclude(
            outcome=AppealOutcome.REVOKED).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    if appealed:
        query = query.filter(appealed_at__isnull=False, outcome="")
    return await keyset(query, limit, after)
