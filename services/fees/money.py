"""Money in the statistics, from the records the ledger reads (services/fees/ledger.py): per
China month and agency, the fees paid by WeChat transfer and into bank accounts (their
gross), the tax withheld, what the experts received, and the transfers whose 电子回单 is
archived (services/fees/receipts.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.fees.ledger import Ledger
from services.fees.receipts import Receipts


@dataclass(frozen=True)
class MoneyRow:
    month: date  # its first day
    agency: str
    transfers: int
    transfer_fen: int  # gross paid by WeChat transfer
    banked: int
    bank_fen: int  # gross paid into bank accounts
    tax_fen: int
    net_fen: int
    receipts: int  # WeChat transfers whose receipt is archived


class Money:
    """The statistics' money (the fees context's part)."""

    @staticmethod
    async def by_month(months: list[date]) -> list[MoneyRow]:
        """Each month's fees paid, agency by agency (the ledger's books), in month order."""
        out = []
        for month in months:
            for book in await Ledger.of_month(month, None):
                wechat = [f for f in book.fees if not f.by_bank]
                bank = [f for f in book.fees if f.by_bank]
                if not book.fees:
                    continue
                archived = len(await Receipts.archived(
                    [f.payout_id for f in wechat if f.payout_id is not None]))
                out.append(MoneyRow(
                    month, book.agency, len(wechat), sum(f.gross_fen for f in wechat), len(bank),
                    sum(f.gross_fen for f in bank), sum(f.tax_fen for f in book.fees),
                    sum(f.net_fen for f in book.fees), archived))
        return out
