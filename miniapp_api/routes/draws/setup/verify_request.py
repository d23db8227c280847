"""The whole request in front of a verifier (GD-DRAW: 交易中心核验): the project with its
sections, the activity with its notices, conditions (in names), avoidances and attachments,
the agency's reason, every earlier submission and decision, and what changed since the last
refusal."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import ActivityOut, activity_out
from miniapp_api.schemas import Model
from models.people import Role
from services.draws.setup import PARTS

api = Api()
TAG = "交易中心核验"


class PartOut(Model):
    part: str = Field(description="times / notices / conditions / avoidances / evidence")
    title: str
    items: list[str] = Field(description="each item in words (regions and specialties named)")


class RoundOut(Model):
    at: datetime
    action: str = Field(description="submit 提交 / take_back 撤回 / verify 通过 / refuse 不通过")
    title: str
    actor: str = Field(description="经办人或核验人（脱敏）")
    reason: str | None


class ChangeOut(Model):
    part: str
    title: str
    removed: list[str]
    added: list[str]


class SectionRowOut(Model):
    number: str
    name: str
    investment_wan: str = Field(description="标段投资额（万元）")


class ProjectHeadOut(Model):
    """What a request or a record is about: the project, its place, who tenders, which
    agency, and the activity's sections."""

    project: str
    project_number: str
    project_region: str = Field(description="项目所在地（地区名称）")
    tenderer: str
    agency: str
    sections: list[str] = Field(description="本次抽取的标段：编号 名称")
    # GD-DRAW's 招标项目信息
    project_kind: str = Field(default="", description="招标项目类型")
    funding: str = Field(default="", description="资金来源")
    approval_no: str = Field(default="", description="项目审批文号")
    tender_method: str = Field(default="", description="招标方式")
    organisation: str = Field(default="", description="招标组织形式")
    tenderer_type: str = Field(default="", description="招标人类别")
    investment_yuan: float = Field(default=0, description="项目投资总额（元）")
    investment_wan: str = Field(default="", description="项目投资总额（万元）")
    investment_code: str = Field(default="", description="投资项目统一代码")
    tenderer_credit_code: str = Field(default="", description="招标人统一社会信用代码")
    agency_credit_code: str = Field(default="", description="招标代理机构统一社会信用代码")
    contact_name: str = Field(default="", description="项目联系人")
    contact_phone: str = Field(default="", description="项目联系方式（脱敏）")
    section_rows: list[SectionRowOut] = Field(default_factory=list,
                                              description="本次抽取的标段及其投资额")


class RequestOut(ProjectHeadOut):
    activity: ActivityOut
    request: list[PartOut]
    history: list[RoundOut]
    refused_before: bool = Field(description="此前被退回过")
    changes_known: bool = Field(description="退回时的申请内容有记录，可比较")
    changes: list[ChangeOut] = Field(description="与被退回的申请相比：删除的和新增的")


@api.route("GET", "/verify/activities/{activity_id}", access={Role.VERIFIER},
           response=RequestOut, tag=TAG,
           summary="核验：查看完整申请（条件、回避、通知、附件、历次提交和退回及改动）")
async def request(call: Call) -> RequestOut:
    activity = await call.domain.draws.facts.scope.verifiable_activity(call.caller.grants,
                                                                       call.path_int("activity_id"))
    texts = call.services.texts
    words = call.domain.draws.setup.request_record.words_of(texts)

    def title(part: str) -> str:
        return call.domain.draws.setup.request_record.part_title(texts, part)

    now = await call.domain.draws.setup.request_record.request_of(activity)
    shown = call.domain.draws.setup.request_record.in_words(now, words)
    history = await call.domain.draws.setup.request_record.rounds(activity.id)
    before = call.domain.draws.setup.request_record.refused_request(history)
    return RequestOut(
        **await call.domain.draws.setup.request_record.project_head(activity),
        activity=await activity_out(call, activity),
        request=[PartOut(part=p, title=title(p), items=shown[p]) for p in PARTS],
        history=[RoundOut(at=e.at, action=e.action, actor=e.actor_name, reason=e.reason,
                          title=texts.render("draw/action.j2", action=e.action).strip())
                 for e in history],
        refused_before=any(e.action == "refuse" for e in history),
        changes_known=before is not None,
        changes=[ChangeOut(part=c.part, title=title(c.part), removed=c.removed, added=c.added)
                 for c in (call.domain.draws.setup.request_record.changes(before, now, words)
                           if before is not None else [])])
