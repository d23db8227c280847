"""The published 公示 (JL-GP: "通过市/县财政监管一道审核和省级财政监管两道审核后，并经财政
公示无异议后进入政府采购评审专家库"): what anyone reads, without signing in, of the applicants
in their notice — per batch, each applicant's name, work unit and evaluation specialties with
the notice's period, and where to raise an objection. Nothing else of the person is published:
no phone, ID number, gender, age or address (PIPL: the least a 公示 needs for the public to
know whom to object to)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from models.applications import Application, Batch
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
    application_id: int = 0  # what an objection on the public page names


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
