"""Who reviews what (XJ-SIGNUP): a batch's stages, which reviewers a stage's application is
for, and the digest that tells them work waits (at most one an hour each)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from models.applications import Application, Batch
from models.people import Role, RoleGrant
from services.common.clock import china_time
from services.notifications import Change
from services.reference import within

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


def stages(batch: Batch) -> list[Stage]:
    return [Stage.of(s) for s in batch.stages]


def in_scope(grant: RoleGrant, stage: Stage, app: Application) -> bool:
    """A city reviewer acts on applications of their city and its counties, a province
    reviewer on their province's (the residence may be a county: 天河区 440106 lies in
    广州市 4401); an industry stage also needs the application's industry (a reviewer with
    no industry covers all)."""
    if grant.role != Role.REVIEWER or grant.level != stage.level or not grant.region:
        return False
    if not within(app.region or "", grant.region):
        return False
    return not (stage.by_industry and grant.industry and grant.industry != app.industry)


async def notify_reviewers(change: Change, app: Application, batch: Batch, stage_index: int,
                           now: datetime) -> None:
    """The reviewers in scope of the stage the application reached: a push that work
    waits, at most one an hour for each (the outbox drops a second with the same key)."""
    stage = stages(batch)[stage_index]
    hour = now.strftime("%Y%m%d%H")
    grants = await RoleGrant.filter(role=Role.REVIEWER, revoked_at=None, level=stage.level)
    for person_id in sorted({g.person_id for g in grants
                             if g.active(now) and in_scope(g, stage, app)}):
        await change.notify("review.waiting", {"stage": stage.title, "batch": batch.name,
                                               "at": china_time(change.now)},
                            person_id=person_id,
                            dedupe_key=f"review-digest:{person_id}:{hour}")
