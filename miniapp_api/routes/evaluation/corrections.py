"""A score table's corrections as the agency reads them (services/evaluation/corrections.py,
GPL-87 Art. 64): each with its case, the committee's written reason and the scores it
changed, and when the evaluation report was signed (no correction after)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import AGENCY, activity_in_path
from miniapp_api.routes.evaluation.proposals import TAG
from miniapp_api.schemas import Model

api = Api()


class ChangeOut(Model):
    expert: str = Field(description="专家姓名（外库借调的专家为其验证码）")
    bidder: str = Field(description="投标人")
    criterion: str = Field(description="评分因素")
    before: str = Field(description="更正前分值")
    after: str = Field(description="更正后分值")


class CorrectionOut(Model):
    correction_id: str = Field(description="评标系统的更正编号")
    case: str = Field(description=(
        "sum_error 分值汇总计算错误 / out_of_range 分项评分超出评分标准范围 / "
        "objective_mismatch 客观评审因素评分不一致 / extreme 评分畸高、畸低"))
    case_title: str = Field(description="第六十四条的情形（文字）")
    reason: str = Field(description="评标委员会的书面说明")
    changed: int = Field(description="修改的分值项数")
    received_at: datetime
    changes: list[ChangeOut]


class CorrectionsOut(Model):
    signed_at: datetime | None = Field(
        description="评标报告签署时间（签署后不再接受更正）；未签署为空")
    corrections: list[CorrectionOut]


@api.route("GET", "/draws/activities/{activity_id}/scores/corrections", access=AGENCY,
           response=CorrectionsOut, tag=TAG,
           summary="评分表的更正（政府采购货物和服务招标投标管理办法第六十四条）和评标报告签署时间")
async def listing(call: Call) -> CorrectionsOut:
    signed_at, shown = await call.domain.corrections.listing(await activity_in_path(call))
    texts = call.services.texts
    return CorrectionsOut(signed_at=signed_at, corrections=[CorrectionOut(
        correction_id=s.correction.correction_id, case=s.correction.case,
        case_title=texts.word("correction_case", s.correction.case),
        reason=s.correction.reason, changed=s.correction.changed,
        received_at=s.correction.received_at,
        changes=[ChangeOut(expert=c.expert, bidder=c.bidder, criterion=c.criterion,
                           before=c.before, after=c.after) for c in s.changes])
        for s in shown])
