"""Applications: start within the batch's window, save drafts at any step, attach files,
print the review form (which locks every field), submit, withdraw (撤回), resubmit."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.applications import (
    AppKind,
    Application,
    AppStatus,
    Batch,
    BatchKind,
    ReviewAction,
)
from models.experts import ExpertProfile
from models.people import Person
from services.applicants.draft_reference import apply_reference
from services.applicants.form_limits import BatchLimits, require_within
from services.applicants.reads import latest_of
from services.applicants.returns import require_unlocked
from services.applicants.review_scope import notify_reviewers
from services.applicants.standing_view import barred
from services.applicants.title_rule import TITLE_FIELDS, apply_title_rule
from services.applicants.unit_requests import require_listed_unit
from services.applicants.uploads import ApplicationUploads
from services.common.clock import CHINA, china_today
from services.common.errors import (
    BadInput,
    Conflict,
    NotAllowed,
    NotFound,
)
from services.common.files import FileStore
from services.common.links import Links
from services.common.windows import require_window_open
from services.notifications import Outbox
from services.onboarding import Onboarding
from services.people import ApplicationDraft, IdentityRules, Particulars, People, Relatives
from services.reference import Reference, Selection, SpecialtyRule

FORM_LINK = "form"  # the purpose of the printable form's signed links
TRANSFER_FIELDS = {"region", "willing_regions", "transfer_reason"}  # what a 异动 changes


def data_hash(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
                          ).hexdigest()


class Applications:
    def __init__(self, outbox: Outbox, files: FileStore, people: People,
                 relatives: Relatives) -> None:
        self.outbox = outbox
        self.uploads = ApplicationUploads(files)  # the attachments, checked and counted
        self.people = people  # the full birth date is only in the encrypted ID number
        self.relatives = relatives  # declared relatives' ID numbers: kept as keyed hashes

    # --- reading ------------------------------------------------------------------------

    async def own(self, person: Person, app_id: int) -> Application:
        app = await Application.get_or_none(id=app_id, person_id=person.id).prefetch_related(
            "batch")
        if app is None:
            raise NotFound("application.not_found")
        return app

    @staticmethod
    async def open_batches() -> list[Batch]:
        """The collection and renewal batches, newest first."""
        return await Batch.filter(kind__in=[BatchKind.COLLECT, BatchKind.RENEW]).order_by(
            "-apply_from")

    async def latest(self, person_id: int) -> Application | None:
        return await latest_of(person_id)

    # --- applicant actions --------------------------------------------------------------

    async def start(self, person: Person, batch_id: int, now: datetime) -> Application:
        batch = await Batch.get_or_none(id=batch_id)
        if batch is None or batch.kind not in (BatchKind.COLLECT, BatchKind.RENEW):
            raise NotFound("application.no_batch")
        require_window_open(batch.apply_from, batch.apply_until, now, "apply")
        profile = await ExpertProfile.get_or_none(person_id=person.id, active=True)
        if batch.kind == BatchKind.RENEW and profile is None:
            raise NotAllowed("application.renewal_for_experts")
        if batch.kind == BatchKind.COLLECT and profile is not None:
            raise Conflict("application.already_expert")
        if await barred(person):
            raise NotAllowed("application.barred")
        # HN-APPLY's application form, for 征集 and 续聘 alike: "超过65周岁无法申请成为专家"
        IdentityRules.require_applicant_age(self.people.birth_date_of(person), china_today(now))
        kind = AppKind.RENEWAL if batch.kind == BatchKind.RENEW else AppKind.NEW
        try:
            return await Application.create(
                person_id=person.id, batch=batch, kind=kind, data={},
                catalogue_version=Reference.catalogue.current_version())
        except IntegrityError:
            raise Conflict("application.exists") from None

    async def start_request(self, person: Person, kind: AppKind, now: datetime) -> Application:
        """A formal expert's change request (变更) or region change (异动申请), prefilled with
        their current data and reviewed through the stages of their province's batch."""
        profile = await ExpertProfile.get_or_none(person_id=person.id, active=True)
        if profile is None:
            raise NotAllowed("application.request_for_experts")
        # XJ-CE: 待完成继续教育、考试后再在系统单独【异动申请】…【修改】
        await Onboarding.require_steps(person.id, "education", kind.value)
        batch_kind = BatchKind.CHANGE if kind == AppKind.CHANGE else BatchKind.TRANSFER
        batch = await Batch.filter(kind=batch_kind, province=profile.region[:2]).first()
        if batch is None:
            raise NotFound("application.no_request_batch")
        require_window_open(batch.apply_from, batch.apply_until, now, "request")
        open_one = await Application.filter(person_id=person.id, batch_id=batch.id,
                                            status__not_in=[AppStatus.APPROVED,
                                                            AppStatus.REJECTED]).first()
        if open_one is not None:
            raise Conflict("application.request_open")
        base = await Application.get_or_none(id=profile.application_id) \
            if profile.application_id else None
        data = dict(base.data) if base else {}
        codes = await profile.specialties.all().values_list("code", "is_primary")
        data.update(region=profile.region, willing_regions=profile.willing_regions,
                    work_unit=profile.work_unit, unit_credit_code=profile.unit_credit_code,
                    title_level=profile.title_level, emergency_ok=profile.emergency_ok,
                    specialties=[c for c, _ in codes],
                    primary_specialty=None, primary_specialties=[c for c, p in codes if p],
                    # declared apart (我的近亲属) since: a change declares them only if it
                    # fills the section anew, so an older list never comes back
                    relatives=[])
        await Application.filter(person_id=person.id, batch_id=batch.id).delete()  # old ones
        app = await Application.create(person_id=person.id, batch=batch, kind=kind,
                                       data=ApplicationDraft.model_validate(data).model_dump(
                                           mode="json"), region=profile.region,
                                       industry=profile.industry,
                                       catalogue_version=Reference.catalogue.current_version())
        app.specialties = [{"code": c, "primary": p, "admitted": None} for c, p in codes]
        await app.save(update_fields=["specialties"])
        return app

    @staticmethod
    def require_editable(app: Application, now: datetime) -> None:
        batch = app.batch
        if app.status == AppStatus.DRAFT and app.version == 1:
            require_window_open(batch.apply_from, batch.apply_until, now, "apply")
        elif app.status in (AppStatus.RETURNED, AppStatus.DRAFT):  # back from review
            require_window_open(batch.apply_from, batch.review_until, now, "edit")
        elif app.status == AppStatus.PRINTED:
            raise Conflict("application.locked")
        else:
            raise Conflict("application.in_review")

    async def save(self, app: Application, draft: ApplicationDraft, now: datetime) -> None:
        """Merge the sections sent into the saved draft (any step, any order)."""
        self.require_editable(app, now)
        changes = draft.model_dump(exclude_unset=True, mode="json")
        if app.kind == AppKind.CHANGE and "region" in changes and \
                changes["region"] != app.data.get("region"):
            raise BadInput("application.region_needs_transfer")
        if app.kind == AppKind.TRANSFER and set(changes) - TRANSFER_FIELDS:
            raise BadInput("application.transfer_region_only")
        if app.kind != AppKind.TRANSFER and changes.get("transfer_reason"):
            raise BadInput("application.transfer_reason_only")
        if "primary_specialty" in changes and "primary_specialties" not in changes:
            changes["primary_specialties"] = []  # one 首选 row, sent the old way
        data = {**app.data, **changes}
        merged = ApplicationDraft.model_validate(data)  # the whole draft still has to be sane
        require_within(merged, BatchLimits.limits_of(app.batch), changes)  # the rule set's numbers
        if "relatives" in changes:
            kept = ApplicationDraft.model_validate(app.data).relatives
            own = await Person.get(id=app.person_id)
            for line, entry in enumerate(merged.relatives, start=1):
                if entry.id_number is not None:  # sent now: named as the register names them
                    await self.relatives.require_registered_name(line, entry.name,
                                                                 entry.id_number)
            merged.relatives = self.relatives.sealed(merged.relatives, kept,
                                                     own.id_number_hash, now)
        if app.kind in (AppKind.NEW, AppKind.RENEWAL) or (
                app.kind == AppKind.CHANGE and set(changes) & TITLE_FIELDS):
            merged = apply_title_rule(merged, SpecialtyRule(app.batch.specialty_rule))
        require_unlocked(app, merged)
        await apply_reference(app, merged, now)
        app.data = merged.model_dump(mode="json", exclude_none=False)
        await app.save()

    @staticmethod
    def require_printable(app: Application) -> ApplicationDraft:
        """Everything printing needs: a complete form and the batch's specialty rule."""
        draft = ApplicationDraft.model_validate(app.data)
        Particulars.require_complete(draft, app.kind in (AppKind.NEW, AppKind.RENEWAL))
        if app.kind == AppKind.TRANSFER and not (draft.transfer_reason or "").strip():
            raise BadInput("application.transfer_reason_required")  # JL-GP: 填写申请理由
        if app.kind in (AppKind.NEW, AppKind.RENEWAL):  # a draft saved before the rule
            apply_title_rule(draft, SpecialtyRule(app.batch.specialty_rule))
        Reference.specialties.enforce_specialty_rule(
            SpecialtyRule(app.batch.specialty_rule),
            Selection(tuple(draft.specialties), tuple(draft.primary_specialties)),
            Reference.catalogue.catalogue_of(app.catalogue_version))
        if app.kind != AppKind.TRANSFER:  # a 异动 changes the region only: the rest is as
            require_within(draft, BatchLimits.limits_of(app.batch))  # admitted, under older limits
        return draft

    async def printable_form(self, app: Application, links: Links, now: datetime) -> str:
        """The printable form's address (the applicant's own, for 24 hours), printing it
        first if it was not: printing locks every field."""
        if app.status != AppStatus.PRINTED:
            await self.print_form(app, now)
        return links.url(f"/forms/applications/{app.id}", FORM_LINK, str(app.id),
                         app.person_id, now.timestamp() + 86400)

    async def print_form(self, app: Application, now: datetime) -> ApplicationDraft:
        """Lock every field: the printed form is what gets signed, stamped and uploaded.
        Every other attachment must be there first: printing locks them too (HN-APPLY)."""
        self.require_editable(app, now)
        draft = self.require_printable(app)
        if app.kind in (AppKind.NEW, AppKind.RENEWAL):
            await require_listed_unit(draft)  # HN-APPLY: 工作单位，可根据单位名称搜索选择
        missing = await self.uploads.missing(app, with_form=False)
        if missing:
            raise BadInput("application.upload_before_print", missing=missing)
        app.status, app.printed_at = AppStatus.PRINTED, now
        app.printed_hash = data_hash(app.data)
        await app.save(update_fields=["status", "printed_at", "printed_hash", "updated_at"])
        await self.uploads.drop(app, "review_form")  # signed on an earlier print
        return draft

    async def submit(self, app: Application, person: Person, now: datetime) -> None:
        """Send the printed application to review (a returned one goes back to the stage
        that returned it)."""
        if app.status != AppStatus.PRINTED:
            raise Conflict("application.print_first")
        if app.printed_hash != data_hash(app.data):
            raise Conflict("application.changed_after_print")
        resubmit = bool(app.returned_items) or app.version > 1
        end = app.batch.review_until if resubmit else app.batch.apply_until
        require_window_open(app.batch.apply_from, end, now, "submit")
        missing = await self.uploads.missing(app, with_form=True)
        if missing:
            raise BadInput("application.missing_attachments", missing=missing)
        self.require_printable(app)
        stage = app.batch.stages[app.stage]
        async with self.outbox.change(now) as change:
            updated = await Application.filter(id=app.id, status=AppStatus.PRINTED).update(
                status=AppStatus.IN_REVIEW, submitted_at=now, version=app.version + 1,
                returned_items=[], industries_passed=[],
                specialties_fixed=app.batch.specialty_rule
                == SpecialtyRule.HUNAN or app.specialties_fixed)
            if not updated:
                raise Conflict("application.state_changed")
            await ReviewAction.create(application_id=app.id, version=app.version + 1,
                                      stage_key=stage["key"], stage_title=stage["title"],
                                      actor_id=person.id, actor_name=person.name,
                                      action="resubmit" if resubmit else "submit",
                                      reason=app.data.get("transfer_reason") or None)
            await change.notify_application(app, "application.submitted",
                                            stage=stage["title"])
            await notify_reviewers(change, app, app.batch, app.stage, now)
        await app.refresh_from_db()

    async def withdraw(self, app: Application, person: Person, now: datetime) -> None:
        """撤回 a returned application (XJ-SIGNUP: 如申请被驳回…点击"撤回"…根据驳回理由…
        修改补充) to edit what was returned; it restarts at the first stage when submitted
        again. Under review it stays locked (HN-APPLY: printing locks it)."""
        if app.status != AppStatus.RETURNED:
            raise Conflict("application.not_withdrawable")
        require_window_open(app.batch.apply_from, app.batch.review_until, now, "withdraw")
        async with in_transaction():
            updated = await Application.filter(id=app.id, status=app.status,
                                               version=app.version).update(
                status=AppStatus.DRAFT, stage=0, printed_at=None, printed_hash=None)
            if not updated:
                raise Conflict("application.state_changed")
            await ReviewAction.create(application_id=app.id, version=app.version,
                                      actor_id=person.id, actor_name=person.name,
                                      action="withdraw")
        await self.uploads.drop(app, "review_form")
        await app.refresh_from_db()

    @staticmethod
    def window_text(start: datetime, end: datetime) -> str:
        """A window in words: 2026年05月01日 09:00 至 2026年05月31日 17:00 (China time)."""
        fmt = "%Y年%m月%d日 %H:%M"
        return f"{start.astimezone(CHINA):{fmt}} 至 {end.astimezone(CHINA):{fmt}}"

    @staticmethod
    def current_deadline(app: Application) -> datetime | None:
        """The deadline the applicant works to now: a draft's (applying, or editing after a
        withdrawal or a return) and a returned form's; None once it is with the reviewers."""
        if app.status == AppStatus.DRAFT:
            return app.batch.review_until if app.version > 1 else app.batch.apply_until
        if app.status == AppStatus.RETURNED:
            return app.batch.review_until
        return None
