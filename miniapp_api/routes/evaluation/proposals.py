"""Proposals on experts' performance records (services/evaluation/proposals.py): the
evaluation's proposals for the agency, decided one by one with a reason, and those
confirmed on the expert's own records, each explained — which scores, against what, by how
much, or what was reported."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import AGENCY, activity_in_path, actor
from miniapp_api.schemas import Model
from models.evaluation.scores import RecordProposal
from models.people import Role

api = Api()
TAG = "履职评价"
EXPERT = {Role.EXPERT}


class ProposalOut(Model):
    id: int
    invitation_id: int = Field(description="本库专家的邀请；外库借调的专家为 0（见 lent_code）")
    lent_code: str = Field(default="", description=(
        "外库借调的专家的验证码（确认后随评标信息发送其专家库，记入专家本人的档案）；本库专家为空"))
    expert: str = Field(description="专家姓名（外库专家为对方告知的姓名和专家库）")
    kind: str = Field(description="deviation 评分偏离 / objective 客观分不一致 / "
                                  "leaning 评分倾向 / event 现场事件")
    kind_title: str = Field(description="类别（文字）")
    explanation: str = Field(description="说明：哪些评分、与什么比较、偏离多少，或报告的事件")
    status: str = Field(description="proposed 待确认 / confirmed 已确认 / dismissed 不予采纳")
    status_title: str = Field(description="状态（文字）")
    mark: str = Field(description="确认后记入的事项：late 迟到、left_early 早退或履职问题的 code")
    mark_title: str = Field(description="确认后记入的事项（文字）")
    reason: str = Field(description="代理机构确认或不予采纳的理由")
    created_at: datetime
    decided_at: datetime | None


class ProposalsOut(Model):
    proposals: list[ProposalOut]


class DecisionIn(Model):
    confirm: bool = Field(description="true 确认并记入履职记录；false 不予采纳")
    reason: str = Field(default="", max_length=200, description="理由（必填；空的被拒绝并说明）")
    mark: str = Field(default="", max_length=32,
                      description="确认时记入的事项：late、left_early 或履职问题的 code；"
                                  "空为建议的事项")


async def proposal_out(call: Call, p: RecordProposal, expert: str) -> ProposalOut:
    texts = call.services.texts
    names = {i.code: i.name for i in await call.domain.conduct.items()}
    mark = {"late": "迟到", "left_early": "早退"}.get(p.mark) or names.get(p.mark, "")
    return ProposalOut(
        id=p.id, invitation_id=p.invitation_id, expert=expert, kind=p.kind,
        lent_code=str(p.detail["lent"]["code"]) if "lent" in p.detail else "",
        kind_title=texts.word("proposal_kind", p.kind),
        explanation=call.domain.proposals.explain(texts, p),
        status=p.status, status_title=texts.word("proposal_status", p.status), mark=p.mark,
        mark_title=mark, reason=p.reason, created_at=p.created_at, decided_at=p.decided_at)


async def listing_out(call: Call) -> ProposalsOut:
    shown = await call.domain.proposals.listing(await activity_in_path(call))
    return ProposalsOut(proposals=[await proposal_out(call, s.proposal, s.expert)
                                   for s in shown])


@api.route("GET", "/draws/activities/{activity_id}/performance/proposals", access=AGENCY,
           response=ProposalsOut, tag=TAG,
           summary="评标系统的评分分析和现场事件生成的履职建议（待代理机构确认）")
async def listing(call: Call) -> ProposalsOut:
    return await listing_out(call)


@api.route("POST", "/draws/activities/{activity_id}/performance/proposals/{proposal_id}/decision",
           access=AGENCY, body=DecisionIn, response=ProposalsOut, tag=TAG,
           summary="确认（记入履职记录）或不予采纳一条履职建议，须填写理由")
async def decide(call: Call, body: DecisionIn) -> ProposalsOut:
    await call.domain.proposals.decide(await activity_in_path(call),
                                       call.path_int("proposal_id"), body.confirm,
                                       body.reason, body.mark, call.now, actor(call))
    return await listing_out(call)


@api.route("GET", "/me/performance/proposals", access=EXPERT, response=ProposalsOut, tag=TAG,
           summary="我的履职记录中经代理机构确认的评分分析和现场事件（含说明和理由）")
async def mine(call: Call) -> ProposalsOut:
    person = call.caller.need_person()
    return ProposalsOut(proposals=[await proposal_out(call, p, person.name)
                                   for p in await call.domain.proposals.of_expert(person.id)])
