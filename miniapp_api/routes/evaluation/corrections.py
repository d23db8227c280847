"""A score table's corrections as the agency reads them (services/evaluation/corrections.py,
GPL-87 Art. 64): each with its case, the committee's written reason and the scores it
changed, and when the evaluation report was signed (no correction after)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import AGENCY, activity_in_path, actor
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


class ReviewOut(Model):
    number: int = Field(description="第几次要求复核")
    reason: str = Field(description="代理机构的说明")
    items: int = Field(description="要求复核的评分项数")
    asked_at: datetime
    received_at: datetime | None = Field(description="评标系统收到的时间；未收到为空（自动重发）")
    state_title: str = Field(description="送达情况（文字）")


class CorrectionsOut(Model):
    signed_at: datetime | None = Field(
        description="评标报告签署时间（签署后不再接受更正）；未签署为空")
    corrections: list[CorrectionOut]
    reviews: list[ReviewOut] = Field(
        description="代理机构要求评标委员会复核的记录（第四十五条（八））")


class ReviewIn(Model):
    reason: str = Field(default="", max_length=200,
                        description="说明（必填）：请评标委员会复核或书面说明理由")


@api.route("GET", "/draws/activities/{activity_id}/scores/corrections", access=AGENCY,
           response=CorrectionsOut, tag=TAG,
           summary="评分表的更正（政府采购货物和服务招标投标管理办法第六十四条）、复核要求和评标报告签署时间")
async def listing(call: Call) -> CorrectionsOut:
    return await corrections_out(call)


@api.route("POST", "/draws/activities/{activity_id}/scores/reviews", access=AGENCY,
           body=ReviewIn, response=CorrectionsOut, tag=TAG,
           summary="评标报告签署前，要求评标委员会复核评分或书面说明理由（发送给评标系统）")
async def ask_review(call: Call, body: ReviewIn) -> CorrectionsOut:
    await call.domain.score_reviews.ask(await activity_in_path(call), body.reason,
                                        actor(call), call.now)
    return await corrections_out(call)


async def corrections_out(call: Call) -> CorrectionsOut:
    activity = await activity_in_path(call)
    signed_at, shown = await call.domain.corrections.listing(activity)
    texts = call.services.texts
    reviews = [ReviewOut(number=r.number, reason=r.reason, items=len(r.items),
                         asked_at=r.asked_at, received_at=r.acked_at,
                         state_title=texts.render("evaluation/review_state.j2", review_row=r))
               for r in await call.domain.score_reviews.of(activity)]
    return CorrectionsOut(signed_at=signed_at, reviews=reviews, corrections=[CorrectionOut(
        correction_id=s.correction.correction_id, case=s.correction.case,
        case_title=texts.word("correction_case", s.correction.case),
        reason=s.correction.reason, changed=s.correction.changed,
        received_at=s.correction.received_at,
        changes=[ChangeOut(expert=c.expert, bidder=c.bidder, criterion=c.criterion,
                           before=c.before, after=c.after) for c in s.changes])
        for s in shown])
