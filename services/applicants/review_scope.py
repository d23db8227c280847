"""Who reviews what (XJ-SIGNUP, HN-APPLY): a batch's stages, which reviewers a stage's
application is for (at an industry stage, the department of each specialty's industry), and
the digest that tells them work waits (at most one an hour each)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from models.applications import Application, Batch
from models.people import Role, RoleGrant
from services.common.clock import china_time
from services.notifications import Change
from services.reference import Reference

StageLevel = Literal["city", "province"]  # which reviewers a stage goes to


@dataclass(frozen=True)
class Stage:
    key: str
    title: str
    level: StageLevel
    by_industry: bool

    @classmethod
    def of(cls, raw: dict[str, Any]) -> Stage:
        return cls(raw["key"], raw["title"], raw["level"], bool(raw.get("by_industry")))


def industries(app: Application) -> frozenset[str]:
    """The industry departments of the application's specialties, each specialty's own
    (HN-APPLY: 根据申请人填写的专业给到对应的市州行业部门预审); a specialty the catalogue names
    no department for goes with the primary specialty's."""
    cat = Reference.catalogue.catalogue_of(app.catalogue_version)
    found = {cat.industry(str(c["code"])) or app.industry for c in app.specialties}
    return frozenset(i for i in found if i) or frozenset({app.industry} if app.industry
                                                         else ())


def in_scope(grant: RoleGrant, stage: Stage, app: Application) -> bool:
    """A city reviewer acts on applications of their city and its counties, a province
    reviewer on their province's (the residence may be a county: 天河区 440106 lies in
    广州市 4401); at an industry stage an industry's reviewer acts while a specialty of
    theirs waits for their department (a reviewer with no industry covers all)."""
    if grant.role != Role.REVIEWER or grant.level != stage.level or not grant.region:
        return False
    if not Reference.regions.within(app.region or "", grant.region):
        return False
    if not stage.by_industry or not grant.industry:
        return True
    return grant.industry in ReviewScope.waiting_industries(app)


def passed_by(grant: RoleGrant, stage: Stage, app: Application) -> bool:
    """An industry's reviewer in scope but for their department having approved already."""
    if not (stage.by_industry and grant.industry and grant.industry in app.industries_passed):
        return False
    return (grant.role == Role.REVIEWER and grant.level == stage.level and bool(grant.region)
            and Reference.regions.within(app.region or "", grant.region or ""))


def acting_industries(grants: list[RoleGrant], stage: Stage, app: Application
                      ) -> frozenset[str]:
    """The industries a reviewer's decision at this stage speaks for: their own waiting
    ones, or every waiting one for a reviewer with no industry."""
    mine = [g for g in grants if in_scope(g, stage, app)]
    if any(not g.industry for g in mine):
        return frozenset(ReviewScope.waiting_industries(app))
    return frozenset(str(g.industry) for g in mine)


async def notify_reviewers(change: Change, app: Application, batch: Batch, stage_index: int,
                           now: datetime) -> None:
    """The reviewers in scope of the stage the application reached: a push that work
    waits, at most one an hour for each (the outbox drops a second with the same key)."""
    stage = ReviewScope.stages(batch)[stage_index]
    hour = now.strftime("%Y%m%d%H")
    grants = await RoleGrant.filter(role=Role.REVIEWER, revoked_at=None, level=stage.level)
    for person_id in sorted({g.person_id for g in grants
                             if g.active(now) and in_scope(g, stage, app)}):
        await change.notify("review.waiting", {"stage": stage.title, "batch": batch.name,
                                               "at": china_time(change.now)},
                            person_id=person_id,
                            dedupe_key=f"review-digest:{person_id}:{hour}")


class ReviewScope:
    """A batch's review stages and the industries an application waits on (the part
    `review_scope` of Review)."""

    @staticmethod
    def stages(batch: Batch) -> list[Stage]:
        """The batch's review stages, in order."""
        return [Stage.of(s) for s in batch.stages]

    @staticmethod
    def waiting_industries(app: Application) -> list[str]:
        """The industries still to approve at the application's (industry) stage."""
        return sorted(industries(app) - set(app.industries_passed))
