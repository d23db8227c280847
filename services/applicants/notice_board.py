"""The published 公示 (JL-GP: "通过市/县财政监管一道审核和省级财政监管两道审核后，并经财政
公示无异议后进入政府采购评审专家库"): what anyone reads, without signing in, of the applicants
in their notice — per batch, each applicant's name, work unit and evaluation specialties with
the notice's period, and where to raise an objection. Nothing else of the person is published:
no phone, ID number, gender, age or address (PIPL: the least a 公示 needs for the public to
know whom to object to)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from models.applications import Application, AppStatus, Batch
from models.people import Person
from services.reference import Reference

BOARD_LIMIT = 1000  # applicants on the board at once; a batch larger than this is no library's


@dataclass(frozen=True)
class Listed:
    """One applicant as the 公示 publishes them."""

    name: str
    work_unit: str
    specialties: list[str]
    since: datetime
    until: datetime


@dataclass
class BoardBatch:
    """One batch's applicants in their notice, with where an objection goes."""

    batch: Batch
    entries: list[Listed] = field(default_factory=list)


def specialty_names(app: Application) -> list[str]:
    """The specialties the review admitted (or not yet ruled on), primary first, by name."""
    cat = Reference.catalogue.catalogue_of(app.catalogue_version)
    chosen = sorted((s for s in app.specialties if s.get("admitted") is not False),
                    key=lambda s: not s.get("primary"))
    return [spec.name if (spec := cat.get(s["code"])) else s["code"] for s in chosen]


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
            name=str(names.get(app.person_id, "")), work_unit=str(app.data.get("work_unit") or ""),
            specialties=specialty_names(app), since=app.decided_at or app.notice_until,
            until=app.notice_until))
    return list(board.values())
