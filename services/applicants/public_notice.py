"""The public notice (公示) of an exam-less batch (JL-GP, Jilin: "通过市/县财政监管
一道审核和省级财政监管两道审核后，并经财政公示无异议后进入政府采购评审专家库。评审专家会收到
成为政府采购评审专家的短信通知").

The last stage's approval opens the notice for the batch's `notice_days`
(services/applicants/review.py).
During it anyone raises an objection against the applicant on the public page
(services/applicants/objections.py), and an administrator records one received otherwise;
each is ruled on: sustained, the application is not admitted and the applicant is told why;
dismissed, the notice runs on. When it ends with no objection standing, the applicant becomes
a formal expert with an expert number and is told; any objection not yet ruled on holds the
application until it is."""

from __future__ import annotations

from datetime import datetime

from models.applications import Application, AppStatus, ReviewAction
from models.people import Person
from services.applicants.notice_board import (
    BOARD_LIMIT,
    BoardBatch,
    Listed,
    specialty_names,
)
from services.applicants.objection_telling import ObjectionTelling
from services.applicants.objections import Objections
from services.common.errors import BadInput, Conflict, NotFound
from services.common.files import FileStore
from services.common.pii import Vault
from services.common.schedule import Schedule
from services.common.texts import Texts
from services.notifications import Mailer, Outbox, SmsGateway
from services.people import Experts, Relatives

SUSTAINED, DISMISSED = "sustained", "dismissed"
NOTICE = "公示"


async def _log(app: Application, actor: Person | None, action: str, reason: str) -> None:
    """The objection and its ruling go into the review log, with who recorded them."""
    await ReviewAction.create(application_id=app.id, version=app.version, stage_key="notice",
                              stage_title=NOTICE, actor_id=actor.id if actor else None,
                              actor_name=actor.name if actor else None, action=action,
                              reason=reason[:200] or None)


class PublicNotice:
    """The 公示 (JL-GP): applications in notice, objections, and the public board."""

    def __init__(self, outbox: Outbox, relatives: Relatives, vault: Vault, files: FileStore,
                 texts: Texts, sms: SmsGateway, mailer: Mailer | None,
                 schedule: Schedule) -> None:
        self.outbox = outbox
        self.relatives = relatives  # an application's declared relatives, once it is formal
        # the public's objections, each ruled on its own, and their objectors told
        self.objections = Objections(outbox, vault, files, schedule, mailer is not None)
        self.telling = ObjectionTelling(self.objections, texts, sms, mailer, schedule)

    @staticmethod
    async def _in_notice(app_id: int) -> Application:
        app = await Application.get_or_none(id=app_id).prefetch_related("batch")
        if app is None:
            raise NotFound("application.not_found")
        if app.status != AppStatus.IN_NOTICE:
            raise Conflict("notice.not_in_notice")
        return app

    async def object(self, app_id: int, reason: str, now: datetime,
                     actor: Person | None = None) -> Application:
        """An objection raised during the notice, as the administrator records it."""
        reason = reason.strip()
        if not reason:
            raise BadInput("notice.reason_required")
        app = await self._in_notice(app_id)
        if app.notice_until is not None and now > app.notice_until:
            raise Conflict("notice.over")
        if app.objection is not None and app.objection_ruling is None:
            raise Conflict("notice.objection_open")
        await Application.filter(id=app.id, status=AppStatus.IN_NOTICE).update(
            objection=reason[:200], objection_ruling=None)
        await _log(app, actor, "objection", reason)
        await app.refresh_from_db()
        return app

    async def rule(self, app_id: int, sustained: bool, note: str, now: datetime,
                   actor: Person | None = None) -> Application:
        """The outcome of the objection: sustained (not admitted, told why) or dismissed."""
        app = await self._in_notice(app_id)
        if app.objection is None or app.objection_ruling is not None:
            raise Conflict("notice.no_objection")
        if sustained and not note.strip():
            raise BadInput("notice.reason_required")
        async with self.outbox.change(now) as change:
            if sustained:
                await Application.filter(id=app.id, status=AppStatus.IN_NOTICE).update(
                    status=AppStatus.REJECTED, objection_ruling=SUSTAINED,
                    last_reason=note.strip()[:200], decided_at=now)
                await app.refresh_from_db()
                await change.notify_application(app, "application.rejected",
                                                stage=NOTICE, reason=note.strip()[:200])
            else:
                await Application.filter(id=app.id).update(objection_ruling=DISMISSED)
                await app.refresh_from_db()
            await _log(app, actor, SUSTAINED if sustained else DISMISSED, note.strip())
        return app

    @staticmethod
    async def listing(limit: int = 200) -> list[tuple[Application, Person]]:
        """The applications in their notice (公示), the soonest to end first, with who."""
        apps = await Application.filter(status=AppStatus.IN_NOTICE).order_by(
            "notice_until", "id").limit(limit).prefetch_related("batch")
        people = {p.id: p for p in await Person.filter(id__in={a.person_id for a in apps})}
        return [(a, people[a.person_id]) for a in apps]

    async def close_due(self, now: datetime) -> int:
        """Notices that ended with no objection standing: formal experts, each told."""
        made = 0
        for app in await Application.filter(status=AppStatus.IN_NOTICE, notice_until__lte=now
                                            ).prefetch_related("batch").limit(200):
            if app.objection is not None and app.objection_ruling != DISMISSED:
                continue  # an objection still to be ruled on holds it
            if await Objections.open_on(app.id):
                continue  # so does any the public raised, until each is ruled on
            async with self.outbox.change(now) as change:
                if not await Application.filter(id=app.id, status=AppStatus.IN_NOTICE).update(
                        status=AppStatus.APPROVED):
                    continue  # another sweep took it
                profile = await Experts.make_formal_expert(app, now, self.relatives)
                await change.notify_application(app, "application.formal",
                                                expert_number=profile.expert_number)
            made += 1
        return made

    @staticmethod
    async def notice_board(now: datetime) -> list[BoardBatch]:
        """Every applicant whose notice runs now, by batch (the batch made first, first), the
        notice ending soonest first within it."""
        apps = await Application.filter(
            status=AppStatus.IN_NOTICE, notice_until__gt=now).order_by(
            "batch_id", "notice_until", "id").limit(BOARD_LIMIT).prefetch_related("batch")
        names = dict(await Person.filter(id__in={a.person_id for a in apps}).values_list(
            "id", "name"))
        board: dict[int, BoardBatch] = {}
        for app in apps:
            if app.notice_until is None:
                continue
            group = board.setdefault(app.batch_id, BoardBatch(app.batch))
            group.entries.append(Listed(
                name=str(names.get(app.person_id, "")),
                work_unit=str(app.data.get("work_unit") or ""),
                specialties=specialty_names(app), since=app.decided_at or app.notice_until,
                until=app.notice_until, application_id=app.id))
        return list(board.values())

    async def listed(self, app_id: int, now: datetime) -> tuple[BoardBatch, Listed] | None:
        """One applicant as the board lists them now, with their batch (None: not in a
        notice that runs now)."""
        app = await Application.get_or_none(id=app_id, status=AppStatus.IN_NOTICE,
                                            notice_until__gt=now)
        if app is None:
            return None
        for group in await self.notice_board(now):
            for entry in group.entries:
                if entry.application_id == app_id:
                    return group, entry
        return None
