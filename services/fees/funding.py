"""Experts' fees paid from the centre's merchant account are the drawing unit's money
(GD-DRAW: "抽取单位是按照…专家酬劳的管理办法支付"): the agency funds the activity's fee sheet — it
transfers the sheet's total to the centre and submits the sheet with the transfer's
reference — and finance, having seen the money arrive, approves the sheet or returns it with
its reason. No transfer goes out before the approval, and each carries exactly the amount
approved; a fee is not changed under a submitted or approved sheet. The agency may pay the
total by WeChat Pay instead (a QR code, or inside the mini-program): paid, the sheet is
submitted with the transaction as its reference (the reactions table calls `on_paid`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import Subquery
from tortoise.transactions import in_transaction

import services.fees.sheets as sheets
from models.draws import DrawActivity, Invitation
from models.federated_draws import PeerDraw
from models.money.payments import FeeKind
from models.money.payouts import (
    OPEN,
    FeeChannel,
    FeeFunding,
    FundingState,
    Payout,
    PayoutAccount,
)
from models.people import Agency, Person
from services.common.errors import BadInput, Conflict, NotFound
from services.common.reactions import Happened, Paid
from services.draws.facts import Actor, Family, OperationLog
from services.draws.news import Titles
from services.fees.channels import FeeChannels
from services.fees.rule import Computed
from services.payments import Checkout, FeeItem, Payments

log = logging.getLogger(__name__)
REFERENCE_MAX = 64
PAY_WITHIN = timedelta(hours=2)  # the QR code's order of a sheet's total stays payable this long
REASON_MAX = 200
# why a sheet cannot be submitted again, or decided again, by its state
SUBMITTED_AGAIN = {FundingState.SUBMITTED: "funding.held_submitted",
                   FundingState.APPROVED: "funding.held_approved"}
DECIDED = {FundingState.APPROVED: "funding.decided_approved",
           FundingState.RETURNED: "funding.decided_returned"}
NOT_APPROVED = {None: "funding.not_approved_none",
                FundingState.PAYING: "funding.not_approved_paying",
                FundingState.SUBMITTED: "funding.not_approved_submitted",
                FundingState.RETURNED: "funding.not_approved_returned"}


@dataclass(frozen=True)
class FundingRow:
    """One fee as finance reads it: what the standard gives, the amount submitted and the
    agency's reason where the two differ (highlighted)."""

    invitation_id: int
    name: str
    computed_fen: int | None
    amount_fen: int
    reason: str | None
    paid: bool
    account: PayoutAccount | None  # the bank account finance pays into, if the expert gave one
    # the expert uses the mini-program: the agency's 发放 is a WeChat Pay transfer (else an
    # SMS asks for a bank account finance transfers to)
    mini_program: bool = False
    # what the standard gives, with what the law took off and why (services/fees/forfeit.py),
    # and a line recorded above it that is no longer changed (sheets.FeeRow.fixed)
    computed: Computed | None = None
    fixed: str = ""

    @property
    def off_standard(self) -> bool:
        return self.computed_fen is not None and self.amount_fen != self.computed_fen


@dataclass(frozen=True)
class SheetView:
    """A sheet as finance reads it: whose evaluation, who submitted it, its fees."""

    funding: FeeFunding
    project: str  # with the activity's number and sections (two of one project told apart)
    agency: str
    eval_start: datetime
    submitter: str
    rows: list[FundingRow]


async def funding_of(activity_id: int) -> FeeFunding | None:
    return await FeeFunding.get_or_none(activity_id=activity_id)


async def funded_activity(activity_id: int) -> DrawActivity:
    """The activity of an approved sheet: finance pays into experts' bank accounts only
    from one."""
    funding = await funding_of(activity_id)
    if funding is None:
        raise NotFound("funding.not_found")
    if funding.state != FundingState.APPROVED:
        raise Conflict(NOT_APPROVED[FundingState(funding.state)])
    return await DrawActivity.get(id=activity_id)


async def require_approved(root: DrawActivity, item: Invitation) -> None:
    """A transfer only from an approved sheet, and only the amount approved."""
    funding = await funding_of(root.id)
    if funding is None or funding.state != FundingState.APPROVED:
        raise Conflict(NOT_APPROVED[FundingState(funding.state) if funding else None])
    if funding.amounts.get(str(item.id)) != item.fee_fen:
        raise Conflict("funding.amount_changed")


async def _sheet_amounts(root: DrawActivity) -> dict[str, int]:
    """The sheet as it stands: every fee recorded (or refused), those not yet paid."""
    if await FeeChannels.channel_of(root.id) != FeeChannel.PLATFORM:
        raise Conflict("payout.not_platform")
    rows = [r.invitation for r in await sheets.fees_of(root)]
    missing = [r for r in rows if r.fee_fen is None]
    if missing or not rows:
        raise BadInput("funding.incomplete", count=len(missing))
    amounts = {str(r.id): int(r.fee_fen or 0) for r in rows if not r.fee_paid}
    if sum(amounts.values()) <= 0:
        raise BadInput("funding.nothing")
    return amounts


async def _hold(root: DrawActivity, funding: FeeFunding | None, state: FundingState,
                amounts: dict[str, int], reference: str, actor: Actor, now: datetime
                ) -> FeeFunding:
    """The sheet as it stands, held in `state` (a new one, or one returned or being paid)."""
    values: dict[str, Any] = {
        "state": state, "amounts": amounts, "total_fen": sum(amounts.values()),
        "reference": reference, "submitted_by": actor.person_id or 0, "submitted_at": now,
        "decided_by": None, "decided_at": None, "returned_reason": ""}
    if funding is None:
        return await FeeFunding.create(activity_id=root.id, **values)
    funding.update_from_dict(values)
    await funding.save()
    return funding


async def rows_of(funding: FeeFunding) -> list[FundingRow]:
    """The submitted amounts beside what the standard gives, by the sheet's own rows."""
    root = await DrawActivity.get(id=funding.activity_id)
    named = {r.invitation.id: r for r in await sheets.fees_of(root)}
    accounts = {a.invitation_id: a for a in await PayoutAccount.filter(activity_id=root.id)}
    out = []
    for key, fen in funding.amounts.items():
        row = named.get(int(key))
        if row is None:
            continue
        out.append(FundingRow(row.invitation.id, row.name,
                              row.computed.total_fen if row.computed else None, fen,
                              row.invitation.fee_reason, row.invitation.fee_paid,
                              accounts.get(row.invitation.id), row.mini_program,
                              row.computed, row.fixed))
    return out


async def view(funding: FeeFunding) -> SheetView:
    root = await DrawActivity.get(id=funding.activity_id)
    agency = await Agency.get_or_none(id=root.agency_id)
    submitter = await Person.get_or_none(id=funding.submitted_by)
    title = (await Titles.activity_titles([root.id]))[root.id]
    # our experts lent to another library's 副场: its agency funds them
    asker = None if agency else await PeerDraw.get_or_none(activity_id=root.id)
    return SheetView(funding, title.full, agency.name if agency else
                     f"外库：{asker.peer_name}（请求方出资）" if asker else "",
                     root.eval_start, submitter.name if submitter else "",
                     await rows_of(funding))


async def _hold_paying(activity: DrawActivity, actor: Actor, now: datetime
                       ) -> tuple[DrawActivity, str, FeeFunding]:
    """The agency pays the sheet's total by WeChat Pay: the sheet is held as it stands (every
    fee recorded) while it is paid; (the root activity, the order's title, the sheet)."""
    root = await Family.root_of(activity)
    amounts = await _sheet_amounts(root)
    total = sum(amounts.values())
    async with in_transaction():
        funding = await FeeFunding.select_for_update().get_or_none(activity_id=root.id)
        if funding is not None and funding.state in (FundingState.SUBMITTED,
                                                     FundingState.APPROVED):
            raise Conflict(SUBMITTED_AGAIN[FundingState(funding.state)])
        if funding is None or funding.state != FundingState.PAYING:
            funding = await _hold(root, funding, FundingState.PAYING, amounts, "", actor, now)
            await OperationLog.record(root, actor, "funding_pay", now, None, fen=total,
                                      experts=len(amounts))
    title = (await Titles.activity_titles([root.id]))[root.id]
    return root, f"{title.short} 专家劳务费", funding


class Funding:
    """The fee sheet's funding: the agency submits (or pays) it, finance approves or returns
    it."""

    @staticmethod
    async def on_paid(happened: Happened) -> None:
        """A sheet's total paid by WeChat Pay (verified, applied once by the payments context):
        the sheet goes to finance with the transaction as its reference. Paid for a sheet no
        longer waiting for it (submitted by bank transfer meanwhile), it is logged for finance."""
        details = happened.details
        assert isinstance(details, Paid) and details.kind == FeeKind.FEE_SHEET
        activity_id, paid = details.ref_id, details.amount_fen
        reference = f"微信支付 {details.transaction_id}"[:REFERENCE_MAX]
        funding = await FeeFunding.select_for_update().get_or_none(activity_id=activity_id)
        payer = Actor("agency", happened.person_id, "")
        if funding is None or funding.state != FundingState.PAYING or funding.total_fen != paid:
            log.warning("fee sheet %s paid by WeChat Pay (%s fen) while not waiting for it",
                        activity_id, paid)
            await OperationLog.record(activity_id, payer, "funding_paid_apart", happened.at,
                                      reference, fen=paid)
            return
        funding.state, funding.reference, funding.submitted_at = \
            FundingState.SUBMITTED, reference, happened.at
        await funding.save(update_fields=["state", "reference", "submitted_at"])
        await OperationLog.record(activity_id, payer, "funding_submit", happened.at, None, fen=paid,
                                  reference=reference, experts=len(funding.amounts))


    def __init__(self, payments: Payments) -> None:
        self.payments = payments

    @staticmethod
    async def hold(activity: DrawActivity, actor: Actor, now: datetime) -> FeeFunding:
        """The sheet held as it stands while its funder pays it (another library's agency,
        for the experts we lent: services/federation/lend_fees.py)."""
        return (await _hold_paying(activity, actor, now))[2]

    @staticmethod
    async def submit(activity: DrawActivity, reference: str, actor: Actor, now: datetime
                     ) -> FeeFunding:
        """The agency submits the sheet, every fee recorded, with its bank transfer's reference."""
        root = await Family.root_of(activity)
        reference = " ".join(reference.split())
        if not 1 <= len(reference) <= REFERENCE_MAX:
            raise BadInput("funding.reference", most=REFERENCE_MAX)
        amounts = await _sheet_amounts(root)
        total = sum(amounts.values())
        async with in_transaction():
            funding = await FeeFunding.select_for_update().get_or_none(activity_id=root.id)
            # a sheet being paid by WeChat Pay may still be submitted as paid by bank transfer
            if funding is not None and funding.state in SUBMITTED_AGAIN:
                raise Conflict(SUBMITTED_AGAIN[FundingState(funding.state)])
            funding = await _hold(root, funding, FundingState.SUBMITTED, amounts, reference,
                                  actor, now)
            await OperationLog.record(root, actor, "funding_submit", now, None, fen=total,
                                      reference=reference, experts=len(amounts))
        return funding

    @staticmethod
    async def decide(activity_id: int, approve: bool, reason: str, total_fen: int,
                     actor: Actor, now: datetime) -> FeeFunding:
        """Finance approves the submitted sheet (the total it confirms must be the sheet's: what
        the confirmation said is what is approved) or returns it with its reason — an approved
        one too, for a correction, while none of its transfers is on its way."""
        reason = " ".join(reason.split())
        if not approve and not reason:
            raise BadInput("funding.reason_needed")
        if len(reason) > REASON_MAX:
            raise BadInput("funding.reason_long", most=REASON_MAX)
        async with in_transaction():
            funding = await FeeFunding.select_for_update().get_or_none(activity_id=activity_id)
            if funding is None:
                raise NotFound("funding.not_found")
            if funding.state == FundingState.PAYING:  # the money has not arrived
                raise Conflict(NOT_APPROVED[FundingState.PAYING])
            # an approved sheet may be returned for a correction while no transfer is on its way
            if funding.state == FundingState.RETURNED or (
                    funding.state == FundingState.APPROVED and approve):
                raise Conflict(DECIDED[FundingState(funding.state)])
            if funding.state == FundingState.APPROVED and await Payout.filter(
                    activity_id=activity_id, state__in=list(OPEN)).exists():
                raise Conflict("funding.payout_open")
            if approve and total_fen != funding.total_fen:
                raise Conflict("funding.total_changed", total=f"{funding.total_fen / 100:.2f}")
            funding.state = FundingState.APPROVED if approve else FundingState.RETURNED
            funding.decided_by, funding.decided_at = actor.person_id, now
            funding.returned_reason = "" if approve else reason
            await funding.save(update_fields=["state", "decided_by", "decided_at",
                                              "returned_reason"])
            await OperationLog.record(activity_id, actor,
                                      "funding_approve" if approve else "funding_return",
                                      now, None if approve else reason, fen=funding.total_fen,
                                      reference=funding.reference)
        return funding

    @staticmethod
    async def sheets(state: FundingState | None, limit: int = 50) -> list[SheetView]:
        """Finance's list: the sheets in one state (all when None), the oldest submitted first."""
        found = FeeFunding.all() if state is None else FeeFunding.filter(state=state)
        return [await view(f) for f in
                await found.order_by("submitted_at", "activity_id").limit(limit)]

    @staticmethod
    async def bank_transfers_due() -> int:
        """Fees of approved sheets whose expert gave a bank account finance has not yet
        recorded a transfer to: finance's to pay."""
        approved = FeeFunding.filter(state=FundingState.APPROVED).values("activity_id")
        return await PayoutAccount.filter(activity_id__in=Subquery(approved), paid_at=None,
                                          given_at__not_isnull=True).count()

    @staticmethod
    async def sheet(activity_id: int) -> SheetView:
        funding = await funding_of(activity_id)
        if funding is None:
            raise NotFound("funding.not_found")
        return await view(funding)

    async def checkout(self, activity: DrawActivity, person_id: int, openid: str | None,
                       actor: Actor, now: datetime) -> tuple[Checkout, dict[str, str] | None]:
        """The agency pays the sheet's total by WeChat Pay: the sheet held as it stands while
        it is paid, the QR code's order (and, from the mini-program, wx.requestPayment's
        parameters), payable for PAY_WITHIN."""
        root, title, held = await _hold_paying(activity, actor, now)
        item = FeeItem(FeeKind.FEE_SHEET, root.id, title, held.total_fen,
                       now - timedelta(minutes=1),
                       now + PAY_WITHIN)
        return await self.payments.pay_item(person_id, item, openid, now)
