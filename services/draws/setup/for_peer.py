"""A draw made here for another library (NDRC-26 异地抽取; FG-807 副场): one activity of kind
"peer" with no agency and no handler here (the system acts), one notice (the asking
library's venue), one condition (the specialty and the place asked, the count asked), the
units the asking library avoids (the tenderer among them: tenderer avoidance travels).
Its seed and pool are committed and published in the operation log (a "verify" by the
system) before its start, which mixes in the asking handler's value: the same audit as
every draw here (`expertbot audit`). What the asking library is told: per confirmed expert
only a masked name, the specialty and the verification code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models import column
from models.draws import (
    ActivityKind,
    Avoidance,
    Condition,
    DrawActivity,
    DrawStatus,
    Invitation,
    InvitationStatus,
    Notice,
    Project,
)
from models.experts import ExpertProfile
from models.people import Person
from services.common.pii import mask_name
from services.draws.candidates.rules import KIN
from services.draws.facts.oplog import SYSTEM, OperationLog
from services.draws.randomness.audit import new_seed, seed_hash
from services.draws.randomness.commit import commit
from services.draws.setup.venue_choice import VenueChoice
from services.reference import Reference

PEER = ActivityKind.PEER.value  # DrawActivity.kind of a draw made for another library


@dataclass(frozen=True)
class PeerOrder:
    """What the asking library asked, read and checked (services/federation/lending.py)."""

    library: str  # its name, as the project's name here says
    project: str
    specialty: str
    region: str  # as stored here (4402)
    count: int
    eval_start: datetime
    eval_end: datetime
    notice: dict[str, Any]  # venue, city, district, street, room, contact_name, ...
    gather_at: datetime
    units: list[tuple[str, str]]  # (name, credit code): the tenderer first
    response_minutes: int = 10
    # this library's experts among the persons the asker avoids (their keyed hashes matched)
    avoid_experts: tuple[int, ...] = ()
    supervisor: tuple[str, str] = ("", "")  # the department supervising the project


class PeerSetup:
    """A draw this library makes for another library's request."""

    @staticmethod
    async def prepare_for_peer(order: PeerOrder, now: datetime) -> DrawActivity:
        """The activity, verified by the system: its seed and pool committed and published."""
        async with in_transaction():
            tenderer = order.units[0] if order.units else ("", "")
            project = await Project.create(
                agency_id=0, created_by=0, name=f"{order.library}：{order.project}"[:128],
                number=None, kind="工程", region=order.region, tenderer_name=tenderer[0][:128],
                tenderer_credit_code=tenderer[1][:18], supervisor_name=order.supervisor[0][:128],
                supervisor_credit_code=order.supervisor[1][:18])
            seed = new_seed()
            activity = await DrawActivity.create(
                project=project, agency_id=0, handler_id=0, kind=PEER, name=order.project[:128],
                bid_open_at=order.eval_start, eval_start=order.eval_start, eval_end=order.eval_end,
                total=order.count, response_minutes=order.response_minutes,
                status=DrawStatus.VERIFIED, verified_at=now, seed_hash=seed_hash(seed))
            activity.seed = seed
            await activity.save(update_fields=["seed_enc", "seed_clear"])
            for name, code in order.units:
                await Avoidance.create(activity=activity, kind="unit", name=name[:128],
                                       credit_code=code[:18] or None, fixed=True,
                                       reason="请求方回避单位")
            for expert_id in order.avoid_experts:  # known here only as one of ours
                await Avoidance.create(activity=activity, kind="person", name="请求方回避人员",
                                       expert_id=expert_id, fixed=True, reason="请求方回避人员")
            n = order.notice
            notice = await Notice.create(
                activity=activity, venue=str(n["venue"])[:64], city=str(n["city"])[:16],
                venue_id=await VenueChoice.named(str(n["venue"])),
                district=str(n.get("district", ""))[:16], street=str(n["street"])[:64],
                room=str(n.get("room", ""))[:32], gather_at=order.gather_at,
                contact_name=str(n["contact_name"])[:32],
                contact_phone=str(n["contact_phone"])[:20], notes=str(n.get("notes", ""))[:50],
                role="secondary")  # the asking library's 主场 is elsewhere: its experts are told
            await Condition.create(activity=activity, notice=notice, regions=[order.region],
                                   main_specialty=order.specialty, planned=order.count)
            published = await commit(activity, now)
            await OperationLog.record(activity, SYSTEM, "verify", now, "为其他专家库抽取",
                                      **published)
        return activity

    @staticmethod
    async def apply_change(activity: DrawActivity, changed: dict[str, Any], now: datetime,
                           news: GatheringNews | None) -> int:
        """The asking library's evaluation as it stands now (read and checked by the
        federation): our draw's times and its one notice follow it; when the gathering time
        or the place changed, every expert who confirmed is told at once. How many were
        told."""
        times = {"eval_start": changed["eval_start"], "eval_end": changed["eval_end"],
                 "bid_open_at": changed["eval_start"]}
        if any(getattr(activity, k) != v for k, v in times.items()):
            # its 补抽s with it: they hold the evaluation's hours (Supplements.prepare), and
            # their experts' invitations follow them (migration 0094's trigger)
            await DrawActivity.filter(Q(id=activity.id) | Q(
                parent_id=activity.id, kind=ActivityKind.SUPPLEMENT)).update(**times)
        notice = await Notice.get(activity_id=activity.id)
        fresh = {k: str(changed["notice"].get(k, ""))[:LIMITS[k]] for k in NOTICE_KEYS}
        moved = notice.gather_at != changed["gather_at"] or any(
            getattr(notice, k) != fresh[k] for k in ("venue", "city", "district", "street",
                                                      "room"))
        if moved or any(getattr(notice, k) != v for k, v in fresh.items()):
            for key, value in fresh.items():
                setattr(notice, key, value)
            notice.gather_at = changed["gather_at"]
            notice.venue_id = await VenueChoice.named(notice.venue)
            await notice.save(update_fields=[*NOTICE_KEYS, "gather_at", "venue_id"])
            await OperationLog.record(activity, SYSTEM, "gathering", now,
                                      "请求方专家库更新了评标信息", notice=notice.id,
                                      gather_at=notice.gather_at.isoformat())
        return await news.gathering_changed(notice, now) if moved and news else 0

    @staticmethod
    async def confirmed_for_peer(activity_id: int) -> list[dict[str, str]]:
        """Per confirmed expert: a masked name, the specialty (code and name) and the
        verification code — nothing else (FG-807 最小化调用)."""
        condition = await Condition.filter(activity_id=activity_id).first()
        if condition is None:
            return []
        tree = Reference.catalogue()
        spec = tree.get(condition.main_specialty)
        out = []
        for invitation in await Invitation.filter(activity_id=activity_id,
                                                  status=InvitationStatus.CONFIRMED).order_by("id"):
            profile = await ExpertProfile.get(id=invitation.expert_id)
            person = await Person.get(id=profile.person_id)
            out.append({"name": mask_name(person.name), "specialty": condition.main_specialty,
                        "specialty_name": tree.path_name(spec.code) if spec else "",
                        "code": invitation.code or ""})
        return out

    @staticmethod
    async def roster_for_peer(activity_id: int) -> list[dict[str, Any]]:
        """The 副场's roster for the asking library (FG-807: one evaluation in two places): per
        expert who confirmed, here or in a 补抽 here, what the asker is told of a confirmed one
        (masked name, specialty, code) and where they stand — serving, or absent with why (请假,
        缺席, 现场回避, 受处理) — with their arrival and departure."""
        condition = await Condition.filter(activity_id=activity_id).first()
        if condition is None:
            return []
        ids = [activity_id, *await column(DrawActivity.filter(parent_id=activity_id), "id")]
        tree = Reference.catalogue()
        spec = tree.get(condition.main_specialty)
        out: list[dict[str, Any]] = []
        for item in await Invitation.filter(activity_id__in=ids, status__in=[
                InvitationStatus.CONFIRMED, InvitationStatus.ABSENT]).order_by("id"):
            profile = await ExpertProfile.get(id=item.expert_id)
            person = await Person.get(id=profile.person_id)
            out.append({"name": mask_name(person.name), "specialty": condition.main_specialty,
                        "specialty_name": tree.path_name(spec.code) if spec else "",
                        "code": item.code or "",
                        "state": "absent" if item.status == InvitationStatus.ABSENT else "serving",
                        # the protocol's words (docs/federation.md): a place both related experts
                        # lost reads as a withdrawal under the avoidance rules there
                        "absence": "现场回避" if item.absence == KIN else item.absence or "",
                        "checkin_at": item.checkin_at.isoformat() if item.checkin_at else None,
                        "checkout_at": item.checkout_at.isoformat() if item.checkout_at else None})
        return out


class GatheringNews(Protocol):
    async def gathering_changed(self, notice: Notice, now: datetime) -> int: ...


NOTICE_KEYS = ("venue", "city", "district", "street", "room", "contact_name",
               "contact_phone", "notes")
LIMITS = {"venue": 64, "city": 16, "district": 16, "street": 64, "room": 32,
          "contact_name": 32, "contact_phone": 20, "notes": 50}
