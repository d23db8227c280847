"""The checks of experts against the national list of dishonest judgment debtors (失信被执行人
名单): the provider's answers and its refusals, the runs that check them and the flags raised
and decided.

A door of the people context: what the edges and the other contexts may use of this part
(tools/layout.py holds them to it)."""

from services.people.dishonesty.provider import (
    Case,
    DishonestyBadQuery,
    DishonestyCheck,
    DishonestyRefused,
    DishonestyUnavailable,
    Finding,
)
from services.people.dishonesty.runs import DishonestyChecks, FlagView, RunView

__all__ = [
    "Case",
    "DishonestyBadQuery",
    "DishonestyCheck",
    "DishonestyChecks",
    "DishonestyRefused",
    "DishonestyUnavailable",
    "Finding",
    "FlagView",
    "RunView",
]
