"""Objections anyone raises against one applicant in the 公示 (JL-GP: "经财政公示无异议后
进入政府采购评审专家库"), on the public page without signing in, and their rulings.

The objector gives a name and a contact (a mobile or an e-mail address) to be told the
ruling: both sealed at rest with the vault, masked wherever they are shown but to whoever
may rule, who reads them in full on purpose (an access in the trail). The grounds are text
(GROUNDS_MAX characters), the evidence at most EVIDENCE_COUNT files (JPG, PNG or PDF, their
type read from their bytes, EVIDENCE_MAX each) in the file store. While any objection is
open the admission waits (PublicNotice.close_due). Whoever may approve the last review
stage of the application (the stage that opened the notice), or an administrator, rules
each one with a reason: sustained, the application is not admitted and the applicant told
why; dismissed, the notice runs on. The objector is told the ruling by a job
(ObjectionTelling)."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from models.applications import Application, AppStatus, Objection, ReviewAction
from models.people import Person, Role, RoleGrant
from services.applicants.attachments import DOCS, MB, TYPE_NAMES, Attachments
from services.applicants.review_scope import ReviewScope, in_scope
from services.common.clock import china_time
from services.common.errors import BadInput, Conflict, NotAllowed, NotFound, TooLarge
from services.common.files import FileStore
from services.common.pii import Vault, mask_email, mask_name, mask_phone
from services.common.schedule import Schedule
from services.notifications import Outbox

GROUNDS_MAX = 1000  # characters of grounds: a page of reasons, not a dossier
EVIDENCE_COUNT = 3  # files with one objection
EVIDENCE_MAX = 5 * MB  # each: a phone's photo or a scanned page or two
NAME_MAX = 32
SEALED = b"objector"  # the vault's associated data for an objector's name and contact
NOTICE = "公示"
TELL_JOB = "tell_objector"
SUSTAINED, DISMISSED = "sustained", "dismissed"
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_EMAIL = re.compile(r"[^@\s]{1,64}@[A-Za-z0-9.-]{1,180}\.[A-Za-z]{2,24}")


@dataclass(frozen=True)
class Evidence:
    """One file the objector sent, as received."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class Objector:
    """Who objected, opened from the vault."""

    name: str
    contact: str
    contact_kind: str  # phone | email

    def masked(self) -> Objector:
        """The objector as anyone but the one ruling reads them."""
        contact = (mask_phone(self.contact) if self.contact_kind == "phone"
                   else mask_email(self.contact))
        return Objector(mask_name(self.name), contact, self.contact_kind)


@dataclass(frozen=True)
class ObjectionView:
    """An objection as the desk lists it: the objector masked."""

    objection: Objection
    application: Application
    applicant: str
    objector: Objector


def parse_contact(contact: str) -> tuple[str, str]:
    """A mainland mobile (11 digits) or an e-mail address, and which; BadInput otherwise."""
    contact = contact.strip().replace(" ", "").replace("-", "")
    if _MOBILE.fullmatch(contact):
        return contact, "phone"
    if _EMAIL.fullmatch(contact):
        return contact, "email"
    raise BadInput("objection.contact_invalid")


def may_rule(app: Application, grants: list[RoleGrant], now: datetime) -> bool:
    """An administrator, or a reviewer in scope of the batch's last stage (the one whose
    approval opened the notice)."""
    live = [g for g in grants if g.active(now)]
    if any(g.role == Role.ADMIN for g in live):
        return True
    stages = ReviewScope.stages(app.batch)
    return bool(stages) and any(in_scope(g, stages[-1], app) for g in live)


async def _rulers(app: Application, now: datetime) -> list[int]:
    """The reviewers in scope of the batch's last stage, or, with none, the administrators."""
    stages = ReviewScope.stages(await app.batch)
    grants = await RoleGrant.filter(role=Role.REVIEWER, revoked_at=None)
    found = sorted({g.person_id for g in grants
                    if stages and g.active(now) and in_scope(g, stages[-1], app)})
    return found or await RoleGrant.holders(Role.ADMIN, now)


class Objections:
    """The public's objections in the 公示 and their rulings (the part `objections` of
    PublicNotice)."""

    def __init__(self, outbox: Outbox, vault: Vault, files: FileStore,
                 schedule: Schedule, can_mail: bool) -> None:
        self.outbox, self.vault, self.files = outbox, vault, files
        self.schedule = schedule
        self.can_mail = can_mail  # a mailer is set: an e-mail address can be told

    @staticmethod
    def number(objection: Objection) -> str:
        """The number the objector is given and the desk shows: YY000012."""
        return f"YY{objection.id:06d}"

    def objector(self, objection: Objection) -> Objector:
        """The objector in full (only for whoever may rule it)."""
        return Objector(self.vault.decrypt(objection.name_enc, SEALED),
                        self.vault.decrypt(objection.contact_enc, SEALED),
                        objection.contact_kind)

    @staticmethod
    def check_grounds(grounds: str) -> str:
        grounds = grounds.strip()
        if not grounds:
            raise BadInput("objection.grounds_required")
        if len(grounds) > GROUNDS_MAX:
            raise BadInput("objection.grounds_too_long", limit=GROUNDS_MAX, given=len(grounds))
        return grounds

    @staticmethod
    def check_evidence(evidence: list[Evidence]) -> list[str]:
        """Each file's real type (from its bytes); refused past the count, the size or the
        types."""
        if len(evidence) > EVIDENCE_COUNT:
            raise BadInput("objection.too_many_files", limit=EVIDENCE_COUNT)
        types = []
        for item in evidence:
            if len(item.data) > EVIDENCE_MAX:
                raise TooLarge("objection.file_too_large", name=item.filename[:60],
                               mb=EVIDENCE_MAX // MB)
            real = Attachments.sniff(item.data)
            if real is None or real not in DOCS:
                raise BadInput("objection.file_type", name=item.filename[:60],
                               allowed="、".join(sorted(TYPE_NAMES[t] for t in DOCS)))
            types.append(real)
        return types

    async def raise_objection(self, app_id: int, name: str, contact: str, grounds: str,
                              evidence: list[Evidence], now: datetime) -> Objection:
        """An objection from anyone against one applicant in their notice."""
        name = " ".join(name.split())
        if not 2 <= len(name) <= NAME_MAX:
            raise BadInput("objection.name_required", limit=NAME_MAX)
        number, kind = parse_contact(contact)
        if kind == "email" and not self.can_mail:
            raise BadInput("objection.email_unavailable")
        grounds = self.check_grounds(grounds)
        types = self.check_evidence(evidence)
        app = await Application.get_or_none(id=app_id)
        if app is None or app.status != AppStatus.IN_NOTICE or (
                app.notice_until is not None and now >= app.notice_until):
            raise Conflict("objection.not_in_notice")
        kept = []
        for item, real in zip(evidence, types, strict=True):
            key = f"objections/{app.id}/{secrets.token_hex(8)}"
            await self.files.put(key, item.data)
            kept.append({"key": key, "filename": item.filename[:100] or "evidence",
                         "content_type": real, "size": len(item.data),
                         "sha256": hashlib.sha256(item.data).hexdigest()})
        async with self.outbox.change(now) as change:
            made = await Objection.create(
                application_id=app.id, name_enc=self.vault.encrypt(name, SEALED),
                contact_enc=self.vault.encrypt(number, SEALED), contact_kind=kind,
                grounds=grounds, evidence=kept, raised_at=now)
            # the review log names the objector masked: the applicant reads it too
            await ReviewAction.create(application_id=app.id, version=app.version,
                                      stage_key="notice", stage_title=NOTICE, actor_id=None,
                                      actor_name=mask_name(name), action="objection",
                                      reason=grounds[:200])
            # those who may rule it told at once: the admission waits on them
            for person_id in await _rulers(app, now):
                await change.notify("objection.raised", {
                    "batch": (await app.batch).name, "at": china_time(now)},
                    person_id=person_id, dedupe_key=f"objection:{made.id}:{person_id}")
        return made

    @staticmethod
    async def open_on(app_id: int) -> bool:
        """An objection against the application not yet ruled on."""
        return await Objection.exists(application_id=app_id, ruling=None)

    async def _rulable(self, objection_id: int, grants: list[RoleGrant], now: datetime
                       ) -> tuple[Objection, Application]:
        found = await Objection.get_or_none(id=objection_id)
        if found is None:
            raise NotFound("objection.not_found")
        app = await Application.get(id=found.application_id).prefetch_related("batch")
        if not may_rule(app, grants, now):
            raise NotAllowed("objection.not_yours")
        return found, app

    async def read_in_full(self, objection_id: int, grants: list[RoleGrant], now: datetime
                           ) -> Objector:
        """The objector's name and contact in full, for whoever may rule the objection."""
        found, _ = await self._rulable(objection_id, grants, now)
        return self.objector(found)

    async def evidence_file(self, objection_id: int, index: int, grants: list[RoleGrant],
                            now: datetime) -> tuple[str, str, bytes]:
        """One evidence file (its name, type and bytes), for whoever may rule."""
        found, _ = await self._rulable(objection_id, grants, now)
        if not 0 <= index < len(found.evidence):
            raise NotFound("objection.no_file")
        item = found.evidence[index]
        return (str(item["filename"]), str(item["content_type"]),
                await self.files.get(str(item["key"])))

    async def _views(self, rows: list[Objection], grants: list[RoleGrant], now: datetime
                     ) -> list[ObjectionView]:
        """The rows this desk may rule, each with its application and applicant (masked) and
        its objector masked."""
        apps = {a.id: a for a in await Application.filter(
            id__in={o.application_id for o in rows}).prefetch_related("batch")}
        names = dict(await Person.filter(id__in={a.person_id for a in apps.values()}
                                         ).values_list("id", "name"))
        return [ObjectionView(o, app, mask_name(str(names.get(app.person_id, ""))),
                              self.objector(o).masked())
                for o in rows if may_rule(app := apps[o.application_id], grants, now)]

    async def listing(self, grants: list[RoleGrant], now: datetime, ruled: int = 100
                      ) -> list[ObjectionView]:
        """The objections this desk may rule: every open one, oldest first, then the `ruled`
        latest rulings; the objectors masked."""
        open_ = await Objection.filter(ruling=None).order_by("raised_at", "id").limit(1000)
        done = await Objection.filter(ruling__not_isnull=True).order_by(
            "-ruled_at", "-id").limit(ruled * 4)
        views = await self._views(open_ + done, grants, now)
        return [v for v in views if v.objection.ruling is None] + [
            v for v in views if v.objection.ruling is not None][:ruled]

    async def view(self, objection_id: int, grants: list[RoleGrant], now: datetime
                   ) -> ObjectionView:
        """One objection as the desk lists it, for whoever may rule it."""
        found, _ = await self._rulable(objection_id, grants, now)
        (shown,) = await self._views([found], grants, now)
        return shown

    async def rule(self, objection_id: int, sustained: bool, note: str, reviewer: Person,
                   grants: list[RoleGrant], now: datetime) -> Objection:
        """The ruling of one objection, with its reason (both ways): sustained, the
        application is not admitted and the applicant told why; dismissed, the notice runs
        on (and ends when no other objection stays open). The objector is told by a job."""
        note = note.strip()
        if not note:
            raise BadInput("objection.note_required")
        found, app = await self._rulable(objection_id, grants, now)
        if found.ruling is not None:
            raise Conflict("objection.already_ruled")
        async with self.outbox.change(now) as change:
            if not await Objection.filter(id=found.id, ruling=None).update(
                    ruling=SUSTAINED if sustained else DISMISSED, ruling_note=note[:500],
                    ruled_at=now, ruled_by_id=reviewer.id, ruled_by_name=reviewer.name):
                raise Conflict("objection.already_ruled")
            if sustained and app.status != AppStatus.REJECTED:  # else: not admitted already
                if app.status != AppStatus.IN_NOTICE:
                    raise Conflict("objection.not_in_notice")
                if not await Application.filter(id=app.id, status=AppStatus.IN_NOTICE).update(
                        status=AppStatus.REJECTED, objection_ruling=SUSTAINED,
                        last_reason=note[:200], decided_at=now):
                    raise Conflict("objection.not_in_notice")  # admitted meanwhile: undone
                await app.refresh_from_db()
                await change.notify_application(app, "application.rejected", stage=NOTICE,
                                                reason=note[:200])
            await ReviewAction.create(application_id=app.id, version=app.version,
                                      stage_key="notice", stage_title=NOTICE,
                                      actor_id=reviewer.id, actor_name=reviewer.name,
                                      action=SUSTAINED if sustained else DISMISSED,
                                      reason=note[:200])
        await self.schedule(TELL_JOB, now, (found.id,), f"{TELL_JOB}:{found.id}:0")
        return await Objection.get(id=found.id)
