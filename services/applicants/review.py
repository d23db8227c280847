"""The review workflow: configurable stages per batch; at each stage a reviewer in scope
(level, region, industry) approves, returns for modification (per item, with a reason) or
rejects. Every step is in the review log and pushed to the applicant.

| status    | action (who)          | next status | stage            |
| --------- | --------------------- | ----------- | ---------------- |
| printed   | submit (applicant)    | in_review   | 0, or the stage that returned it |
| in_review | approve (reviewer)    | in_review   | + 1              |
| in_review | approve at last stage | approved    | —                |
| in_review | return (reviewer)     | returned    | unchanged        |
| in_review | reject (reviewer)     | rejected    | —                |
| in_review / returned | withdraw (applicant) | draft | 0         |
| returned  | edit, print, submit   | in_review   | the returning stage |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from models.applications import AppKind, Application, AppStatus, ReviewAction
from models.experts import ExpertProfile
from models.people import Person, Role, RoleGrant
from services.applicants.attachments import ATTACHMENTS
from services.applicants.returns import SECTIONS
from services.applicants.review_scope import (
    ReviewScope,
    acting_industries,
    in_scope,
    industries,
    notify_reviewers,
    passed_by,
)
from services.applicants.standing_view import StandingViews
from services.common.clock import china_time
from services.common.errors import BadInput, Conflict, NotAllowed, NotFound
from services.common.paging import PAGE, Page, keyset
from services.common.windows import require_window_open
from services.education import Exams
from services.notifications import NotificationKind, Outbox
from services.people import Experts, People, Relatives
from services.reference import Reference

DECISIONS = ("approve", "return", "reject")  # a reviewer's own steps in the log


@dataclass(frozen=True)
class Decided:
    """One of a reviewer's decisions, with the application as it is now and its
    applicant's name."""

    entry: ReviewAction
    application: Application
    applicant: str


def require_own_specialties(items: list[str], app: Application, acting: frozenset[str]
                            ) -> None:
    """At an industry stage a department returns only specialties of its own industries
    (HN-APPLY: 市州行业部门可打回该专业); a section or an attachment any of them."""
    if not acting:
        return
    cat = Reference.catalogue.catalogue_of(app.catalogue_version)
    for item in items:
        kind, _, code = item.partition(":")
        if kind == "specialty" and (cat.industry(code) or app.industry) not in acting:
            spec = cat.get(code)
            raise NotAllowed("review.other_industry_specialty",
                             name=spec.name if spec else code,
                             industry=cat.industry(code) or app.industry or "")


def require_known_items(items: list[str], app: Application) -> None:
    codes = {c["code"] for c in app.specialties}
    for item in items:
        kind, _, ref = item.partition(":")
        ok = (kind in SECTIONS and not ref) or (kind == "specialty" and ref in codes) or (
            kind == "attachment" and ref in ATTACHMENTS)
        if not ok:
            raise BadInput("review.unknown_item", item=item)


class Review:
    """The review of applications stage by stage (and industry by industry), and what the
    applicant and the desks read of it."""

    def __init__(self, outbox: Outbox, exams: Exams, relatives: Relatives) -> None:
        self.outbox = outbox
        self.exams = exams
        self.relatives = relatives  # an approved change's declared relatives
        self.review_scope = ReviewScope()  # the stages, and the industries one waits on
        self.standing_view = StandingViews()  # the applicant's standing, as the reviewer reads it

    @staticmethod
    def describe_items(items: list[str], version: int | None) -> str:
        """The returned items in words (a specialty by its name in the application's catalogue,
        `version`)."""
        cat = Reference.catalogue.catalogue_of(version)
        out = []
        for item in items:
            kind, _, ref = item.partition(":")
            if kind == "specialty":
                spec = cat.get(ref)
                out.append(f"评标专业「{spec.name if spec else ref}」")
            elif kind == "attachment":
                spec_a = ATTACHMENTS.get(ref)
                out.append(f"附件「{spec_a.title if spec_a else ref}」")
            else:
                out.append(SECTIONS.get(kind, kind))
        return "、".join(out)

    @staticmethod
    async def logs_of(apps: list[Application]) -> dict[int, list[ReviewAction]]:
        """Each application's review log, in one query however many there are."""
        logs: dict[int, list[ReviewAction]] = {a.id: [] for a in apps}
        for action in await ReviewAction.filter(application_id__in=list(logs)).order_by("id"):
            logs[action.application_id].append(action)
        return logs

    async def queue(self, grants: list[RoleGrant]) -> list[Application]:
        """Applications waiting at a stage this reviewer may act on."""
        reviewer = [g for g in grants if g.role == Role.REVIEWER]
        if not reviewer:
            return []
        prefixes = {g.region[:2] for g in reviewer if g.region}
        waiting = await Application.filter(status=AppStatus.IN_REVIEW).prefetch_related(
            "batch").order_by("submitted_at")
        return [a for a in waiting if (a.region or "")[:2] in prefixes
                and any(in_scope(g, ReviewScope.stages(a.batch)[a.stage], a) for g in reviewer)]

    async def queue_entries(self, grants: list[RoleGrant]) -> list[tuple[Application, Person]]:
        """The queue, each application with its applicant."""
        apps = await self.queue(grants)
        people = {p.id: p for p in await Person.filter(id__in=[a.person_id for a in apps])}
        return [(a, people[a.person_id]) for a in apps]

    @staticmethod
    async def reviewable(app_id: int, grants: list[RoleGrant]) -> Application:
        """The application, if it waits at a stage one of these grants may act on."""
        app = await Application.get_or_none(id=app_id).prefetch_related("batch")
        if app is None:
            raise NotFound("application.not_found")
        stage = ReviewScope.stages(app.batch)[app.stage]
        if app.status != AppStatus.IN_REVIEW or not any(in_scope(g, stage, app)
                                                        for g in grants):
            raise NotAllowed("review.out_of_scope")
        return app

    async def readable(self, app_id: int, grants: list[RoleGrant], person_id: int
                       ) -> Application:
        """The application, if it waits for this reviewer or they decided on it before (to
        read what they decided; nothing can be changed there)."""
        try:
            return await self.reviewable(app_id, grants)
        except NotAllowed:
            if not await ReviewAction.exists(application_id=app_id, actor_id=person_id,
                                             action__in=DECISIONS):
                raise
        app = await Application.get(id=app_id).prefetch_related("batch")
        return app

    @staticmethod
    async def decided_by(person_id: int, limit: int = PAGE, after: str | None = None
                         ) -> Page[Decided]:
        """A reviewer's own decisions, newest first, with the application as it is now; a
        page after the cursor `after` (keyset paging by the decision's time and id)."""
        found = await keyset(ReviewAction.filter(actor_id=person_id, action__in=DECISIONS),
                             limit, after, ("-at", "-id"), (datetime, int))
        apps = {a.id: a for a in await Application.filter(
            id__in={e.application_id for e in found.rows}).prefetch_related("batch")}
        rows = [(e, apps[e.application_id]) for e in found.rows if e.application_id in apps]
        names = await People.names_of({a.person_id for _, a in rows})
        return Page([Decided(e, a, str(names.get(a.person_id, ""))) for e, a in rows],
                    found.next)

    async def decide(self, app_id: int, reviewer: Person, grants: list[RoleGrant],
                     action: str, now: datetime, reason: str = "",
                     items: list[str] | None = None,
                     admitted: list[str] | None = None) -> Application:
        app = await Application.get_or_none(id=app_id).prefetch_related("batch")
        if app is None:
            raise NotFound("application.not_found")
        if app.status != AppStatus.IN_REVIEW:
            raise Conflict("review.not_in_review")
        stage = ReviewScope.stages(app.batch)[app.stage]
        self._require_scope(app, grants)
        require_window_open(app.batch.apply_from, app.batch.review_until, now, "review")
        reason = reason.strip()
        if action in ("return", "reject") and not reason:
            raise BadInput("review.reason_required")
        if action not in DECISIONS:
            raise BadInput("review.unknown_action", action=action)
        async with self.outbox.change(now) as change:
            # read again under the row's lock: two industries' departments approving at
            # once each add their own to what passed (HN-APPLY: per specialty's industry)
            locked = await Application.select_for_update().get(id=app.id)
            if (locked.status, locked.stage, locked.version) != (app.status, app.stage,
                                                                  app.version):
                raise Conflict("review.taken")
            app.industries_passed = locked.industries_passed
            self._require_scope(app, grants)
            acting = acting_industries(grants, stage, app) if stage.by_industry \
                else frozenset()
            # a department of one industry returns only its own specialties
            own = acting if all(g.industry for g in grants if in_scope(g, stage, app)) \
                else frozenset()
            if action == "return":
                require_own_specialties(items or [], app, own)
            values, kind, extra = await self._outcome(app, action, reason, items, admitted,
                                                      acting, now)
            updated = await Application.filter(id=app.id, status=AppStatus.IN_REVIEW,
                                               stage=app.stage, version=app.version
                                               ).update(**values)
            if not updated:
                raise Conflict("review.taken")
            await ReviewAction.create(application_id=app.id, version=app.version,
                                      stage_key=stage.key, stage_title=stage.title,
                                      industry="、".join(sorted(acting)) or None,
                                      actor_id=reviewer.id, actor_name=reviewer.name,
                                      action=action, reason=reason or None, items=items or [])
            batch = app.batch
            await app.refresh_from_db()
            if kind:
                await change.notify_application(app, kind, **extra)
            if kind == "application.stage_passed":  # on to the next stage's reviewers
                await notify_reviewers(change, app, batch, app.stage, now)
            if app.status == AppStatus.APPROVED and app.kind in (AppKind.CHANGE,
                                                                 AppKind.TRANSFER):
                profile = await ExpertProfile.get(person_id=app.person_id)
                await Experts.apply_to_profile(profile, app, self.relatives)
            elif app.status == AppStatus.APPROVED:
                await self.exams.invite_if_scheduled(change, app)
        return app

    @staticmethod
    def _require_scope(app: Application, grants: list[RoleGrant]) -> None:
        """The application waits at a stage one of these grants may act on now."""
        all_stages = ReviewScope.stages(app.batch)
        stage = all_stages[app.stage]
        if any(in_scope(g, stage, app) for g in grants):
            return
        if stage.by_industry and any(passed_by(g, stage, app) for g in grants):
            raise Conflict("review.industry_done", stage=stage.title)
        if any(in_scope(g, earlier, app) for earlier in all_stages[:app.stage]
               for g in grants):  # a colleague at the same stage was quicker
            raise Conflict("review.stage_passed")
        raise NotAllowed("review.not_your_stage", stage=stage.title)

    async def _outcome(self, app: Application, action: str, reason: str,
                       items: list[str] | None, admitted: list[str] | None,
                       acting: frozenset[str], now: datetime
                       ) -> tuple[dict[str, Any], NotificationKind | None,
                                  dict[str, Any]]:
        """The application's new values, the applicant's notification and its words; an
        industry's approval while others' still wait changes only what passed, and the
        applicant is told who approved and who still reviews (HN-APPLY's 行业部门预审)."""
        all_stages = ReviewScope.stages(app.batch)
        stage = all_stages[app.stage]
        values: dict[str, Any] = {"last_reason": reason or None}
        if action == "approve":
            passed = set(app.industries_passed) | acting
            if stage.by_industry and (waiting := industries(app) - passed):
                return {"industries_passed": sorted(passed)}, "application.industry_passed", {
                    "stage": stage.title, "passed_industries": sorted(acting),
                    "waiting_industries": sorted(waiting)}
            values["industries_passed"] = []
            last = app.stage == len(all_stages) - 1
            if last and not app.batch.exam_required and app.kind in (AppKind.NEW,
                                                                       AppKind.RENEWAL):
                # JL-GP: 审核后，并经财政公示无异议后进入…评审专家库
                notice_until = now + timedelta(days=app.batch.notice_days)
                values.update(status=AppStatus.IN_NOTICE, decided_at=now,
                              notice_until=notice_until,
                              specialties=self._admit(app, admitted))
                return values, "application.in_notice", {
                    "until": china_time(notice_until), "days": str(app.batch.notice_days)}
            if last:
                values.update(status=AppStatus.APPROVED, decided_at=now,
                              specialties=self._admit(app, admitted))
                updated = app.kind in (AppKind.CHANGE, AppKind.TRANSFER)
                return values, "application.approved", {
                    "next": "updated" if updated else "exam",
                    "exam_opens": "" if updated else await Exams.exam_opens(app)}
            values.update(stage=app.stage + 1)
            return values, "application.stage_passed", {
                "passed": stage.title, "stage": all_stages[app.stage + 1].title}
        if action == "return":
            if not items:
                raise BadInput("review.items_required")
            require_known_items(items, app)
            values.update(status=AppStatus.RETURNED, returned_items=items,
                          industries_passed=[])
            return values, "application.returned", {
                "stage": stage.title, "reason": reason,
                "items": Review.describe_items(items, app.catalogue_version),
                "deadline": china_time(app.batch.review_until)}
        values.update(status=AppStatus.REJECTED, decided_at=now, industries_passed=[])
        return values, "application.rejected", {"stage": stage.title, "reason": reason}

    @staticmethod
    def _admit(app: Application, admitted: list[str] | None) -> list[dict[str, Any]]:
        """Every 首选 specialty must be admitted; alternates as the review sees fit (XJ-SIGNUP:
        "首选评标专业"为必选入库专业，"备选评标专业"将视情入库)."""
        codes = {c["code"] for c in app.specialties}
        chosen = set(codes if admitted is None else admitted)
        if not chosen <= codes:
            raise BadInput("review.admitted_not_chosen")
        if any(c["primary"] and c["code"] not in chosen for c in app.specialties):
            raise BadInput("review.primary_not_admitted")
        return [{**c, "admitted": c["code"] in chosen} for c in app.specialties]


async def log_of(app: Application) -> list[ReviewAction]:
    return (await Review.logs_of([app]))[app.id]
