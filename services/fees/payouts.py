"""Experts' fees paid through the platform: WeChat Pay's 商家转账 (user confirmation mode,
since 2025-01-15). The agency (its handler or legal person) chooses per activity whether
its fees are paid here or recorded as paid elsewhere (the default, as before); paid here,
each expert's recorded fee becomes a transfer bill the expert confirms in the mini-program
within 24 hours. WeChat Pay's word (its notification, or our query when none came) settles a bill
once: paid, failed, cancelled by the agency, or expired (the money stays with the centre;
the agency may send it again). Never two open bills for one fee, never a bill for a fee
already paid. An expert who authorised transfers (authorisations.py) is sent the fee without
a confirmation: the bill goes straight to transferring or paid on WeChat Pay's word."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

import services.fees.funding as funding
import services.fees.sheets as sheets
from models.draws import DrawActivity, Invitation
from models.money.payouts import (
    OPEN,
    FeeChannel,
    Payout,
    PayoutAccount,
    PayoutState,
)
from models.people import Person
from models.wechat import Channel, WeChatIdentity
from services.common.clock import CHINA, china_time
from services.common.errors import BadInput, Conflict, NotFound, Unavailable
from services.common.links import NOTICE_LINK_DAYS
from services.draws.facts import Actor, Family, OperationLog
from services.fees.accounts import PayoutAccounts
from services.fees.authorisations import TransferAuthorisations, refusal_words
from services.fees.channels import FeeChannels
from services.fees.month_income import withholding_of
from services.fees.payout_states import (
    BY_STATE,
    CANCELLED_BY_AGENCY,
    CHECK_AFTER,
    CHOSE_ANOTHER_WAY,
    CONFIRM_WITHIN,
    CONFIRMED_STATES,
    WITHDRAWN,
    ConfirmParams,
    MyPayout,
    PayoutMismatch,
)
from services.fees.withholding import amounts
from services.notifications import NotificationKind, Outbox
from services.payments import PayError
from services.payments.transfers import TransferBill, TransferGateway, TransferRequest

SYSTEM = OperationLog.SYSTEM

log = logging.getLogger(__name__)
class Payouts:
    """Fees sent to experts by WeChat Pay's 商家转账."""

    def __init__(self, gateway: TransferGateway | None, outbox: Outbox,
                 remark: Callable[[datetime], str], accounts: PayoutAccounts,
                 authorisations: TransferAuthorisations | None = None) -> None:
        self.gateway = gateway
        self.authorisations = authorisations or TransferAuthorisations(gateway, False, str)
        self.outbox = outbox
        self.accounts = accounts  # another way to be paid (accounts.py)
        self._remark = remark  # the words the expert reads on the bill, by evaluation day

    @property
    def available(self) -> bool:
        return self.gateway is not None

    async def start(self, activity: DrawActivity, invitation_id: int, actor: Actor,
                    now: datetime) -> Payout | None:
        """Send one expert's recorded fee as a transfer bill for the expert to confirm; an
        expert without the mini-program is asked for a bank account instead (None)."""
        root = await Family.root_of(activity)
        if await FeeChannels.channel_of(root.id) != FeeChannel.PLATFORM:
            raise Conflict("payout.not_platform")
        if self.gateway is None:
            raise Conflict("payout.off")
        rows = [r.invitation for r in await sheets.fees_of(root)]
        if not any(r.id == invitation_id for r in rows):
            raise NotFound("urge.not_in_activity")
        async with in_transaction():
            item = await Invitation.select_for_update().get(id=invitation_id)
            if not item.fee_fen:
                raise BadInput("payout.no_fee")
            if item.fee_paid:
                raise Conflict("payout.paid")
            held = await Payout.filter(invitation_id=item.id, state__in=list(OPEN)).first()
            if held is not None:  # a new bill only once WeChat Pay says the last one is over
                raise Conflict("payout.open", canceling=held.shown_state == "canceling")
            # the agency funded the sheet and finance approved it: only then, and only the
            # amount approved, leaves the centre's account
            await funding.require_approved(root, item)
            mini = await WeChatIdentity.filter(person_id=item.person_id,
                                               channel=Channel.MINI_PROGRAM).first()
            if await self.accounts.pending(item.id):  # asked for, or chose, a bank account
                mini = None
            # one evaluation's fee to one expert is one payment (每次收入, TAX-61 Art. 8), the
            # month's for one project one too (IIT-REG Art. 14): its tax withheld here, the
            # payer being the withholding agent (IIT-LAW Art. 9); one payee at a time
            await Person.select_for_update().get(id=item.person_id)
            tax = await withholding_of(item, root, now)
            # the expert authorised transfers (用户授权免确认): no confirmation is asked
            auth = None if mini is None else await self.authorisations.active(item.person_id)
            payout = None if mini is None else await Payout.create(
                invitation_id=item.id, activity_id=root.id, person_id=item.person_id,
                out_bill_no=f"FEE{item.id:010d}{secrets.token_hex(5)}",
                amount_fen=tax.net_fen, gross_fen=tax.gross_fen, taxable_fen=tax.taxable_fen,
                tax_rate=tax.rate_pct, tax_fen=tax.tax_fen, openid=mini.openid,
                created_by=actor.person_id or 0, created_at=now,
                expires_at=now + CONFIRM_WITHIN,
                authorisation_no=auth.out_authorization_no if auth else "")
            if payout is not None:
                await OperationLog.record(root, actor, "payout", now, None, invitation=item.id,
                                          fen=item.fee_fen, tax=tax.tax_fen,
                                          bill=payout.out_bill_no)
        if payout is None:  # WeChat Pay cannot reach them: asked for a bank account instead
            await self.accounts.ask(root, item, actor, now)
            return None
        person = await Person.get(id=item.person_id)
        request = TransferRequest(payout.out_bill_no, payout.openid, payout.amount_fen,
                                  self._remark(root.eval_start), person.name,
                                  auth.authorization_id if auth else "")
        try:
            bill = await self.gateway.create(request)
        except PayError as exc:
            # never a new number before the first is known to have failed (WeChat Pay's rule)
            log.warning("transfer %s refused or unknown: %s", payout.out_bill_no, exc.code)
            known = await self._ask(payout)
            if known is None:
                raise Unavailable("payout.unknown") from None
            if known.state == "NOTEXIST":
                await self._close(payout, PayoutState.FAILED, exc.code, now)
                if auth is not None:  # revoked in WeChat, perhaps: asked, the next one knows
                    await self.authorisations.check(item.person_id, now)
                    raise Conflict("payout.authorised_refused",
                                   reason=refusal_words(exc)) from None
                raise Conflict("payout.refused", reason=exc.code) from None
            bill = known
        await self.apply(bill, now)
        return await Payout.get(id=payout.id)

    async def cancel(self, activity: DrawActivity, payout_id: int, actor: Actor,
                     now: datetime) -> Payout:
        """Withdraw a bill the expert has not confirmed yet (the fee can then be corrected
        and sent again)."""
        root = await Family.root_of(activity)
        payout = await Payout.get_or_none(id=payout_id, activity_id=root.id)
        if payout is None:
            raise NotFound("payout.not_found")
        bill = await self._withdraw(payout, CANCELLED_BY_AGENCY, now)
        await OperationLog.record(root, actor, "payout_cancel", now, None, bill=payout.out_bill_no)
        await self.apply(bill, now)
        return await Payout.get(id=payout.id)

    async def _withdraw(self, payout: Payout, why: str, now: datetime) -> TransferBill:
        """Cancel a bill still waiting for the expert at WeChat Pay, `why` kept first: its
        CANCELLED notification may arrive before the cancel call's answer, and must not read
        as the 24-hour expiry. Refused because the expert confirmed first (their notice not
        here yet): WeChat Pay's word on the bill is applied at once, and the refusal says
        the transfer went through (one payment, never a second bill)."""
        if payout.state != PayoutState.WAITING or self.gateway is None:
            raise Conflict("payout.not_waiting", state=payout.state)
        await Payout.filter(id=payout.id, state=PayoutState.WAITING).update(fail_reason=why)
        try:
            return await self.gateway.cancel(payout.out_bill_no)
        except PayError as exc:
            log.warning("transfer %s cancel refused: %s", payout.out_bill_no, exc.code)
            await Payout.filter(id=payout.id, state=PayoutState.WAITING,
                                fail_reason=why).update(fail_reason="")
            known = await self._ask(payout)
            if known is not None and known.state in CONFIRMED_STATES:
                await self.apply(known, now)
                raise Conflict("payout.confirmed_first") from None
            raise Conflict("payout.not_waiting", state=payout.state) from None

    async def another_way(self, person_id: int, payout_id: int, now: datetime
                          ) -> PayoutAccount:
        """The expert, from the bill's SMS link, cannot take a WeChat transfer: the bill is
        withdrawn and they give a bank account instead (accounts.py)."""
        payout = await self.own(person_id, payout_id)
        bill = await self._withdraw(payout, CHOSE_ANOTHER_WAY, now)
        root = await DrawActivity.get(id=payout.activity_id)
        await OperationLog.record(root, SYSTEM, "payout_cancel", now, None, bill=payout.out_bill_no,
                                  chosen="bank")
        await self.apply(bill, now)
        item = await Invitation.get(id=payout.invitation_id)
        return await self.accounts.ask(root, item, SYSTEM, now)

    @staticmethod
    async def linked(payout_id: int) -> Payout | None:
        """The bill a transfer link names."""
        return await Payout.get_or_none(id=payout_id)

    async def _ask(self, payout: Payout) -> TransferBill | None:
        assert self.gateway is not None
        try:
            return await self.gateway.query(payout.out_bill_no)
        except PayError as exc:
            log.warning("transfer %s query failed: %s", payout.out_bill_no, exc.code)
            return None

    async def apply(self, bill: TransferBill, now: datetime) -> str:
        """WeChat Pay's word on a bill, applied once under a row lock; "unknown" for a bill
        that is not ours, "duplicate" when it changes nothing. PayoutMismatch when it does
        not fit the bill we made."""
        async with in_transaction():
            payout = await Payout.select_for_update().get_or_none(out_bill_no=bill.out_bill_no)
            if payout is None:
                return "unknown"
            gateway_mchid = self.gateway.mchid if self.gateway else ""
            if (bill.mchid and bill.mchid != gateway_mchid) or (
                    bill.amount_fen is not None and bill.amount_fen != payout.amount_fen) or (
                    bill.openid and bill.openid != payout.openid):
                raise PayoutMismatch(f"bill {payout.out_bill_no} differs from ours")
            if payout.state not in OPEN:
                return "duplicate"
            if bill.state == "CANCELLED":
                state = PayoutState.CANCELLED if payout.fail_reason in WITHDRAWN \
                    else PayoutState.EXPIRED
            else:
                state = BY_STATE.get(bill.state, PayoutState(payout.state))
            if state == PayoutState.WAITING and payout.authorisation_no:
                state = PayoutState.TRANSFERRING  # authorised: nobody's confirmation awaited
            updates = {"wx_state": bill.state, "checked_at": now,
                       "transfer_bill_no": bill.transfer_bill_no or payout.transfer_bill_no}
            if bill.package_info:
                updates["package_info"] = bill.package_info
            if state in OPEN:
                await Payout.filter(id=payout.id).update(state=state, **updates)
                if state == PayoutState.WAITING and not payout.wx_state:
                    await self._tell(payout, "fee.payout_ready", now)
                return "pending" if payout.state == state else "changed"
            reason = bill.fail_reason or payout.fail_reason
            await Payout.filter(id=payout.id).update(state=state, finished_at=now,
                                                     fail_reason=reason[:64], **updates)
            if state == PayoutState.PAID:
                await Invitation.filter(id=payout.invitation_id).update(fee_paid=True)
            await OperationLog.record(payout.activity_id, SYSTEM, "payout_result", now, None,
                                      bill=payout.out_bill_no, state=str(state))
            kind: NotificationKind = "fee.payout_paid" if state == PayoutState.PAID \
                else "fee.payout_closed"
            if payout.fail_reason != CHOSE_ANOTHER_WAY:  # they know: they chose it
                await self._tell(payout, kind, now, state=state)
        return str(state)

    async def _tell(self, payout: Payout, kind: NotificationKind, now: datetime,
                    state: PayoutState = PayoutState.WAITING) -> None:
        activity = await DrawActivity.get(id=payout.activity_id)
        async with self.outbox.change(now) as change:
            await change.notify(kind, {
                **amounts(payout), "state": str(state),
                "day": china_time(activity.eval_start).split(" ")[0],
                "until": china_time(payout.expires_at),
                **self._page(payout, kind, now)}, person_id=payout.person_id,
                dedupe_key=f"payout:{payout.id}:{kind}")

    def _page(self, payout: Payout, kind: NotificationKind, now: datetime) -> dict[str, str]:
        """The transfer's page for the notice: while waiting, where to choose a bank account
        instead; once paid, where its electronic receipt is downloaded (a notice's days)."""
        if kind == "fee.payout_ready":
            return self.accounts.transfer_link(payout.id, payout.expires_at)
        if kind == "fee.payout_paid":
            return self.accounts.transfer_link(payout.id,
                                               now + timedelta(days=NOTICE_LINK_DAYS))
        return {}

    async def _close(self, payout: Payout, state: PayoutState, reason: str,
                     now: datetime) -> None:
        await Payout.filter(id=payout.id, state__in=list(OPEN)).update(
            state=state, fail_reason=reason[:64], finished_at=now, checked_at=now)

    async def check(self, payout: Payout, now: datetime) -> Payout:
        """Ask WeChat Pay about one open bill and apply its answer (the expert's page does
        after confirming; the sweep does for bills nothing was heard of)."""
        if payout.state in OPEN and self.gateway is not None:
            bill = await self._ask(payout)
            if bill is not None and bill.state != "NOTEXIST":
                await self.apply(bill, now)
            elif bill is not None and now >= payout.expires_at:
                await self._close(payout, PayoutState.FAILED, "NOTEXIST", now)
            else:
                await Payout.filter(id=payout.id).update(checked_at=now)
        return await Payout.get(id=payout.id)

    async def sweep(self, now: datetime, limit: int = 100) -> int:
        """Reconcile the open bills nothing was heard of for a while (a lost notification,
        a create whose answer never came, a bill past its 24 hours)."""
        if self.gateway is None:
            return 0
        stale = await Payout.filter(state__in=list(OPEN), created_at__lte=now - CHECK_AFTER
                                    ).order_by("checked_at", "id").limit(limit)
        for payout in stale:
            if payout.checked_at is None or payout.checked_at <= now - CHECK_AFTER \
                    or payout.expires_at <= now:
                await self.check(payout, now)
        return len(stale)

    @staticmethod
    async def own(person_id: int, payout_id: int) -> Payout:
        """One of the expert's own transfers."""
        payout = await Payout.get_or_none(id=payout_id, person_id=person_id)
        if payout is None:
            raise NotFound("payout.not_found")
        return payout

    async def mine(self, person_id: int, limit: int = 50) -> list[MyPayout]:
        """The expert's own transfers, newest first."""
        return await self.seen(list(await Payout.filter(person_id=person_id).order_by(
            "-id").limit(limit)))

    async def seen(self, payouts: list[Payout]) -> list[MyPayout]:
        """The transfers as the expert sees them (the evaluations read in one query)."""
        days = {a.id: a.eval_start.astimezone(CHINA).date() for a in await DrawActivity.filter(
            id__in={p.activity_id for p in payouts})}
        return [MyPayout(p, days[p.activity_id], self.confirm_params(p) is not None)
                for p in payouts]

    def confirm_params(self, payout: Payout) -> ConfirmParams | None:
        if payout.shown_state != PayoutState.WAITING or not payout.package_info or \
                not self.gateway:  # nothing to confirm while WeChat Pay cancels it
            return None
        return ConfirmParams(self.gateway.mchid, self.gateway.appid, payout.package_info,
                             payout.openid)
