"""What follows a draw, as the edges use it: absences and 补抽, the requests made while
the results are sealed, withdrawal (退选) and how its notice reached each expert, 重新抽取 and
复评 (and 复评 by calls), calls through a middle number, and the 副场 side of draws made for
other libraries."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.draws.followups.absences import Absences
from services.draws.followups.clones import Clones
from services.draws.followups.lent import LentDesk
from services.draws.followups.recall import Recall
from services.draws.followups.sealed import SealedRequests
from services.draws.followups.supplements import Supplements
from services.draws.followups.virtual_calls import VirtualCalls
from services.draws.followups.withdrawal_report import WithdrawalReport
from services.draws.followups.withdrawals import Withdrawals


@dataclass(frozen=True, kw_only=True)
class Followups:
    absences: Absences
    supplements: Supplements
    sealed: SealedRequests
    withdrawals: Withdrawals
    recall: Recall
    virtual_calls: VirtualCalls
    lent: LentDesk
    clones: Clones = field(default_factory=Clones)
    withdrawal_report: WithdrawalReport = field(default_factory=WithdrawalReport)
