"""Performance records (财库〔2016〕198号: "采购人或者采购代理机构应当于评审活动结束后5个工作日
内……记录评审专家的职责履行情况", and the expert "可以……查询本人职责履行情况记录，并就有关
情况作出说明"): after an evaluation ends the agency records, for each expert who served it,
attendance, conduct items (招标投标法实施条例 Art. 71–72), a score and a comment, until the
deadline; an expert registered absent (GD-DRAW 缺席登记: 缺席 / 请假 / 现场回避) is on the
sheet too, and the agency's record of them names the registered absence; the expert is told,
reads it and may reply once; a reply that disputes the record goes to an administrator, whose
review the expert is told of."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from models import column
from models.draws import DrawActivity, DrawStatus, Invitation, InvitationStatus, Notice
from models.evaluation.scores import RecordProposal
from models.people import Agency, Person
from models.performance import ConductItem, PerformanceRecord, ReviewOutcome
from services.common.clock import CHINA, china_time
from services.common.errors import BadInput, ClosedWindow, Conflict, NotFound
from services.common.links import NOTICE_LINK_DAYS, REPLY_LINK, Links
from services.common.reactions import Announcer, Happened, Happening, RecordMarked
from services.draws.candidates.rules import BY_LIBRARY
from services.draws.facts.family import Family
from services.draws.facts.oplog import Actor, OperationLog
from services.draws.facts.venue_roles import Venues
from services.draws.news.notices import Notices, notices_of
from services.draws.news.views import Views
from services.notifications import Change, NotificationKind, Outbox
from services.standing import ConductCatalogue, CreditDesk

SCORE = (0, 100)  # 百分制
TEXT_MAX = 500  # a comment, a reply, a review note


@dataclass(frozen=True)
class Entry:
    """What the agency records (and an administrator may correct). For an absent expert only
    the comment: no attendance ticks, conduct or score."""

    late: bool
    left_early: bool
    conduct: list[str]
    score: int | None
    comment: str


@dataclass(frozen=True)
class Row:
    invitation: Invitation
    name: str
    notice: Notice
    record: PerformanceRecord | None

    @property
    def absence(self) -> str | None:
        """The registered absence (缺席 / 请假 / 现场回避), None for an expert who served."""
        return self.invitation.absence if self.invitation.status == InvitationStatus.ABSENT \
            else None


@dataclass(frozen=True)
class Sheet:
    """An ended evaluation's experts with their records, and until when they may change."""

    activity: DrawActivity
    deadline: datetime | None  # None: the evaluation is not over
    open: bool
    rows: list[Row]
    guessed: tuple[int, ...] = ()  # years no calendar knows, counted Monday to Friday


@dataclass(frozen=True)
class SheetView:
    """The sheet as the agency's page reads it: with the project's and the recording
    agency's names, and the conduct items it may choose from."""

    sheet: Sheet
    project: str
    agency: str
    items: list[ConductItem]


@dataclass(frozen=True)
class Shown:
    """A record with what a reader needs beside it: the evaluation's day and venue."""

    record: PerformanceRecord
    notice: Notice
    agency: str
    expert: str


def _ended(activity: DrawActivity) -> bool:
    return activity.status == DrawStatus.ENDED and activity.finished_at is not None


async def deadline_of(root: DrawActivity) -> datetime | None:
    if not _ended(root) or root.finished_at is None:
        return None
    return await ConductCatalogue.due(root.finished_at, await ConductCatalogue.deadline_days())


class Performance:
    """Experts' performance records (CK-198): the agency's sheet, the expert's reply or
    dispute, the administrator's review; the experts told (the outbox, and the links to
    reply on)."""

    def __init__(self, outbox: Outbox, links: Links | None = None,
                 announcer: Announcer | None = None) -> None:
        self.outbox = outbox
        self.links = links
        self.announcer = announcer  # the fees hear of a 早退 or conduct item (RECORD_MARKED)

    async def marked(self, change: Change, item: PerformanceRecord | RecordProposal,
                     now: datetime) -> None:
        """The contexts above told the record's 早退 or conduct items changed, inside the
        change's transaction (the fee's line and its notice: services/reactions.py)."""
        if self.announcer is not None:
            await self.announcer.announce(Happened(
                Happening.RECORD_MARKED, item.person_id, now,
                RecordMarked(item.invitation_id), change))

    @staticmethod
    async def sheet(activity: DrawActivity, now: datetime) -> Sheet:
        """The experts confirmed for the evaluation (its 补抽 included): those who served and
        those registered absent, each with their record; not one whose place a sanction took
        (the sanction is their record: services/draws/venue/sanction_release.py)."""
        root = await Family.root_of(activity)
        due = await deadline_of(root)
        if due is None:
            return Sheet(root, None, False, [])
        served = [i for i in await Family.serving(root, InvitationStatus.CONFIRMED,
                                                  InvitationStatus.ABSENT)
                  if i.absence not in BY_LIBRARY]
        names = dict(await Person.filter(id__in=[i.person_id for i in served]).values_list(
            "id", "name"))
        kept = {r.invitation_id: r for r in await PerformanceRecord.filter(activity_id=root.id)}
        guessed = await ConductCatalogue.guessed_years(root.finished_at or now, due)
        return Sheet(root, due, now < due, [
            Row(i, str(names.get(i.person_id, "")), n, kept.get(i.id))
            for i, n in zip(served, await notices_of(served), strict=True)], guessed)

    @staticmethod
    async def sheet_view(activity: DrawActivity, now: datetime) -> SheetView:
        """sheet(), with what the agency's page shows beside it."""
        got = await Performance.sheet(activity, now)
        f = await Views.activity_file(got.activity)
        owner = await Agency.get_or_none(id=got.activity.agency_id)
        return SheetView(got, f.project.name, owner.name if owner else "",
                         await ConductCatalogue.items(active_only=True))

    async def record(self, activity: DrawActivity, invitation_id: int, entry: Entry,
                     now: datetime, actor: Actor) -> PerformanceRecord:
        """The agency's record of one expert, made or changed until the deadline (not once the
        expert has replied: the record they answered stays as it was); the expert is told, the
        SMS with the page to reply on (web/act.py)."""
        got = await Performance.sheet(activity, now)
        if got.deadline is None:
            raise ClosedWindow("performance.not_finished")
        if not got.open:
            raise ClosedWindow("performance.past_deadline", deadline=china_time(got.deadline),
                               days=await ConductCatalogue.deadline_days())
        row = next((r for r in got.rows if r.invitation.id == invitation_id), None)
        if row is None:
            raise NotFound("performance.not_served")
        if row.record is not None and row.record.replied_at is not None:
            raise Conflict("performance.replied")
        kept = set(row.record.conduct) if row.record else set()
        entry = _check(entry,
                       {i.code for i in await ConductCatalogue.items(active_only=True)} | kept,
                       absent=row.absence is not None)
        if row.absence is None:
            entry = await _with_confirmed(got.activity.id, row.invitation.id, entry)
        values: dict[str, Any] = {
            "late": entry.late, "left_early": entry.left_early, "conduct": entry.conduct,
            "score": entry.score, "comment": entry.comment, "absence": row.absence,
            "recorded_by": actor.person_id, "recorded_at": now}
        async with self.outbox.change(now) as change:
            item = row.record
            if item is None:
                item = await PerformanceRecord.create(
                    activity_id=got.activity.id, invitation_id=row.invitation.id,
                    expert_id=row.invitation.expert_id, person_id=row.invitation.person_id,
                    **values)
            else:
                await PerformanceRecord.filter(id=item.id, replied_at=None).update(**values)
                item = await PerformanceRecord.get(id=item.id)
            await OperationLog.record(got.activity, actor, "performance", now, None,
                                      invitation=row.invitation.id, late=entry.late,
                                      left_early=entry.left_early, conduct=entry.conduct,
                                      score=entry.score, absence=row.absence,
                                      changed=row.record is not None)
            await _tell(change, "performance.recorded", item, row.notice,
                        **_reply_link(self.links, item.id, now))
            if _marks(row.record) != _marks(item):
                await self.marked(change, item, now)
        await CreditDesk.recompute(item.expert_id, "performance", now)
        return item

    @staticmethod
    async def mine(person_id: int, limit: int = 50) -> list[Shown]:
        """An expert's own records, newest first."""
        return await _shown(list(await PerformanceRecord.filter(person_id=person_id).order_by(
            "-recorded_at", "-id").limit(limit)))

    @staticmethod
    async def linked(record_id: int) -> Shown | None:
        """The record a reply link names, as its expert reads it."""
        item = await PerformanceRecord.get_or_none(id=record_id)
        return (await _shown([item]))[0] if item else None

    @staticmethod
    async def reply(person_id: int, record_id: int, text: str, dispute: bool, now: datetime
                    ) -> PerformanceRecord:
        """The expert's 说明, once; with `dispute` it asks an administrator to review the
        record."""
        said = " ".join(text.split())
        if not said:
            raise BadInput("performance.reply_empty")
        if len(said) > TEXT_MAX:
            raise BadInput("performance.too_long", most=TEXT_MAX)
        item = await PerformanceRecord.get_or_none(id=record_id, person_id=person_id)
        if item is None:
            raise NotFound("performance.not_found")
        if item.replied_at is not None or not await PerformanceRecord.filter(
                id=item.id, replied_at=None).update(reply=said, replied_at=now, disputed=dispute):
            raise Conflict("performance.already_replied", at=china_time(item.replied_at or now))
        if dispute:  # waits for the review: out of the credit until then
            await CreditDesk.recompute(item.expert_id, "dispute", now)
        return await PerformanceRecord.get(id=item.id)

    @staticmethod
    async def disputed(limit: int = 100) -> list[Shown]:
        """Disputed records: those waiting for a review first (oldest reply first), then the
        reviewed ones, newest review first."""
        waiting = await PerformanceRecord.filter(disputed=True, reviewed_at=None).order_by(
            "replied_at", "id").limit(limit)
        done = await PerformanceRecord.filter(disputed=True, reviewed_at__not_isnull=True
                                              ).order_by("-reviewed_at", "-id").limit(limit)
        return await _shown([*waiting, *done])

    async def review(self, record_id: int, outcome: ReviewOutcome, note: str,
                     correction: Entry | None, now: datetime, actor: Actor
                     ) -> PerformanceRecord:
        """An administrator's review of a disputed record: kept as it is, or corrected; the
        note is required and the expert is told."""
        why = " ".join(note.split())
        if not why:
            raise BadInput("performance.note_required")
        if len(why) > TEXT_MAX:
            raise BadInput("performance.too_long", most=TEXT_MAX)
        item = await PerformanceRecord.get_or_none(id=record_id)
        if item is None or not item.disputed:
            raise NotFound("performance.not_disputed")
        if item.reviewed_at is not None:
            raise Conflict("performance.already_reviewed", at=china_time(item.reviewed_at))
        values: dict[str, object] = {"review_outcome": outcome, "review_note": why,
                                     "reviewed_by": actor.person_id, "reviewed_at": now}
        before = {"late": item.late, "left_early": item.left_early, "conduct": item.conduct,
                  "score": item.score, "absence": item.absence}
        if outcome == ReviewOutcome.CORRECTED:
            if correction is None:
                raise BadInput("performance.correction_required")
            fixed = _check(correction, {i.code for i in await ConductCatalogue.items()})
            # a corrected absence becomes a served record: the registration no longer counts
            values.update(late=fixed.late, left_early=fixed.left_early, conduct=fixed.conduct,
                          score=fixed.score, comment=fixed.comment, absence=None)
        async with self.outbox.change(now) as change:
            if not await PerformanceRecord.filter(id=item.id, reviewed_at=None).update(**values):
                raise Conflict("performance.already_reviewed", at=china_time(now))
            item = await PerformanceRecord.get(id=item.id)
            invitation = await Invitation.get(id=item.invitation_id)
            await OperationLog.record(item.activity_id, actor, "performance_review", now, why,
                                      invitation=item.invitation_id, outcome=outcome, before=before)
            await _tell(change, "performance.reviewed", item, await Notices.notice_of(invitation),
                        outcome=str(outcome), note=why)
            # reviewed: a held fee is removed (kept) or given back (corrected)
            await self.marked(change, item, now)
        await CreditDesk.recompute(item.expert_id, "review", now)
        return item


def _marks(item: PerformanceRecord | None) -> tuple[bool, list[str]]:
    """What the fee reads of a record (services/fees/forfeit.py): 早退 and conduct items."""
    return (False, []) if item is None else (item.left_early, sorted(item.conduct))


def _check(entry: Entry, allowed: set[str], absent: bool = False) -> Entry:
    if absent:  # the registered absence is the record: ticks, conduct and score do not apply
        entry = Entry(False, False, [], 0, entry.comment)
    if entry.score is None:
        raise BadInput("performance.score_required", least=SCORE[0], most=SCORE[1])
    if not SCORE[0] <= entry.score <= SCORE[1]:
        raise BadInput("performance.score", least=SCORE[0], most=SCORE[1])
    comment = " ".join(entry.comment.split())
    if len(comment) > TEXT_MAX:
        raise BadInput("performance.too_long", most=TEXT_MAX)
    unknown = [c for c in entry.conduct if c not in allowed]
    if unknown:
        raise BadInput("performance.conduct_unknown")
    return Entry(entry.late, entry.left_early, list(dict.fromkeys(entry.conduct)),
                 entry.score, comment)


async def _with_confirmed(activity_id: int, invitation_id: int, entry: Entry) -> Entry:
    """The entry with what the agency confirmed of the proposals on this expert
    (services/evaluation): a confirmed mark is not undone by a tick left off."""
    marks = set(await column(RecordProposal.filter(
        activity_id=activity_id, invitation_id=invitation_id, status="confirmed"), "mark"))
    conduct = list(dict.fromkeys([*entry.conduct, *sorted(
        m for m in marks if m and m not in ("late", "left_early"))]))
    return Entry(entry.late or "late" in marks, entry.left_early or "left_early" in marks,
                 conduct, entry.score, entry.comment)


def _reply_link(links: Links | None, record_id: int, now: datetime) -> dict[str, str]:
    """The reply page for the SMS: `link`, and `link_token` for a provider whose approved
    template holds the fixed address (as the invitation's answer link)."""
    if links is None:
        return {"link": "", "link_token": ""}
    link = links.notice_link(REPLY_LINK, record_id,
                             (now + timedelta(days=NOTICE_LINK_DAYS)).timestamp())
    return {"link": link, "link_token": link.rpartition("/")[2]}


async def _tell(change: Change, kind: NotificationKind, item: PerformanceRecord, notice: Notice,
                **extra: str) -> None:
    """The expert told of the record as it now stands (texts/notify/<kind>/)."""
    await change.notify(kind, {
        "eval_day": f"{notice.gather_at.astimezone(CHINA):%Y年%m月%d日}",
        "at": china_time(notice.gather_at), "venue": Venues.venue_label(notice),
        "late": item.late, "left_early": item.left_early, "absence": item.absence,
        "conduct": await ConductCatalogue.names(item.conduct), "score": str(item.score),
        **extra}, person_id=item.person_id)


async def _shown(items: list[PerformanceRecord]) -> list[Shown]:
    invitations = {i.id: i for i in await Invitation.filter(
        id__in=[r.invitation_id for r in items])}
    ordered = [invitations[r.invitation_id] for r in items]
    notices = await notices_of(ordered)
    activities = {a.id: a.agency_id for a in await DrawActivity.filter(
        id__in={r.activity_id for r in items})}
    agencies = dict(await Agency.filter(id__in=set(activities.values())).values_list(
        "id", "name"))
    people = dict(await Person.filter(id__in={r.person_id for r in items}).values_list(
        "id", "name"))
    return [Shown(r, n, str(agencies.get(activities.get(r.activity_id, 0), "")),
                  str(people.get(r.person_id, ""))) for r, n in zip(items, notices, strict=True)]
