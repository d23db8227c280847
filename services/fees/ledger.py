"""Finance's ledger of experts' fees, per agency and per China month: the fee sheets the
agency funded in the month (total, its bank transfer's reference, finance's approval) and
every fee paid in the month for the agency's activities (gross, tax withheld, net, by WeChat
transfer or into a bank account, the China date), with totals: the net and the tax withheld
add up to the gross, row by row and in total."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from models.draws import DrawActivity
from models.federated_draws import PeerAsk, PeerDraw
from models.money.payouts import FeeFunding, PayoutAccount
from models.people import Agency, Person
from services.common.clock import CHINA
from services.draws.news import Titles
from services.fees.paid_month import month_bounds, paid_in, paid_moment


@dataclass(frozen=True)
class LedgerSheet:
    activity_id: int
    project: str
    total_fen: int
    reference: str
    state: str  # a FundingState
    submitted_on: date
    approved_on: date | None


@dataclass(frozen=True)
class LedgerFee:
    activity_id: int
    project: str
    person: Person
    gross_fen: int
    tax_fen: int
    net_fen: int
    by_bank: bool
    paid_on: date
    reference: str  # WeChat Pay's transfer bill number, or the bank's reference
    payout_id: int | None = None  # a WeChat transfer's (its 电子回单 is kept by it)


@dataclass
class AgencyLedger:
    agency_id: int
    agency: str
    sheets: list[LedgerSheet] = field(default_factory=list)
    fees: list[LedgerFee] = field(default_factory=list)

    @property
    def funded_fen(self) -> int:
        return sum(s.total_fen for s in self.sheets)

    @property
    def gross_fen(self) -> int:
        return sum(f.gross_fen for f in self.fees)

    @property
    def tax_fen(self) -> int:
        return sum(f.tax_fen for f in self.fees)

    @property
    def net_fen(self) -> int:
        return sum(f.net_fen for f in self.fees)


class Ledger:
    """Finance's ledger of experts' fees per agency and China month."""

    @staticmethod
    async def of_month(month: date, agency_id: int | None = None) -> list[AgencyLedger]:
        """Each agency's ledger for the China month holding `month` (one agency's, when named),
        agencies by name; an agency with neither a sheet nor a fee that month is left out."""
        since, until = month_bounds(month)
        fundings = await FeeFunding.filter(submitted_at__gte=since, submitted_at__lt=until)
        paid_rows = await paid_in(month)
        # sheets of experts another library lent us, funded by our agency that month
        lent = [a for a in await PeerAsk.filter(funding__not_isnull=True)
                if a.funding and since <= datetime.fromisoformat(a.funding["at"]) < until]
        ids = {f.activity_id for f in fundings} | {p.activity_id for p in paid_rows} | {
            a.activity_id for a in lent}
        activities = {a.id: a for a in await DrawActivity.filter(id__in=ids)} if ids else {}
        titles = {i: t.full for i, t in (await Titles.activity_titles(ids)).items()}
        if agency_id is not None:
            activities = {k: a for k, a in activities.items() if a.agency_id == agency_id}
        agencies = {a.id: a for a in await Agency.filter(
            id__in={a.agency_id for a in activities.values()})}
        people = {p.id: p for p in await Person.filter(
            id__in={p.person_id for p in paid_rows})}
        # our experts lent to another library: its agency funded them, its book is the library's
        askers = dict(await PeerDraw.filter(activity_id__in=list(activities)).values_list(
            "activity_id", "peer_name"))
        books: dict[tuple[int, str], AgencyLedger] = {}

        def book(activity: DrawActivity) -> AgencyLedger:
            found = agencies.get(activity.agency_id)
            name = found.name if found else f"外库：{askers.get(activity.id, '')}（请求方出资）"
            return books.setdefault((activity.agency_id, name), AgencyLedger(
                activity.agency_id, name))

        for f in sorted(fundings, key=lambda f: (f.submitted_at, f.activity_id)):
            if (activity := activities.get(f.activity_id)) is not None:
                book(activity).sheets.append(LedgerSheet(
                    f.activity_id, titles[f.activity_id], f.total_fen, f.reference, f.state,
                    f.submitted_at.astimezone(CHINA).date(),
                    f.decided_at.astimezone(CHINA).date()
                    if f.decided_at and f.state == "approved" else None))
        for a in lent:
            if (activity := activities.get(a.activity_id)) is not None and a.fees:
                assert a.funding is not None
                book(activity).sheets.append(LedgerSheet(
                    a.activity_id, f"{titles[a.activity_id]}（副场外库专家，{a.peer_name}支付）",
                    a.funding["total_fen"], a.funding["reference"], str(a.fees["state"]),
                    datetime.fromisoformat(a.funding["at"]).astimezone(CHINA).date(), None))
        for row in paid_rows:
            by_bank = isinstance(row, PayoutAccount)
            if (activity := activities.get(row.activity_id)) is None:
                continue
            book(activity).fees.append(LedgerFee(
                row.activity_id, titles[row.activity_id], people[row.person_id],
                row.gross_fen or row.amount_fen, row.tax_fen, row.amount_fen, by_bank,
                paid_moment(row).astimezone(CHINA).date(),
                row.paid_ref if isinstance(row, PayoutAccount) else row.transfer_bill_no,
                None if isinstance(row, PayoutAccount) else row.id))
        return sorted(books.values(), key=lambda b: (b.agency, b.agency_id))
