"""What follows a draw: absences and 补抽, the requests made while the results are sealed,
withdrawal (退选), re-draw and 复评 (by calls), calls through a middle number, and the 副场 side
of draws made for other libraries.

A door of the draws context: what the edges and the other contexts may use of this part
(tools/layout.py holds them to it)."""

from services.draws.followups.absences import ABSENCE_KINDS, Absences
from services.draws.followups.clones import Clones
from services.draws.followups.lent import LentDesk, LentView
from services.draws.followups.recall import Recall
from services.draws.followups.sealed import SEALED_ACTIONS, SealedRequests
from services.draws.followups.service import Followups
from services.draws.followups.supplements import Supplements
from services.draws.followups.virtual_calls import CallView, VirtualCalls
from services.draws.followups.withdrawal_report import WithdrawalReport
from services.draws.followups.withdrawals import BY_VOICE, MAX_WITHDRAWAL_NOTICES, Withdrawals

__all__ = [
    "ABSENCE_KINDS",
    "BY_VOICE",
    "MAX_WITHDRAWAL_NOTICES",
    "SEALED_ACTIONS",
    "Absences",
    "CallView",
    "Clones",
    "Followups",
    "LentDesk",
    "LentView",
    "Recall",
    "SealedRequests",
    "Supplements",
    "VirtualCalls",
    "WithdrawalReport",
    "Withdrawals",
]
