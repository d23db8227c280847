"""复评 / 通知原专家 by calls, as GD-DRAW has it: "核验通过后即可进入复评通知。其后，工作人员
在系统中输入本人电话号码并选择与对应的评标专家发起呼叫…工作人员在与所有原评标专家协商完成评标详细事宜后，将商定的
专家参评情况和集合时间录入系统中并提交即可完成抽取" — and "评标时间与复评的集合时间为同一天".

After verification the agency begins (the activity is then drawing, by calls: no invitation
is sent and no wave is drawn), calls each original expert through a middle number
(services/draws/followups/virtual_calls.py) and records attend with the agreed gathering time, or
decline. The final confirmation is submitted once: the experts who attend are confirmed with
a verification code and get the written notice (WeChat, or SMS without it), those who
decline are recorded, and the activity ends. The draw-based variant (an ordinary draw among
the original experts with a response window) stays as the fallback the agency may choose."""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, cast, get_args

from models import column
from models.calls import VirtualCall
from models.draws import Condition, DrawActivity, DrawStatus, Invitation, InvitationStatus, Notice
from models.experts import ExpertProfile
from models.people import Person
from services.common.clock import china_time, china_today
from services.common.errors import BadInput, Conflict, NotFound
from services.draws.candidates.pool import booked, eval_days
from services.draws.candidates.relations import kin
from services.draws.candidates.rules import sanctioned
from services.draws.facts.family import Family
from services.draws.facts.oplog import Actor, OperationLog
from services.draws.facts.seal import unseal_at
from services.draws.facts.venue_roles import mark_roles
from services.draws.news.agency_news import notify_agency
from services.draws.news.counts import Progress
from services.draws.news.notices import Notices
from services.notifications import Outbox

CallOutcome = Literal["attend", "decline", "unreached"]  # a 复评 call's


def _outcome(value: str | None) -> CallOutcome | None:
    return cast(CallOutcome, value) if value in get_args(CallOutcome) else None


@dataclass(frozen=True)
class Original:
    """One original expert of a re-evaluation, and where the calls stand."""

    expert_id: int
    person_id: int
    condition_id: int
    name: str
    outcome: CallOutcome | None  # the last call's (None: not called)
    agreed_gather_at: datetime | None
    calls: int


def _require_recall(activity: DrawActivity) -> None:
    if activity.kind != "reeval":
        raise Conflict("recall.not_reeval")
    if not (activity.status == DrawStatus.DRAWING and activity.by_calls):
        raise Conflict("recall.not_calling")


async def original_of(activity: DrawActivity, expert_id: int) -> Original:
    """One original expert, while the re-evaluation is being called."""
    _require_recall(activity)
    found = next((o for o in await Recall.originals(activity) if o.expert_id == expert_id), None)
    if found is None:
        raise NotFound("recall.not_original")
    return found


async def check_agreed_time(activity: DrawActivity, gather_at: datetime | None,
                            now: datetime) -> None:
    """The agreed gathering time: given, still ahead, on the evaluation's day (GD-DRAW:
    "评标时间与复评的集合时间为同一天") and not after the evaluation starts."""
    if gather_at is None:
        raise BadInput("recall.gather_at_missing")
    if gather_at <= now or gather_at > activity.eval_start or \
            china_today(gather_at) != china_today(activity.eval_start):
        raise BadInput("recall.gather_at_day", eval_start=activity.eval_start)


async def require_free(activity: DrawActivity, people: dict[int, str], now: datetime
                       ) -> None:
    """The experts who attend (expert id -> name) are not confirmed for another evaluation
    at an overlapping time: nobody sits on two committees at once (pool.booked's rule,
    docs/rules-that-are-ours.md), whether the system or the staff's call confirms them. The
    original evaluation (and its 补抽) is theirs already: it does not count, even on the
    same day."""
    original = await DrawActivity.get_or_none(id=activity.parent_id) \
        if activity.parent_id is not None else None
    besides = tuple(await Family.family(original)) if original is not None else ()
    taken = await booked(activity, list(people), now, confirmed_only=True, besides=besides)
    if taken:
        raise Conflict("recall.booked", names="、".join(people[e] for e in people if e in taken))


async def require_eligible(activity: DrawActivity, people: dict[int, str]) -> None:
    """The experts who attend (expert id -> name) may still serve: active (not
    deregistered) and under no sanction in force on the evaluation's days (实施条例
    Art. 72), as the draw's own rules check at each invitation."""
    active = set(await column(ExpertProfile.filter(id__in=list(people), active=True), "id"))
    barred = await sanctioned(list(people), eval_days(activity))
    out = [name for expert_id, name in people.items()
           if expert_id not in active or expert_id in barred]
    if out:
        raise Conflict("recall.ineligible", names="、".join(out))
    # two related experts never sit together (GD-CG-1 Art. 21): by calls the staff agrees
    # with them which one withdraws ("其中一方应当主动提出回避"), and records it
    related = await kin(list(people))
    pairs = sorted({tuple(sorted((a, b))) for a, others in related.items() for b in others})
    if pairs:
        raise Conflict("recall.related", pairs="；".join(
            f"{people[a]}与{people[b]}" for a, b in pairs))


class Recall:
    """复评 by calls: the original experts called back, their answers recorded."""


    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    async def begin(self, activity: DrawActivity, now: datetime, actor: Actor) -> None:
        """复评通知 begins: the verified re-evaluation is called, not drawn."""
        if activity.kind != "reeval":
            raise Conflict("recall.not_reeval")
        changed = await DrawActivity.filter(id=activity.id, status=DrawStatus.VERIFIED).update(
            status=DrawStatus.DRAWING, by_calls=True, started_at=now)
        if not changed:
            raise Conflict("recall.not_verified")
        await OperationLog.record(activity, actor, "recall_start", now)

    async def submit(self, activity: DrawActivity, now: datetime, actor: Actor) -> int:
        """The final confirmation, once: every original expert's attendance decided, the
        attending experts of one gathering place agreed on one time. Returns how many
        attend."""
        _require_recall(activity)
        rows = await Recall.originals(activity)
        open_ones = [o.name for o in rows if o.outcome not in ("attend", "decline")]
        if open_ones:
            raise Conflict("recall.undecided", names="、".join(open_ones[:5]),
                           count=len(open_ones))
        times = await self._agreed_times(activity, rows)
        async with self.outbox.change(now) as change:
            locked = await DrawActivity.filter(id=activity.id).select_for_update().first()
            if locked is None or locked.status != DrawStatus.DRAWING:
                raise Conflict("recall.submitted")
            # booked elsewhere since the call: the staff calls again and records it
            attending = {o.expert_id: o.name for o in rows if o.outcome == "attend"}
            await require_eligible(locked, attending)
            await require_free(locked, attending, now)
            attend = await self._confirm(locked, rows, times, now)
            counts = await Progress.draw_counts(locked.id)
            reason = "complete" if counts.confirmed >= counts.planned else "exhausted"
            locked.status, locked.ended_at, locked.end_reason = DrawStatus.ENDED, now, reason
            await locked.save(update_fields=["status", "ended_at", "end_reason"])
            await OperationLog.record(locked, actor, "recall_submit", now, attend=len(attend),
                                      decline=len(rows) - len(attend))
            for notice, item in attend:
                await change.notify("draw.recalled", {
                    **Notices.invitation_params(notice, item, 0), "code": item.code or ""},
                    person_id=item.person_id)
            await notify_agency(change, locked, "draw.ended", ending="recalled",
                                progress=counts.text, unseal=china_time(unseal_at(locked)))
        return len(attend)

    @staticmethod
    async def _agreed_times(activity: DrawActivity, rows: list[Original]
                            ) -> dict[int, datetime]:
        """Each notice's gathering time as agreed: one per gathering place (ours: the
        place's time is one, docs/rules-that-are-ours.md)."""
        notice_of = dict(await Condition.filter(activity_id=activity.id).values_list(
            "id", "notice_id"))
        agreed: dict[int, set[datetime]] = defaultdict(set)
        for row in rows:
            if row.outcome == "attend" and row.agreed_gather_at is not None:
                agreed[int(notice_of[row.condition_id])].add(row.agreed_gather_at)
        split = [n for n, t in agreed.items() if len(t) > 1]
        if split:
            raise Conflict("recall.times_differ")
        return {n: next(iter(t)) for n, t in agreed.items()}

    @staticmethod
    async def _confirm(activity: DrawActivity, rows: list[Original],
                       times: dict[int, datetime], now: datetime
                       ) -> list[tuple[Notice, Invitation]]:
        """The invitations as the calls decided them; the notices at the agreed times."""
        notices = {n.id: n for n in await Notice.filter(activity_id=activity.id)}
        await mark_roles(notices.values())  # the expert told their own venue (FG-807)
        for notice_id, at in times.items():
            notices[notice_id].gather_at = at
            await notices[notice_id].save(update_fields=["gather_at"])
        conditions = {c.id: c.notice_id for c in await Condition.filter(
            activity_id=activity.id)}
        codes: set[str] = set()
        attend: list[tuple[Notice, Invitation]] = []
        for rank, row in enumerate(rows, start=1):
            code = None
            if row.outcome == "attend":
                code = next(c for c in iter(lambda: f"{secrets.randbelow(10**6):06d}", None)
                            if c not in codes)
                codes.add(code)
            item = await Invitation.create(
                activity_id=activity.id, condition_id=row.condition_id,
                expert_id=row.expert_id, person_id=row.person_id, rank=rank, wave=1,
                status=InvitationStatus.CONFIRMED if code else InvitationStatus.DECLINED,
                sent_at=now, due_at=now, replied_at=now, answered_via="call", code=code,
                reason=None if code else "复评电话沟通：不参加",
                eval_start=activity.eval_start, eval_end=activity.eval_end)
            if code:
                attend.append((notices[conditions[row.condition_id]], item))
        return attend

    @staticmethod
    async def originals(activity: DrawActivity) -> list[Original]:
        """The original experts (the pools fixed at verification), in the conditions' order."""
        pairs = [(c.id, int(e)) for c in await Condition.filter(activity_id=activity.id)
                 .order_by("id") for e in c.pool or []]
        experts = {e.id: e.person_id for e in await ExpertProfile.filter(
            id__in=[e for _, e in pairs])}
        names = dict(await Person.filter(id__in=list(experts.values())).values_list("id", "name"))
        calls: dict[int, list[VirtualCall]] = defaultdict(list)
        for call in await VirtualCall.filter(activity_id=activity.id, purpose="recall"
                                             ).order_by("id"):
            calls[call.expert_id].append(call)
        out = []
        for condition_id, expert_id in pairs:
            done = [c for c in calls[expert_id] if c.outcome is not None]
            last = done[-1] if done else None
            person = experts.get(expert_id, 0)
            out.append(Original(expert_id, person, condition_id, str(names.get(person, "")),
                                _outcome(last.outcome) if last else None,
                                last.agreed_gather_at if last else None, len(calls[expert_id])))
        return out
