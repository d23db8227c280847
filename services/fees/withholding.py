"""The individual income tax withheld from an expert's fee (劳务报酬所得): the payer is the
withholding agent (IIT-LAW Art. 9) and pre-withholds per payment by TAX-61 Art. 8 and its
预扣率表二. Pure arithmetic on fen.

TAX-61 Art. 8: "每次收入不超过四千元的，减除费用按八百元计算；每次收入四千元以上的，减除费用按
收入的百分之二十计算"; 预扣预缴应纳税所得额 = 收入 − 减除费用; 预扣税额 = 应纳税所得额 × 预扣率 −
速算扣除数, with the rate table: ≤ 20,000 yuan 20 % (0), 20,000–50,000 30 % (2,000),
above 50,000 40 % (7,000).

Rounding (ours, docs/rules-that-are-ours.md): the taxable income is kept exact (20 % of
an amount in fen may leave a fifth of a fen) and only the tax is rounded, to the fen, half
up; the taxable income shown is rounded the same way. With the rates 20/30/40 % a tax of
exactly half a fen cannot arise, so the half-up choice never decides an amount."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol

FLAT_UP_TO_FEN = 400_000  # 4,000 yuan: up to it 800 yuan are deducted, above it 20 %
FLAT_DEDUCTION_FEN = 80_000  # 800 yuan
SHARE_DEDUCTED = Fraction(1, 5)  # 20 % of the income
# (taxable income up to, in fen (None: no limit); rate in %; quick deduction in fen)
RATES: tuple[tuple[int | None, int, int], ...] = (
    (2_000_000, 20, 0),
    (5_000_000, 30, 200_000),
    (None, 40, 700_000),
)


@dataclass(frozen=True)
class Withholding:
    """One payment's pre-withholding: what the expert is owed, what is withheld, what they
    receive."""

    gross_fen: int  # 收入 (应发)
    taxable_fen: int  # 预扣预缴应纳税所得额, rounded to the fen (0 when nothing is taxable)
    rate_pct: int  # 预扣率 (0 when nothing is taxable)
    quick_fen: int  # 速算扣除数
    tax_fen: int  # 预扣税额 (代扣个人所得税)

    @property
    def net_fen(self) -> int:
        """实发: what is transferred to the expert."""
        return self.gross_fen - self.tax_fen


def _half_up(value: Fraction) -> int:
    """To the nearest fen, a half fen up (amounts here are never negative)."""
    return int((value + Fraction(1, 2)) // 1)


def withhold(gross_fen: int) -> Withholding:
    """The tax TAX-61 Art. 8 has the payer pre-withhold from one payment of 劳务报酬."""
    if gross_fen < 0:
        raise ValueError("a fee is never negative")
    if gross_fen <= FLAT_UP_TO_FEN:
        taxable = Fraction(max(gross_fen - FLAT_DEDUCTION_FEN, 0))
    else:
        taxable = gross_fen * (1 - SHARE_DEDUCTED)
    if taxable <= 0:
        return Withholding(gross_fen, 0, 0, 0, 0)
    rate, quick = next((r, q) for limit, r, q in RATES if limit is None or taxable <= limit)
    tax = _half_up(taxable * Fraction(rate, 100) - quick)
    return Withholding(gross_fen, _half_up(taxable), rate, quick, tax)


def continuing(gross_fen: int, before_gross_fen: int, before_tax_fen: int) -> Withholding:
    """One payment of a month's continuing income from one project (IIT-REG Art. 14: "属于
    同一项目连续性收入的，以一个月内取得的收入为一次"): the month's sum is taxed as one payment,
    less what its earlier payments withheld. The taxable income and rate shown are the
    sum's."""
    if not before_gross_fen:
        return withhold(gross_fen)
    whole = withhold(before_gross_fen + gross_fen)
    return Withholding(gross_fen, whole.taxable_fen, whole.rate_pct, whole.quick_fen,
                       max(whole.tax_fen - before_tax_fen, 0))


def deduction(gross_fen: int) -> int:
    """减除费用 of one payment (TAX-61 Art. 8): 800 yuan up to 4,000, else 20 % (to the fen)."""
    return FLAT_DEDUCTION_FEN if gross_fen <= FLAT_UP_TO_FEN \
        else _half_up(gross_fen * SHARE_DEDUCTED)


class Withheld(Protocol):
    """A fee paid with its tax withheld (a WeChat transfer, a bank transfer)."""

    amount_fen: int  # 实发
    gross_fen: int  # 应发 (0: a row made before withholding, whose amount is the fee)
    tax_fen: int


@dataclass(frozen=True)
class Amounts:
    """A fee's money as texts/payout/_amounts.j2 says it, in yuan: `amount` transferred
    (实发), `gross` the fee (应发), `tax` withheld ("" when none: a fee up to 800 yuan, or a
    row made before withholding)."""

    amount: str
    gross: str
    tax: str

    @classmethod
    def of_paid(cls, paid: Withheld) -> Amounts:
        """A fee paid (or being paid) with its tax withheld."""
        return cls(f"{paid.amount_fen / 100:.2f}",
                   f"{(paid.gross_fen or paid.amount_fen) / 100:.2f}",
                   f"{paid.tax_fen / 100:.2f}" if paid.tax_fen else "")

    @classmethod
    def of_fee(cls, gross_fen: int) -> Amounts:
        """What a fee will be paid as, before it is."""
        tax = withhold(gross_fen)
        return cls(f"{tax.net_fen / 100:.2f}", f"{gross_fen / 100:.2f}",
                   f"{tax.tax_fen / 100:.2f}" if tax.tax_fen else "")

    def words(self) -> dict[str, str]:
        """The template's (and a notification's) fields."""
        return {"amount": self.amount, "gross": self.gross, "tax": self.tax}


def amounts(paid: Withheld) -> dict[str, str]:
    """Amounts.of_paid(paid).words()."""
    return Amounts.of_paid(paid).words()
