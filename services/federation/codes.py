"""Places travel between libraries by their six-digit GB/T 2260 codes (440200 for 韶关市),
which this service keeps shortened (44, 4402, 440205); specialties by the catalogue's codes."""

from __future__ import annotations

from services.reference import Reference


def gb_code(code: str) -> str:
    """44 -> 440000, 4402 -> 440200, 440205 as it is."""
    return code.ljust(6, "0") if code.isdigit() and len(code) in (2, 4, 6) else code


def from_gb(code: str) -> str:
    """440200 -> 4402 (a short code is taken as it is)."""
    return Reference.regions.normalise(code)


class RegionCodes:
    """A region's code as the protocol writes it (GB/T 2260's six digits) and as this
    library keeps it."""

    to_gb = staticmethod(gb_code)
    from_gb = staticmethod(from_gb)
