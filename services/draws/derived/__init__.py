"""What the library derives of its experts at a draw, beside what an agency types: past
employers within the window, the relatives experts declare, who took part in a project's
前期 work, and when a 政府采购 draw may start.

A door of the draws context: what the edges and the other contexts may use of this part
(tools/layout.py holds them to it)."""

from typing import TYPE_CHECKING

from services.common.doors import lazy

if TYPE_CHECKING:
    from services.draws.derived.law_timing import EXEMPT_METHODS, WORKING_DAYS
    from services.draws.derived.past_units import YEARS

__all__ = ["EXEMPT_METHODS", "WORKING_DAYS", "YEARS"]

__getattr__ = lazy(__name__, __file__)
