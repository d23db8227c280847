"""The tax withheld from an expert's fee (劳务报酬所得), TAX-61 Art. 8 and its 预扣率表二:
"每次收入不超过四千元的，减除费用按八百元计算；每次收入四千元以上的，减除费用按收入的百分之二十
计算"; 20 % up to a taxable 20,000 yuan, 30 % less 2,000 up to 50,000, 40 % less 7,000 above.
Golden cases in fen: (gross, taxable, rate, tax, net)."""

from __future__ import annotations

import pytest

from services.fees.withholding import withhold

GOLDEN = [
    (0, 0, 0, 0, 0),
    (40_000, 0, 0, 0, 40_000),  # 400 yuan: nothing taxable
    (80_000, 0, 0, 0, 80_000),  # 800 yuan: the deduction takes it all
    (80_001, 1, 20, 0, 80_001),  # 800.01: 0.2 fen of tax rounds to nothing
    (80_003, 3, 20, 1, 80_002),  # 800.03: 0.6 fen rounds up to 1 fen
    (90_000, 10_000, 20, 2_000, 88_000),  # 900: (900 − 800) × 20 % = 20
    (400_000, 320_000, 20, 64_000, 336_000),  # 4,000: still 800 deducted
    (400_001, 320_001, 20, 64_000, 336_001),  # 4,000.01: 20 % deducted, 640.0016 → 640.00
    (500_000, 400_000, 20, 80_000, 420_000),  # 5,000: 5,000 × 80 % × 20 % = 800
    (2_000_000, 1_600_000, 20, 320_000, 1_680_000),  # 20,000: taxable 16,000 × 20 %
    (2_500_000, 2_000_000, 20, 400_000, 2_100_000),  # 25,000: taxable 20,000, still 20 %
    (2_500_001, 2_000_001, 30, 400_000, 2_100_001),  # 25,000.01: 30 % − 2,000 = 4,000.0024
    (3_000_000, 2_400_000, 30, 520_000, 2_480_000),  # 30,000: 24,000 × 30 % − 2,000 = 5,200
    (5_000_000, 4_000_000, 30, 1_000_000, 4_000_000),  # 50,000: 40,000 × 30 % − 2,000
    (6_250_000, 5_000_000, 30, 1_300_000, 4_950_000),  # 62,500: taxable 50,000, still 30 %
    (6_250_001, 5_000_001, 40, 1_300_000, 4_950_001),  # 62,500.01: 40 % − 7,000
    (8_000_000, 6_400_000, 40, 1_860_000, 6_140_000),  # 80,000: 64,000 × 40 % − 7,000
    (10_000_000, 8_000_000, 40, 2_500_000, 7_500_000),  # 100,000: the largest fee taken
]


@pytest.mark.parametrize(("gross", "taxable", "rate", "tax", "net"), GOLDEN)
def test_the_tax_withheld_is_the_rules_to_the_fen(gross: int, taxable: int, rate: int,
                                                  tax: int, net: int) -> None:
    got = withhold(gross)
    assert (got.taxable_fen, got.rate_pct, got.tax_fen, got.net_fen) == (taxable, rate, tax, net)


def test_the_tax_never_jumps_at_a_boundary() -> None:
    """Each step of the table joins the next (the quick deductions are made for it): one fen
    more never costs more than a fen of tax."""
    for edge in (80_000, 400_000, 2_500_000, 6_250_000):
        for gross in range(edge - 50, edge + 50):
            assert 0 <= withhold(gross + 1).tax_fen - withhold(gross).tax_fen <= 1


def test_a_negative_fee_is_refused() -> None:
    with pytest.raises(ValueError):
        withhold(-1)
