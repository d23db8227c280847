"""Units added by staff on an applicant's request (HN-APPLY: "如若在“单位列表”中未找到对应
单位，可拨打系统服务热线，向工作人员说明情况。待工作人员将单位新增成功后，重新进行选择"): the
applicant asks in the mini-program instead of phoning, staff add the unit to the register
(correcting its name or code where needed) or decline it saying why, and the applicant is
told either way. What an applicant types on the form no longer enters the register."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.people import Person, Role, RoleGrant
from models.reference import UnitRequest, WorkUnit
from services.common.clock import china_time
from services.common.errors import BadInput, Conflict, NotFound
from services.notifications import Change, Outbox
from services.people import ApplicationDraft, IdentityRules, People
from services.reference import Reference

WAITING, ADDED, DECLINED = "waiting", "added", "declined"
NO_UNIT = "无"  # XJ-SIGNUP: 请输入工作单位名称，没有请填写“无”
OPEN_PER_PERSON = 5  # requests an applicant may have waiting at once (ours)


@dataclass(frozen=True)
class RequestView:
    request: UnitRequest
    applicant: str  # the applicant's name (the desk masks it where shown)


async def require_listed_unit(draft: ApplicationDraft) -> None:
    """The form's work unit is one of the register's (HN-APPLY: 可根据单位名称搜索选择),
    or 无; BadInput saying how to have it added."""
    name = (draft.work_unit or "").strip()
    if not name or name == NO_UNIT:
        return
    if await Reference.units.listed(name, draft.unit_credit_code) is None:
        raise BadInput("application.unit_not_listed", name=name)


class UnitRequests:
    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    async def ask(self, person: Person, name: str, code: str | None, note: str,
                  now: datetime) -> UnitRequest:
        """The applicant's request; a unit the register has already is refused, naming it
        (pick it from the list), and the same request twice is the one already waiting."""
        name = " ".join(name.split())
        if len(name) < 2:
            raise BadInput("unit_request.name")
        code = IdentityRules.parse_credit_code(code) if code else None
        found = await Reference.units.listed(name, code)
        if found is not None:
            raise Conflict("unit_request.listed", name=found.name)
        same = await UnitRequest.filter(person_id=person.id, status=WAITING, name=name).first()
        if same is not None:
            return same
        if await UnitRequest.filter(person_id=person.id, status=WAITING).count() \
                >= OPEN_PER_PERSON:
            raise Conflict("unit_request.too_many", limit=OPEN_PER_PERSON)
        async with self.outbox.change(now) as change:
            item = await UnitRequest.create(person_id=person.id, name=name[:128],
                                            credit_code=code,
                                            note=" ".join(note.split())[:200], created_at=now)
            await self._tell_staff(change, item)
        return item

    @staticmethod
    async def _tell_staff(change: Change, item: UnitRequest) -> None:
        """The staff who keep the register of units (the system administrators: the desk's
        unit requests are theirs, miniapp_api/routes/reference/unit_requests.py) are told a
        request waits, with the desk's page: at most one push an hour each."""
        hour = change.now.strftime("%Y%m%d%H")
        waiting = await UnitRequest.filter(status=WAITING).count()
        for person_id in await RoleGrant.holders(Role.ADMIN, change.now):
            await change.notify("unit.requested", {
                "name": item.name, "n": waiting, "at": china_time(change.now)},
                person_id=person_id, dedupe_key=f"unit-requests:{person_id}:{hour}")

    @staticmethod
    async def mine(person_id: int) -> list[UnitRequest]:
        return list(await UnitRequest.filter(person_id=person_id).order_by("-id").limit(20))

    @staticmethod
    async def listing(status: str, limit: int = 50) -> list[RequestView]:
        """Requests in a state, the oldest waiting first (the desk's list)."""
        order = "id" if status == WAITING else "-id"
        found = list(await UnitRequest.filter(status=status).order_by(order).limit(limit))
        names = await People.names_of({r.person_id for r in found})
        return [RequestView(r, str(names.get(r.person_id, ""))) for r in found]

    async def add(self, request_id: int, name: str, code: str | None, staff: Person,
                  now: datetime) -> tuple[UnitRequest, WorkUnit]:
        """Add the unit (as the staff corrected it) and tell the applicant to pick it."""
        item = await self._waiting(request_id)
        name = " ".join(name.split()) or item.name
        code = IdentityRules.parse_credit_code(code) if code else item.credit_code
        unit = await Reference.units.remember(name, code, "admin", now)
        if unit is None:
            raise BadInput("unit_request.name")
        async with self.outbox.change(now) as change:
            updated = await UnitRequest.filter(id=item.id, status=WAITING).update(
                status=ADDED, unit_id=unit.id, decided_by=staff.id, decided_at=now)
            if not updated:
                raise Conflict("unit_request.decided")
            await change.notify("unit.added", {
                "name": unit.name, "code": unit.credit_code or "", "asked": item.name,
                "at": china_time(now)},
                person_id=item.person_id, dedupe_key=f"unit-request:{item.id}")
        await item.refresh_from_db()
        return item, unit

    async def decline(self, request_id: int, reason: str, staff: Person, now: datetime
                      ) -> UnitRequest:
        """Decline, saying why (a unit that is there under another name, a wrong code)."""
        reason = " ".join(reason.split())
        if not reason:
            raise BadInput("unit_request.reason")
        item = await self._waiting(request_id)
        async with self.outbox.change(now) as change:
            updated = await UnitRequest.filter(id=item.id, status=WAITING).update(
                status=DECLINED, reason=reason[:200], decided_by=staff.id, decided_at=now)
            if not updated:
                raise Conflict("unit_request.decided")
            await change.notify("unit.declined", {"name": item.name, "reason": reason[:200],
                                                  "at": china_time(now)},
                                person_id=item.person_id,
                                dedupe_key=f"unit-request:{item.id}")
        await item.refresh_from_db()
        return item

    @staticmethod
    async def _waiting(request_id: int) -> UnitRequest:
        item = await UnitRequest.get_or_none(id=request_id)
        if item is None:
            raise NotFound("unit_request.not_found")
        if item.status != WAITING:
            raise Conflict("unit_request.decided")
        return item
