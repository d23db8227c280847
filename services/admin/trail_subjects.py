"""The record an audit entry is about, in the words a person reads it by (GB/T 22239-2019
安全审计 b): the record holds "事件类型…及其他与审计相关的信息"): an activity by its project's
name and its number (CQSQ00000012), a project by its name and number, an expert or an
applicant by the masked name the product shows everywhere, a fee or a payout by its amount
in yuan. A change, a download and a grant are named as they are written — what the record
was then; the operation log's rows, and entries written before they were named, when the
trail is read (services/admin/trail_words.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from models.applications import Application, Batch
from models.draws import DrawActivity, Invitation, Project
from models.experts import ExpertProfile
from models.learning.education import Course
from models.money.payments import Payable
from models.money.payouts import Payout
from models.people import Person
from models.performance import PerformanceRecord
from models.sanctions import Sanction
from services.common.pii import mask_name
from services.draws.news import Views

Named = dict[str, str]


def yuan(fen: int) -> str:
    """An amount kept in fen, in yuan with two decimals (the texts add 元)."""
    return f"{fen // 100}.{fen % 100:02d}"


async def activity_names(ids: Iterable[int]) -> dict[int, Named]:
    """Each activity by its project's name and its own number."""
    wanted = sorted(set(ids))
    rows = await DrawActivity.filter(id__in=wanted).values_list("id", "project__name", "kind")
    return {int(i): {"activity": str(name),
                     "activity_no": Views.activity_number(int(i), str(kind))}
            for i, name, kind in rows}


async def person_names(ids: Iterable[int]) -> dict[int, str]:
    """Each person's name, masked as the product shows it (周*, 李*国)."""
    rows = await Person.filter(id__in=sorted(set(ids))).values_list("id", "name")
    return {int(i): mask_name(str(name)) for i, name in rows}


async def invitation_experts(ids: Iterable[int]) -> dict[int, str]:
    """The invited expert of each invitation, masked."""
    rows = await Invitation.filter(id__in=sorted(set(ids))).values_list("id", "person_id")
    names = await person_names(p for _, p in rows)
    return {int(i): names[p] for i, p in rows if p in names}


async def _activity(key: int) -> Named:
    return (await activity_names([key])).get(key, {"activity_no": Views.activity_number(key)})


async def _project(key: int) -> Named:
    found = await Project.get_or_none(id=key)
    return {"project": found.name, "project_no": found.number or ""} if found else {}


async def _expert_of_invitation(key: int) -> Named:
    expert = (await invitation_experts([key])).get(key)
    return {"expert": expert} if expert else {}


async def _payee(key: int) -> Named:
    """The expert a fee is recorded for or paid to, and the fee as it stands (written after
    the change: the amount just recorded or sent)."""
    item = await Invitation.get_or_none(id=key)
    if item is None:
        return {}
    named = await _expert_of_invitation(key)
    return {**named, "yuan": yuan(item.fee_fen)} if item.fee_fen else named


async def _payout(key: int) -> Named:
    payout = await Payout.get_or_none(id=key)
    if payout is None:
        return {}
    names = await person_names([payout.person_id])
    return {"expert": names.get(payout.person_id, ""), "yuan": yuan(payout.amount_fen)}


async def _expert(key: int) -> Named:
    """An expert of the register (ExpertProfile) by masked name and expert number."""
    expert = await ExpertProfile.get_or_none(id=key)
    if expert is None:
        return {}
    names = await person_names([expert.person_id])
    return {"expert": names.get(expert.person_id, ""), "expert_no": expert.expert_number}


async def _sanction(key: int) -> Named:
    sanction = await Sanction.get_or_none(id=key)
    return await _expert(sanction.expert_id) if sanction else {}


async def _application(key: int) -> Named:
    app = await Application.get_or_none(id=key)
    if app is None:
        return {}
    names = await person_names([app.person_id])
    return {"applicant": names.get(app.person_id, ""), **await _batch(app.batch_id)}


async def _batch(key: int) -> Named:
    batch = await Batch.get_or_none(id=key)
    return {"batch": batch.name} if batch else {}


async def _payable(key: int) -> Named:
    payable = await Payable.get_or_none(id=key)
    if payable is None:
        return {}
    names = await person_names([payable.person_id])
    return {"payable": payable.title, "payer": names.get(payable.person_id, ""),
            "yuan": yuan(payable.amount_fen)}


async def _person(key: int) -> Named:
    name = (await person_names([key])).get(key)
    return {"person": name} if name else {}


async def _performance_record(key: int) -> Named:
    """A performance record by its expert (masked) and the evaluation's activity."""
    record = await PerformanceRecord.get_or_none(id=key)
    if record is None:
        return {}
    return {**await _expert_of_invitation(record.invitation_id),
            **await _activity(record.activity_id)}


async def _course(key: int) -> Named:
    course = await Course.get_or_none(id=key)
    return {"course": course.title} if course else {}


# what a path's id (`activity_id` names an activity) or a handler's note names; the parts of
# a record named already (a notice, a condition, an attachment of an activity) are not
KINDS: dict[str, Callable[[int], Awaitable[Named]]] = {
    "activity": _activity, "project": _project, "invitation": _expert_of_invitation,
    "payee": _payee, "payout": _payout, "expert": _expert, "sanction": _sanction,
    "app": _application, "batch": _batch, "payable": _payable, "person": _person,
    "course": _course, "record": _performance_record,
}
