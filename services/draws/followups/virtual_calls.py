"""Calls through a middle number (虚拟呼叫, GD-DRAW): "工作人员在系统中输入本人电话号码并选择与对应
的评标专家发起呼叫…虚拟呼叫方式保证工作人员在不获取专家电话号码的情况下可发起电话呼叫，专家看到的来电显示是
系统语音电话号码，而非工作人员真实的电话号码". The staff's phone (A) and the expert's (B) are bound
to a middle number X (services/notifications/privacy.py) for BINDING_LIFE; the staff dials X,
the expert sees X and may call X back while the binding lasts. The staff records what came of
the call, which releases the binding. Used for 复评 (services/draws/followups/recall.py),
虚拟电话催促 and an undelivered 退选 notice ("使用虚拟呼叫功能自行联系专家")."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from models.calls import CallPurpose, VirtualCall, VirtualCallRecord
from models.draws import DrawActivity, DrawStatus, Invitation
from models.people import Person
from services.common.clock import CHINA
from services.common.errors import BadInput, Conflict, NotFound, Unavailable
from services.common.pii import mask_phone
from services.draws.facts.family import Family
from services.draws.facts.oplog import Actor, OperationLog
from services.draws.facts.seal import require_unsealed
from services.draws.followups.withdrawals import TOLD
from services.draws.venue.urges import require_urgeable
from services.notifications import Line, NumberPrivacy, PrivacyError

log = logging.getLogger(__name__)

BINDING_LIFE = timedelta(minutes=30)  # ours (docs/rules-that-are-ours.md)
STAFF_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{9,11})$")  # a mobile, or a landline with area code
OUTCOMES: dict[str, tuple[str, ...]] = {
    "recall": ("attend", "decline", "unreached"),
    "urge": ("coming", "not_coming", "unreached"),
    "withdrawal": ("informed", "unreached"),
}
UNTALKED = ("unreached",)  # the one outcome recorded without a call answered on the binding
BY_CALL = "虚拟呼叫"  # acknowledged_by of a withdrawal notice the staff gave on the phone


@dataclass(frozen=True)
class CallView:
    """A call as the agency reads it: with its call records and the expert's name."""

    call: VirtualCall
    expert: str


async def call_views(calls: list[VirtualCall]) -> list[CallView]:
    """The calls (their records already fetched) with the experts' names, in one query."""
    persons = {p.id: p.name for p in await Person.filter(
        id__in={c.person_id for c in calls})}
    return [CallView(c, persons.get(c.person_id, "")) for c in calls]


def _beijing(value: object) -> datetime | None:
    """A report's time ("2017-09-01 12:00:00", Beijing time), None when absent or bad."""
    try:
        return datetime.strptime(str(value)[:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA)
    except ValueError:
        return None


class VirtualCalls:
    """Calls through a middle number (隐私号): placed, ended, read."""


    def __init__(self, privacy: NumberPrivacy | None) -> None:
        self.privacy = privacy

    async def place(self, activity: DrawActivity, purpose: CallPurpose, target: int,
                    staff_phone: str, now: datetime, actor: Actor) -> VirtualCall:
        """Bind the staff's phone and the expert's: `target` is the invitation (urge,
        withdrawal) or the original expert (recall). A binding of the same staff to the same
        expert still open is handed back rather than made twice."""
        if self.privacy is None:
            raise Conflict("call.off")  # not enabled here: not a passing outage
        phone = staff_phone.strip().replace("-", "").replace(" ", "")
        if not STAFF_PHONE.match(phone):
            raise BadInput("call.staff_phone")
        expert_id, person_id, invitation_id, condition_id = await self._target(
            activity, purpose, target, now)
        open_one = await VirtualCall.filter(
            activity_id=activity.id, purpose=purpose, expert_id=expert_id,
            staff_id=actor.person_id, state="bound", expires_at__gt=now).first()
        if open_one is not None:
            if open_one.staff_phone == mask_phone(phone):
                return open_one  # a second click: the same binding
            await self.release(open_one, now)  # another phone of the staff's: bound anew
            await VirtualCall.filter(id=open_one.id, state="bound").update(
                state="ended", ended_at=now)
        person = await Person.get(id=person_id)
        call = await VirtualCall.create(
            activity_id=activity.id, purpose=purpose, expert_id=expert_id,
            person_id=person_id, invitation_id=invitation_id, condition_id=condition_id,
            staff_id=actor.person_id or 0, staff_name=actor.shown,
            staff_phone=mask_phone(phone),
            expires_at=now + BINDING_LIFE, created_at=now)
        try:
            line = await self.privacy.bind(phone, person.phone, call.expires_at, f"vc{call.id}")
        except PrivacyError as exc:
            call.state, call.ended_at = "failed", now
            await call.save(update_fields=["state", "ended_at"])
            log.warning("virtual call %s: not bound: %s", call.id, exc.code or exc)
            raise Unavailable("call.busy" if exc.busy else "call.refused") from exc
        call.binding_id, call.middle_number = line.binding_id, line.middle_number
        await call.save(update_fields=["binding_id", "middle_number"])
        await OperationLog.record(activity, actor, "virtual_call", now, purpose=purpose,
                                  call=call.id,
                                  expert=expert_id)
        return call

    async def _target(self, activity: DrawActivity, purpose: CallPurpose, target: int,
                      now: datetime) -> tuple[int, int, int | None, int | None]:
        """(expert, their person, invitation, condition) the call is for; refused when this
        call is not one the activity's state allows."""
        if purpose == "recall":
            from services.draws.followups.recall import original_of

            found = await original_of(activity, target)
            return found.expert_id, found.person_id, None, found.condition_id
        item = await Invitation.get_or_none(id=target,
                                            activity_id__in=await Family.family(activity))
        if item is None:
            raise NotFound("urge.not_in_activity")
        if purpose == "urge":
            require_unsealed(activity, now)
            await require_urgeable(item, now)  # the same window as the system's urges
        else:
            if activity.status != DrawStatus.WITHDRAWN:
                raise Conflict("draw.not_withdrawn")
            if item.status not in TOLD:
                raise NotFound("urge.not_in_activity")
            if item.acknowledged_at is not None:
                raise Conflict("draw.already_acknowledged", at=item.acknowledged_at)
        return item.expert_id, item.person_id, item.id, item.condition_id

    async def finish(self, activity: DrawActivity, call_id: int, outcome: str,
                     now: datetime, actor: Actor, *, gather_at: datetime | None = None,
                     note: str = "") -> VirtualCall:
        """What came of a call, recorded once by the staff; the binding is released."""
        call = await VirtualCall.get_or_none(id=call_id, activity_id=activity.id)
        if call is None:
            raise NotFound("call.not_found")
        if outcome not in OUTCOMES.get(call.purpose, ()):
            raise BadInput("call.outcome")
        if call.outcome is not None:
            raise Conflict("call.already_ended")
        if outcome not in UNTALKED and not await VirtualCallRecord.filter(
                call_id=call.id, answered_at__not_isnull=True).exists():
            raise Conflict("call.not_talked")  # what the expert said needs a conversation
        if call.purpose == "recall" and outcome == "attend":
            from services.draws.followups.recall import check_agreed_time, require_free

            await check_agreed_time(activity, gather_at, now)
            person = await Person.get(id=call.person_id)
            await require_free(activity, {call.expert_id: person.name}, now)
        async with in_transaction():
            changed = await VirtualCall.filter(id=call.id, outcome=None).update(
                outcome=outcome, note=note.strip()[:100], ended_at=now, state="ended",
                agreed_gather_at=gather_at if outcome == "attend" else None)
            if not changed:
                raise Conflict("call.already_ended")
            if call.purpose == "withdrawal" and outcome == "informed":
                await Invitation.filter(id=call.invitation_id, acknowledged_at=None).update(
                    acknowledged_at=now, acknowledged_by=BY_CALL,
                    acknowledged_note=(note.strip() or "已通过虚拟呼叫告知")[:100])
            await OperationLog.record(activity, actor, "call_outcome", now,
                                      note.strip()[:200] or None,
                                      call=call.id, purpose=call.purpose, outcome=outcome)
        await call.refresh_from_db()
        await self.release(call, now)
        return call

    async def release(self, call: VirtualCall, now: datetime) -> None:
        """End the binding at the provider (it ends by itself at its expiry anyway)."""
        if self.privacy is None or call.released_at is not None or not call.binding_id:
            return
        try:
            await self.privacy.release(Line(call.binding_id, call.middle_number or ""))
        except PrivacyError as exc:
            log.warning("virtual call %s: not released: %s", call.id, exc.code or exc)
            return
        await VirtualCall.filter(id=call.id).update(released_at=now)

    async def release_expired(self, now: datetime) -> int:
        """Bindings whose time is up: no outcome was recorded, so the call counts as
        unreached; the provider has ended the binding itself."""
        return await VirtualCall.filter(state="bound", expires_at__lte=now).update(
            state="ended", ended_at=now, released_at=now)

    async def of_activity(self, activity: DrawActivity) -> list[CallView]:
        """The activity's calls, newest first, with their call records."""
        return await call_views(await VirtualCall.filter(activity_id=activity.id).order_by(
            "-id").prefetch_related("records"))

    @staticmethod
    async def call_view(call: VirtualCall) -> CallView:
        """One call just placed or finished, with its records and the expert's name."""
        await call.fetch_related("records")
        (view,) = await call_views([call])
        return view

    @staticmethod
    async def apply_reports(reports: list[dict[str, Any]]) -> int:
        """Call records pushed by the provider (SecretReport), applied once each (by its
        call_id: the provider retries); returns how many were new. A record names our binding
        by OutId ("vc<id>"); numbers in it are never kept."""
        new = 0
        for report in reports:
            if not isinstance(report, dict):
                continue
            provider_id = str(report.get("call_id", ""))[:64]
            out_id = str(report.get("out_id", ""))
            dialled = _beijing(report.get("call_time"))
            ended = _beijing(report.get("release_time")) or dialled
            if not provider_id or not out_id.startswith("vc") or not out_id[2:].isdigit() \
                    or dialled is None or ended is None:
                continue
            call = await VirtualCall.get_or_none(id=int(out_id[2:]))
            if call is None or str(report.get("sub_id", "")) != (call.binding_id or ""):
                continue
            answered = _beijing(report.get("start_time"))
            if answered is not None and answered >= ended:
                answered = None  # release_time - start_time is the talk time: 0, not connected
            cause = report.get("release_cause")
            _, made = await VirtualCallRecord.get_or_create(
                provider_call_id=provider_id, defaults={
                    "call_id": call.id, "from_staff": str(report.get("call_type")) == "0",
                    "dialled_at": dialled, "answered_at": answered, "ended_at": ended,
                    "seconds": int((ended - answered).total_seconds()) if answered else 0,
                    "release_cause": int(str(cause)) if str(cause).isdigit() else None,
                    "recorded": answered is not None})
            new += made
        return new
