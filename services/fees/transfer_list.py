"""Finance's list of every expert's fee transfer (WeChat Pay 商家转账) across agencies, newest
first, in one state or all: waiting for the expert, transferring, paid, failed, withdrawn,
expired — each with its evaluation, agency, payee and the fee, tax and amount sent."""

from __future__ import annotations

from dataclasses import dataclass

from models.draws import DrawActivity
from models.money.payouts import Payout, PayoutState
from models.people import Agency, Person
from services.common.paging import Page, keyset


@dataclass(frozen=True)
class TransferRow:
    payout: Payout
    project: str
    agency: str
    payee: str  # the expert's name (the edge masks it)


class TransferList:
    """Finance's list of every transfer, by state (the part `transfer_list` of Fees)."""

    @staticmethod
    async def listed(state: PayoutState | None, limit: int, after: str | None
                        ) -> Page[TransferRow]:
        """A page of transfers in `state` (every state: None), newest first."""
        query = Payout.all() if state is None else Payout.filter(state=state)
        found = await keyset(query, limit, after)
        rows: list[Payout] = found.rows
        activities = {a.id: a for a in await DrawActivity.filter(
            id__in={p.activity_id for p in rows}).prefetch_related("project")}
        agencies = dict(await Agency.filter(
            id__in={a.agency_id for a in activities.values()}).values_list("id", "name"))
        people = dict(await Person.filter(id__in={p.person_id for p in rows}).values_list(
            "id", "name"))
        out = []
        for p in rows:
            activity = activities.get(p.activity_id)
            out.append(TransferRow(p, activity.project.name if activity else "",
                                   str(agencies.get(activity.agency_id, "")) if activity else "",
                                   str(people.get(p.person_id, ""))))
        return Page(out, found.next)
