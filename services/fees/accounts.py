"""Another way to be paid (an expert who cannot receive a WeChat transfer is still paid,
another way finance records). WeChat Pay's 商家转账 reaches only an expert who uses the
mini-program (the payee confirms there, WX-PAY); for anyone else the agency's 发放 asks the
expert, by SMS with a signed link (web/payout_page.py), for a bank account in their name; the
account number is sealed (Vault) and shown masked. The money is the funded sheet's, at the
centre: finance reads the number in full on request (the reading is logged), transfers the
fee less the tax withheld (TAX-61 Art. 8, as for a WeChat transfer) and records it with its
reference, which marks the fee paid and tells the expert."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from models.draws import DrawActivity, Invitation
from models.money.payouts import PayoutAccount
from models.people import Person
from services.common.clock import CHINA, china_time
from services.common.errors import BadInput, Conflict, NotFound
from services.common.links import NOTICE_LINK_DAYS, PAYOUT_LINK, TRANSFER_LINK, Links
from services.common.pii import Vault
from services.draws.facts import Actor, OperationLog
from services.fees.funding import funded_activity, require_approved
from services.fees.month_income import withholding_of
from services.fees.withholding import amounts
from services.notifications import Outbox

SEALED_AS = b"payout-account"  # the Vault's purpose for account numbers
HOLDER_MAX, BANK_MAX, REF_MAX = 30, 40, 64
NUMBER_DIGITS = (8, 30)  # a bank card (16–19) or a corporate-style account (up to 30)


@dataclass(frozen=True)
class AccountView:
    """The account as the expert's page shows it: for which evaluation day and how much
    (texts/payout/_amounts.j2's amount, gross and tax)."""

    account: PayoutAccount
    eval_day: date
    amounts: dict[str, str]


def masked(number: str) -> str:
    """The last four digits only."""
    return f"**** **** {number[-4:]}"


async def _withheld(item: Invitation, root: DrawActivity, now: datetime) -> dict[str, Any]:
    """A fee's transfer and its tax (one evaluation's fee is one payment, TAX-61 Art. 8; the
    month's for one project one too, IIT-REG Art. 14)."""
    tax = await withholding_of(item, root, now)
    return {"amount_fen": tax.net_fen, "gross_fen": tax.gross_fen,
            "taxable_fen": tax.taxable_fen, "tax_rate": tax.rate_pct, "tax_fen": tax.tax_fen}


def _digits(number: str) -> str:
    digits = "".join(number.split())
    if not digits.isdigit() or not NUMBER_DIGITS[0] <= len(digits) <= NUMBER_DIGITS[1]:
        raise BadInput("payout.account_number", least=NUMBER_DIGITS[0], most=NUMBER_DIGITS[1])
    return digits


class PayoutAccounts:
    def __init__(self, outbox: Outbox, vault: Vault, links: Links | None = None) -> None:
        self.outbox = outbox
        self.vault = vault
        self.links = links

    def link(self, purpose: str, row_id: int, until: datetime) -> dict[str, str]:
        """The page for an SMS (`link`, and `link_token` for a provider whose approved
        template holds the fixed address): an account's (PAYOUT_LINK) or a waiting WeChat
        Pay bill's (TRANSFER_LINK, where the expert may choose a bank account instead)."""
        if self.links is None:
            return {"link": "", "link_token": ""}
        link = self.links.notice_link(purpose, row_id, until.timestamp())
        return {"link": link, "link_token": link.rpartition("/")[2]}

    def _link(self, account_id: int, now: datetime) -> dict[str, str]:
        return self.link(PAYOUT_LINK, account_id, now + timedelta(days=NOTICE_LINK_DAYS))

    def transfer_link(self, payout_id: int, until: datetime) -> dict[str, str]:
        return self.link(TRANSFER_LINK, payout_id, until)

    def account_address(self, account_id: int, now: datetime) -> str:
        """The account's page, for the expert who just chose it."""
        return self._link(account_id, now)["link"]

    async def ask(self, root: DrawActivity, item: Invitation, actor: Actor,
                  now: datetime) -> PayoutAccount:
        """The expert asked (again, while unpaid) for an account to be paid into."""
        async with in_transaction():
            account = await PayoutAccount.select_for_update().get_or_none(
                invitation_id=item.id)
            if account is not None and account.paid_at is not None:
                raise Conflict("payout.paid")
            money = await _withheld(item, root, now)
            if account is None:
                account = await PayoutAccount.create(
                    invitation_id=item.id, activity_id=root.id, person_id=item.person_id,
                    asked_by=actor.person_id or 0, asked_at=now, **money)
            else:
                account.update_from_dict({**money, "asked_at": now})
                await account.save(update_fields=[*money, "asked_at"])
            await OperationLog.record(root, actor, "payout_account_ask", now, None,
                                      invitation=item.id,
                                      fen=account.gross_fen)
            async with self.outbox.change(now) as change:
                await change.notify("fee.payout_account", {
                    **amounts(account),
                    "day": china_time(root.eval_start).split(" ")[0],
                    **self._link(account.id, now)}, person_id=item.person_id,
                    dedupe_key=f"payout-account:{account.id}:{int(now.timestamp())}")
        return account

    @staticmethod
    async def pending(invitation_id: int) -> bool:
        """Whether the expert was asked for (or chose) a bank account not yet paid into: the
        fee is then sent that way, not as a WeChat Pay bill."""
        return await PayoutAccount.filter(invitation_id=invitation_id, paid_at=None).exists()

    @staticmethod
    async def linked(account_id: int) -> AccountView | None:
        """The account a link names, as its expert's page shows it."""
        account = await PayoutAccount.get_or_none(id=account_id)
        if account is None:
            return None
        root = await DrawActivity.get(id=account.activity_id)
        return AccountView(account, root.eval_start.astimezone(CHINA).date(),
                           amounts(account))

    async def give(self, account_id: int, person_id: int, holder: str, bank: str,
                   number: str, now: datetime) -> PayoutAccount:
        """The expert's account, in their own name (given again: replaced, until paid)."""
        name, bank_name = " ".join(holder.split()), " ".join(bank.split())
        if not name or len(name) > HOLDER_MAX:
            raise BadInput("payout.account_holder", most=HOLDER_MAX)
        if not bank_name or len(bank_name) > BANK_MAX:
            raise BadInput("payout.account_bank", most=BANK_MAX)
        digits = _digits(number)
        person = await Person.get_or_none(id=person_id)
        if person is None or name != person.name:
            raise BadInput("payout.account_not_own")
        async with in_transaction():
            account = await PayoutAccount.select_for_update().get_or_none(
                id=account_id, person_id=person_id)
            if account is None:
                raise NotFound("payout.not_found")
            if account.paid_at is not None:
                raise Conflict("payout.account_paid", at=china_time(account.paid_at))
            account.holder, account.bank, account.given_at = name, bank_name, now
            account.number_enc = self.vault.encrypt(digits, SEALED_AS)
            account.number_masked = masked(digits)
            await account.save(update_fields=["holder", "bank", "given_at", "number_enc",
                                              "number_masked"])
        return account

    @staticmethod
    async def _given(activity: DrawActivity, invitation_id: int) -> PayoutAccount:
        account = await PayoutAccount.get_or_none(activity_id=activity.id,
                                                  invitation_id=invitation_id)
        if account is None or account.given_at is None:
            raise Conflict("payout.account_missing")
        return account

    async def full_number(self, activity_id: int, invitation_id: int, actor: Actor,
                          now: datetime) -> tuple[PayoutAccount, str]:
        """The whole account number of an approved sheet's fee, for finance to transfer to;
        each reading logged."""
        account = await self._given(await funded_activity(activity_id), invitation_id)
        await OperationLog.record(account.activity_id, actor, "payout_account_read", now, None,
                                  invitation=invitation_id)
        return account, self.vault.decrypt(account.number_enc, SEALED_AS)

    async def record_paid(self, activity_id: int, invitation_id: int, reference: str,
                          actor: Actor, now: datetime) -> PayoutAccount:
        """Finance's record of the transfer made to the account, from the approved sheet:
        the fee less its tax, the fee paid, the expert told."""
        ref = " ".join(reference.split())
        if not ref or len(ref) > REF_MAX:
            raise BadInput("payout.account_reference", most=REF_MAX)
        root = await funded_activity(activity_id)  # a sheet's activity is its root
        account = await self._given(root, invitation_id)
        async with in_transaction():
            item = await Invitation.select_for_update().get(id=invitation_id)
            if not item.fee_fen:
                raise BadInput("payout.no_fee")
            await require_approved(root, item)
            money = await _withheld(item, root, now)
            if not await PayoutAccount.filter(id=account.id, paid_at=None).update(
                    paid_at=now, paid_by=actor.person_id or 0, paid_ref=ref, **money):
                raise Conflict("payout.account_paid", at=china_time(account.paid_at or now))
            account.update_from_dict(money)
            await Invitation.filter(id=invitation_id).update(fee_paid=True)
            await OperationLog.record(account.activity_id, actor, "payout_account_paid", now, None,
                                      invitation=invitation_id, fen=account.gross_fen,
                                      tax=account.tax_fen)
            async with self.outbox.change(now) as change:
                await change.notify("fee.payout_transferred", {
                    **amounts(account),
                    "day": china_time(root.eval_start).split(" ")[0],
                    "bank": account.bank, "account": account.number_masked},
                    person_id=account.person_id, dedupe_key=f"payout-account-paid:{account.id}")
        return await PayoutAccount.get(id=account.id)
