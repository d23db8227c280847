"""Identity at check-in (NDRC-26: libraries able to check who comes; the centres check ID
card and face at the room's door). A venue's centre turns the check on for its venue; there
a confirmed expert is checked in only after an identity check, made one of two ways:

- WeChat's face verification in the mini-program (services/draws/venue/face.py), offered
  where WeChat can run it;
- always, as the alternative the 2025 face rules ask for (FACE-2025: "存在其他非人脸识别
  技术方式的，不得将人脸识别技术作为唯一验证方式"), the venue's staff checking the ID card
  and entering the expert's verification code.

Only the result and the way are kept (IdentityCheck): no face image or template, no ID
number, nothing WeChat returns beyond its result code."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from models import column
from models.draws import DrawActivity, DrawStatus, Invitation, InvitationStatus, Notice
from models.people import Person, RoleGrant
from models.venues import IdentityCheck, Venue
from services.common.clock import CHINA
from services.common.errors import BadInput, Conflict, NotAllowed, NotFound
from services.draws.facts.family import Family
from services.draws.facts.oplog import Actor, OperationLog
from services.draws.facts.scope import DrawScope, in_verifier_scope, verifier_regions
from services.draws.facts.venue_roles import Venues, mark_roles
from services.draws.setup import VenueChoice
from services.draws.venue.attendance import Attendance, CheckResult
from services.draws.venue.reminders import LIVE
from services.reference import Reference

MISMATCH = "mismatch"  # IdentityCheck.failure: the ID card was not the expert's


@dataclass(frozen=True)
class Presented:
    """The expert a verification code names, for the staff to hold against the ID card:
    the name and the ID number masked as everywhere (first 6 and last 4 characters)."""

    invitation: Invitation
    name: str
    id_masked: str
    checked_in: bool
    checked_out: bool = False


@dataclass(frozen=True)
class StaffCheck:
    presented: Presented
    result: CheckResult | None  # None: the card did not match, nobody checked in


@dataclass(frozen=True)
class VenueDay:
    """An evaluation of the day at a venue that checks identity, as the staff list it."""

    activity: DrawActivity
    project: str
    venue: str
    gather_at: datetime
    arrived: int
    expected: int
    identity_check: bool = True  # the venue checks identity at check-in


class IdentityChecks:
    """The venues' setting and the staff's way of checking identity."""

    def __init__(self, attendance: Attendance) -> None:
        self.attendance = attendance

    @staticmethod
    async def venues(grants: list[RoleGrant]) -> list[Venue]:
        """The venues in the verifier's region (an administrator's: all)."""
        regions = verifier_regions(grants)
        found = await Venue.all().order_by("region", "name")
        return [v for v in found if not regions or any(v.region.startswith(r)
                                                       for r in regions)]

    @staticmethod
    async def set_venue(grants: list[RoleGrant], person_id: int, name: str, region: str,
                        identity_check: bool, now: datetime) -> Venue:
        """Turn the identity check on or off for a venue of the centre's region (the venue
        is added the first time it is named)."""
        name = name.strip()
        if not name:
            raise BadInput("venue_check.venue_name")
        place = Reference.regions().canonical(region)  # picked by name: a current place
        if place is None:
            raise BadInput("venue_check.region", region=region)
        region = place
        regions = verifier_regions(grants)
        if regions and not any(region.startswith(r) for r in regions):
            raise NotAllowed("verify.out_of_scope")
        venue = await Venue.get_or_none(name=name)
        if venue is not None and regions and not any(venue.region.startswith(r)
                                                     for r in regions):
            raise NotAllowed("verify.out_of_scope")  # another centre's venue
        if venue is None:
            venue = await Venue.create(name=name, region=region, identity_check=identity_check,
                                       updated_by=person_id, updated_at=now)
            # notices typed with exactly its name before it was registered pick it, once
            await VenueChoice.link_typed(venue, now)
            return venue
        venue.region, venue.identity_check = region, identity_check
        venue.updated_by, venue.updated_at = person_id, now
        await venue.save(update_fields=["region", "identity_check", "updated_by",
                                        "updated_at"])
        return venue

    async def day(self, grants: list[RoleGrant], day: date, now: datetime) -> list[VenueDay]:
        """The day's evaluations (China time) in the verifier's region, soonest gathering
        first: at every venue, since the staff desk checks in and out an expert who cannot
        do it himself (no WeChat, no phone at hand), whether or not the venue checks
        identity."""
        checking = set(await column(Venue.filter(identity_check=True), "id"))
        start = datetime.combine(day, time(0), CHINA)
        notices = await Notice.filter(
            gather_at__gte=start, gather_at__lt=start + timedelta(days=1)).order_by("gather_at")
        await mark_roles(notices)  # which venue of a remote evaluation (FG-807)
        regions = verifier_regions(grants)
        out: list[VenueDay] = []
        seen: set[tuple[int, str]] = set()  # a remote evaluation's 主场 and 副场 apart
        for notice in notices:
            activity = await Family.root_of(await DrawActivity.get(id=notice.activity_id))
            if (activity.id, notice.venue) in seen or activity.status not in LIVE:
                continue
            await activity.fetch_related("project")
            if not in_verifier_scope(regions, activity, activity.project):
                continue
            seen.add((activity.id, notice.venue))
            arrived, expected = await self.attendance.arrivals(activity, now)
            out.append(VenueDay(activity, activity.project.name, Venues.venue_label(notice),
                                notice.gather_at, arrived, expected,
                                notice.venue_id in checking))
        return out

    @staticmethod
    async def present(grants: list[RoleGrant], activity_id: int, code: str) -> Presented:
        """The confirmed expert of this evaluation the verification code names."""
        activity = await Family.root_of(await DrawScope.verifiable_activity(grants, activity_id))
        if activity.status == DrawStatus.WITHDRAWN:
            raise NotFound("checkin.no_evaluation")
        item = await Invitation.filter(
            activity_id__in=await Family.family(activity), code=code.strip(),
            status=InvitationStatus.CONFIRMED).first()
        if item is None:
            raise NotFound("venue_check.wrong_code")
        person = await Person.get(id=item.person_id)
        return Presented(item, person.name, person.id_masked, item.checkin_at is not None,
                         item.checkout_at is not None)

    async def by_staff(self, grants: list[RoleGrant], staff: Actor, activity_id: int,
                       code: str, matches: bool, now: datetime) -> StaffCheck:
        """The staff held the ID card against the expert the code names: a match checks
        them in (the card is the check), on the activity's operation log as the staff's
        check-out is; a mismatch is recorded and checks nobody in."""
        staff_id = staff.person_id or 0
        shown = await self.present(grants, activity_id, code)
        if shown.checked_in:
            raise Conflict("venue_check.already_in", name=shown.name,
                           at=shown.invitation.checkin_at)
        item = shown.invitation
        if not matches:
            await IdentityCheck.create(invitation_id=item.id, person_id=item.person_id,
                                       method="id_card", passed=False, failure=MISMATCH,
                                       checked_by=staff_id, at=now)
            return StaffCheck(shown, None)
        result = await self.attendance.checkin(item.activity_id, item.person_id, now,
                                               code=item.code, verified="id_card")
        await IdentityCheck.create(invitation_id=item.id, person_id=item.person_id,
                                   method="id_card", passed=True, checked_by=staff_id, at=now)
        await OperationLog.record(item.activity_id, staff, "staff_checkin", now, invitation=item.id)
        return StaffCheck(shown, result)

    async def checkout_by_staff(self, grants: list[RoleGrant], staff: Actor, activity_id: int,
                                code: str, now: datetime) -> StaffCheck:
        """The staff register the departure of a checked-in expert (the way out for one who
        cannot check out himself), under the venue's rules: not before the evaluation has
        begun nor 10 minutes after the check-in, inside the venue's window. An on-site
        evaluation ends when all have left."""
        shown = await self.present(grants, activity_id, code)
        item = shown.invitation
        if item.checkin_at is None:
            raise Conflict("venue_check.not_in", name=shown.name)
        if item.checkout_at is not None:
            raise Conflict("venue_check.already_out", name=shown.name, at=item.checkout_at)
        result = await self.attendance.checkin(item.activity_id, item.person_id, now,
                                               code=item.code, verified="id_card")
        if result.action != "out":
            raise Conflict("venue_check.too_soon", name=shown.name, at=result.leaving_from,
                           begun=result.begun)
        await OperationLog.record(item.activity_id, staff, "staff_checkout", now,
                                  invitation=item.id)
        return StaffCheck(replace(shown, checked_out=True), result)
