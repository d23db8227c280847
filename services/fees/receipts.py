"""The electronic receipt (电子回单) of every fee paid by WeChat transfer (WX-PAY 商户单号申请/
查询电子回单): applied for once the transfer is paid, asked after until WeChat Pay has made
it, its file downloaded and kept with the fee only when its SHA-256 is the one WeChat Pay
announced (a mismatch is noted and asked again: each query gives a new download address).
Finance and the expert read the file; a receipt not archived 24 hours after the transfer is
a finding on finance's reconciliation page. The file is kept as the fee's voucher: fees are
records the retention job never removes (services/rights/data_inventory.py, kind `fees`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import Subquery

from models import column
from models.money.payouts import Payout, PayoutReceipt, PayoutState
from models.people import Person
from services.common.errors import NotFound
from services.common.files import FileStore
from services.payments import PayError
from services.payments.transfers import TransferGateway

log = logging.getLogger(__name__)
BATCH = 50  # transfers handled by one sweep
OVERDUE = timedelta(hours=24)  # the receipt of a transfer paid longer ago is a finding
SINCE = timedelta(days=60)  # transfers looked at (WeChat Pay keeps receipts for a while)
# WeChat Pay's refusals that asking again will not change (a transfer made without the
# payee's name, one in a state that has no receipt): kept as failed, in its words
REFUSED = frozenset({"INVALID_REQUEST", "PARAM_ERROR"})


@dataclass(frozen=True)
class Overdue:
    """A paid transfer whose receipt is not archived a day on, and why it is not."""

    payout: Payout
    receipt: PayoutReceipt | None


def key_of(payout: Payout) -> str:
    return f"receipts/{payout.out_bill_no}.pdf"


class Receipts:
    def __init__(self, gateway: TransferGateway | None, files: FileStore) -> None:
        self.gateway = gateway
        self.files = files

    async def sweep(self, now: datetime) -> int:
        """Apply for the receipts of transfers paid, ask after those applied for, archive
        those ready: how many were archived."""
        if self.gateway is None:
            return 0
        fresh = await Payout.filter(state=PayoutState.PAID, finished_at__gte=now - SINCE
                                    ).exclude(id__in=Subquery(PayoutReceipt.all().values(
                                        "payout_id"))).order_by("id").limit(BATCH)
        for payout in fresh:
            await self._apply(payout, now)
        archived = 0
        waiting = await PayoutReceipt.filter(state="applied").order_by("id").limit(BATCH)
        for row in waiting:
            archived += await self._check(row, now)
        return archived

    async def _apply(self, payout: Payout, now: datetime) -> None:
        assert self.gateway is not None
        try:
            await self.gateway.apply_receipt(payout.out_bill_no)
        except PayError as exc:
            log.warning("receipt of %s not applied for: %s", payout.out_bill_no, exc.code)
            if not exc.transient and exc.code in REFUSED:  # asked again, refused again
                await PayoutReceipt.get_or_create(payout_id=payout.id, defaults={
                    "applied_at": now, "state": "failed",
                    "problem": (exc.message or exc.code)[:64]})
            return
        await PayoutReceipt.get_or_create(payout_id=payout.id,
                                          defaults={"applied_at": now})

    async def _check(self, row: PayoutReceipt, now: datetime) -> int:
        assert self.gateway is not None
        payout = await Payout.get(id=row.payout_id)
        row.tries, row.checked_at = row.tries + 1, now
        try:
            receipt = await self.gateway.receipt(payout.out_bill_no)
            if receipt.state == "FAILED":
                row.state, row.problem = "failed", receipt.fail_reason[:64] or "FAILED"
            elif receipt.state == "NOTEXIST":  # lost there: applied for again next sweep
                await row.delete()
                return 0
            elif receipt.state == "FINISHED":
                raw = await self.gateway.receipt_file(receipt)
                await self.files.put(key_of(payout), raw)
                row.state, row.archived_at, row.problem = "archived", now, ""
                row.sha256, row.size, row.storage_key = receipt.hash_value, len(raw), \
                    key_of(payout)
        except PayError as exc:
            log.warning("receipt of %s: %s", payout.out_bill_no, exc.code)
            row.problem = exc.code[:64]
        await row.save()
        return 1 if row.state == "archived" else 0

    @staticmethod
    async def of(payout_ids: list[int]) -> dict[int, PayoutReceipt]:
        """The receipts of these transfers, by transfer."""
        return {r.payout_id: r for r in await PayoutReceipt.filter(payout_id__in=payout_ids)}

    @staticmethod
    async def archived(payout_ids: list[int]) -> frozenset[int]:
        """Those of these transfers whose receipt is archived."""
        if not payout_ids:
            return frozenset()
        return frozenset(int(i) for i in await column(PayoutReceipt.filter(
            payout_id__in=payout_ids, state="archived"), "payout_id"))

    async def file(self, payout: Payout) -> bytes | None:
        """The archived file of a transfer's receipt (None: not archived yet)."""
        row = await PayoutReceipt.get_or_none(payout_id=payout.id, state="archived")
        return None if row is None else await self.files.get(row.storage_key)

    @staticmethod
    async def payout(payout_id: int) -> Payout:
        """A transfer, by its id (finance reads any)."""
        found = await Payout.get_or_none(id=payout_id)
        if found is None:
            raise NotFound("payout.not_found")
        return found

    @staticmethod
    async def payees(payouts: list[Payout]) -> dict[int, str]:
        """The payees' names, by person (the edge masks them)."""
        return dict(await Person.filter(id__in={p.person_id for p in payouts}).values_list(
            "id", "name"))

    @staticmethod
    async def overdue(now: datetime) -> list[Overdue]:
        """Transfers paid more than 24 hours ago whose receipt is not archived."""
        paid = await Payout.filter(state=PayoutState.PAID, finished_at__lt=now - OVERDUE,
                                   finished_at__gte=now - SINCE).order_by("id")
        receipts = await Receipts.of([p.id for p in paid])
        return [Overdue(p, receipts.get(p.id)) for p in paid
                if receipts.get(p.id) is None or receipts[p.id].state != "archived"]
