"""What the system administrator does: find people, record people (such as migrated
experts), grant roles with their scope, open batches, schedule a batch's exam. Grants keep
the three administrators apart (GB/T 22239-2019 level 3, 三权分立): nobody grants themselves
a role, and nobody holds two of system, security and audit administrator; and keep those
who keep experts' records apart from those who draw them (管用分离): no reviewer or system
administrator is an agency's or a verifier, nor the other way round."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from tortoise.transactions import in_transaction

from models.applications import Application, AppStatus, Batch
from models.learning.exams import Exam
from models.people import (
    ADMINISTRATORS,
    KEEPS_RECORDS,
    USES_EXPERTS,
    Agency,
    Person,
    Role,
    RoleGrant,
)
from services.common.errors import BadInput, NotAllowed, NotFound
from services.education import Exams
from services.people import People
from services.reference import Reference, SpecialtyRule


class GrantSpec(BaseModel):
    """A role to grant and its scope: the agency (by credit code) of an agency role, the
    expert number of an expert, the level and region (and industry) of a reviewer."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    role: str
    agency_credit_code: str | None = None
    agency_name: str | None = None
    expert_number: str | None = None
    level: str | None = None
    region: str | None = None
    industry: str | None = None
    valid_until: datetime | None = None


async def _held(person: Person, roles: frozenset[Role]) -> set[str]:
    """Which of `roles` the person holds now or from a later day (unrevoked, unexpired)."""
    now = datetime.now(UTC)
    return {g.role for g in await RoleGrant.filter(person_id=person.id, revoked_at=None,
                                                   role__in=roles)
            if g.valid_until is None or g.valid_until > now}


class Administration:
    def __init__(self, people: People, exams: Exams) -> None:
        self.people = people
        self.exams = exams

    async def find_person(self, phone: str | None, id_number: str | None) -> Person | None:
        if id_number:
            return await self.people.by_id_number(id_number)
        if phone:
            return await self.people.by_phone(phone)
        raise BadInput("admin.find_key")

    async def grant_role(self, person_id: int, spec: GrantSpec, by: Person) -> RoleGrant:
        """The role granted by `by` (never to themselves); an administrator role only to a
        person who holds none of the other two, checked under the person's row lock."""
        try:
            role = Role(spec.role)
        except ValueError:
            raise BadInput("admin.unknown_role", role=spec.role) from None
        if person_id == by.id:
            raise NotAllowed("admin.grant_yourself")
        async with in_transaction():
            person = await Person.select_for_update().get_or_none(id=person_id)
            if person is None:
                raise NotFound("admin.no_person")
            if role in ADMINISTRATORS:
                held = await _held(person, ADMINISTRATORS - {role})
                if held:
                    raise NotAllowed("admin.administrators_apart", name=person.name,
                                     held=sorted(held)[0], role=role.value)
            # 管用分离: records kept apart from draws, whichever comes first
            other = USES_EXPERTS if role in KEEPS_RECORDS else \
                KEEPS_RECORDS if role in USES_EXPERTS else frozenset()
            held = await _held(person, other) if other else set()
            if held:
                raise NotAllowed("admin.records_apart", name=person.name,
                                 held=sorted(held)[0], role=role.value)
            return await self._grant(person, role, spec)

    @staticmethod
    async def _grant(person: Person, role: Role, spec: GrantSpec) -> RoleGrant:
        agency = None
        if role in (Role.AGENCY_LEGAL, Role.AGENCY_HANDLER):
            if not spec.agency_credit_code:
                raise BadInput("admin.agency_code_required")
            agency, made = await Agency.get_or_create(
                credit_code=spec.agency_credit_code,
                defaults={"name": spec.agency_name or spec.agency_credit_code})
            if made and spec.agency_name:
                await Reference.units.remember(spec.agency_name, agency.credit_code, "admin",
                                               datetime.now(UTC))
        if role == Role.EXPERT and not spec.expert_number:
            raise BadInput("admin.expert_number_required")
        if role == Role.REVIEWER and (spec.level not in ("city", "province") or not spec.region):
            raise BadInput("admin.reviewer_scope_required")
        return await RoleGrant.create(person=person, role=role, agency=agency,
                                      expert_number=spec.expert_number, level=spec.level,
                                      region=spec.region, industry=spec.industry,
                                      valid_until=spec.valid_until)

    @staticmethod
    async def create_batch(values: dict[str, Any]) -> Batch:
        """A batch with its windows (application opens < closes <= review closes) and its
        rule set."""
        if not values["apply_from"] < values["apply_until"] <= values["review_until"]:
            raise BadInput("admin.batch_times")
        # the rule set's number of qualifications where its document states one
        most = Reference.rule_limits.batch_qualifications(
            SpecialtyRule(values["specialty_rule"]), values.get("max_qualifications"))
        return await Batch.create(**{**values, "max_qualifications": most})

    async def schedule_exam(self, batch_id: int, title: str, opens_at: datetime,
                            closes_at: datetime, duration_minutes: int, pass_score: int,
                            questions: list[dict[str, Any]], now: datetime) -> tuple[Exam, int]:
        """The batch's exam, sent to every approved applicant; and how many were invited."""
        batch = await Batch.get_or_none(id=batch_id)
        if batch is None:
            raise NotFound("admin.no_batch")
        exam = await self.exams.schedule_exam(batch, title, opens_at, closes_at,
                                              duration_minutes, pass_score, questions, now)
        invited = await Application.filter(batch_id=batch.id,
                                           status=AppStatus.APPROVED).count()
        return exam, invited
