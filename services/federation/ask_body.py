"""What this library sends another for a condition it draws (docs/federation.md, draws):
the project, the specialty and place, the venue's notice, the handler's value, the units to
avoid (the tenderer first), the department supervising the project, the persons avoided as
HMACs under a key the two libraries derive for the request, and the fee terms — nothing
about an expert."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models import column
from models.draw_handler import ProjectInvolvement
from models.draws import AVOID_ID, Avoidance, Condition, DrawActivity, Notice, Project
from models.experts import ExpertProfile
from models.federated_draws import PeerAsk
from models.people import Person
from services.common.clock import china_today
from services.common.pii import Vault
from services.federation.fee_terms import terms_for
from services.federation.keys import Identity
from services.federation.persons_key import sent_form
from services.reference import Reference

PERSONS_MAX = 50  # avoided persons sent


async def avoided_persons(activity: DrawActivity, vault: Vault | None,
                          keyed_for: KeyedFor | None) -> dict[str, Any]:
    """The persons this activity avoids, as HMAC-SHA256 of their ID numbers under a key this
    library and the other derive between them for this request (persons_key.py, never
    sent): the other library can tell its own experts among them, and learns no number, nor
    can anyone holding the message try numbers against it (docs/federation.md). The persons
    typed with their ID number,
    those the project lists as having taken part in its 前期 work, and the experts avoided
    here by name (a re-draw's original experts, an expert who said they took part), at most
    50."""
    rows: list[Avoidance | ProjectInvolvement] = [
        *await Avoidance.filter(activity_id=activity.id, kind="person").order_by("id"),
        # who took part in the project's 前期 work (GD-CG-1 Art. 21): never drawn for it there
        *await ProjectInvolvement.filter(project_id=activity.project_id).exclude(
            kind="unit").order_by("id")]
    numbers: list[str] = []
    if vault is not None:
        numbers = [vault.decrypt(r.id_sealed, AVOID_ID) for r in rows if r.id_sealed]
        experts = [r.expert_id for r in rows if r.expert_id]
        if experts:
            people = await column(ExpertProfile.filter(id__in=experts), "person_id")
            numbers += [vault.decrypt(p) for p in await column(
                Person.filter(id__in=people), "id_number_enc")]
    # the first 50 as listed (those the agency typed first, then the project's 前期 work's),
    # in an order that says nothing of which is which
    first = list(dict.fromkeys(n.upper() for n in numbers))[:PERSONS_MAX]
    if keyed_for is None:
        return {"by": "", "sets": []}
    return sent_form(keyed_for.me, keyed_for.their_keys, keyed_for.request_id, first)


@dataclass(frozen=True)
class KeyedFor:
    """Between whom a request's avoided persons are keyed: this library, the other's keys
    good now, and the request."""

    me: Identity
    their_keys: list[str]
    request_id: str


def evaluation(activity: DrawActivity, notice: Notice) -> dict[str, Any]:
    """The evaluation as the other library must know it: its times and the 副场's notice
    (sent in the request, and again, numbered, whenever it changes)."""
    return {"eval_start": activity.eval_start.isoformat(),
            "eval_end": activity.eval_end.isoformat(),
            "notice": {"venue": notice.venue, "city": notice.city, "district": notice.district,
                       "street": notice.street, "room": notice.room,
                       "gather_at": notice.gather_at.isoformat(),
                       "contact_name": notice.contact_name,
                       "contact_phone": notice.contact_phone, "notes": notice.notes}}


async def evaluation_now(ask: PeerAsk, activity: DrawActivity) -> dict[str, Any]:
    """The evaluation as it stands, with the places the agency asks to be filled again and
    its performance records of the lent experts."""
    condition = await Condition.get(id=ask.condition_id)
    return {**evaluation(activity, await Notice.get(id=condition.notice_id)),
            "wanted": ask.wanted, "records": ask.records or {},
            # version 1.2: the score proposals about lent experts the agency confirmed
            **({"proposals": ask.proposals} if ask.proposals else {})}


async def request_body(ask: PeerAsk, activity: DrawActivity, vault: Vault | None = None,
                       keyed_for: KeyedFor | None = None) -> dict[str, Any]:
    """What the other library is sent (docs/federation.md, draws): nothing about an expert;
    avoided persons only as keyed hashes."""
    condition = await Condition.get(id=ask.condition_id)
    notice = await Notice.get(id=condition.notice_id)
    project = await Project.get(id=activity.project_id)
    units = [{"name": project.tenderer_name, "credit_code": project.tenderer_credit_code}]
    listed: list[Avoidance | ProjectInvolvement] = [
        *await Avoidance.filter(activity_id=activity.id, kind="unit").order_by("id"),
        *await ProjectInvolvement.filter(project_id=activity.project_id,
                                         kind="unit").order_by("id")]
    for row in listed:
        if row.name != project.tenderer_name:
            units.append({"name": row.name, "credit_code": row.credit_code or ""})
    return {
        "request_id": ask.request_id, "project": activity.name or project.name,
        "specialty": condition.main_specialty,
        "region": Reference.regions.to_gb(condition.regions[0]),
        "count": condition.planned, "nonce": activity.nonce or "",
        **evaluation(activity, notice),
        "avoid_units": units[:50],
        # version 1.1: the persons avoided, hashed; the department supervising the project
        # (实施条例 Art. 46: its staff never sit on its projects' committees)
        "avoid_persons": await avoided_persons(activity, vault, keyed_for),
        "supervisor": {"name": project.supervisor_name,
                       "credit_code": project.supervisor_credit_code}
        if project.supervisor_name else None,
        # how its 副场 experts are paid: our rule and standard (FG-807; None: none here)
        "fee": await terms_for(china_today(activity.eval_start))}
