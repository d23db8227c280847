"""The demo's identity numbers and credit codes: made up, and valid by their check
characters (GB 11643, GB 32100), so that the service takes them as it takes real ones."""

from __future__ import annotations

from datetime import date

from services.people import IdentityRules


def demo_id(region: str, born: date, seq: int, male: bool) -> str:
    """A valid GB 11643 number for demo data."""
    order = seq * 2 + (1 if male else 0)
    first17 = f"{region}{born:%Y%m%d}{order:03d}"
    return first17 + IdentityRules.id_check_character(first17)


def demo_credit_code(seq: int) -> str:
    """A valid GB 32100 unified social credit code for demo data."""
    first17 = f"91440101MA5D{seq:05d}"
    return first17 + IdentityRules.uscc_check_char(first17)
