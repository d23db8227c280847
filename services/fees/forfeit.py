"""No fee the law forbids. CK-198 Art. 25: "评审专家未完成评审工作擅自离开评审现场，或者在评审
活动中有违法违规行为的，不得获取劳务报酬和报销异地评审差旅费"; GPL-87 Art. 62 says the same of
its five acts (私自接触投标人 … 擅离职守) in a 政府采购 tender of 货物 and 服务. A confirmed 早退
or conduct item on the expert's performance record (the agency's, an administrator's
correction, or a proposal from the venue or an evaluation system the agency confirmed) takes
the labour fee and the 异地 travel and meal allowances off the fee, each said in words:
removed while the record stands, held while the expert's dispute waits for the review.
A 招标投标 project has no such source: the item is shown beside the fee, the fee is not
changed (docs/rules-that-are-ours.md)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from models import column
from models.draws import DrawActivity, Invitation, Project
from models.evaluation.scores import RecordProposal
from models.performance import PerformanceRecord
from services.fees.rule import Computed, FeeItem
from services.standing import ConductCatalogue

GOVERNMENT = "政府采购"  # the project kind's category (services/draws/setup/form_options.py)
LEFT_EARLY = "left_early"
LABOUR = ("base", "extra", "cap", "cancel", "next", "late")  # 劳务报酬
TRAVEL = ("travel", "meal")  # 异地评审差旅费: the travel and meal allowances (ours: 差旅费)


@dataclass(frozen=True)
class Grounds:
    """What the record says that the law reads: 早退, the conduct items in words, whether the
    project is 政府采购 (CK-198 applies), and whether the expert's dispute waits for review."""

    left_early: bool = False
    conduct: tuple[str, ...] = ()
    government: bool = True
    disputed: bool = False

    @property
    def any(self) -> bool:
        return self.left_early or bool(self.conduct)

    @property
    def why(self) -> str:
        """The grounds in words, as the sheet and the notice say them."""
        said = ["未完成评审工作擅自离开评审现场（早退）"] if self.left_early else []
        if self.conduct:
            said.append(f"在评审活动中有违法违规行为（{'、'.join(self.conduct)}）")
        return "；".join(said)


def forfeited(computed: Computed, grounds: Grounds) -> Computed:
    """The fee with what the law forbids taken off (CK-198 Art. 25): the labour items as one
    step, the travel and meal allowances as another, each with the grounds; for a 招标投标
    project a step of nothing that says the item is noted."""
    if not grounds.any:
        return computed
    why, held = grounds.why, grounds.disputed
    if not grounds.government:
        return replace(computed, items=[*computed.items,
                                        FeeItem("noted", 0, why=why)])
    labour = sum(i.fen for i in computed.items if i.kind in LABOUR)
    travel = sum(i.fen for i in computed.items if i.kind in TRAVEL)
    items = [*computed.items, FeeItem("forfeit", -labour, why=why, held=held)]
    if travel:
        items.append(FeeItem("forfeit_travel", -travel, why=why, held=held))
    return replace(computed, total_fen=computed.total_fen - labour - travel, items=items)


async def grounds_of(root: DrawActivity, item: Invitation) -> Grounds:
    """The grounds on this expert's record at this evaluation: the record's 早退 and conduct
    (the marks the agency confirmed are merged into it when written, and an administrator's
    review corrects it), or, before the record is written, the marks confirmed."""
    record = await PerformanceRecord.get_or_none(invitation_id=item.id)
    marks = set() if record is not None else set(await column(RecordProposal.filter(
        activity_id=root.id, invitation_id=item.id, status="confirmed"), "mark"))
    codes = list(record.conduct) if record else []
    codes += sorted(m for m in marks if m and m not in ("late", LEFT_EARLY))
    left_early = bool(record and record.left_early) or LEFT_EARLY in marks
    if (record is not None and record.absence) or not (left_early or codes):
        return Grounds()  # nothing to forfeit (an absent expert's record has no ticks)
    project = await Project.get_or_none(id=root.project_id)
    kind = project.kind if project else ""
    return Grounds(left_early, tuple(await ConductCatalogue.names(list(dict.fromkeys(codes)))),
                   kind.partition("/")[0] == GOVERNMENT,
                   bool(record and record.disputed and record.reviewed_at is None))
