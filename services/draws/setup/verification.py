"""Verification by the trading centre (GD-DRAW: 提交交易中心核验): the request submitted with
its reason and attachments to the centre chosen (选择提交终端), taken back while it waits, and
the centre's decision — an approval commits the seed and the pools before the handler's value
is known, and decides the 应急 the agency asked for; a refusal says why."""

from __future__ import annotations

from datetime import datetime

from tortoise.transactions import in_transaction

from models.draws import Condition, DrawActivity, DrawStatus, Project, sealed_seed
from services.common.errors import BadInput, Conflict
from services.common.texts import Texts
from services.draws.facts.committee import Committees
from services.draws.facts.oplog import Actor, OperationLog, require_reason
from services.draws.news.agency_news import notify_agency
from services.draws.randomness.audit import new_seed, seed_hash
from services.draws.randomness.commit import commit
from services.draws.randomness.pool_size import PoolSizes
from services.draws.setup.activities import Activities, require_time_order
from services.draws.setup.evidence import notify_verifiers, require_evidence
from services.draws.setup.request_record import RequestRecord
from services.draws.setup.terminals import Terminals
from services.draws.setup.urgency import Urgency
from services.notifications import Outbox
from services.reference import Reference


class Verification:
    """A request to the trading centre: submitted, taken back, decided."""

    def __init__(self, outbox: Outbox, texts: Texts, urgency: Urgency) -> None:
        self.outbox = outbox
        self.texts = texts  # the centres' names
        self.urgency = urgency  # 应急, decided with the approval

    async def submit(self, activity: DrawActivity, now: datetime, actor: Actor,
                     reason: str, terminal: str | None = None) -> DrawActivity:
        """To the trading centre (GD-DRAW): with its reason (提交审核原因) and at least one
        attachment, to the terminal chosen among those covering the project (选择提交终端;
        terminals.py); that centre's verifiers are told at once."""
        Activities.require_editable(activity)
        await Committees.require_lawful(activity)
        conditions = await Condition.filter(activity_id=activity.id)
        if not conditions:
            raise BadInput("draw.no_conditions")
        planned = sum(c.planned for c in conditions)
        if planned != activity.total:
            raise BadInput("draw.counts_mismatch", planned=planned, total=activity.total)
        require_time_order(activity.bid_open_at, activity.eval_start, activity.eval_end, now)
        why = require_reason(reason, "draw.submit_reason")
        await require_evidence(activity, "submission")
        centre = await Terminals.chosen_terminal(self.texts, activity, terminal, now)
        if not centre:  # no centre covering the project has a verifier: nobody would decide
            project = await Project.get(id=activity.project_id)
            raise Conflict("draw.no_terminal", place=Reference.regions().full_name(
                project.region) or project.region)
        async with self.outbox.change(now) as change:
            activity.status, activity.submit_reason = DrawStatus.SUBMITTED, why
            activity.terminal = centre
            await activity.save(update_fields=["status", "submit_reason", "terminal"])
            # the request as asked, for the verifier to see what a resubmission changed
            await OperationLog.record(activity, actor, "submit", now, why,
                                      request=await RequestRecord.request_of(activity))
            await notify_verifiers(change, activity, activity.kind)
        return activity

    async def withdraw_submission(self, activity: DrawActivity, now: datetime, actor: Actor
                                  ) -> DrawActivity:
        if activity.status != DrawStatus.SUBMITTED:
            raise Conflict("draw.not_submitted")
        async with in_transaction():
            activity.status = DrawStatus.DRAFT
            await activity.save(update_fields=["status"])
            await OperationLog.record(activity, actor, "take_back", now)
        return activity

    async def verify(self, activity: DrawActivity, actor: Actor, approve: bool,
                     reason: str, now: datetime, small_pool_ok: bool = False,
                     urgent: bool | None = None, urgent_empty_ok: bool = False
                     ) -> DrawActivity:
        """The trading centre's decision; a refusal says why. A condition whose pool is small
        (services/draws/randomness/pool_size.py) is approved only with `small_pool_ok`: the
        verifier said she read it; the log keeps which were small. An approval decides the
        应急 the agency asked for, if it did (`urgent`: urgency.py); approving it where a
        condition has no emergency expert among its candidates needs `urgent_empty_ok`."""
        if not approve and not reason.strip():
            raise BadInput("verify.reason_required")
        if approve:
            try:  # the committee the law allows, or no approval (its words name the article)
                await Committees.require_lawful(activity)
            except BadInput as unlawful:
                raise Conflict("verify.committee", why=unlawful) from unlawful
            await self.urgency.check_decision(activity, urgent)
        sizes = await PoolSizes.pool_sizes(activity, now) if approve else []
        small = [s for s in sizes if s.small]
        if small and not small_pool_ok:
            raise Conflict("verify.small_pool", small=[
                {"number": s.number, "size": s.size, "planned": s.planned} for s in small])
        # 应急 approved where a condition has no emergency expert: said, approved only knowingly
        empty = [s for s in sizes if not s.willing] if urgent else []
        if empty and not urgent_empty_ok:
            raise Conflict("verify.urgent_empty", empty=[{"number": s.number} for s in empty])
        seed = new_seed()  # committed now, before any pool is fixed; revealed at the end
        async with self.outbox.change(now) as change:
            updated = await DrawActivity.filter(id=activity.id,
                                                status=DrawStatus.SUBMITTED).update(
                **sealed_seed(seed if approve else None),
                seed_hash=seed_hash(seed) if approve else None,
                status=DrawStatus.VERIFIED if approve else DrawStatus.REFUSED,
                verifier_id=actor.person_id, verified_at=now,
                refuse_reason=None if approve else reason.strip())
            if not updated:
                raise Conflict("draw.not_waiting_verification")
            await activity.refresh_from_db()
            decided = await self.urgency.decide(activity, bool(urgent), actor, now) \
                if approve else {}
            # approved: the seed and the pools are committed now, before the handler's value
            published = {**await commit(activity, now), **decided} if approve else {}
            # the verifier's words kept either way: an approval's comment too
            if small:
                published["small_pools"] = [s.condition_id for s in small]
            await OperationLog.record(activity, actor, "verify" if approve else "refuse", now,
                                      reason.strip() or None, **published)
            # the agency reads whether its 应急 was approved, and the window it gives
            await notify_agency(change, activity, "draw.verified" if approve
                                else "draw.refused", reason=activity.refuse_reason or "",
                                urgency_decision=decided.get("urgency", ""),
                                minutes=str(decided.get("response_minutes", "")))
        return activity
