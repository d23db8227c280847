"""The audit trail for the audit administrator (审计管理员; GB/T 22239-2019 level 3, 安全审计
and the separation of administrators): the latest entries with who, when, what and on which
item, whether the chain of the last days holds (the whole chain: `expertbot audit-log
verify`), and the record of access to personal data. Read only: nothing edits the trail;
each reading is itself an entry, so the auditor's own work is audited too."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.paging import PageOut, PageQuery
from miniapp_api.schemas import Model
from models.people import Role
from services.common.clock import CHINA

api = Api()
TAG = "审计"
AUDIT = {Role.AUDIT_ADMIN}


class TrailEntryOut(Model):
    seq: int | None = Field(description="在链中的序号（链建立之前的记录为空）")
    at: datetime
    who: str = Field(description="操作人（脱敏）；系统或未识别为空")
    action: str
    title: str
    what: str = Field(description="做了什么、对哪条记录（名称和编号、脱敏姓名、金额）、是否成功")


class TrailOut(Model):
    entries: list[TrailEntryOut]
    earlier: int | None = Field(default=None, description="更早一页：下次请求的 before")
    holds: bool = Field(description="所校验天数内的审计链完整")
    days: int
    checked: int
    broken_at: int | None
    why: str


class TrailQuery(Model):
    action: str | None = Field(default=None, pattern="^[a-z_]{1,24}$")
    days: int = Field(default=7, ge=1, le=366, description="校验最近多少天的审计链")
    day: date | None = Field(default=None, description="只看这一天（北京时间）的记录")
    before: int | None = Field(default=None, ge=1, le=2**63 - 1,
                               description="翻页：只看编号小于此值的记录（上一页的 earlier）")


PAGE = 100


@api.route("GET", "/admin/audit-trail", access=AUDIT, query=TrailQuery,
           response=TrailOut, tag=TAG,
           summary="审计记录（每页100条，可按日期和操作筛选、向前翻页）与最近几天审计链的校验结果")
async def audit_trail(call: Call, query: TrailQuery) -> TrailOut:
    chain, texts = call.domain.audit, call.services.texts
    await chain.chain_draw_logs(call.now)  # what the sweep has not joined yet
    found = await chain.verify(call.now - timedelta(days=query.days))
    start = datetime.combine(query.day, time(), CHINA) if query.day else None
    entries = await chain.recent(PAGE + 1, [query.action] if query.action else None,
                                 before=query.before, start=start,
                                 end=start + timedelta(days=1) if start else None)
    earlier = entries[PAGE - 1].id if len(entries) > PAGE else None
    reader = call.caller.need_person()  # this reading and its result, on the trail itself
    await chain.append("audit_read", call.now, person_id=reader.id, name=reader.name,
                       days=query.days, holds=found.broken_at is None,
                       broken_at=found.broken_at, filter=query.action or "",
                       **({"day": query.day.isoformat()} if query.day else {}))
    said = await call.domain.trail_words.say(entries[:PAGE])
    return TrailOut(entries=[TrailEntryOut(
        seq=e.seq, at=e.at, who=e.actor_name, action=e.action,
        title=texts.word("access_action", e.action), what=what)
        for e, what in zip(entries[:PAGE], said, strict=True)], earlier=earlier,
        holds=found.broken_at is None, checked=found.checked, broken_at=found.broken_at,
        why=found.why, days=query.days)


class AccessOut(Model):
    at: datetime
    who: str = Field(description="管理员（脱敏）")
    action: str
    title: str
    what: str = Field(description="读取或导出了什么、谁的、含哪些个人信息、用途")
    rows: int | None = Field(description="含多少人（或多少条记录）的个人信息；未记录人数的为空")
    held: list[str] = Field(description=(
        "所含个人信息的种类（如“完整身份证号”“手机号（脱敏）”），与导出文件的各列或读取的内容一致；"
        "未逐项记录的早期记录为空"))
    purpose: str = Field(description="用途（未记录的为空）")


class AccessListOut(PageOut):
    entries: list[AccessOut]


@api.route("GET", "/admin/access-log", access=AUDIT, query=PageQuery, response=AccessListOut,
           tag=TAG,
           summary="个人信息访问记录：完整读取专家名册、银行账号、身份证号和导出含个人信息的文件的每一次"
                   "（最新在前，分页）")
async def access_log(call: Call, query: PageQuery) -> AccessListOut:
    texts = call.services.texts
    found = await call.domain.audit.recent_access(query.limit, query.after)
    reader = call.caller.need_person()
    await call.domain.audit.append("audit_read", call.now, person_id=reader.id,
                                   name=reader.name, filter="access_log")
    words = call.domain.trail_words
    said = await words.say(found.rows)
    return AccessListOut(entries=[AccessOut(
        at=e.at, who=e.actor_name, action=e.action,
        title=texts.word("access_action", e.action), what=what,
        rows=e.detail.get("people", e.detail.get("rows")),
        held=(holding := words.holding(e))[0], purpose=holding[1])
        for e, what in zip(found.rows, said, strict=True)], next=found.next)
