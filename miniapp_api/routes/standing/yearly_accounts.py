"""Each expert's account of a finished China year (年度考核: BJ-EXAM Art. 18; the rule of
ours in docs/rules-that-are-ours.md): the expert reads their own, the administrator a
year's, page by page."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.paging import PageOut, PageQuery
from miniapp_api.schemas import Model
from models.people import Role
from models.sanctions import YearlyAccount
from services.common.paging import PAGE, decode, encode
from services.common.pii import mask_name

api = Api()
TAG = "处分与抽取规则"
ADMIN = {Role.ADMIN}
EXPERT = {Role.EXPERT}


class AccountOut(Model):
    year: int = Field(description="年度（北京时间1月1日至12月31日开始的评标）")
    invited: int = Field(description="受邀次数（撤回、取消的抽取不计）")
    declined: int = Field(description="不参加次数")
    served: int = Field(description="参加评标次数（有履职记录的）")
    late: int = Field(description="迟到次数")
    left_early: int = Field(description="早退次数")
    conduct: int = Field(description="有履职问题的记录数")
    absent: int = Field(description="登记缺席次数")
    leave: int = Field(description="登记请假次数")
    sanctions: int = Field(description="当年作出的处理（撤销的不计）")
    courses: int = Field(description="当年继续教育合格的课程数")
    hours: int = Field(description="其学时合计")
    credit_score: int = Field(description="生成时的信用分")
    credit_level: str = Field(description="生成时的信用等级")
    made_at: datetime = Field(description="生成时间")


class AccountRowOut(AccountOut):
    expert_number: str
    name: str = Field(description="专家姓名（脱敏）")


class MineOut(Model):
    accounts: list[AccountOut] = Field(description="我的各年度履职情况，最近的年度在前")


class YearQuery(PageQuery):
    year: int = Field(ge=2000, le=2100, description="年度")
    limit: int = Field(default=PAGE, ge=1, le=1000, description="每页条数")


class YearOut(PageOut):
    made_from: datetime = Field(description="该年度的履职情况自此时起生成（该年最后的评标"
                                            "履职记录截止之后）")
    accounts: list[AccountRowOut]


def account_out(a: YearlyAccount) -> dict[str, object]:
    return {name: getattr(a, name) for name in AccountOut.model_fields}


@api.route("GET", "/expert/yearly-accounts", access=EXPERT, response=MineOut, tag="专家",
           summary="我的年度履职情况（年度考核的依据）")
async def mine(call: Call) -> MineOut:
    rows = await call.domain.yearly_accounts.of_person(call.caller.need_person().id)
    return MineOut(accounts=[AccountOut(**account_out(a)) for a in rows])


@api.route("GET", "/admin/yearly-accounts", access=ADMIN, query=YearQuery, response=YearOut,
           tag=TAG, summary="某一年度各专家的履职情况（分页，已脱敏）")
async def of_year(call: Call, query: YearQuery) -> YearOut:
    key = decode(query.after, int)
    rows = await call.domain.yearly_accounts.of_year(query.year, key[0] if key else 0,
                                                     query.limit)
    last = rows[-1].account.expert_id if len(rows) == query.limit else None
    return YearOut(made_from=await call.domain.yearly_accounts.opens(query.year),
                   accounts=[AccountRowOut(
        expert_number=r.number, name=mask_name(r.name), **account_out(r.account))
        for r in rows], next=encode(last) if last else None)
