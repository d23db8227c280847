"""A relation declared since two experts confirmed for one evaluation (GD-CG-1 Art. 21: "其中
一方应当主动提出回避。如无法协商一致，则双方均需回避"): the places are not released by the
declaration itself. It is held for the library's administrator, who keeps the experts'
records (管用分离, GD-CG-1 Art. 3), to confirm: both places go (they could not agree), or
only one (the other withdrew of their own accord and stays named), or neither (not borne
out). Until then nobody loses a place; both experts are told in words at each step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.draws import DrawActivity, Invitation, InvitationStatus
from models.experts import KinRelease
from models.people import Person, Role, RoleGrant
from services.common.clock import china_time
from services.common.errors import BadInput, Conflict, NotFound
from services.draws.candidates.relations import OVER, kin
from services.draws.candidates.rules import KIN
from services.draws.facts.family import Family
from services.draws.facts.oplog import Actor, OperationLog
from services.draws.news.agency_news import notify_agency
from services.draws.news.notices import Notices
from services.notifications import Change, NotificationKind, Outbox

PENDING, CONFIRMED, DISMISSED = "pending", "confirmed", "dismissed"


@dataclass(frozen=True)
class KinCase:
    """A held release as the administrator reads it: the evaluation's start and the experts
    (their invitation, name and expert number) — never the project, whose committee is
    sealed."""

    release: KinRelease
    eval_start: datetime
    experts: list[tuple[int, str, str]]
    declared_by: str


class KinReleases:
    """Relations declared between confirmed experts: held, then decided by the administrator."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    @staticmethod
    async def hold(outbox: Outbox, expert_id: int, now: datetime) -> list[KinRelease]:
        """Each pair (or more) of experts confirmed for one evaluation not begun whom this
        expert's declaration makes related: held for the administrator, both told that their
        places stand until then, the administrators told a case waits. A case already held
        for the same experts is not held again."""
        mine = await Invitation.filter(expert_id=expert_id, status=InvitationStatus.CONFIRMED,
                                       activity__eval_start__gt=now).exclude(
            activity__status__in=list(OVER))
        held: list[KinRelease] = []
        for own in mine:
            root = await Family.root_of(await DrawActivity.get(id=own.activity_id))
            confirmed = await Invitation.filter(activity_id__in=await Family.family(root),
                                                status=InvitationStatus.CONFIRMED)
            related = (await kin(i.expert_id for i in confirmed)).get(expert_id, set())
            pair = [i for i in confirmed if i.expert_id == expert_id or i.expert_id in related]
            ids = sorted(i.id for i in pair)
            if len(pair) < 2 or any(set(ids) <= set(r.invitation_ids) for r in
                                    await KinRelease.filter(activity_id=root.id,
                                                            state=PENDING)):
                continue
            async with outbox.change(now) as change:
                row = await KinRelease.create(activity_id=root.id, invitation_ids=ids,
                                              declared_by=expert_id, declared_at=now)
                for item in pair:
                    await _tell(change, item, root, "draw.kin_pending", f"kin-held:{row.id}")
                await _tell_administrators(change)
            held.append(row)
        return held

    @staticmethod
    async def cases(state: str = PENDING, limit: int = 50) -> list[KinCase]:
        """The held releases in a state, the oldest waiting first."""
        order = "id" if state == PENDING else "-id"
        return [await _view(row) for row in
                await KinRelease.filter(state=state).order_by(order).limit(limit)]

    async def decide(self, release_id: int, admin: Actor, related: bool, stays: int | None,
                     now: datetime) -> KinCase:
        """The administrator's decision on a held release: `related` — the relation is borne
        out, and the places go (all of them, or all but `stays`: the invitation of the one
        who keeps the place, the other having withdrawn of their own accord); not related —
        every place stands. Each expert is told; the agency is told a place opened."""
        row = await KinRelease.get_or_none(id=release_id)
        if row is None:
            raise NotFound("kin.not_found")
        if row.state != PENDING:
            raise Conflict("kin.decided")
        root = await DrawActivity.get(id=row.activity_id)
        if root.eval_start <= now:
            raise Conflict("kin.evaluation_begun", eval_start=root.eval_start)
        items = await Invitation.filter(id__in=row.invitation_ids).order_by("id")
        if stays is not None and (not related or stays not in {i.id for i in items}):
            raise BadInput("kin.stays")
        if related and len((await kin(i.expert_id for i in items)).get(row.declared_by,
                                                                       ())) == 0:
            raise Conflict("kin.withdrawn")
        async with self.outbox.change(now) as change:
            if not await KinRelease.filter(id=row.id, state=PENDING).update(
                    state=CONFIRMED if related else DISMISSED, decided_by=admin.person_id,
                    decided_at=now):
                raise Conflict("kin.decided")
            for item in items:
                if not related or item.id == stays:
                    await _tell(change, item, root, "draw.kin_kept", f"kin-kept:{row.id}")
                    continue
                if not await Invitation.filter(id=item.id, status=InvitationStatus.CONFIRMED
                                               ).update(status=InvitationStatus.ABSENT,
                                                        absence=KIN):
                    continue  # gone already (declined, absent): nothing to release
                activity = await DrawActivity.get(id=item.activity_id)
                await OperationLog.record(activity, admin, "kin_release", now,
                                          invitation=item.id)
                await _tell(change, item, root, "draw.kin_released", "kin-release")
                await notify_agency(change, activity, "draw.place_opened",
                                    dedupe=f"place-opened:{item.id}",
                                    eval_start=china_time(activity.eval_start))
        return await _view(await KinRelease.get(id=row.id))


async def _view(row: KinRelease) -> KinCase:
    """A held release with the evaluation's start and the experts' names and numbers."""
    items = await Invitation.filter(id__in=row.invitation_ids).order_by("id")
    people = {p.id: p for p in await Person.filter(id__in=[i.person_id for i in items])}
    numbers = dict(await RoleGrant.filter(person_id__in=list(people), role=Role.EXPERT
                                          ).values_list("person_id", "expert_number"))
    activity = await DrawActivity.get(id=row.activity_id)
    declarer = next((people[i.person_id].name for i in items
                     if i.expert_id == row.declared_by), "")
    return KinCase(row, activity.eval_start, [
        (i.id, people[i.person_id].name, str(numbers.get(i.person_id) or ""))
        for i in items], declarer)


async def _tell(change: Change, item: Invitation, root: DrawActivity, kind: NotificationKind,
                dedupe: str) -> None:
    """One expert of the case told, in words (the evaluation's start, the venue's contact)."""
    notice = await Notices.notice_of(item)
    await change.notify(kind, {
        "eval_start": china_time(root.eval_start),
        "contact": Notices.notice_contact(notice)},
        person_id=item.person_id, dedupe_key=f"{dedupe}:{item.id}")


async def _tell_administrators(change: Change) -> None:
    """The administrators told a case waits, with the desk's page: at most once an hour."""
    hour = change.now.strftime("%Y%m%d%H")
    waiting = await KinRelease.filter(state=PENDING).count()
    for person_id in await RoleGrant.holders(Role.ADMIN, change.now):
        await change.notify("draw.kin_to_confirm", {"n": waiting, "at": china_time(change.now)},
                            person_id=person_id, dedupe_key=f"kin-cases:{person_id}:{hour}")
