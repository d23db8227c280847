"""The people a draw activity names (GD-DRAW's 经办人信息 and 监督人员信息): the handler's
phone and ID number and each supervisor's phone are sealed at rest as a person's are
(models/orm/sealing.py: SM4-GCM, a phone under the phone's associated data, an ID number under
the ID number's), each with its masked display kept beside it, so that no page, answer or
export ever needs the clear value to show it. And those a project names as having taken part
in its 前期 work (粤财规〔2025〕1号 Art. 21), kept as hashes and codes only. And an activity's
应急 (its urgency asked and decided, and the emergency experts' pools it draws from first:
services/draws/setup/urgency.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from tortoise import fields

from models.orm import sealing
from models.orm.base import Model

HANDLER_SEALED = ("handler_phone_enc", "handler_phone_masked", "handler_id_enc",
                  "handler_id_masked")


def masked_phone(phone: str) -> str:
    """138****1234 (a landline: its last four digits shown)."""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "*" * len(phone)


def masked_id(number: str) -> str:
    """440104********1571: the birth date never shown."""
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}" if len(number) >= 10 \
        else "*" * len(number)


def sealed_handler(name: str, phone: str, id_number: str) -> dict[str, str]:
    """The columns of an activity's handler, for DrawActivity(**...) and an update."""
    seal = sealing.sealer()
    return {"handler_name": name,
            "handler_phone_enc": seal.seal_phone(phone) if phone else "",
            "handler_phone_masked": masked_phone(phone) if phone else "",
            "handler_id_enc": seal.encrypt(id_number) if id_number else "",
            "handler_id_masked": masked_id(id_number) if id_number else ""}


def opened_handler(phone_enc: str, id_enc: str) -> tuple[str, str]:
    """The handler's phone and ID number in clear (for the trading centre's use only)."""
    seal = sealing.sealer()
    return (seal.open_phone(phone_enc) if phone_enc else "",
            seal.decrypt(id_enc) if id_enc else "")


@dataclass(frozen=True)
class Supervisor:
    """A supervisor as every page shows them: the phone masked."""

    name: str
    department: str
    phone_masked: str


def sealed_supervisor(name: str, department: str, phone: str) -> dict[str, str]:
    """One entry of DrawActivity.supervisors."""
    return {"name": name, "department": department,
            "phone_enc": sealing.sealer().seal_phone(phone) if phone else "",
            "phone_masked": masked_phone(phone) if phone else ""}


def supervisors_of(stored: list[Any]) -> list[Supervisor]:
    """The supervisors as kept (an older release's plain names read as names alone)."""
    out = []
    for entry in stored or []:
        if isinstance(entry, str):
            out.append(Supervisor(entry, "", ""))
        elif isinstance(entry, dict):
            out.append(Supervisor(str(entry.get("name", "")), str(entry.get("department", "")),
                                  str(entry.get("phone_masked", ""))))
    return out


class ProjectInvolvement(Model):
    """A unit, a person or an expert that took part in a project's 前期规划、论证、设计、市场调研
    (粤财规〔2025〕1号 Art. 21): never drawn for any activity of the project. Listed by the
    agency, or said by an invited expert answering 3 需回避 with that reason."""

    id = fields.BigIntField(primary_key=True)
    project_id = fields.BigIntField(db_index=True)
    kind = fields.CharField(max_length=8)  # unit / person / expert
    name = fields.CharField(max_length=128)
    credit_code = fields.CharField(max_length=18, null=True)  # units
    id_hash = fields.CharField(max_length=64, null=True)  # persons: keyed hash of the ID
    # persons: the ID sealed (models.draws.AVOID_ID), for a library asked to draw for the
    # project (services/federation/ask_body.py), as an avoided person's is
    id_sealed = fields.TextField(null=True)
    expert_id = fields.BigIntField(null=True)  # an expert who said so
    stage = fields.CharField(max_length=8)  # 规划 / 论证 / 设计 / 市场调研 / 前期工作
    source = fields.CharField(max_length=8, default="agency")  # agency / expert
    created_by = fields.BigIntField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "draw_project_involvement"


# the kinds of 突发事件 (突发事件应对法 Art. 2) and 政府采购法 Art. 85's 不可抗力: an urgency's
# reason (texts/words/urgency_reason.j2; docs/rules-that-are-ours.md)
UrgencyReason = Literal["natural_disaster", "accident", "public_health", "social_safety",
                        "force_majeure"]
UrgencyStatus = Literal["asked", "approved", "refused"]  # ActivityUrgency.status


class ActivityUrgency(Model):
    """An activity's 应急 request: the agency's reason, the verifier's decision."""

    id = fields.BigIntField(primary_key=True)
    activity_id = fields.BigIntField(unique=True)
    reason = fields.CharField(max_length=24)  # UrgencyReason
    note = fields.CharField(max_length=100, default="")
    status = fields.CharField(max_length=12, default="asked")  # UrgencyStatus
    asked_by = fields.BigIntField()
    asked_at = fields.DatetimeField()
    # the window an approved urgency's invitations get (the shorter of the activity's and
    # the library's setting), fixed when approved
    minutes = fields.IntField(null=True)
    decided_by = fields.BigIntField(null=True)
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "draw_urgency"


class UrgentPool(Model):
    """The emergency experts of a condition's main pool, committed at verification."""

    id = fields.BigIntField(primary_key=True)
    condition_id = fields.BigIntField(unique=True)
    activity_id = fields.BigIntField(db_index=True)
    expert_ids: list[int] = fields.JSONField()
    root = fields.CharField(max_length=64)  # its Merkle root, published with the others
    weights: dict[str, int] | None = fields.JSONField(null=True)

    class Meta:
        table = "draw_urgent_pool"
