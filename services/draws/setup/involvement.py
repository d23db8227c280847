"""Who took part in a project's 前期规划、论证、设计、市场调研 (粤财规〔2025〕1号 Art. 21: such an
expert "应当主动…提出回避"): the agency lists the units and persons, by credit code or ID
number (kept only as the keyed hash the draw matches); an invited expert who answers 3 需回避
saying so is kept too; none is drawn for any activity of the project
(services/draws/candidates/pool.py `_avoidance`)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from models.draw_handler import ProjectInvolvement
from models.draws import AVOID_ID, DrawActivity
from services.common.errors import BadInput, Conflict, NotFound
from services.common.pii import Vault
from services.draws.candidates.involvement import Stage
from services.people import IdentityRules

MOST = 50  # a project's list (ours)


class Involvement:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    @staticmethod
    async def listed(activity: DrawActivity) -> list[ProjectInvolvement]:
        return await ProjectInvolvement.filter(project_id=activity.project_id).order_by("id")

    async def add(self, activity: DrawActivity, kind: Literal["unit", "person"], name: str,
                  code: str, stage: Stage, person_id: int, now: datetime) -> ProjectInvolvement:
        """A unit (name, credit code if known) or a person (name and ID number)."""
        name = " ".join(name.split())
        if not 2 <= len(name) <= 128:
            raise BadInput("involvement.name")
        if await ProjectInvolvement.filter(project_id=activity.project_id).count() >= MOST:
            raise Conflict("involvement.too_many", most=MOST)
        if kind == "unit":
            credit = IdentityRules.parse_credit_code(code) if code.strip() else None
            return await ProjectInvolvement.create(
                project_id=activity.project_id, kind=kind, name=name, credit_code=credit,
                stage=stage, created_by=person_id, created_at=now)
        number = IdentityRules.parse_id_number(code)
        return await ProjectInvolvement.create(
            project_id=activity.project_id, kind=kind, name=name,
            id_hash=self.vault.lookup_hash(number.value),
            id_sealed=self.vault.encrypt(number.value, AVOID_ID), stage=stage,
            created_by=person_id,
            created_at=now)

    @staticmethod
    async def remove(activity: DrawActivity, involvement_id: int) -> None:
        if not await ProjectInvolvement.filter(id=involvement_id, project_id=activity.project_id,
                                               source="agency").delete():
            raise NotFound("involvement.not_found")
